"""Loading the demo partnership into the directory: a bulk loader, idempotent and deterministic.

A bulk loader writes through the ORM directly (``get_or_create`` for the fixed structure,
``bulk_create`` for the people) inside one transaction, and records one audit event for the whole
load: per-row services would take minutes and write hundreds of audit rows about invented people.
Every row is found by its natural key first, so running it again creates nothing new. It must
never run in production: every account it creates shares the published demo password.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import CommandError
from django.db import transaction

from roundtable.audit import context as audit_context
from roundtable.audit.models import Action
from roundtable.audit.services import audit_record
from roundtable.directory.demo import data
from roundtable.directory.models import (
    Capability,
    CapabilityGrant,
    Membership,
    Organisation,
    Partnership,
    Role,
    Team,
    User,
)

# What a load reports creating, in this order, zero or not.
COUNTED = ("partnerships", "organisations", "teams", "users", "memberships", "capability_grants")


def refuse_in_production() -> None:
    """Stop a demo command before it writes anything to a production installation."""
    if settings.ENVIRONMENT == "production":
        raise CommandError(
            "The demo commands refuse to run when ROUNDTABLE_ENV is production: the demo "
            "accounts share a published password. Use ROUNDTABLE_ENV=demo (as `make demo` does)."
        )


@dataclass
class Structure:
    """The demo's partnerships, organisations and teams, found or created, by natural key."""

    partnerships: dict[str, Partnership]
    organisations: dict[str, Organisation]
    teams: dict[tuple[str, str], Team]
    created: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class PlannedPerson:
    email: str
    full_name: str
    job_title: str
    organisation: str


@dataclass
class PeoplePlan:
    """Who the seed invents: people, their memberships and their capabilities."""

    people: list[PlannedPerson] = field(default_factory=list)
    memberships: list[tuple[str, tuple[str, str], Role]] = field(default_factory=list)
    grants: list[tuple[str, Capability]] = field(default_factory=list)


def ensure_structure() -> Structure:
    """Find or create the fixed partnerships, organisations and teams (no randomness here)."""
    created: Counter[str] = Counter()
    partnerships: dict[str, Partnership] = {}
    for spec in data.PARTNERSHIPS:
        partnership, new = Partnership.objects.get_or_create(
            short_name=spec.key, defaults={"name": spec.name}
        )
        partnerships[spec.key] = partnership
        created["partnerships"] += new
    organisations: dict[str, Organisation] = {}
    teams: dict[tuple[str, str], Team] = {}
    for org_spec in data.ORGANISATIONS:
        organisation, new = Organisation.objects.get_or_create(
            name=org_spec.name,
            defaults={
                "short_name": org_spec.short_name,
                "kind": org_spec.kind,
                "partnership": partnerships[org_spec.partnership] if org_spec.partnership else None,
            },
        )
        organisations[org_spec.name] = organisation
        created["organisations"] += new
        # Team names are unique per organisation whatever their case (a database constraint).
        existing = {
            team.name.lower(): team for team in Team.objects.filter(organisation=organisation)
        }
        for team_spec in org_spec.teams:
            team = existing.get(team_spec.name.lower())
            if team is None:
                team = Team.objects.create(
                    organisation=organisation,
                    name=team_spec.name,
                    description=team_spec.description,
                )
                created["teams"] += 1
            teams[(org_spec.name, team_spec.name)] = team
    return Structure(partnerships, organisations, teams, created)


def _email(full_name: str, domain: str) -> str:
    return f"{full_name.lower().replace(' ', '.')}@{domain}"


def plan_people(seed: int) -> PeoplePlan:
    """The invented people for a seed: the same seed always gives the same people and places."""
    rng = random.Random(seed)  # noqa: S311 -- reproducible demo data, not security
    persona_names = {persona.full_name for persona in data.PERSONAS}
    names = [
        f"{first} {last}"
        for first, last in itertools.product(data.FIRST_NAMES, data.LAST_NAMES)
        if f"{first} {last}" not in persona_names
    ]
    needed = sum(team.size for org in data.ORGANISATIONS for team in org.teams)
    drawn = iter(rng.sample(names, needed))
    plan = PeoplePlan()
    for org_spec in data.ORGANISATIONS:
        in_organisation: list[str] = []
        for team_spec in org_spec.teams:
            team_key = (org_spec.name, team_spec.name)
            for position in range(team_spec.size):
                full_name = next(drawn)
                is_manager = position == 0
                email = _email(full_name, org_spec.domain)
                title = team_spec.manager_title if is_manager else team_spec.practitioner_title
                plan.people.append(PlannedPerson(email, full_name, title, org_spec.name))
                role = Role.TEAM_MANAGER if is_manager else Role.PRACTITIONER
                plan.memberships.append((email, team_key, role))
                in_organisation.append(email)
        # One SPOC per organisation, drawn from its own people.
        plan.grants.append((rng.choice(in_organisation), Capability.ORGANISATION_ADMIN))
    _plan_second_teams(rng, plan)
    _plan_extra_capabilities(plan)
    return plan


