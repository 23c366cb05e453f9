"""The family view: who may open it, which relatives and agencies it names, its audit and cost."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent
from roundtable.records.models import MemberRole, Profile, RelationshipKind
from roundtable.records.tests.case_helpers import hidden_profile
from roundtable.records.tests.family_helpers import (
    family,
    open_with,
    relate,
    share_family_with_council,
)
from roundtable.sharing.models import AccessLevel
from roundtable.sharing.tests.factories import profile_for


@pytest.fixture
def world(personas):
    return family(personas)


def _url(profile: Profile) -> str:
    return reverse("records:profile_family", kwargs={"code": profile.code})


def _page(client, profile: Profile) -> tuple[int, str]:
    response = client.get(_url(profile))
    return response.status_code, response.content.decode()


def test_owner_sees_family_agencies_and_cases_but_nothing_hidden(personas, world, client_for):
    status, html = _page(client_for(personas.alice), world.centre)
    assert status == 200
    assert "Robin CENTREHAM's family" in html
    # The partner and, through the partner's relationships, the partner's child.
    assert f'data-code="{world.partner.code}" data-kind="full"' in html
    assert "Sasha PARTNERTON" in html
    assert f'data-code="{world.stepchild.code}" data-kind="full"' in html
    assert "Partner&#x27;s child" in html
    # The council's child: a signpost (name, agencies, request access), never their record.
    assert f'data-code="{world.child.code}" data-kind="signpost"' in html
    assert "Casey CENTREHAM" in html
    assert reverse("records:profile_detail", kwargs={"code": world.child.code}) not in html
    assert "Request access" in html
    assert "Testshire District Council" in html
    # Her team's open case with the child is named with its agencies; the council's case with
    # the partner (not shared with her) and the closed case are not.
    assert world.asb_case.reference in html
    assert world.council_case.reference not in html
    assert world.closed_case.reference not in html
    # The hidden sibling is not even mentioned; an associate is not family.
    assert str(world.hidden_sibling.code) not in html
    assert "HIDDENSIB" not in html  # names print as "Given FAMILY"
    assert "ASSOCIATUS" not in html and str(world.associate.code) not in html


def test_profile_page_links_to_family_view_only_with_relationships(personas, world, client_for):
    owner = client_for(personas.alice).get(world.centre.get_absolute_url()).content.decode()
    assert _url(world.centre) in owner
    colleague = client_for(personas.bob).get(world.centre.get_absolute_url()).content.decode()
    assert _url(world.centre) not in colleague


@pytest.mark.parametrize("persona", ["bob", "carol", "dave"])
def test_viewer_without_the_relationships_section_gets_403(persona, personas, world, client_for):
    # Bob (same force, another team) sees identity and warnings; Carol and Dave a signpost.
    status, html = _page(client_for(getattr(personas, persona)), world.centre)
    assert status == 403
    assert "Sasha" not in html


def test_hidden_centre_is_404_outside_its_owner(personas, world, client_for):
    hidden = hidden_profile(personas.alice, world.asb)
    assert _page(client_for(personas.carol), hidden)[0] == 404
    assert _page(client_for(personas.alice), hidden)[0] == 200


def test_anonymous_is_sent_to_sign_in(world, client):
    response = client.get(_url(world.centre))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_partner_with_a_grant_sees_what_their_team_may(personas, world, client_for):
    share_family_with_council(personas, world)
    status, html = _page(client_for(personas.carol), world.centre)
    assert status == 200
    # The council owns the hidden sibling, so Carol sees it; Alice's partner is a signpost.
    assert f'data-code="{world.hidden_sibling.code}" data-kind="full"' in html
    assert "Morgan HIDDENSIB" in html
    assert f'data-code="{world.partner.code}" data-kind="signpost"' in html
    # Carol may not read the partner's relationships: no second step through them.
    assert str(world.stepchild.code) not in html
    # Her own case with the partner is named; Alice's case with the child is not shared.
    assert world.council_case.reference in html
    assert world.asb_case.reference not in html


def test_every_view_is_audited_for_the_centre_each_relative_and_case(personas, world, client_for):
    before = AuditEvent.objects.count()
    assert _page(client_for(personas.alice), world.centre)[0] == 200
    events = AuditEvent.objects.order_by("pk")[before:]
    by_target = {event.target_id: event for event in events if event.action == Action.VIEW}
    centre = by_target[str(world.centre.code)]
    assert centre.sections == ["relationships"]
    assert centre.detail["page"] == "family_view"
    assert by_target[str(world.child.code)].detail["signpost_only"] is True
    assert by_target[str(world.partner.code)].sections == ["identity"]
    assert str(world.asb_case.code) in by_target
    assert str(world.hidden_sibling.code) not in by_target
    assert str(world.council_case.code) not in by_target
    assert all(event.actor_id == personas.alice.pk for event in events)


def test_audited_record_asks_a_purpose_first_and_audits_it(
    personas, world, client_for, monkeypatch
):
    # Profiles are "open" today; a gallery may make one "audited". The family view then asks
    # readers outside the owning team why, as the case page does, and audits the answer.
    monkeypatch.setattr(Profile, "access_level", property(lambda self: AccessLevel.AUDITED))
    share_family_with_council(personas, world)
    client = client_for(personas.carol)
    status, html = _page(client, world.centre)
    assert status == 200
    assert "Why do you need this record?" in html
    assert "Sasha" not in html
    assert client.post(_url(world.centre), {"purpose": "short"}).status_code == 400
    response = client.post(_url(world.centre), {"purpose": "Planning a family support visit"})
    assert response.status_code == 302
    assert _page(client, world.centre)[0] == 200
    event = AuditEvent.objects.filter(target_id=str(world.centre.code), action=Action.VIEW).last()
    assert event is not None
    assert event.justification == "Planning a family support visit"
    # The owning team is never asked.
    assert "Why do you need" not in _page(client_for(personas.alice), world.centre)[1]


def test_family_view_query_count_is_flat_as_the_family_grows(personas, world, client_for):
    client = client_for(personas.alice)
    url = _url(world.centre)
    client.get(url)  # the first request of a session does extra work

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    alice, carol, asb, council = personas.alice, personas.carol, world.asb, world.council
    for number in range(4):
        mine = profile_for(alice, asb, given_name=f"Kid{number}", family_name="Centreham")
        theirs = profile_for(carol, council, given_name=f"Sib{number}", family_name="Centreham")
        step = profile_for(alice, asb, given_name=f"Step{number}", family_name="Partnerton")
        relate(alice, asb, world.centre, mine, RelationshipKind.PARENT_OF)
        relate(alice, asb, world.centre, theirs, RelationshipKind.SIBLING)
        relate(alice, asb, world.partner, step, RelationshipKind.PARENT_OF)
        open_with(
            alice, asb, world.case_type, [(mine, MemberRole.VICTIM), (theirs, MemberRole.WITNESS)]
        )
    assert count() == few
