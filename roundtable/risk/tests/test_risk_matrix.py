"""The risk permission matrix: offences, harm scores, patterns, rankings and overrides against
every persona and every sharing state of a person, through the pages.

Built on ``records.tests.matrix`` (its world of people in every sharing state, its personas and
its independent oracle, never ``sharing.policy``) plus what the records oracle does not give a
person's offending section, written down here as its own literal table (``RISK_ORACLE``): three
more people, whose offending is shared with the partner team with their identity, without it,
and while the record is hidden. A ninth persona, the partner team's manager, sees what the
partner sees (same team) and may override partnership rankings.

Every person has one offence in a category of their own (its name a canary) and a CHI weight of
their own, so each total, place and figure says whose offences were counted. For every cell the
offence list, the score with its working and the person's pattern answer 404 (hidden, or seen as
a signpost only), the withheld page (the record is seen, the offending is not) or the canaries;
the record/correct/remove pages answer 404/403/200 and a POST writes only when allowed; an
override page answers the same way for the partnership's managers and 403 for anyone else.
Per persona, each ranking (partnership, two case types, the team's caseload) holds exactly the
people the oracle lets them see the offending of, in score order, and its cohort pattern counts
exactly them: never a person, an offence or a category of anyone else (count-leak cells).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from roundtable.directory.models import Team, User
from roundtable.directory.tests.factories import enrol_totp
from roundtable.records.models import Case, CaseType, Profile
from roundtable.records.services import cases as case_services
from roundtable.records.services import profiles as profile_services
from roundtable.records.tests.matrix import (
    PERSONAS,
    STATES_BY_KIND,
    World,
    build_world,
    expected_sections,
)
from roundtable.risk.models import HarmModelKind, Offence, OffenceCategory, RankingOverride
from roundtable.risk.selectors.rankings import partnership_scope
from roundtable.risk.services.classification import offence_category_create
from roundtable.risk.services.rankings import ranking_override_create
from roundtable.risk.tests.risk_helpers import at, publish
from roundtable.sharing import policy
from roundtable.sharing.models import SharingAgreement, Visibility
from roundtable.sharing.sections import SECTIONS_BY_KIND, RecordKind, Section
from roundtable.sharing.services import grant_create, record_set_visibility

# --- the axes ---------------------------------------------------------------------------------

#: The records personas, and the partner team's manager (same team as the partner).
RISK_PERSONAS = (*PERSONAS, "partner_manager")
RECORDS_STATES = STATES_BY_KIND["person"]
#: The people the records oracle has no offending share for: the partner team is given
#: identity and offending; offending only; offending only of a hidden record.
RISK_STATES = ("offending_granted", "offending_only", "hidden_offending")
STATES = (*RECORDS_STATES, *RISK_STATES)

ALL = frozenset(SECTIONS_BY_KIND[RecordKind.PROFILE])
ORG = frozenset({Section.IDENTITY, Section.WARNINGS})
IDENTITY_OFFENDING = frozenset({Section.IDENTITY, Section.OFFENDING})
OFFENDING = frozenset({Section.OFFENDING})
NONE: frozenset[str] = frozenset()
NOT_FOUND = None

#: Literal, from ARCHITECTURE.md section 4 as the records oracle reads it: the owning team sees
#: all; colleagues in the owning organisation (and its auditor) the organisation default while
#: visibility is normal, nothing of a hidden record; a partner exactly what is granted, hidden or
#: not; anyone else a signpost, or 404 when hidden; the system administrator 404.
RISK_ORACLE: dict[str, dict[str, frozenset[str] | None]] = {
    "offending_granted": {
        "owner": ALL,
        "manager": ALL,
        "colleague": ORG,
        "partner": IDENTITY_OFFENDING,
        "partner_no_grant": NONE,
        "other_partnership": NONE,
        "auditor": ORG,
        "sysadmin": NOT_FOUND,
    },
    "offending_only": {
        "owner": ALL,
        "manager": ALL,
        "colleague": ORG,
        "partner": OFFENDING,
        "partner_no_grant": NONE,
        "other_partnership": NONE,
        "auditor": ORG,
        "sysadmin": NOT_FOUND,
    },
    "hidden_offending": {
        "owner": ALL,
        "manager": ALL,
        "colleague": NOT_FOUND,
        "partner": OFFENDING,
        "partner_no_grant": NOT_FOUND,
        "other_partnership": NOT_FOUND,
        "auditor": NOT_FOUND,
        "sysadmin": NOT_FOUND,
    },
}

#: Whose team owns the person (and so recorded its offence) in each state.
OWNING = {
    state: ("partner", "partner_manager") if state == "transferred" else ("owner", "manager")
    for state in STATES
}
#: Who answers for the partnership's rankings: its team managers (police ASB, council ASB).
MANAGERS = frozenset({"manager", "partner_manager"})
#: The team each persona acts as (records.tests.matrix._people).
TEAM_NAME = {
    "owner": "Police ASB Team",
    "manager": "Police ASB Team",
    "colleague": "Police IOM Team",
    "partner": "Council ASB Team",
    "partner_manager": "Council ASB Team",
    "partner_no_grant": "Tenancy Enforcement",
    "other_partnership": "Farshire ASB Team",
    "auditor": "Information Governance",
    "sysadmin": None,
}
#: Case types' members each persona sees (the ASB type is shared by default with the council
#: ASB team, members included; neighbour disputes with nobody): literal, not asked of the policy.
SEES_MEMBERS = {
    "ASB": frozenset({"owner", "manager", "partner", "partner_manager"}),
    "NBD": frozenset({"owner", "manager"}),
}
#: The people in an open case of each type (owned by the police ASB team).
CASE_MEMBERS = {
    "ASB": ("owned", "offending_granted", "offending_only", "granted", "transferred"),
    "NBD": ("offending_granted", "hidden_offending", "restricted", "owned"),
}
#: The extra offence recorded by the partner team on the offending_granted person.
PARTNER_STATE = "offending_granted"
PARTNER_WEIGHT = 5
#: The person pinned to the top of the partnership ranking by the police ASB manager.
PINNED = "owned"
PIN_REASON = "Pin canary Halvorsen: released last week (test)."
NAME = "MATRIXPERSON"
WITHHELD = 'data-testid="offending-withheld"'
PERSON_ROW = re.compile(r'<tr class="govuk-table__row" data-person="([0-9a-f-]+)">(.*?)</tr>', re.S)


def sees(state: str, persona: str) -> frozenset[str] | None:
    """The oracle's sections of the person in a state: None for 404, empty for a signpost."""
    row = "partner" if persona == "partner_manager" else persona
    if state in RISK_ORACLE:
        return RISK_ORACLE[state][row]
    return expected_sections("person", state, row)


