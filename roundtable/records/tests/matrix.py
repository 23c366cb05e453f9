"""The permission matrix: one world holding every record state, its personas, and the oracle.

``build_world()`` creates, through the real services only, one record of each kind (case,
premises, group, person) in each state (owned, shared by an agreement default, granted, grant
expired, restricted, hidden, access requested, request granted, glass broken and expired,
transferred), plus eight personas with signed-in clients. ``ORACLE`` says, independently of
``sharing.policy`` (the thing under test), what each persona must get in each state. It is a
literal table of symbols written from ARCHITECTURE.md section 4 and ADRs 0004 and 0005; the
symbols resolve to sets of sections per record kind in ``SECTIONS``.

The world is built once per test module inside a transaction that is rolled back at the end
(``matrix_world`` fixture below), so thousands of requests share one setup. Every name is
invented. This module must never call ``sharing.policy`` to work out an expectation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from roundtable.directory.models import Capability, OrganisationKind, Role, Team, User
from roundtable.directory.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    TeamFactory,
    UserFactory,
    enrol_totp,
    grant,
)
from roundtable.records.models import CaseType, ConsentStatus, WarningKind
from roundtable.records.services import cases as case_services
from roundtable.records.services import places as place_services
from roundtable.records.services import profiles as profile_services
from roundtable.sharing.models import AccessLevel, LawfulBasis, SharingAgreement, Visibility
from roundtable.sharing.sections import SECTIONS_BY_KIND, RecordKind, Section
from roundtable.sharing.services import grant_create, record_set_visibility
from roundtable.sharing.services.agreements import PartyTerms, agreement_create
from roundtable.sharing.services.glass import break_glass_open
from roundtable.sharing.services.requests import access_request_create, access_request_grant
from roundtable.sharing.services.transfers import transfer_accept, transfer_offer

# --- the axes of the matrix -------------------------------------------------------------------

#: owner: practitioner in the owning team (police ASB); manager: that team's manager;
#: colleague: another team of the owning organisation (police IOM); partner: the council ASB
#: team, the team every state acts on (grants, defaults, requests, glass, transfer target);
#: partner_no_grant: a housing provider in the same partnership and party to the same
#: agreement, never given anything; other_partnership: police of another partnership;
#: auditor: an AUDITOR of the owning organisation, working in its information governance team;
#: sysadmin: a SYSTEM_ADMIN with no organisation and no team.
PERSONAS = (
    "owner",
    "manager",
    "colleague",
    "partner",
    "partner_no_grant",
    "other_partnership",
    "auditor",
    "sysadmin",
)
STATES = (
    "owned",
    "default_shared",
    "granted",
    "grant_expired",
    "restricted",
    "hidden",
    "access_requested",
    "request_granted",
    "glass_active",
    "glass_expired",
    "transferred",
)
KINDS = ("case", "premises", "group", "person")
RECORD_KIND = {
    "case": RecordKind.CASE,
    "premises": RecordKind.PREMISES,
    "group": RecordKind.GROUP,
    "person": RecordKind.PROFILE,
}
#: Agreement defaults exist for case types only; a premises, group or person in that "state" is
#: just an owned record, so the state is generated for cases alone.
STATES_BY_KIND = {
    kind: STATES if kind == "case" else tuple(s for s in STATES if s != "default_shared")
    for kind in KINDS
}

# --- the oracle -------------------------------------------------------------------------------

ALL = "ALL"  # every section of the record: the owning team, or glass broken
ORG = "ORG"  # the owning organisation's default (normal visibility only)
DEFAULT = "DEFAULT"  # the case type's agreement default to the partner team
GRANT = "GRANT"  # the sections granted to the partner team by the owner
REQUESTED = "REQUESTED"  # the sections a manager granted in answer to the partner's request
NONE = "NONE"  # the signpost: the page opens (200) with no section
NOT_FOUND = "404"  # hidden from this viewer: the same answer as a record that does not exist

#: What each symbol means for each kind of record (section codes).
SECTIONS: dict[str, dict[str, frozenset[str]]] = {
    "case": {
        ALL: frozenset(SECTIONS_BY_KIND[RecordKind.CASE]),
        ORG: frozenset({Section.SUMMARY}),  # the case types' organisation_sections
        DEFAULT: frozenset({Section.SUMMARY, Section.MEMBERS}),
        GRANT: frozenset({Section.MEMBERS, Section.RISK}),
        REQUESTED: frozenset({Section.SUMMARY, Section.RISK}),
        NONE: frozenset(),
    },
    "premises": {
        ALL: frozenset(SECTIONS_BY_KIND[RecordKind.PREMISES]),
        ORG: frozenset({Section.SUMMARY}),  # SharedRecord.organisation_sections
        GRANT: frozenset({Section.MEMBERS, Section.DIARY}),
        REQUESTED: frozenset({Section.SUMMARY, Section.MEMBERS}),
        NONE: frozenset(),
    },
    "group": {
        ALL: frozenset(SECTIONS_BY_KIND[RecordKind.GROUP]),
        ORG: frozenset({Section.SUMMARY}),
        GRANT: frozenset({Section.MEMBERS, Section.DIARY}),
        REQUESTED: frozenset({Section.SUMMARY, Section.MEMBERS}),
        NONE: frozenset(),
    },
    "person": {
        ALL: frozenset(SECTIONS_BY_KIND[RecordKind.PROFILE]),
        # Colleagues see who the person is and their warnings (Profile.organisation_sections).
        ORG: frozenset({Section.IDENTITY, Section.WARNINGS}),
        GRANT: frozenset({Section.IDENTITY, Section.DIARY}),
        REQUESTED: frozenset({Section.IDENTITY, Section.CONTACT}),
        NONE: frozenset(),
    },
}

# Persona -> symbol, per state. Read each row against the rules:
# - The owning team sees the record whole, whatever its visibility.
# - Colleagues in the owning organisation (and the auditor, who works in one of its teams: a
#   capability gives no record access) see the organisation default only while visibility is
#   normal; a restricted record shows them the signpost, a hidden one is 404.
# - The partner sees exactly what a live grant, a live agreement default or a live broken glass
#   gives their team; restricted and hidden records drop agreement defaults (the restricted and
#   hidden cases use the case type with a default to the partner, so its absence is checked)
#   but keep explicit grants. Without any of these the partner sees the signpost.
# - A hidden record is invisible (404) to everyone without a row; a signpost otherwise (200).
# - Anyone in another partnership is treated like a partner without a grant: the system is
#   national, so they see signposts of records that are not hidden.
# - The system administrator has no team, so no principal: nothing is visible, not even a
#   signpost (404); the capability gives no record access.
# - A pending request gives nothing; a granted one gives exactly the sections granted.
# - Break the glass gives the breaking user's team the whole record until it expires
#   (ROUNDTABLE_BREAK_GLASS_HOURS), then nothing.
# - A transfer to the partner team moves ownership: the partner sees everything; the police
#   (old owners, colleague, auditor) are now another organisation and see the signpost.
ORACLE: dict[str, dict[str, str]] = {
    "owned": {
        "owner": ALL,
        "manager": ALL,
        "colleague": ORG,
        "partner": NONE,
        "partner_no_grant": NONE,
        "other_partnership": NONE,
        "auditor": ORG,
        "sysadmin": NOT_FOUND,
    },
    "default_shared": {
        "owner": ALL,
        "manager": ALL,
        "colleague": ORG,
        "partner": DEFAULT,
        "partner_no_grant": NONE,
        "other_partnership": NONE,
        "auditor": ORG,
        "sysadmin": NOT_FOUND,
    },
    "granted": {
        "owner": ALL,
        "manager": ALL,
        "colleague": ORG,
        "partner": GRANT,
        "partner_no_grant": NONE,
        "other_partnership": NONE,
        "auditor": ORG,
        "sysadmin": NOT_FOUND,
    },
    "grant_expired": {
        "owner": ALL,
        "manager": ALL,
        "colleague": ORG,
        "partner": NONE,
        "partner_no_grant": NONE,
        "other_partnership": NONE,
        "auditor": ORG,
        "sysadmin": NOT_FOUND,
    },
    "restricted": {
        "owner": ALL,
        "manager": ALL,
        "colleague": NONE,
        "partner": GRANT,
        "partner_no_grant": NONE,
        "other_partnership": NONE,
        "auditor": NONE,
        "sysadmin": NOT_FOUND,
    },
    "hidden": {
        "owner": ALL,
        "manager": ALL,
        "colleague": NOT_FOUND,
        "partner": GRANT,
        "partner_no_grant": NOT_FOUND,
        "other_partnership": NOT_FOUND,
        "auditor": NOT_FOUND,
        "sysadmin": NOT_FOUND,
    },
    "access_requested": {
        "owner": ALL,
        "manager": ALL,
        "colleague": ORG,
        "partner": NONE,
        "partner_no_grant": NONE,
        "other_partnership": NONE,
        "auditor": ORG,
        "sysadmin": NOT_FOUND,
    },
    "request_granted": {
        "owner": ALL,
        "manager": ALL,
        "colleague": ORG,
        "partner": REQUESTED,
        "partner_no_grant": NONE,
        "other_partnership": NONE,
        "auditor": ORG,
        "sysadmin": NOT_FOUND,
    },
    "glass_active": {
        "owner": ALL,
        "manager": ALL,
        "colleague": ORG,
        "partner": ALL,
        "partner_no_grant": NONE,
        "other_partnership": NONE,
        "auditor": ORG,
        "sysadmin": NOT_FOUND,
    },
    "glass_expired": {
        "owner": ALL,
        "manager": ALL,
        "colleague": ORG,
        "partner": NONE,
        "partner_no_grant": NONE,
        "other_partnership": NONE,
        "auditor": ORG,
        "sysadmin": NOT_FOUND,
    },
    "transferred": {
        "owner": NONE,
        "manager": NONE,
        "colleague": NONE,
        "partner": ALL,
        "partner_no_grant": NONE,
        "other_partnership": NONE,
        "auditor": NONE,
        "sysadmin": NOT_FOUND,
    },
}

#: Who works in the owning team, manages it, or audits the owning organisation, per state.
OWNING_TEAM: dict[str, frozenset[str]] = {
    state: frozenset({"partner"} if state == "transferred" else {"owner", "manager"})
    for state in STATES
}
OWNING_TEAM_MANAGERS: dict[str, frozenset[str]] = {
    state: frozenset() if state == "transferred" else frozenset({"manager"}) for state in STATES
}
OWNING_ORGANISATION_AUDITORS: dict[str, frozenset[str]] = {
    state: frozenset() if state == "transferred" else frozenset({"auditor"}) for state in STATES
}
HIDDEN_STATES = frozenset({"hidden"})

#: Access levels of case types (ARCHITECTURE.md section 4). The level cases are shared with the
#: partner by their type's default, so every persona sees them as in "default_shared"; on top:
#: "audited" asks anyone outside the owning team who would see sections for a purpose first;
#: "closed" (grants only) refuses the glass. "protected" (break the glass only) changes nothing
#: these pages show today: the policy treats it as open.
ACCESS_LEVELS = tuple(AccessLevel.values)
LEVEL_STATE = "default_shared"


def expected_sections(kind: str, state: str, persona: str) -> frozenset[str] | None:
    """The oracle's sections for a cell, or None for 404."""
    symbol = ORACLE[state][persona]
    if symbol == NOT_FOUND:
        return None
    return SECTIONS[kind][symbol]


