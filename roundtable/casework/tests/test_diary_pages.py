"""The diary pages through the real stack: who sees entries, who is told they are withheld, who
gets 404; adding, correcting and retracting through the forms; audit and query budgets."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from roundtable.audit.models import Action, AuditEvent
from roundtable.casework.models import DiaryEntry, DiaryRevision
from roundtable.casework.services import diary as services
from roundtable.casework.tests.diary_helpers import (
    add_url,
    diary_world,
    entry_url,
    list_url,
    write,
)
from roundtable.records.models import CaseMember, MemberRole
from roundtable.records.tests.case_helpers import hidden_profile, open_case
from roundtable.sharing.models import AccessLevel, Visibility
from roundtable.sharing.services import record_set_visibility
from roundtable.sharing.tests.factories import case_type_for, profile_for

SECRET = "Saw the Quenby van outside number 9 at dusk"


@pytest.fixture
def world(personas):
    return diary_world(personas)


def _get(client, url):
    response = client.get(url)
    return response.status_code, response.content.decode()


# --- who sees the diary ---------------------------------------------------------------------------


def test_owner_sees_the_entries_newest_first(world, client_for):
    alice, asb = world.personas.alice, world.work.asb
    write(alice, asb, world.case, "Older visit.", occurred_at=timezone.now() - timedelta(days=2))
    write(alice, asb, world.case, SECRET)
    status, body = _get(client_for(alice), list_url(world.case))
    assert status == 200
    assert body.index(SECRET) < body.index("Older visit.")
    assert 'data-testid="add-entry"' in body
    assert 'data-testid="withheld"' not in body


def test_partner_with_a_diary_share_sees_the_entries(world, client_for):
    world.share(world.case, ["diary"])
    write(world.personas.alice, world.work.asb, world.case, SECRET)
    status, body = _get(client_for(world.personas.carol), list_url(world.case))
    assert status == 200
    assert SECRET in body


def test_partner_whose_share_lacks_the_diary_is_told_it_is_withheld_and_whom_to_ask(
    world, client_for
):
    # Carol's team sees this case at summary and members (its type's default), not the diary.
    write(world.personas.alice, world.work.asb, world.case, SECRET)
    status, body = _get(client_for(world.personas.carol), list_url(world.case))
    assert status == 200
    assert SECRET not in body
    assert 'data-testid="withheld"' in body
    assert 'data-withheld="diary"' in body
    assert "ASB Team, Testshire Police" in body
    assert reverse("sharing:request_access", kwargs={"kind": "case", "code": world.case.code}) in (
        body
    )


def test_an_outsider_who_sees_only_a_signpost_gets_404(world, client_for):
    write(world.personas.alice, world.work.asb, world.person, SECRET)
    status, body = _get(client_for(world.personas.dave), list_url(world.person))
    assert status == 404
    assert SECRET not in body


def test_a_hidden_record_is_404_to_everyone_outside_it(world, client_for):
    alice, asb = world.personas.alice, world.work.asb
    witness = hidden_profile(alice, asb)
    entry = write(alice, asb, witness, SECRET)
    for persona in (world.personas.bob, world.personas.carol, world.personas.dave):
        for url in (list_url(witness), entry_url(entry), add_url(witness)):
            status, body = _get(client_for(persona), url)
            assert status == 404, (persona, url)
            assert SECRET not in body
    assert _get(client_for(alice), entry_url(entry))[0] == 200


def test_an_unknown_kind_or_record_is_404(world, client_for):
    client = client_for(world.personas.alice)
    url = reverse("casework:diary_list", kwargs={"kind": "vehicle", "code": world.case.code})
    assert client.get(url).status_code == 404
    url = reverse("casework:diary_list", kwargs={"kind": "person", "code": world.case.code})
    assert client.get(url).status_code == 404


def test_an_entry_is_404_under_another_record(world, client_for):
    entry = write(world.personas.alice, world.work.asb, world.case, SECRET)
    url = reverse(
        "casework:diary_entry",
        kwargs={"kind": "person", "code": world.person.code, "entry": entry.code},
    )
    assert client_for(world.personas.alice).get(url).status_code == 404


def test_entries_filed_in_a_section_the_viewer_lacks_are_left_out(world, client_for):
    world.share(world.person, ["identity", "diary"])
    alice, asb = world.personas.alice, world.work.asb
    write(alice, asb, world.person, "Diary note everyone shared sees.")
    write(alice, asb, world.person, SECRET, section="sensitive")
    status, body = _get(client_for(world.personas.carol), list_url(world.person))
    assert status == 200
    assert "Diary note everyone shared sees." in body
    assert SECRET not in body
    assert 'data-testid="partly-withheld"' in body
    assert SECRET in _get(client_for(alice), list_url(world.person))[1]


def test_filtering_by_type_lists_only_those_types(world, client_for):
    alice, asb = world.personas.alice, world.work.asb
    write(alice, asb, world.case, "A phone call.", entry_type="phone_call")
    write(alice, asb, world.case, "A letter.", entry_type="letter_served")
    status, body = _get(client_for(alice), list_url(world.case) + "?types=letter_served")
    assert status == 200
    assert "A letter." in body and "A phone call." not in body


def test_entries_are_paginated_newest_first(world, client_for):
    alice, asb = world.personas.alice, world.work.asb
    now = timezone.now()
    for number in range(27):
        write(
            alice,
            asb,
            world.case,
            f"Entry number {number:02d}.",
            occurred_at=now - timedelta(hours=number + 1),
        )
    client = client_for(alice)
    first = _get(client, list_url(world.case))[1]
    second = _get(client, list_url(world.case) + "?page=2")[1]
    assert "Entry number 00." in first and "Entry number 24." in first
    assert "Entry number 25." not in first
    assert "Entry number 25." in second and "Entry number 26." in second
    assert 'rel="next"' in first and 'rel="prev"' in second


def test_viewing_the_diary_is_audited_with_the_sections_and_entries_shown(world, client_for):
    alice, asb = world.personas.alice, world.work.asb
    entry = write(alice, asb, world.person, SECRET)
    client_for(alice).get(list_url(world.person))
    event = AuditEvent.objects.filter(action=Action.VIEW, target_id=str(world.person.code)).latest(
        "id"
    )
    assert event.sections == ["diary"]
    assert event.detail["page"] == "diary"
    assert event.detail["diary_entries"] == [str(entry.code)]


def test_a_withheld_diary_view_is_audited_with_no_sections(world, client_for):
    write(world.personas.alice, world.work.asb, world.case, SECRET)
    client_for(world.personas.carol).get(list_url(world.case))
    event = AuditEvent.objects.filter(
        action=Action.VIEW, target_id=str(world.case.code), actor=world.personas.carol
    ).latest("id")
    assert event.sections == []
    assert event.detail["diary_entries"] == []


def test_linked_people_are_named_only_to_viewers_who_may_identify_them(world, client_for):
    alice, asb = world.personas.alice, world.work.asb
    world.share(world.case, ["diary"])
    named = profile_for(alice, asb, given_name="Ottoline", family_name="Namewell")
    CaseMember.objects.create(case=world.case, profile=named, role=MemberRole.VICTIM)
    write(alice, asb, world.case, SECRET, linked_profiles=(named,))
    assert "Ottoline NAMEWELL" in _get(client_for(alice), list_url(world.case))[1]
    body = _get(client_for(world.personas.carol), list_url(world.case))[1]
    assert SECRET in body
    assert "Ottoline" not in body
    assert "a person whose record you cannot see" in body


def test_a_case_type_at_the_audited_level_asks_a_partner_why_first(world, client_for):
    audited = case_type_for(
        world.work.testshire, name="Audited", prefix="AUD", access_level=AccessLevel.AUDITED
    )
    case = open_case(world.personas.alice, world.work.asb, audited, fields={})
    world.share(case, ["diary"])
    write(world.personas.alice, world.work.asb, case, SECRET)
    client = client_for(world.personas.carol)
    status, body = _get(client, list_url(case))
    assert status == 200 and SECRET not in body
    assert "Why do you need this record?" in body
    response = client.post(list_url(case), {"purpose": "Preparing for the joint visit"})
    assert response.status_code == 302
    status, body = _get(client, list_url(case))
    assert status == 200 and SECRET in body
    event = AuditEvent.objects.filter(
        action=Action.VIEW, target_id=str(case.code), actor=world.personas.carol
    ).latest("id")
    assert event.justification == "Preparing for the joint visit"


# --- one entry and its history --------------------------------------------------------------------


def test_the_entry_page_shows_the_entry_and_every_earlier_version(world, client_for):
    alice, asb = world.personas.alice, world.work.asb
    entry = write(alice, asb, world.case, "Spoke to Mr Abel.")
    services.diary_entry_correct(
        actor=alice, team=asb, entry=entry, expected_version=0, body=SECRET, reason="Wrong name"
    )
    world.share(world.case, ["diary"])
    for persona in (alice, world.personas.carol):
        status, body = _get(client_for(persona), entry_url(entry))
        assert status == 200
        assert SECRET in body and "Spoke to Mr Abel." in body and "Wrong name" in body
        assert 'data-testid="corrected"' in body
    assert 'data-testid="correct"' in _get(client_for(alice), entry_url(entry))[1]
    assert (
        'data-testid="correct"' not in _get(client_for(world.personas.carol), entry_url(entry))[1]
    )


def test_the_entry_page_says_the_section_is_withheld_without_its_text(world, client_for):
    entry = write(world.personas.alice, world.work.asb, world.case, SECRET)
    status, body = _get(client_for(world.personas.carol), entry_url(entry))
    assert status == 200
    assert SECRET not in body
    assert 'data-withheld="diary"' in body


# --- adding an entry ------------------------------------------------------------------------------


def _noon():
    """Midday today, so that 00:01 has passed and 23:59 has not. A page asked for before the
    jump and the form posted after it would be 12 hours apart in a morning run: longer than the
    idle timeout, so the post would meet the sign-in page instead. Tests make every request
    inside the jump."""
    return timezone.now().replace(hour=12, minute=0)


def _form(**overrides):
    today = timezone.localdate()
    data = {
        "entry_type": "home_visit",
        "occurred_on_0": str(today.day),
        "occurred_on_1": str(today.month),
        "occurred_on_2": str(today.year),
        "occurred_time": "00:01",
        "body": SECRET,
        "section": "diary",
    }
    data.update(overrides)
    return data


def test_owner_adds_an_entry_through_the_form(world, client_for):
    client = client_for(world.personas.alice)
    with time_machine.travel(_noon(), tick=False):
        assert client.get(add_url(world.case)).status_code == 200
        response = client.post(add_url(world.case), _form())
    assert response.status_code == 302
    entry = DiaryEntry.objects.get()
    assert (entry.case, entry.body, entry.recorded_by) == (world.case, SECRET, world.personas.alice)
    assert timezone.localtime(entry.occurred_at).strftime("%H:%M") == "00:01"


def test_the_form_offers_only_people_linked_to_the_record_whom_the_author_can_identify(
    world, client_for
):
    alice, asb = world.personas.alice, world.work.asb
    member = profile_for(alice, asb, given_name="Marisol", family_name="Caseling")
    CaseMember.objects.create(case=world.case, profile=member, role=MemberRole.PERPETRATOR)
    profile_for(alice, asb, given_name="Unlinked", family_name="Stranger")
    client = client_for(alice)
    with time_machine.travel(_noon(), tick=False):
        body = _get(client, add_url(world.case))[1]
        assert "Marisol CASELING" in body and "Stranger" not in body
        response = client.post(add_url(world.case), _form(linked_profiles=[str(member.code)]))
    assert response.status_code == 302
    assert list(DiaryEntry.objects.get().linked_profiles.all()) == [member]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"body": ""}, "Enter what happened"),
        ({"entry_type": ""}, "Choose what kind of entry this is"),
        ({"occurred_time": "25:99"}, "Enter the time it happened, like 14:30"),
        ({"occurred_on_0": "31", "occurred_on_1": "2"}, "must be a real date"),
        ({"occurred_time": "23:59"}, "cannot be in the future"),
    ],
)
def test_bad_input_shows_the_error_and_writes_nothing(world, client_for, overrides, message):
    with time_machine.travel(_noon(), tick=False):
        response = client_for(world.personas.alice).post(add_url(world.case), _form(**overrides))
    body = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in body and message in body
    assert not DiaryEntry.objects.exists()


def test_partner_without_the_diary_may_file_only_in_sections_it_sees(world, client_for):
    client = client_for(world.personas.carol)  # sees summary and members of this case
    with time_machine.travel(_noon(), tick=False):
        body = _get(client, add_url(world.case))[1]
        assert 'value="summary"' in body and 'value="diary"' not in body
        response = client.post(add_url(world.case), _form(section="diary"))
    assert response.status_code == 400
    assert not DiaryEntry.objects.exists()


# --- correcting and retracting --------------------------------------------------------------------


def _correct(entry, **overrides):
    local = timezone.localtime(entry.occurred_at)
    data = {
        "version": str(entry.version),
        "entry_type": entry.entry_type,
        "occurred_on_0": str(local.day),
        "occurred_on_1": str(local.month),
        "occurred_on_2": str(local.year),
        "occurred_time": local.strftime("%H:%M"),
        "body": entry.body,
        "reason": "Wrong house number",
    }
    data.update(overrides)
    return data


def test_the_author_corrects_an_entry_and_its_history_shows_the_earlier_text(world, client_for):
    entry = write(world.personas.alice, world.work.asb, world.case, "At 14 Elm Row.")
    client = client_for(world.personas.alice)
    assert client.get(entry_url(entry, "diary_entry_correct")).status_code == 200
    response = client.post(entry_url(entry, "diary_entry_correct"), _correct(entry, body=SECRET))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.body == SECRET and entry.version == 1
    body = _get(client, entry_url(entry))[1]
    assert "At 14 Elm Row." in body and "Wrong house number" in body


def test_another_team_gets_403_on_the_correct_and_retract_pages(world, client_for):
    world.share(world.case, ["diary"])
    entry = write(world.personas.alice, world.work.asb, world.case, SECRET)
    client = client_for(world.personas.carol)
    for name in ("diary_entry_correct", "diary_entry_retract"):
        assert client.get(entry_url(entry, name)).status_code == 403
        assert client.post(entry_url(entry, name), _correct(entry)).status_code == 403
    assert DiaryEntry.objects.get(pk=entry.pk).version == 0


def test_the_correct_page_is_404_to_a_viewer_who_cannot_see_the_entry(world, client_for):
    entry = write(world.personas.alice, world.work.asb, world.case, SECRET)
    for persona in (world.personas.carol, world.personas.dave):
        response = client_for(persona).get(entry_url(entry, "diary_entry_correct"))
        assert response.status_code == 404


def test_the_owning_teams_manager_corrects_a_partners_entry_through_the_page(world, client_for):
    world.share(world.case, ["diary"])
    entry = write(world.personas.carol, world.work.council_asb, world.case, "Council notes.")
    assert (
        client_for(world.personas.alice).get(entry_url(entry, "diary_entry_correct")).status_code
        == 403
    )
    response = client_for(world.personas.spoc).post(
        entry_url(entry, "diary_entry_correct"), _correct(entry, body=SECRET)
    )
    assert response.status_code == 302
    assert DiaryEntry.objects.get(pk=entry.pk).body == SECRET


def test_a_stale_correction_shows_both_versions_and_overwrites_nothing(world, client_for):
    alice, asb = world.personas.alice, world.work.asb
    entry = write(alice, asb, world.case, "First words.")
    read_at_zero = _correct(entry, body="My words.")
    services.diary_entry_correct(
        actor=world.personas.audrey,
        team=asb,
        entry=entry,
        expected_version=0,
        body=SECRET,
        reason="x",
    )
    response = client_for(alice).post(entry_url(entry, "diary_entry_correct"), read_at_zero)
    body = response.content.decode()
    assert response.status_code == 409
    assert 'data-testid="conflict-current-values"' in body
    assert SECRET in body and "My words." in body
    entry.refresh_from_db()
    assert entry.body == SECRET and entry.version == 1
    assert DiaryRevision.objects.filter(entry=entry).count() == 1


def test_a_correction_without_a_reason_is_refused_on_the_page(world, client_for):
    entry = write(world.personas.alice, world.work.asb, world.case, "First words.")
    response = client_for(world.personas.alice).post(
        entry_url(entry, "diary_entry_correct"), _correct(entry, body=SECRET, reason="")
    )
    assert response.status_code == 400
    assert "Give a reason for the correction" in response.content.decode()
    assert DiaryEntry.objects.get(pk=entry.pk).body == "First words."


def test_a_retracted_entry_stays_listed_struck_through_with_who_and_why(world, client_for):
    entry = write(world.personas.alice, world.work.asb, world.case, SECRET)
    client = client_for(world.personas.alice)
    response = client.post(entry_url(entry, "diary_entry_retract"), {"version": "0", "reason": ""})
    assert response.status_code == 400
    response = client.post(
        entry_url(entry, "diary_entry_retract"), {"version": "0", "reason": "Wrong family"}
    )
    assert response.status_code == 302
    body = _get(client, list_url(world.case))[1]
    assert f'<del data-testid="retracted-body">{SECRET}</del>' in body
    assert "Wrong family" in body and "Alice Ashdown" in body
    detail = _get(client, entry_url(entry))[1]
    assert 'data-testid="retracted"' in detail and 'data-testid="correct"' not in detail


def test_a_stale_retraction_shows_the_entry_as_it_is_now(world, client_for):
    alice, asb = world.personas.alice, world.work.asb
    entry = write(alice, asb, world.case, "First words.")
    services.diary_entry_retract(
        actor=world.personas.audrey, team=asb, entry=entry, expected_version=0, reason="Duplicate"
    )
    response = client_for(alice).post(
        entry_url(entry, "diary_entry_retract"), {"version": "0", "reason": "Wrong case"}
    )
    assert response.status_code == 409
    assert "Duplicate" in response.content.decode()
    entry.refresh_from_db()
    assert entry.retraction_reason == "Duplicate"


# --- links from the record pages ------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["case", "person", "premises", "group"])
def test_record_pages_link_to_the_diary_only_for_viewers_who_see_it(world, client_for, kind):
    record = {
        "case": world.case,
        "person": world.person,
        "premises": world.premises,
        "group": world.group,
    }[kind]
    record_url = record.get_absolute_url()
    assert list_url(record) in _get(client_for(world.personas.alice), record_url)[1]
    # bob, a colleague in the owning organisation, sees the organisation's default, not the diary.
    status, body = _get(client_for(world.personas.bob), record_url)
    assert status == 200 and list_url(record) not in body


def test_the_case_page_links_to_its_timeline(world, client_for):
    body = _get(client_for(world.personas.alice), world.case.get_absolute_url())[1]
    assert reverse("casework:case_timeline", kwargs={"code": world.case.code}) in body


# --- query budgets --------------------------------------------------------------------------------


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["list", "entry"])
def test_the_diary_pages_cost_the_same_however_many_entries_people_and_versions(
    world, client_for, page
):
    alice, asb = world.personas.alice, world.work.asb
    world.share(world.case, ["diary"])
    people = [
        profile_for(alice, asb, given_name=f"Kit{letter}", family_name="Budgetson")
        for letter in "ABCD"
    ]
    for person in people:
        CaseMember.objects.create(case=world.case, profile=person, role=MemberRole.WITNESS)
    first = write(alice, asb, world.case, "One.", linked_profiles=(people[0],))
    url = list_url(world.case) if page == "list" else entry_url(first)
    client = client_for(world.personas.carol)
    client.get(url)
    few = _count(client, url)
    for number in range(12):
        entry = write(alice, asb, world.case, f"More {number}.", linked_profiles=tuple(people))
        services.diary_entry_correct(
            actor=alice,
            team=asb,
            entry=entry,
            expected_version=0,
            body=f"Fixed {number}.",
            reason="x",
        )
    for number in range(3):
        first = services.diary_entry_correct(
            actor=alice,
            team=asb,
            entry=first,
            expected_version=number,
            body=f"Again {number}.",
            reason="y",
        )
    first.linked_profiles.add(*people)
    record_set_visibility(
        actor=alice,
        record=people[1],
        visibility=Visibility.HIDDEN,
        expected_version=people[1].version,
        reason="Protected (test)",
    )
    many = _count(client, url)
    assert many == few, f"{url}: {few} queries with one entry, {many} with more"
