"""The meeting page, persona by persona: each agenda item as far as the policy allows that viewer.

alice runs the meeting (her team owns its case and she chairs it); spoc is in her team; bob is in
her organisation but another team (the panel case type shows colleagues its summary); carol is a
council attendee whose team has the meeting's summary by a share; dave is in another partnership.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent
from roundtable.casework.models import PanelMeeting
from roundtable.casework.services import panels as services
from roundtable.casework.tests.panel_helpers import (
    COUNCIL_TITLE,
    HIDDEN_TITLE,
    POLICE_TITLE,
    meeting_url,
    panel,
    share,
    viewer,
)
from roundtable.sharing.models import AccessLevel
from roundtable.sharing.sections import Section

ITEM = re.compile(
    r'data-agenda-item="(\d+)">\s*<h3[^>]*data-testid="item-label">\s*(.*?)\s*</h3>',
    re.S,
)
TAGS = re.compile(r"<[^>]+>")


def labels(html: str) -> dict[int, str]:
    """Each agenda item's heading as plain text, by number."""
    return {
        int(number): " ".join(TAGS.sub("", label).split()) for number, label in ITEM.findall(html)
    }


def page(client, meeting: PanelMeeting) -> str:
    response = client.get(meeting_url(meeting))
    assert response.status_code == 200
    return str(response.content.decode())


def row_of(html: str, user) -> str:
    """The readiness table's row for one attendee."""
    found = re.search(rf'data-readiness="{user.pk}">(.*?)</tr>', html, re.S)
    assert found is not None
    return found.group(1)


@pytest.fixture
def setup(personas):
    return panel(personas)


def _write_item_minutes(personas, setup, number: int, text: str) -> None:
    item = setup.meeting.agenda.order_by("position")[number - 1]
    services.panel_minutes_save(
        actor=personas.alice,
        viewer=viewer(personas.alice),
        meeting=setup.meeting,
        item=item,
        text=text,
        expected_version=0,
    )


def test_owner_sees_own_items_and_only_the_signpost_of_a_case_she_cannot_see(
    personas, setup, client_for
):
    html = page(client_for(personas.alice), setup.meeting)
    shown = labels(html)
    assert shown[1] == f"Item 1: {setup.police_case.reference}, {POLICE_TITLE}"
    assert shown[2] == "Item 2: a case you cannot see (owned by Testshire District Council)"
    assert shown[3] == f"Item 3: {setup.hidden_case.reference}, {HIDDEN_TITLE}"
    assert shown[4] == "Item 4: Rowan AGENDASON"
    assert COUNCIL_TITLE not in html
    assert setup.council_case.reference not in html


def test_attendee_with_a_summary_share_sees_the_title_but_not_the_minutes(
    personas, setup, client_for
):
    _write_item_minutes(personas, setup, 1, "Agreed a joint visit to the household.")
    html = page(client_for(personas.carol), setup.meeting)
    shown = labels(html)
    assert shown[1] == f"Item 1: {setup.police_case.reference}, {POLICE_TITLE}"
    assert "Agreed a joint visit" not in html
    assert "belong to its diary, which has not been shared with you" in html
    # Her own team's case is hers to see, whoever runs the meeting.
    assert shown[2] == f"Item 2: {setup.council_case.reference}, {COUNCIL_TITLE}"


def test_the_owner_reads_the_minutes_she_wrote(personas, setup, client_for):
    _write_item_minutes(personas, setup, 1, "Agreed a joint visit to the household.")
    html = page(client_for(personas.alice), setup.meeting)
    assert "Agreed a joint visit to the household." in html


def test_a_hidden_case_reads_withheld_without_naming_an_agency(personas, setup, client_for):
    for user in (personas.carol, personas.bob):
        html = page(client_for(user), setup.meeting)
        assert labels(html)[3] == "Item 3: withheld"
        assert HIDDEN_TITLE not in html
        assert setup.hidden_case.reference not in html


def test_a_person_the_partner_cannot_see_reads_as_a_signpost(personas, setup, client_for):
    html = page(client_for(personas.carol), setup.meeting)
    assert labels(html)[4] == (
        "Item 4: a person whose record you cannot see (owned by Testshire Police)"
    )
    assert "AGENDASON" not in html
    assert "Rowan" not in html


def test_a_colleague_in_another_team_sees_what_his_organisation_may(personas, setup, client_for):
    html = page(client_for(personas.bob), setup.meeting)
    shown = labels(html)
    # The ASB case type shows colleagues in the owning organisation its summary.
    assert shown[1] == f"Item 1: {setup.police_case.reference}, {POLICE_TITLE}"
    assert shown[2] == "Item 2: a case you cannot see (owned by Testshire District Council)"
    assert shown[3] == "Item 3: withheld"
    assert shown[4] == "Item 4: Rowan AGENDASON"  # a person's identity is shown to colleagues


def test_outsider_in_another_partnership_gets_404(personas, setup, client_for):
    assert client_for(personas.dave).get(meeting_url(setup.meeting)).status_code == 404


def test_a_missing_meeting_is_404(personas, setup, client_for):
    url = reverse("casework:meeting_detail", kwargs={"code": setup.police_case.code})
    assert client_for(personas.alice).get(url).status_code == 404  # a case, not a meeting