def sees_offending(state: str, persona: str) -> bool:
    return Section.OFFENDING in (sees(state, persona) or NONE)


def weight(state: str) -> int:
    """Each person's own CHI weight: distinct, so a ranking's order says who is in it."""
    return 100 * (STATES.index(state) + 1)


def total(state: str) -> int:
    return weight(state) + (PARTNER_WEIGHT if state == PARTNER_STATE else 0)


def offences_of(state: str) -> int:
    return 2 if state == PARTNER_STATE else 1


def canary(state: str) -> str:
    return f"Mxcanary {state.replace('_', ' ')} offence"


PARTNER_CANARY = "Mxcanary partner-recorded offence"


def read_status(state: str, persona: str) -> int:
    """A person's risk page: 404 unless the viewer sees a section of the person."""
    return 200 if sees(state, persona) else 404


def write_status(state: str, persona: str) -> int:
    """Record an offence: 404 as for reading, 403 without the offending section."""
    if not sees(state, persona):
        return 404
    return 200 if sees_offending(state, persona) else 403


def amend_status(state: str, persona: str, recorders: tuple[str, ...]) -> int:
    """Correct or remove an offence: as writing, and only the recording or owning team."""
    status = write_status(state, persona)
    if status != 200:
        return status
    return 200 if persona in (*recorders, *OWNING[state]) else 403


