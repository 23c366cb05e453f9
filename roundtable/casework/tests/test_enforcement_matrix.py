"""The enforcement permission matrix: every persona against every case state and access level.

Built on ``records.tests.matrix`` (its world, personas, states and independent oracle, never
``sharing.policy``). Each case gets, through the real services and as whoever owns it now, a
person in the case, a hidden person in the case (while the police own it), linked premises, a
served community protection warning with a breach on the person, a proposed warning letter on
the premises and an acceptable behaviour contract on the hidden person.

The rules (docs/casework.md, "Who sees enforcement"): the ladder and each action need the case's
summary section (unseen: 404; seen without the summary: 403); whom an action is about needs the
members section too, and then a person or premises is named only to a reader who may see its
signpost; every change needs the owning team (anyone else who sees the case: 403; nothing is
written). At the "audited" level a reader outside the owning team is sent to state a purpose.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from roundtable.casework.models import EnforcementAction, EnforcementBreach
from roundtable.casework.powers import EnforcementKind
from roundtable.casework.services import enforcement as services
from roundtable.casework.tests.matrix_helpers import (
    author_of,
    cell_id,
    form_status,
    found,
    module_world,
    owns,
    page_status,
    sees,
    team_of,
)
from roundtable.records.models import MemberRole, Premises, PremisesKind, Profile
from roundtable.records.services import cases as case_services
from roundtable.records.services import places
from roundtable.records.services import profiles as profile_services
from roundtable.records.tests.matrix import (
    ACCESS_LEVELS,
    LEVEL_STATE,
    OWNING_TEAM,
    PERSONAS,
    STATES_BY_KIND,
    World,
)
from roundtable.sharing import policy
from roundtable.sharing.models import AccessLevel, Visibility
from roundtable.sharing.services import record_set_visibility

#: Names of the targets (``Profile.display_name`` upper-cases the family name).
PERSON_NAME = "Ravel ENFORCEBY"
HIDDEN_NAME = "Corvin SHROUDWELL"
PREMISES_NAME = "Larkfield Arms"
UNSEEN_PERSON = "A person whose record you cannot see"
#: Who may see the hidden person (no grants): its owning team, the police ASB team, which owns
#: every record the matrix has not transferred.
HIDDEN_PERSON_OWNERS = OWNING_TEAM["owned"]


def problem_text(key: str) -> str:
    return f"Problem canary Brackwater {key}"


def breach_text(key: str) -> str:
    return f"Breach canary Moorcroft {key}"


def conditions_text(key: str) -> str:
    return f"Premises canary Tennant {key}"


def hidden_terms(key: str) -> str:
    return f"Hidden-target canary Ostrava {key}"


@dataclass
class CaseActions:
    """The actions recorded on one case."""

    case: Any
    cpw: EnforcementAction  # served on the person, breached once
    warning: EnforcementAction  # proposed, on the premises
    abc: EnforcementAction | None  # served on the hidden person (not on the transferred case)


@dataclass
class EnforcementMatrix:
    world: World
    cases: dict[str, CaseActions] = field(default_factory=dict)
    levels: dict[str, CaseActions] = field(default_factory=dict)


def _record_actions(
    world: World, case: Any, author_name: str, key: str, targets: dict[str, Any]
) -> CaseActions:
    author = world.users[author_name]
    team = team_of(author)
    viewer = policy.viewer_for_user(author, team)
    case_services.case_member_add(
        actor=author,
        viewer=viewer,
        case=case,
        profile=targets["person"],
        role=MemberRole.PERPETRATOR,
    )
    # The hidden person is the police's: only their team can add (or see) them.
    with_hidden = author_name == "owner"
    if with_hidden:
        case_services.case_member_add(
            actor=author,
            viewer=viewer,
            case=case,
            profile=targets["hidden"],
            role=MemberRole.PERPETRATOR,
        )
    case_services.case_link_add(
        actor=author, viewer=viewer, case=case, premises=targets["premises"]
    )
    today = timezone.localdate()

    def add(kind: str, **details: Any) -> EnforcementAction:
        return services.enforcement_create(
            actor=author,
            viewer=viewer,
            case=case,
            kind=kind,
            issuing_organisation=team.organisation,
            issuing_team=team,
            officer=author,
            **details,
        )

    cpw = add(
        EnforcementKind.CPW,
        target_profile=targets["person"],
        served_on=today - timedelta(days=7),
        problem=problem_text(key),
        required_change="Keep the music down after 11pm",
        deadline=today + timedelta(days=30),
    )
    services.enforcement_breach_record(
        actor=author,
        viewer=viewer,
        action=cpw,
        expected_version=cpw.version,
        occurred_on=today - timedelta(days=1),
        description=breach_text(key),
        reported_by="A neighbour",
        response="warning",
    )
    cpw.refresh_from_db()
    warning = add(
        EnforcementKind.WARNING_LETTER,
        target_premises=targets["premises"],
        conditions=conditions_text(key),
    )
    abc = None
    if with_hidden:
        abc = add(
            EnforcementKind.ABC,
            target_profile=targets["hidden"],
            served_on=today - timedelta(days=3),
            conditions=hidden_terms(key),
            review_on=today + timedelta(days=60),
        )
    return CaseActions(case=case, cpw=cpw, warning=warning, abc=abc)


def _targets(world: World) -> dict[str, Any]:
    owner = world.users["owner"]
    team = team_of(owner)
    person = profile_services.profile_create(
        actor=owner, team=team, given_name="Ravel", family_name="Enforceby"
    )
    hidden: Profile = profile_services.profile_create(
        actor=owner, team=team, given_name="Corvin", family_name="Shroudwell"
    )
    record_set_visibility(
        actor=owner,
        record=hidden,
        visibility=Visibility.HIDDEN,
        expected_version=hidden.version,
        reason="Protected witness (test)",
    )
    premises: Premises = places.premises_create(
        actor=owner, team=team, name=PREMISES_NAME, kind=PremisesKind.LICENSED
    )
    return {"person": person, "hidden": hidden, "premises": premises}


def _populate(world: World) -> EnforcementMatrix:
    matrix = EnforcementMatrix(world=world)
    targets = _targets(world)
    for state in STATES_BY_KIND["case"]:
        case = world.record("case", state)
        matrix.cases[state] = _record_actions(world, case, author_of(state), state, targets)
    for level, case in world.levels.items():
        matrix.levels[level] = _record_actions(world, case, "owner", f"level {level}", targets)
    return matrix


enforcement_matrix = module_world(_populate, kinds=("case",))

CASE_CELLS = [(state, persona) for state in STATES_BY_KIND["case"] for persona in PERSONAS]
LEVEL_CELLS = [(level, persona) for level in ACCESS_LEVELS for persona in PERSONAS]


def _ladder_url(case: Any) -> str:
    return reverse("casework:enforcement_ladder", kwargs={"code": case.code})


def _action_url(action: EnforcementAction, name: str = "detail") -> str:
    return reverse(
        f"casework:enforcement_{name}",
        kwargs={"code": action.case.code, "action_code": action.code},
    )


def _names_expected(sections: frozenset[str], persona: str, has_hidden: bool) -> dict[str, bool]:
    """Which target names (and the 'cannot see' wording) a reader with these sections gets."""
    members = "members" in sections
    hidden_named = members and has_hidden and persona in HIDDEN_PERSON_OWNERS
    return {
        PERSON_NAME: members,
        PREMISES_NAME: members,
        HIDDEN_NAME: hidden_named,
        UNSEEN_PERSON: members and has_hidden and not hidden_named,
    }


# --- the ladder ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("state", "persona"), CASE_CELLS, ids=[cell_id(c) for c in CASE_CELLS])
def test_ladder_follows_the_oracle(db, enforcement_matrix, state, persona):
    actions = enforcement_matrix.cases[state]
    response = enforcement_matrix.world.clients[persona].get(_ladder_url(actions.case))
    body = response.content.decode()
    status = page_status("case", state, persona, "summary")
    assert response.status_code == status
    shown = status == 200
    assert (_action_url(actions.cpw) in body) is shown
    assert (_action_url(actions.warning) in body) is shown
    names = _names_expected(sees("case", state, persona), persona, actions.abc is not None)
    for text, expected in names.items():
        assert (text in body) is (shown and expected), text
    if shown:
        assert ('data-testid="targets-withheld"' in body) is (
            "members" not in sees("case", state, persona)
        )
    add_url = reverse("casework:enforcement_choose", kwargs={"code": actions.case.code})
    assert (add_url in body) is (shown and owns(state, persona))


# --- one action ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("state", "persona"), CASE_CELLS, ids=[cell_id(c) for c in CASE_CELLS])
def test_action_pages_follow_the_oracle(db, enforcement_matrix, state, persona):
    actions = enforcement_matrix.cases[state]
    client = enforcement_matrix.world.clients[persona]
    status = page_status("case", state, persona, "summary")
    sections = sees("case", state, persona)
    members = "members" in sections

    response = client.get(_action_url(actions.cpw))
    body = response.content.decode()
    assert response.status_code == status
    shown = status == 200
    assert (problem_text(state) in body) is shown
    assert (breach_text(state) in body) is shown
    assert (PERSON_NAME in body) is (shown and members)
    assert ("Withheld: the case" in body) is (shown and not members)
    assert (_action_url(actions.cpw, "breach") in body) is (shown and owns(state, persona))

    response = client.get(_action_url(actions.warning))
    body = response.content.decode()
    assert response.status_code == status
    assert (conditions_text(state) in body) is shown
    assert (PREMISES_NAME in body) is (shown and members)
    assert (_action_url(actions.warning, "serve") in body) is (shown and owns(state, persona))

    if actions.abc is not None:
        response = client.get(_action_url(actions.abc))
        body = response.content.decode()
        assert response.status_code == status
        assert (hidden_terms(state) in body) is shown
        named = _names_expected(sections, persona, True)
        assert (HIDDEN_NAME in body) is (shown and named[HIDDEN_NAME])
        assert (UNSEEN_PERSON in body) is (shown and named[UNSEEN_PERSON])


# --- the owning team's forms --------------------------------------------------------------------


def _form_urls(actions: CaseActions) -> list[str]:
    code = actions.case.code
    return [
        reverse("casework:enforcement_choose", kwargs={"code": code}),
        reverse("casework:enforcement_add", kwargs={"code": code, "kind": EnforcementKind.CPW}),
        _action_url(actions.warning, "serve"),
        _action_url(actions.cpw, "breach"),
        _action_url(actions.cpw, "change"),
        _action_url(actions.cpw, "end"),
        _action_url(actions.warning, "end"),
    ]


@pytest.mark.parametrize(("state", "persona"), CASE_CELLS, ids=[cell_id(c) for c in CASE_CELLS])
def test_forms_open_only_to_the_owning_team(db, enforcement_matrix, state, persona):
    actions = enforcement_matrix.cases[state]
    client = enforcement_matrix.world.clients[persona]
    expected = form_status("case", state, persona)
    for url in _form_urls(actions):
        response = client.get(url)
        assert response.status_code == expected, url
        if expected != 200:
            assert problem_text(state) not in response.content.decode()


@pytest.mark.parametrize(("state", "persona"), CASE_CELLS, ids=[cell_id(c) for c in CASE_CELLS])
def test_recording_a_breach_is_written_only_for_the_owning_team(
    db, enforcement_matrix, state, persona
):
    actions = enforcement_matrix.cases[state]
    before = EnforcementBreach.objects.filter(action=actions.cpw).count()
    response = enforcement_matrix.world.clients[persona].post(
        _action_url(actions.cpw, "breach"),
        {
            "occurred_on": timezone.localdate().strftime("%d/%m/%Y"),
            "description": "Matrix breach: music again at 2am",
            "reported_by": "A neighbour",
            "response": "none",
            "response_notes": "",
            "version": str(actions.cpw.version),
        },
    )
    after = EnforcementBreach.objects.filter(action=actions.cpw).count()
    if owns(state, persona):
        assert response.status_code == 302
        assert after == before + 1
    else:
        assert response.status_code == form_status("case", state, persona)
        assert after == before


# --- the case page's enforcement line -----------------------------------------------------------


@pytest.mark.parametrize(("state", "persona"), CASE_CELLS, ids=[cell_id(c) for c in CASE_CELLS])
def test_case_page_enforcement_line_needs_the_summary(db, enforcement_matrix, state, persona):
    case = enforcement_matrix.cases[state].case
    response = enforcement_matrix.world.clients[persona].get(case.get_absolute_url())
    assert response.status_code == (200 if found("case", state, persona) else 404)
    body = response.content.decode()
    assert ('data-testid="enforcement-summary"' in body) is (
        "summary" in sees("case", state, persona)
    )
    assert (_ladder_url(case) in body) is ("summary" in sees("case", state, persona))


# --- the case timeline ---------------------------------------------------------------------------


@pytest.mark.parametrize(("state", "persona"), CASE_CELLS, ids=[cell_id(c) for c in CASE_CELLS])
def test_timeline_shows_enforcement_with_the_summary_naming_as_the_ladder(
    db, enforcement_matrix, state, persona
):
    actions = enforcement_matrix.cases[state]
    response = enforcement_matrix.world.clients[persona].get(
        reverse("casework:case_timeline", kwargs={"code": actions.case.code})
    )
    sections = sees("case", state, persona)
    assert response.status_code == (200 if sections else 404)
    body = response.content.decode()
    shown = "summary" in sections
    assert ("Community protection warning served" in body) is shown
    assert ("Community protection warning breached" in body) is shown
    assert ("Warning letter proposed" in body) is shown
    names = _names_expected(sections, persona, actions.abc is not None)
    for text, expected in names.items():
        assert (text in body) is (shown and expected), text


# --- access levels ------------------------------------------------------------------------------


@pytest.mark.parametrize(("level", "persona"), LEVEL_CELLS, ids=[cell_id(c) for c in LEVEL_CELLS])
def test_ladder_at_each_access_level(db, enforcement_matrix, level, persona):
    actions = enforcement_matrix.levels[level]
    response = enforcement_matrix.world.clients[persona].get(_ladder_url(actions.case))
    body = response.content.decode()
    status = page_status("case", LEVEL_STATE, persona, "summary")
    asked = (
        status == 200 and level == AccessLevel.AUDITED and persona not in OWNING_TEAM[LEVEL_STATE]
    )
    if asked:
        assert response.status_code == 302
        assert response["Location"] == actions.case.get_absolute_url()
    else:
        assert response.status_code == status
    shown = response.status_code == 200
    assert (_action_url(actions.cpw) in body) is shown
    names = _names_expected(sees("case", LEVEL_STATE, persona), persona, True)
    for text, expected in names.items():
        assert (text in body) is (shown and expected), text