def test_only_editors_see_who_cannot_see_what(personas, setup, client_for):
    owner_html = page(client_for(personas.alice), setup.meeting)
    assert 'data-testid="readiness"' in owner_html
    carol_row = row_of(owner_html, personas.carol)
    assert re.search(r'data-testid="sees-meeting">Can see it', carol_row)
    assert re.search(r'data-testid="cannot-see">3, 4<', carol_row)
    assert re.search(r'data-testid="cannot-read-notes">1, 3, 4<', carol_row)
    assert 'data-testid="readiness"' not in page(client_for(personas.carol), setup.meeting)
    assert 'data-testid="readiness"' not in page(client_for(personas.bob), setup.meeting)


def test_the_readiness_table_moves_once_the_owner_shares(personas, setup, client_for):
    share(
        setup.police_case,
        by=personas.alice,
        team=setup.work.council_asb,
        sections=[Section.DIARY],
        work=setup.work,
    )
    html = page(client_for(personas.alice), setup.meeting)
    assert re.search(r'data-testid="cannot-read-notes">3, 4<', row_of(html, personas.carol))
    _write_item_minutes(personas, setup, 1, "Agreed a joint visit to the household.")
    assert "Agreed a joint visit" in page(client_for(personas.carol), setup.meeting)


def test_an_attendee_who_cannot_see_the_meeting_is_flagged(personas, setup, client_for):
    services.panel_attendee_add(
        actor=personas.alice,
        meeting=setup.meeting,
        user=personas.dave,
        team=setup.work.far_team,
        role="guest",
    )
    html = page(client_for(personas.alice), setup.meeting)
    dave_row = row_of(html, personas.dave)
    assert "Cannot see it" in dave_row
    # Being an attendee gives dave nothing.
    assert client_for(personas.dave).get(meeting_url(setup.meeting)).status_code == 404


def test_the_meeting_minutes_need_the_meeting_case_diary(personas, setup, client_for):
    services.panel_minutes_save(
        actor=personas.alice,
        viewer=viewer(personas.alice),
        meeting=setup.meeting,
        text="Panel opened at 10:00; apologies from housing.",
        expected_version=0,
    )
    assert "apologies from housing" in page(client_for(personas.alice), setup.meeting)
    carol_html = page(client_for(personas.carol), setup.meeting)
    assert "apologies from housing" not in carol_html
    assert 'data-testid="meeting-notes-withheld"' in carol_html


def test_a_view_is_audited_for_the_meeting_and_each_agenda_record_shown(
    personas, setup, client_for
):
    page(client_for(personas.carol), setup.meeting)
    views = AuditEvent.objects.filter(action=Action.VIEW, actor=personas.carol)
    meeting_view = views.get(target_id=str(setup.case.code))
    assert meeting_view.sections == [Section.SUMMARY]
    item_one = views.get(target_id=str(setup.police_case.code))
    assert item_one.sections == [Section.SUMMARY]
    assert item_one.justification == f"Agenda item 1 of panel meeting {setup.case.reference}"
    signpost = views.get(target_id=str(setup.person.code))
    assert signpost.detail["signpost_only"] is True
    # Nothing is recorded as shown of a record the viewer could not even know about.
    assert not views.filter(target_id=str(setup.hidden_case.code)).exists()


def test_the_case_page_of_a_meeting_links_to_the_meeting(personas, setup, client_for):
    url = reverse("records:case_detail", kwargs={"code": setup.case.code})
    html = client_for(personas.carol).get(url).content.decode()
    assert meeting_url(setup.meeting) in html
    other = reverse("records:case_detail", kwargs={"code": setup.police_case.code})
    assert (
        'data-testid="panel-meeting-link"'
        not in client_for(personas.alice).get(other).content.decode()
    )


def test_partners_see_no_controls_and_cannot_use_the_forms(personas, setup, client_for):
    html = page(client_for(personas.carol), setup.meeting)
    assert 'data-testid="meeting-controls"' not in html
    for suffix in ("edit/", "agenda/add/", "attendees/add/", "minutes/", "actions/add/"):
        assert client_for(personas.carol).get(meeting_url(setup.meeting, suffix)).status_code == 403
        assert client_for(personas.bob).get(meeting_url(setup.meeting, suffix)).status_code == 403
        assert client_for(personas.dave).get(meeting_url(setup.meeting, suffix)).status_code == 404
        assert client_for(personas.alice).get(meeting_url(setup.meeting, suffix)).status_code == 200


def test_an_audited_meeting_asks_a_reader_outside_the_team_why_first(personas, setup, client_for):
    setup.case.case_type.access_level = AccessLevel.AUDITED
    setup.case.case_type.save()
    client = client_for(personas.bob)
    url = meeting_url(setup.meeting)
    asked = client.get(url).content.decode()
    assert "Why do you need to look at this record?" in asked
    assert 'data-testid="agenda"' not in asked
    assert client.post(url, {"purpose": "Preparing the panel's housing actions"}).status_code == 302
    assert 'data-testid="agenda"' in page(client, setup.meeting)
    event = AuditEvent.objects.get(
        action=Action.VIEW, actor=personas.bob, target_id=str(setup.case.code)
    )
    assert event.justification == "Preparing the panel's housing actions"
    # The owning team is never asked.
    assert 'data-testid="agenda"' in page(client_for(personas.alice), setup.meeting)
