"""Manual overrides of a ranking: pinned, raised, lowered or excluded with a recorded reason,
shown beside the person, audited, ended with a reason; never revealing anyone to a viewer who
cannot see them."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent
from roundtable.risk.models import RankingOverride
from roundtable.risk.selectors.rankings import partnership_scope, priority_ranking
from roundtable.risk.services.rankings import ranking_override_create
from roundtable.risk.tests.ranking_world import build
from roundtable.risk.tests.risk_helpers import TODAY, partnership_of, team_of
from roundtable.sharing import policy

PERSON = re.compile(r'data-person="([0-9a-f-]+)"')
RANKING = reverse("risk:ranking", kwargs={"scope": "partnership", "key": "testshire"})


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def world(personas):
    return build(personas)


def override_url(profile) -> str:
    return reverse(
        "risk:override_add",
        kwargs={"scope": "partnership", "key": "testshire", "person": profile.code},
    )


def shown(world, client) -> list[str]:
    codes = PERSON.findall(client.get(RANKING).content.decode())
    return [next(n for n, p in world.people.items() if str(p.code) == code) for code in codes]


def override(personas, world, name, action, places=0, reason="Known to be in custody (test)."):
    return ranking_override_create(
        actor=personas.spoc,
        team=team_of(personas.spoc),
        scope=partnership_scope(partnership_of(personas.alice)),
        profile=world.people[name],
        action=action,
        places=places,
        reason=reason,
    )


def test_a_manager_pins_a_person_to_the_top_with_a_reason_everyone_who_sees_them_reads(
    personas, client_for, world
):
    client = client_for(personas.spoc)
    response = client.post(
        override_url(world.people["unshared"]),
        {"action": "pin", "reason": "Released from prison last week; intelligence of threats."},
    )
    assert response.status_code == 302
    assert shown(world, client) == ["unshared", "hidden", "shared", "identity_only"]
    body = client_for(personas.alice).get(RANKING).content.decode()
    assert "Released from prison last week; intelligence of threats." in body
    event = AuditEvent.objects.get(action=Action.CREATE, detail__has_key="ranking_override")
    assert event.justification == "Released from prison last week; intelligence of threats."
    assert event.target_id == str(world.people["unshared"].code)


def test_raise_lower_and_exclude_move_people_and_the_excluded_are_listed_apart(
    personas, client_for, world
):
    override(personas, world, "unshared", "raise", places=2)
    override(personas, world, "hidden", "lower", places=1)
    override(personas, world, "shared", "exclude")
    # By score: hidden, identity_only, unshared (shared excluded). Unshared up 2: unshared,
    # hidden, identity_only. Then hidden down 1: unshared, identity_only, hidden.
    client = client_for(personas.alice)
    assert shown(world, client) == ["unshared", "identity_only", "hidden"]
    body = client.get(RANKING).content.decode()
    excluded = body.split('data-testid="excluded"')[1].split("</ul>")[0]
    assert "Sasha SHARED" in excluded


def test_overrides_on_people_a_viewer_cannot_see_change_nothing_they_see(
    personas, client_for, world
):
    override(personas, world, "unshared", "pin")
    override(personas, world, "hidden", "pin")
    override(personas, world, "identity_only", "exclude")
    client = client_for(personas.carol)
    assert shown(world, client) == ["shared", "council"]
    body = client.get(RANKING).content.decode()
    assert "Known to be in custody" not in body
    assert 'data-testid="excluded"' not in body
    carol_view = priority_ranking(
        viewer=policy.viewer_for_user(personas.carol),
        scope=partnership_scope(partnership_of(personas.alice)),
        window_days=365,
    )
    assert carol_view.excluded == []


def test_a_practitioner_cannot_override_and_a_reason_is_required(personas, client_for, world):
    assert client_for(personas.alice).get(override_url(world.people["shared"])).status_code == 403
    client = client_for(personas.spoc)
    missing = client.post(override_url(world.people["shared"]), {"action": "pin", "reason": ""})
    assert missing.status_code == 400
    assert "Give the reason for overriding the ranking" in missing.content.decode()
    no_places = client.post(
        override_url(world.people["shared"]), {"action": "raise", "reason": "Because (test)."}
    )
    assert no_places.status_code == 400
    assert "Give the number of places" in no_places.content.decode()
    assert not RankingOverride.objects.exists()


def test_a_manager_cannot_override_someone_whose_offending_they_cannot_see(
    personas, client_for, world
):
    # The council's own person: the police manager sees no section of them (a signpost).
    response = client_for(personas.spoc).get(override_url(world.people["council"]))
    assert response.status_code == 403
    hidden_far = client_for(personas.spoc).get(override_url(world.people["far"]))
    assert hidden_far.status_code == 403


def test_ending_an_override_needs_a_reason_and_puts_the_person_back(personas, client_for, world):
    pinned = override(personas, world, "unshared", "pin")
    end = reverse(
        "risk:override_end",
        kwargs={"scope": "partnership", "key": "testshire", "override": pinned.code},
    )
    client = client_for(personas.spoc)
    assert client.post(end, {"reason": ""}).status_code == 400
    assert client.post(end, {"reason": "Back in custody (test)."}).status_code == 302
    assert shown(world, client) == ["hidden", "shared", "identity_only", "unshared"]
    pinned.refresh_from_db()
    assert pinned.end_reason == "Back in custody (test)."
    assert client.get(end).status_code == 404


def test_a_pin_in_a_case_type_ranking_shows_nobody_outside_the_cases_the_viewer_sees(
    personas, world
):
    from roundtable.records.services import cases as case_services
    from roundtable.records.tests.case_helpers import casework, open_case
    from roundtable.risk.selectors.rankings import case_type_scope

    setup = casework(personas)
    alice_viewer = policy.viewer_for_user(personas.alice)
    case = open_case(personas.alice, team_of(personas.alice), setup.case_type)
    case_services.case_member_add(
        actor=personas.alice,
        viewer=alice_viewer,
        case=case,
        profile=world.people["unshared"],
        role="subject",
    )
    scope = case_type_scope(alice_viewer, setup.case_type)
    ranking_override_create(
        actor=personas.spoc,
        team=team_of(personas.spoc),
        scope=scope,
        profile=world.people["shared"],
        action="pin",
        reason="Pinned although in no case of this type (test).",
    )
    ranking = priority_ranking(viewer=alice_viewer, scope=scope, window_days=365)
    assert [row.profile.pk for row in ranking.rows] == [world.people["unshared"].pk]