#: Personas whose team belongs to another partnership than the ranked one.
OUTSIDE_PARTNERSHIP = frozenset({"other_partnership"})


def override_status(state: str, persona: str) -> int:
    """Override a person's place in the partnership ranking."""
    if persona in OUTSIDE_PARTNERSHIP:
        return 404  # another partnership's ranking does not open for them at all
    if persona not in MANAGERS:
        return 403
    if sees(state, persona) is None:
        return 404
    return 200 if sees_offending(state, persona) else 403


def expected_ranking(persona: str, people: tuple[str, ...] | None = None) -> list[str]:
    """Highest total first, among the people whose offending the persona sees."""
    pool = STATES if people is None else people
    return sorted((s for s in pool if sees_offending(s, persona)), key=total, reverse=True)


# --- the world ----------------------------------------------------------------------------------


@dataclass
class RiskMatrix:
    world: World
    people: dict[str, Profile]
    clients: dict[str, Client]
    teams: dict[str, Team]
    offences: dict[str, Offence]
    partner_offence: Offence
    categories: dict[str, OffenceCategory]
    case_types: dict[str, CaseType]
    pin: RankingOverride
    extra: dict[str, Any] = field(default_factory=dict)


def _client(user: User) -> Client:
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        enrol_totp(user)
    client = Client()
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return client


def _team(user: User) -> Team:
    return user.memberships.select_related("team__organisation").get().team


def _person(owner: User, state: str) -> Profile:
    team = _team(owner)
    person = profile_services.profile_create(
        actor=owner, team=team, given_name="Jory", family_name="Matrixperson"
    )
    agreement = SharingAgreement.objects.get(reference="ISA-MATRIX-1")
    council = Team.objects.get(name="Council ASB Team")
    sections: list[str] = [Section.OFFENDING]
    if state == "offending_granted":
        sections.append(Section.IDENTITY)
    grant_create(
        actor=owner,
        record=person,
        agreement=agreement,
        sections=sections,
        team=council,
        reason="Joint offender management (test)",
    )
    if state == "hidden_offending":
        person.refresh_from_db()
        record_set_visibility(
            actor=owner,
            record=person,
            visibility=Visibility.HIDDEN,
            expected_version=person.version,
            reason="Protected witness (test)",
        )
    person.refresh_from_db()
    return person


def _record(user: User, profile: Profile, category: OffenceCategory, days_ago: int) -> Offence:
    from roundtable.risk.services.offences import OffenceDetails, offence_create

    team = _team(user)
    return offence_create(
        actor=user,
        team=team,
        profile=profile,
        details=OffenceDetails(
            category=category,
            role="offender",
            occurred_at=at(timezone.localdate() - timedelta(days=days_ago)),
            time_known=True,
            disposal="charged",
            source_organisation=team.organisation,
            postcode="TE1 1AA",
        ),
    )