def cells() -> list[tuple[str, str, str]]:
    """Every (kind, state, persona) the matrix covers."""
    return [
        (kind, state, persona)
        for kind in KINDS
        for state in STATES_BY_KIND[kind]
        for persona in PERSONAS
    ]


# --- what pages show ---------------------------------------------------------------------------

SECTION_MARK = re.compile(r'data-section="([a-z]+)"')
WITHHELD_MARK = re.compile(r'data-withheld="([a-z]+)"')

#: The sections each record page renders today (the diary is a page of its own, linked).
BUILT: dict[str, frozenset[str]] = {
    "case": frozenset(
        {Section.SUMMARY, Section.MEMBERS, Section.RISK, Section.TASKS, Section.DOCUMENTS}
    ),
    "premises": frozenset({Section.SUMMARY, Section.MEMBERS, Section.DOCUMENTS}),
    "group": frozenset({Section.SUMMARY, Section.MEMBERS, Section.DOCUMENTS}),
    # The person page renders every section it may show (a placeholder for those to come).
    "person": frozenset(SECTIONS_BY_KIND[RecordKind.PROFILE]),
}

#: Invented values that appear on a page only with their section: (kind, section) -> strings.
CANARIES: dict[tuple[str, str], tuple[str, ...]] = {
    ("case", Section.SUMMARY): ("Quillfeather boundary dispute", "Zanzibar hedge complaint"),
    ("premises", Section.SUMMARY): ("Marigold Tavern", "7 Quince Lane"),
    ("group", Section.SUMMARY): ("Thornbury Crew", "Meets at the Wexcombe underpass"),
    ("person", Section.IDENTITY): ("Wrenna", "Oakhurst-Vale"),
    ("person", Section.CONTACT): ("14 Larkspur Mews",),
    ("person", Section.SENSITIVE): ("Pelargonium allergy",),
    ("person", Section.WARNINGS): ("Carries a Fennick blade",),
}


