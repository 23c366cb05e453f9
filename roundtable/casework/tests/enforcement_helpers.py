"""Shared setup for the enforcement and case review tests. Every name is invented.

``Scene`` is the records tests' Testshire ASB case type (summary for colleagues in the owning
organisation, summary and members to the council's ASB team by default) with one case owned by
alice's team, an adult perpetrator, a 15-year-old and a 17-year-old in it, and a pub linked to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from roundtable.casework.services import enforcement as services
from roundtable.directory.models import User
from roundtable.records.models import Case, MemberRole, Premises, PremisesKind, Profile
from roundtable.records.services import cases as case_services
from roundtable.records.services import places
from roundtable.records.tests.case_helpers import Casework, casework, open_case
from roundtable.sharing import policy
from roundtable.sharing.tests.factories import profile_for


@dataclass
class Scene:
    work: Casework
    case: Case
    adult: Profile
    child: Profile
    youth: Profile
    victim: Profile
    pub: Premises


def scene(personas: Any) -> Scene:
    """A case with people of three ages, a victim and linked premises, owned by alice's team."""
    work = casework(personas)
    alice = personas.alice
    case = open_case(alice, work.asb, work.case_type, summary="Noise and threats")
    viewer = policy.viewer_for_user(alice)
    adult = profile_for(alice, work.asb, given_name="Robin", family_name="Nuisance")
    child = profile_for(
        alice, work.asb, given_name="Casey", family_name="Younger", date_of_birth=date(2011, 6, 1)
    )
    youth = profile_for(
        alice, work.asb, given_name="Alex", family_name="Teenage", date_of_birth=date(2009, 1, 15)
    )
    victim = profile_for(alice, work.asb, given_name="Vera", family_name="Quietlife")
    for person, role in (
        (adult, MemberRole.PERPETRATOR),
        (child, MemberRole.PERPETRATOR),
        (youth, MemberRole.PERPETRATOR),
        (victim, MemberRole.VICTIM),
    ):
        case_services.case_member_add(
            actor=alice, viewer=viewer, case=case, profile=person, role=role
        )
    pub = places.premises_create(
        actor=alice, team=work.asb, name="The Invented Arms", kind=PremisesKind.LICENSED
    )
    case_services.case_link_add(actor=alice, viewer=viewer, case=case, premises=pub)
    case.refresh_from_db()
    return Scene(work, case, adult, child, youth, victim, pub)


def add(
    user: User,
    case: Case,
    kind: str,
    *,
    profile: Profile | None = None,
    premises: Premises | None = None,
    **details: Any,
) -> Any:
    """Record an action as ``user`` (acting as their only team), issued by their organisation."""
    assert user.organisation is not None
    return services.enforcement_create(
        actor=user,
        viewer=policy.viewer_for_user(user),
        case=case,
        kind=kind,
        target_profile=profile,
        target_premises=premises,
        issuing_organisation=user.organisation,
        **details,
    )