def _populate(world: World) -> RiskMatrix:
    users = dict(world.users)
    users["partner_manager"] = User.objects.get(email="pm@council.invalid")
    partnership = _team(users["owner"]).organisation.partnership
    assert partnership is not None
    categories = {
        state: offence_category_create(
            actor=None,
            partnership=partnership,
            code=f"MX{index:02d}",
            name=canary(state),
            group="Matrix offences",
        )
        for index, state in enumerate(STATES)
    }
    categories["partner"] = offence_category_create(
        actor=None, partnership=partnership, code="MXP", name=PARTNER_CANARY, group="Matrix"
    )
    weights = {categories[state].code: weight(state) for state in STATES}
    weights["MXP"] = PARTNER_WEIGHT
    publish(partnership, HarmModelKind.CHI, weights, windows=(365,))
    people = {state: world.record("person", state) for state in RECORDS_STATES}
    for state in RISK_STATES:
        people[state] = _person(users["owner"], state)
    offences = {}
    for index, state in enumerate(STATES):
        author = users[OWNING[state][0]]
        offences[state] = _record(author, people[state], categories[state], 10 + index)
    partner_offence = _record(users["partner"], people[PARTNER_STATE], categories["partner"], 40)
    owner = users["owner"]
    viewer = policy.viewer_for_user(owner)
    case_types = {}
    for prefix, members in CASE_MEMBERS.items():
        case_type = CaseType.objects.get(partnership=partnership, reference_prefix=prefix)
        case_types[prefix] = case_type
        case: Case = case_services.case_create(
            actor=owner, team=_team(owner), case_type=case_type, title=f"Matrix {prefix} case"
        )
        for state in members:
            case_services.case_member_add(
                actor=owner, viewer=viewer, case=case, profile=people[state], role="subject"
            )
    manager = users["manager"]
    pin = ranking_override_create(
        actor=manager,
        team=_team(manager),
        scope=partnership_scope(partnership),
        profile=people[PINNED],
        action="pin",
        reason=PIN_REASON,
    )
    clients = dict(world.clients)
    clients["partner_manager"] = _client(users["partner_manager"])
    teams = {name: Team.objects.get(name=name) for name in set(TEAM_NAME.values()) if name}
    return RiskMatrix(
        world=world,
        people=people,
        clients=clients,
        teams=teams,
        offences=offences,
        partner_offence=partner_offence,
        categories=categories,
        case_types=case_types,
        pin=pin,
        extra={"partnership": partnership, "users": users},
    )