def canaries_of(kind: str, sections: frozenset[str]) -> set[str]:
    return {
        value
        for (canary_kind, section), values in CANARIES.items()
        if canary_kind == kind and section in sections
        for value in values
    }


def birth_date(state: str) -> date:
    """The date of birth of the person in a state (unique per state)."""
    return date(1980 + STATES.index(state), 5, 17)


def detail_url(kind: str, code: Any) -> str:
    name = {"person": "profile_detail"}.get(kind, f"{kind}_detail")
    return reverse(f"records:{name}", kwargs={"code": code})


def sharing_url(page: str, kind: str, code: Any) -> str:
    return reverse(f"sharing:{page}", kwargs={"kind": kind, "code": code})


# --- the world ---------------------------------------------------------------------------------


@dataclass
class World:
    users: dict[str, User]
    clients: dict[str, Client]
    records: dict[tuple[str, str], Any] = field(default_factory=dict)
    #: One case per access level, of a type shared by default with the partner team.
    levels: dict[str, Any] = field(default_factory=dict)

    def record(self, kind: str, state: str) -> Any:
        return self.records[(kind, state)]


@dataclass
class _Setting:
    owner: User
    manager: User
    partner: User
    partner_manager: User
    asb: Team
    council_asb: Team
    agreement: SharingAgreement
    plain_type: CaseType
    shared_type: CaseType
    level_types: dict[str, CaseType]