def _plan_second_teams(rng: random.Random, plan: PeoplePlan) -> None:
    """A few practitioners also work in a second team of their organisation."""
    team_keys_by_org: dict[str, list[tuple[str, str]]] = {}
    for org_spec in data.ORGANISATIONS:
        team_keys_by_org[org_spec.name] = [(org_spec.name, team.name) for team in org_spec.teams]
    practitioners = [
        (email, team_key)
        for email, team_key, role in plan.memberships
        if role == Role.PRACTITIONER and len(team_keys_by_org[team_key[0]]) > 1
    ]
    for email, team_key in rng.sample(practitioners, data.SECOND_TEAM_COUNT):
        others = [key for key in team_keys_by_org[team_key[0]] if key != team_key]
        plan.memberships.append((email, rng.choice(others), Role.PRACTITIONER))


def _plan_extra_capabilities(plan: PeoplePlan) -> None:
    for organisation, team, capability in data.EXTRA_CAPABILITY_HOLDERS:
        manager = next(
            email
            for email, team_key, role in plan.memberships
            if team_key == (organisation, team) and role == Role.TEAM_MANAGER
        )
        plan.grants.append((manager, capability))


def _apply_people(
    *,
    people: list[PlannedPerson],
    memberships: list[tuple[str, tuple[str, str], Role]],
    grants: list[tuple[str, Capability]],
    structure: Structure,
    password_hash: str,
    extra_user_fields: dict[str, dict[str, Any]] | None = None,
) -> Counter[str]:
    """Create whichever planned users, memberships and grants do not exist yet, in bulk."""
    created: Counter[str] = Counter()
    emails = [person.email for person in people]
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    new_users = [
        User(
            email=person.email,
            full_name=person.full_name,
            job_title=person.job_title,
            organisation=structure.organisations.get(person.organisation),
            password=password_hash,
            **(extra_user_fields or {}).get(person.email, {}),
        )
        for person in people
        if person.email not in existing
    ]
    User.objects.bulk_create(new_users)
    created["users"] += len(new_users)
    user_ids = dict(User.objects.filter(email__in=emails).values_list("email", "id"))

    have_memberships = set(
        Membership.objects.filter(user_id__in=user_ids.values()).values_list("user_id", "team_id")
    )
    new_memberships: list[Membership] = []
    for email, team_key, role in memberships:
        pair = (user_ids[email], structure.teams[team_key].pk)
        if pair not in have_memberships:
            have_memberships.add(pair)
            new_memberships.append(Membership(user_id=pair[0], team_id=pair[1], role=role))
    Membership.objects.bulk_create(new_memberships)
    created["memberships"] += len(new_memberships)

    have_grants = set(
        CapabilityGrant.objects.filter(user_id__in=user_ids.values()).values_list(
            "user_id", "capability"
        )
    )
    new_grants: list[CapabilityGrant] = []
    for email, capability in grants:
        key = (user_ids[email], str(capability))
        if key not in have_grants:
            have_grants.add(key)
            new_grants.append(CapabilityGrant(user_id=key[0], capability=capability))
    CapabilityGrant.objects.bulk_create(new_grants)
    created["capability_grants"] += len(new_grants)
    return created


def ensure_persona_accounts(*, structure: Structure, password_hash: str) -> Counter[str]:
    """Find or create the named demo personas with their teams and capabilities."""
    people = [
        PlannedPerson(p.email, p.full_name, p.job_title, p.organisation or "")
        for p in data.PERSONAS
    ]
    memberships = [
        (p.email, (p.organisation, p.team), p.role)
        for p in data.PERSONAS
        if p.organisation and p.team
    ]
    grants = [(p.email, capability) for p in data.PERSONAS for capability in p.capabilities]
    # A system administrator may use the Django admin: it checks Django's own staff flags.
    staff = {
        p.email: {"is_staff": True, "is_superuser": True}
        for p in data.PERSONAS
        if Capability.SYSTEM_ADMIN in p.capabilities
    }
    return _apply_people(
        people=people,
        memberships=memberships,
        grants=grants,
        structure=structure,
        password_hash=password_hash,
        extra_user_fields=staff,
    )


def _directory_totals() -> dict[str, int]:
    return {
        "partnerships": Partnership.objects.count(),
        "organisations": Organisation.objects.count(),
        "teams": Team.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "capability_grants": CapabilityGrant.objects.count(),
    }


@transaction.atomic
def demo_partnership_load(*, seed: int) -> dict[str, Any]:
    """Build (or complete) the demo partnership for a seed and audit the load as one import."""
    refuse_in_production()
    # Hashing is deliberately slow; one hash shared by every demo account keeps the load fast.
    password_hash = make_password(data.DEMO_PASSWORD)
    structure = ensure_structure()
    plan = plan_people(seed)
    created = Counter(structure.created)
    created.update(
        _apply_people(
            people=plan.people,
            memberships=plan.memberships,
            grants=plan.grants,
            structure=structure,
            password_hash=password_hash,
        )
    )
    created.update(ensure_persona_accounts(structure=structure, password_hash=password_hash))
    summary: dict[str, Any] = {
        "seed": seed,
        "created": {name: created[name] for name in COUNTED},
        "totals": _directory_totals(),
    }
    with audit_context.acting_as(channel="command"):
        audit_record(
            action=Action.IMPORT,
            target=structure.partnerships[data.FENSHIRE.key],
            detail={"source": "demo_partnership", **summary},
        )
    return summary