@pytest.fixture(scope="module")
def risk_matrix(django_db_setup: None, django_db_blocker: Any) -> Iterator[RiskMatrix]:
    """The records world's people with offences, scores, cases and a pin, built once."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _populate(build_world(("person",)))
        transaction.set_rollback(True)


#: The states each person's page is checked in: every way the offending is or is not reached
#: (owned; identity shared without it; an expired grant; restricted; hidden; the glass broken;
#: transferred; and the three offending shares). The records states left out (a pending or
#: granted request, expired glass) reach a person's offending exactly as one of these does; every
#: state's person is still in every ranking below.
CELL_STATES = (
    "owned",
    "granted",
    "grant_expired",
    "restricted",
    "hidden",
    "glass_active",
    "transferred",
    *RISK_STATES,
)
CELLS = [(state, persona) for state in CELL_STATES for persona in RISK_PERSONAS]
IDS = ["-".join(cell) for cell in CELLS]
#: Only the partnership's managers may override; everyone else is refused before the person is
#: looked at, so they are checked on a person whose offending they see and one they do not.
OVERRIDE_CELLS = [
    (state, persona)
    for state in CELL_STATES
    for persona in RISK_PERSONAS
    if persona in MANAGERS or state in ("offending_granted", "owned")
]


def _url(name: str, profile: Profile, offence: Offence | None = None) -> str:
    kwargs: dict[str, Any] = {"code": profile.code}
    if offence is not None:
        kwargs["offence"] = offence.code
    return reverse(f"risk:{name}", kwargs=kwargs)


def _named(state: str, persona: str) -> bool:
    """A risk page names the person when the viewer sees the identity or the record is not
    hidden (as its signpost would); otherwise it says the identity is withheld."""
    hidden = state in ("hidden", "hidden_offending")
    return Section.IDENTITY in (sees(state, persona) or NONE) or not hidden


# --- a person's pages ---------------------------------------------------------------------------


@pytest.mark.parametrize(("state", "persona"), CELLS, ids=IDS)
def test_a_persons_risk_pages_follow_the_oracle(db, risk_matrix, state, persona):
    """The offence list, the score with its working and the pattern of one person."""
    profile = risk_matrix.people[state]
    shows = sees_offending(state, persona)
    for page in ("offence_list", "person_harm", "person_pattern"):
        response = risk_matrix.clients[persona].get(_url(page, profile))
        body = response.content.decode()
        assert response.status_code == read_status(state, persona), page
        assert (canary(state) in body) is shows, page
        assert (WITHHELD in body) is (response.status_code == 200 and not shows), page
        if page == "person_harm" and shows:
            assert f'data-testid="score-total">{total(state)}<' in body
        if page == "person_pattern" and shows:
            assert f"{offences_of(state)} offence" in body
        if response.status_code == 200:
            assert (NAME in body) is _named(state, persona), page
        else:
            assert NAME not in body, page


# --- record, correct and remove an offence ------------------------------------------------------


def _offence_post(
    risk_matrix: RiskMatrix, state: str, persona: str, **changes: str
) -> dict[str, str]:
    day = timezone.localdate() - timedelta(days=3)
    team = risk_matrix.teams.get(TEAM_NAME[persona] or "")
    organisation = team.organisation_id if team else ""
    return {
        "version": str(changes.pop("version", "")),
        "category": str(risk_matrix.categories[state].pk),
        "role": "suspect",
        "occurred_on_0": str(day.day),
        "occurred_on_1": str(day.month),
        "occurred_on_2": str(day.year),
        "occurred_time": "21:30",
        "disposal": "charged",
        "postcode": "te1 1aa",
        "source_organisation": str(organisation),
        **changes,
    }


@pytest.mark.parametrize(("state", "persona"), CELLS, ids=IDS)
def test_recording_an_offence_follows_the_oracle(db, risk_matrix, state, persona):
    profile = risk_matrix.people[state]
    client = risk_matrix.clients[persona]
    url = _url("offence_add", profile)
    expected = write_status(state, persona)
    assert client.get(url).status_code == expected
    before = Offence.objects.filter(profile=profile).count()
    response = client.post(url, _offence_post(risk_matrix, state, persona))
    after = Offence.objects.filter(profile=profile).count()
    if expected == 200:
        assert response.status_code == 302
        assert after == before + 1
    else:
        assert response.status_code == expected
        assert after == before


@pytest.mark.parametrize(("state", "persona"), CELLS, ids=IDS)
def test_correcting_and_removing_an_offence_follow_the_oracle(db, risk_matrix, state, persona):
    """The correction page and its POST, then the removal's POST: written only when allowed."""
    profile = risk_matrix.people[state]
    offence = Offence.objects.get(pk=risk_matrix.offences[state].pk)
    client = risk_matrix.clients[persona]
    expected = amend_status(state, persona, OWNING[state])
    edit = _url("offence_edit", profile, offence)
    response = client.get(edit)
    assert response.status_code == expected
    assert (canary(state) in response.content.decode()) is (expected == 200)
    data = _offence_post(risk_matrix, state, persona, version=str(offence.version))
    data["category"] = str(risk_matrix.categories["partner"].pk)
    response = client.post(edit, data)
    offence.refresh_from_db()
    assert response.status_code == (302 if expected == 200 else expected)
    assert (offence.category_id != risk_matrix.categories[state].pk) is (expected == 200)
    remove = _url("offence_remove", profile, offence)
    reason = "Recorded on the wrong person (test)."
    response = client.post(remove, {"version": str(offence.version), "reason": reason})
    offence.refresh_from_db()
    assert response.status_code == (302 if expected == 200 else expected)
    assert offence.is_removed is (expected == 200)


PARTNER_CELLS = [(PARTNER_STATE, persona) for persona in RISK_PERSONAS]


@pytest.mark.parametrize(
    ("state", "persona"), PARTNER_CELLS, ids=["-".join(c) for c in PARTNER_CELLS]
)
def test_the_team_that_recorded_an_offence_may_correct_it_as_may_the_owning_team(
    db, risk_matrix, state, persona
):
    offence = risk_matrix.partner_offence
    url = _url("offence_edit", risk_matrix.people[state], offence)
    expected = amend_status(state, persona, ("partner", "partner_manager"))
    assert risk_matrix.clients[persona].get(url).status_code == expected