def _person(email: str, name: str, organisation: Any, team: Team | None, role: str) -> User:
    user = UserFactory(email=email, full_name=name, organisation=organisation)
    if team is not None:
        MembershipFactory(user=user, team=team, role=role)
    return user


def _people() -> tuple[dict[str, User], dict[str, Any]]:
    testshire = PartnershipFactory(name="Matrixshire Partnership", short_name="matrixshire")
    elsewhere = PartnershipFactory(name="Farshire Partnership", short_name="farshire")
    police = OrganisationFactory(
        name="Matrixshire Police", kind=OrganisationKind.POLICE, partnership=testshire
    )
    council = OrganisationFactory(
        name="Matrixshire Council", kind=OrganisationKind.LOCAL_AUTHORITY, partnership=testshire
    )
    housing = OrganisationFactory(
        name="Matrixshire Homes", kind=OrganisationKind.HOUSING, partnership=testshire
    )
    far_police = OrganisationFactory(
        name="Farshire Police", kind=OrganisationKind.POLICE, partnership=elsewhere
    )
    teams = {
        "asb": TeamFactory(organisation=police, name="Police ASB Team"),
        "iom": TeamFactory(organisation=police, name="Police IOM Team"),
        "governance": TeamFactory(organisation=police, name="Information Governance"),
        "council_asb": TeamFactory(organisation=council, name="Council ASB Team"),
        "tenancy": TeamFactory(organisation=housing, name="Tenancy Enforcement"),
        "far": TeamFactory(organisation=far_police, name="Farshire ASB Team"),
    }
    practitioner, manager = Role.PRACTITIONER, Role.TEAM_MANAGER
    users = {
        "owner": _person("olive@police.invalid", "Olive Owner", police, teams["asb"], practitioner),
        "manager": _person("mo@police.invalid", "Mo Manager", police, teams["asb"], manager),
        "colleague": _person(
            "cy@police.invalid", "Cy Colleague", police, teams["iom"], practitioner
        ),
        "partner": _person(
            "pat@council.invalid", "Pat Partner", council, teams["council_asb"], practitioner
        ),
        "partner_no_grant": _person(
            "nell@homes.invalid", "Nell Nogrant", housing, teams["tenancy"], practitioner
        ),
        "other_partnership": _person(
            "fen@farshire.invalid", "Fen Faraway", far_police, teams["far"], practitioner
        ),
        "auditor": _person(
            "aud@police.invalid", "Aud Itor", police, teams["governance"], practitioner
        ),
        "sysadmin": _person("sys@roundtable.invalid", "Sy Sadmin", None, None, practitioner),
    }
    grant(users["auditor"], Capability.AUDITOR)
    grant(users["sysadmin"], Capability.SYSTEM_ADMIN)
    extra: dict[str, Any] = {
        "partner_manager": _person(
            "pm@council.invalid", "Pam Partnermanager", council, teams["council_asb"], manager
        ),
        "admin": _person("pa@police.invalid", "Pa Admin", police, None, practitioner),
        "testshire": testshire,
        "orgs": (police, council, housing),
        **teams,
    }
    grant(extra["admin"], Capability.PARTNERSHIP_ADMIN)
    return users, extra


def _setting(users: dict[str, User], extra: dict[str, Any]) -> _Setting:
    admin = extra["admin"]
    agreement = agreement_create(
        actor=admin,
        partnership=extra["testshire"],
        parties=[PartyTerms(org, 0xFFF) for org in extra["orgs"]],
        title="Matrixshire community safety sharing",
        reference="ISA-MATRIX-1",
        purposes="Preventing and reducing anti-social behaviour (test).",
        lawful_basis=LawfulBasis.CDA_1998_S115,
        record_kinds=[int(kind) for kind in RecordKind],
        starts_on=timezone.localdate() - timedelta(days=30),
    )

    def case_type(name: str, prefix: str, level: str = AccessLevel.OPEN) -> CaseType:
        return case_services.case_type_create(
            actor=admin,
            partnership=extra["testshire"],
            name=name,
            reference_prefix=prefix,
            stages=["Report", "Closed"],
            access_level=level,
            organisation_sections=[Section.SUMMARY],
        )

    def share_by_default(case_type: CaseType) -> CaseType:
        case_services.case_type_share_default_add(
            actor=admin,
            case_type=case_type,
            agreement=agreement,
            sections=sorted(SECTIONS["case"][DEFAULT]),
            team=extra["council_asb"],
        )
        return case_type

    plain_type = case_type("Neighbour disputes", "NBD")
    shared_type = share_by_default(case_type("Anti-social behaviour", "ASB"))
    level_types = {
        level: share_by_default(case_type(f"Level {level}", f"L{level[:3].upper()}", level))
        for level in AccessLevel.values
    }
    return _Setting(
        owner=users["owner"],
        manager=users["manager"],
        partner=users["partner"],
        partner_manager=extra["partner_manager"],
        asb=extra["asb"],
        council_asb=extra["council_asb"],
        agreement=agreement,
        plain_type=plain_type,
        shared_type=shared_type,
        level_types=level_types,
    )


def _create(kind: str, state: str, s: _Setting) -> Any:
    """A record of a kind with a canary in every section the page can show, owned by police ASB."""
    actor, team = s.owner, s.asb
    if kind == "case":
        shared = state in ("default_shared", "restricted", "hidden")
        return case_services.case_create(
            actor=actor,
            team=team,
            case_type=s.shared_type if shared else s.plain_type,
            title="Quillfeather boundary dispute",
            summary="Zanzibar hedge complaint",
        )
    if kind == "premises":
        return place_services.premises_create(
            actor=actor, team=team, name="Marigold Tavern", kind="licensed", line1="7 Quince Lane"
        )
    if kind == "group":
        return place_services.group_create(
            actor=actor,
            team=team,
            name="Thornbury Crew",
            kind="peer_group",
            description="Meets at the Wexcombe underpass",
        )
    person = profile_services.profile_create(
        actor=actor,
        team=team,
        given_name="Jory",
        family_name="Matrixperson",
        preferred_name="Wrenna",
        # One birth year per state, so a surname and date of birth search finds exactly one.
        date_of_birth=birth_date(state),
    )
    profile_services.alias_add(
        actor=actor, profile=person, given_name="Jo", family_name="Oakhurst-Vale"
    )
    profile_services.address_add(
        actor=actor, profile=person, line1="14 Larkspur Mews", town="Matrixton"
    )
    person.refresh_from_db()
    profile_services.sensitive_update(
        actor=actor,
        profile=person,
        expected_version=person.version,
        health_notes="Pelargonium allergy",
    )
    profile_services.warning_add(
        actor=actor,
        team=team,
        profile=person,
        kind=WarningKind.WEAPONS,
        review_date=timezone.localdate() + timedelta(days=90),
        notes="Carries a Fennick blade",
    )
    person.refresh_from_db()
    return person