# --- overrides ----------------------------------------------------------------------------------


def _ranking_url(name: str, scope: str, key: str, **more: Any) -> str:
    return reverse(f"risk:{name}", kwargs={"scope": scope, "key": key, **more})


@pytest.mark.parametrize(
    ("state", "persona"), OVERRIDE_CELLS, ids=["-".join(c) for c in OVERRIDE_CELLS]
)
def test_overriding_a_persons_place_follows_the_oracle(db, risk_matrix, state, persona):
    profile = risk_matrix.people[state]
    key = risk_matrix.extra["partnership"].short_name
    url = _ranking_url("override_add", "partnership", key, person=profile.code)
    client = risk_matrix.clients[persona]
    expected = override_status(state, persona)
    response = client.get(url)
    assert response.status_code == expected
    if expected == 200:
        assert (NAME in response.content.decode()) is (
            Section.IDENTITY in (sees(state, persona) or NONE)
        )
    else:
        assert NAME not in response.content.decode()
    before = RankingOverride.objects.count()
    response = client.post(url, {"action": "exclude", "reason": "In custody until March (test)."})
    if expected == 200 and state == PINNED:
        # Already pinned: refused, naming the live override, and nothing written.
        assert response.status_code == 400
        assert "already has an override in this ranking" in response.content.decode()
        assert RankingOverride.objects.count() == before
    elif expected == 200:
        assert response.status_code == 302
        assert RankingOverride.objects.count() == before + 1
    else:
        assert response.status_code == expected
        assert RankingOverride.objects.count() == before


@pytest.mark.parametrize("persona", RISK_PERSONAS)
def test_ending_an_override_follows_the_oracle(db, risk_matrix, persona):
    key = risk_matrix.extra["partnership"].short_name
    url = _ranking_url("override_end", "partnership", key, override=risk_matrix.pin.code)
    client = risk_matrix.clients[persona]
    expected = override_status(PINNED, persona)
    response = client.get(url)
    assert response.status_code == expected
    assert (PIN_REASON in response.content.decode()) is (expected == 200)
    client.post(url, {"reason": "Back in custody (test)."})
    pin = RankingOverride.objects.get(pk=risk_matrix.pin.pk)
    assert (pin.ended_at is not None) is (expected == 200)


# --- rankings and cohort patterns ---------------------------------------------------------------


def _shown(risk_matrix: RiskMatrix, body: str) -> list[tuple[str, str]]:
    by_code = {str(p.code): state for state, p in risk_matrix.people.items()}
    return [(by_code.get(code, code), row) for code, row in PERSON_ROW.findall(body)]


def _check_ranking(risk_matrix: RiskMatrix, persona: str, url: str, people: list[str]) -> None:
    """The page ranks exactly ``people`` in order, named only when their identity is seen, with
    their own totals; its cohort pattern counts exactly them, their offences and categories."""
    client = risk_matrix.clients[persona]
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    rows = _shown(risk_matrix, body)
    assert [state for state, _row in rows] == people
    for state, row in rows:
        assert f'data-testid="score">{total(state)}<' in row
        assert (NAME in row) is (Section.IDENTITY in (sees(state, persona) or NONE))
    assert "Scores are advisory" in body
    pattern = client.get(url.replace("/?", "/pattern/?") if "?" in url else url + "pattern/")
    assert pattern.status_code == 200
    text = pattern.content.decode()
    count = len(people)
    noun = "person" if count == 1 else "people"
    assert f"The {count} {noun} in the ranking as you see it." in text
    offences = sum(offences_of(state) for state in people)
    assert f"{offences} offence{'' if offences == 1 else 's'} as offender or suspect" in text
    for state in STATES:
        assert (canary(state) in text) is (state in people)
    assert (PARTNER_CANARY in text) is (PARTNER_STATE in people)
    assert NAME not in text


def _partnership_order(persona: str) -> list[str]:
    ranked = expected_ranking(persona)
    if PINNED in ranked:
        ranked.remove(PINNED)
        ranked.insert(0, PINNED)
    return ranked


@pytest.mark.parametrize("persona", [p for p in RISK_PERSONAS if p != "sysadmin"])
def test_the_partnership_ranking_counts_only_people_the_viewer_sees(db, risk_matrix, persona):
    key = risk_matrix.extra["partnership"].short_name
    url = _ranking_url("ranking", "partnership", key)
    if persona in OUTSIDE_PARTNERSHIP:
        # Another partnership's ranking does not open: it would name the harm model it uses.
        response = risk_matrix.clients[persona].get(url)
        assert response.status_code == 404
        assert PIN_REASON not in response.content.decode()
        return
    people = _partnership_order(persona)
    _check_ranking(risk_matrix, persona, url, people)
    body = risk_matrix.clients[persona].get(url).content.decode()
    assert (PIN_REASON in body) is (PINNED in people)


@pytest.mark.parametrize("prefix", sorted(CASE_MEMBERS))
@pytest.mark.parametrize("persona", [p for p in RISK_PERSONAS if p != "sysadmin"])
def test_a_case_type_ranking_counts_only_members_the_viewer_sees(db, risk_matrix, prefix, persona):
    case_type = risk_matrix.case_types[prefix]
    url = _ranking_url("ranking", "case-type", str(case_type.code))
    members = CASE_MEMBERS[prefix] if persona in SEES_MEMBERS[prefix] else ()
    _check_ranking(risk_matrix, persona, url, expected_ranking(persona, members))


@pytest.mark.parametrize("persona", [p for p in RISK_PERSONAS if p != "sysadmin"])
def test_a_teams_caseload_ranking_counts_only_its_people_the_viewer_sees(db, risk_matrix, persona):
    team = risk_matrix.teams[TEAM_NAME[persona] or ""]
    url = _ranking_url("ranking", "team", str(team.code))
    # The caseload: the people the team owns, and the members of its open cases.
    in_cases = {state for members in CASE_MEMBERS.values() for state in members}
    caseload = tuple(
        state
        for state in STATES
        if persona in OWNING[state]
        or (TEAM_NAME[persona] == "Police ASB Team" and state in in_cases)
    )
    _check_ranking(risk_matrix, persona, url, expected_ranking(persona, caseload))
    # Another team's caseload is not theirs to open.
    other = risk_matrix.teams[
        "Police ASB Team" if TEAM_NAME[persona] != "Police ASB Team" else "Council ASB Team"
    ]
    assert (
        risk_matrix.clients[persona]
        .get(_ranking_url("ranking", "team", str(other.code)))
        .status_code
        == 404
    )


def test_the_system_administrator_opens_no_ranking(db, risk_matrix):
    client = risk_matrix.clients["sysadmin"]
    key = risk_matrix.extra["partnership"].short_name
    assert client.get(reverse("risk:ranking_index")).status_code == 403
    assert client.get(_ranking_url("ranking", "partnership", key)).status_code == 403
    assert client.get(_ranking_url("ranking_pattern", "partnership", key)).status_code == 403


def test_the_oracle_covers_every_cell_and_both_sides(db, risk_matrix):
    """Each page's cells include allowed and refused answers (a matrix of one answer tests
    nothing), and the world holds one person per state."""
    assert set(risk_matrix.people) == set(STATES)
    assert {read_status(*cell) for cell in CELLS} == {200, 404}
    assert {write_status(*cell) for cell in CELLS} == {200, 403, 404}
    assert {amend_status(s, p, OWNING[s]) for s, p in CELLS} == {200, 403, 404}
    assert {override_status(*cell) for cell in CELLS} == {200, 403, 404}