def _share(record: Any, kind: str, s: _Setting, **extra: Any) -> None:
    grant_create(
        actor=s.owner,
        record=record,
        agreement=s.agreement,
        sections=sorted(SECTIONS[kind][GRANT]),
        team=s.council_asb,
        reason="Joint problem-solving meeting (test)",
        **extra,
    )


def _apply(kind: str, state: str, record: Any, s: _Setting) -> None:
    """Put a fresh record into a state, with the services a user would have used."""
    if state in ("owned", "default_shared"):
        return
    if state == "granted":
        _share(record, kind, s)
    elif state == "grant_expired":
        # The grant was made two days ago for one hour; it has lapsed on its own since.
        past = timezone.now() - timedelta(days=2)
        with time_machine.travel(past, tick=False):
            _share(record, kind, s, expires_at=past + timedelta(hours=1))
    elif state in ("restricted", "hidden"):
        _share(record, kind, s)
        record_set_visibility(
            actor=s.owner,
            record=record,
            visibility=Visibility.RESTRICTED if state == "restricted" else Visibility.HIDDEN,
            expected_version=record.version,
            reason="Protected witness (test)",
        )
    elif state in ("access_requested", "request_granted"):
        request = access_request_create(
            actor=s.partner,
            team=s.council_asb,
            record=record,
            sections=sorted(SECTIONS[kind][REQUESTED]),
            reason="Planning a joint visit (test)",
        )
        if state == "request_granted":
            access_request_grant(
                actor=s.manager,
                request=request,
                record=record,
                agreement=s.agreement,
                sections=sorted(SECTIONS[kind][REQUESTED]),
                reason="Agreed at the tasking meeting (test)",
            )
    elif state == "glass_active":
        break_glass_open(
            actor=s.partner,
            team=s.council_asb,
            record=record,
            reason="Child at risk tonight (test)",
        )
    elif state == "glass_expired":
        opened = timezone.now() - timedelta(hours=settings.BREAK_GLASS_HOURS + 1)
        with time_machine.travel(opened, tick=False):
            break_glass_open(
                actor=s.partner, team=s.council_asb, record=record, reason="Out of hours (test)"
            )
    elif state == "transferred":
        offer = transfer_offer(
            actor=s.manager, record=record, to_team=s.council_asb, reason="Council leads now (test)"
        )
        transfer_accept(
            actor=s.partner_manager,
            transfer=offer,
            record=record,
            consent_confirmed=True,
            consent_status=ConsentStatus.NOT_REQUIRED if kind == "person" else "",
            reason="Accepted (test)",
        )
    else:  # pragma: no cover - a new state must be given a recipe
        raise AssertionError(f"No recipe for state {state!r}")


def _client(user: User) -> Client:
    """A client signed in with MFA done, as after a real sign-in."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        enrol_totp(user)
    client = Client()
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return client


def build_world(kinds: tuple[str, ...] = KINDS) -> World:
    """Every record kind in every state, the personas and their clients; real services only."""
    users, extra = _people()
    setting = _setting(users, extra)
    world = World(users=users, clients={name: _client(user) for name, user in users.items()})
    for kind in kinds:
        for state in STATES_BY_KIND[kind]:
            record = _create(kind, state, setting)
            _apply(kind, state, record, setting)
            world.records[(kind, state)] = record
    for level, level_type in setting.level_types.items():
        world.levels[level] = case_services.case_create(
            actor=setting.owner,
            team=setting.asb,
            case_type=level_type,
            title="Quillfeather boundary dispute",
            summary="Zanzibar hedge complaint",
        )
    return world


@pytest.fixture(scope="module")
def matrix_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The world, built once per module in a transaction rolled back afterwards.

    Each test still runs in its own savepoint (pytest-django's ``db``), so the audit events and
    session writes its requests make vanish before the next test.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


__all__ = [
    "ALL",
    "KINDS",
    "NOT_FOUND",
    "ORACLE",
    "PERSONAS",
    "STATES",
    "World",
    "build_world",
    "cells",
    "expected_sections",
    "matrix_world",
]
