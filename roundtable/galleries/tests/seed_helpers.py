"""A Testshire with the teams the seeded galleries look for, seeded, and people to put in them.

The teams are named as a real partnership's (and the demo's) are, so the seeds find them by what
they do (``benchmarks.plan.team_function``). All invented.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from roundtable.directory.models import OrganisationKind, Team, User
from roundtable.directory.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    TeamFactory,
    UserFactory,
)
from roundtable.galleries.models import Gallery
from roundtable.galleries.seeds import galleries_seed
from roundtable.galleries.services.memberships import membership_add
from roundtable.records.models import Profile
from roundtable.risk.tests.risk_helpers import partnership_of, person, team_of
from roundtable.sharing.models import SharingAgreement
from roundtable.sharing.services import grant_create
from roundtable.sharing.tests.factories import agreement_between
from roundtable.tasking.services.alerts import alert_rules_seed

K = OrganisationKind
# (organisation kind, organisation, team, national?) the seeds choose from.
TEAMS: tuple[tuple[str, str, str, bool], ...] = (
    (K.POLICE, "Testshire Police", "Integrated Offender Management", False),
    (K.POLICE, "Testshire Police", "Multi-Agency Safeguarding Hub", False),
    (K.POLICE, "Testshire Police", "Marshbury Neighbourhood Policing Team", False),
    (K.POLICE, "Testshire Police", "Domestic Abuse Investigation Unit", False),
    (K.HOME_OFFICE, "Immigration Test Office", "Immigration Compliance and Enforcement", True),
    (K.PRISON, "HMP Testmoor", "Offender Management Unit", False),
    (K.PRISON, "HMP Testmoor", "Safer Custody", False),
    (K.PROBATION, "Testshire Probation", "Marshbury Offender Management", False),
    (K.LOCAL_AUTHORITY, "Testshire County Council", "Early Help and Supporting Families", False),
    (K.LOCAL_AUTHORITY, "Testshire County Council", "Children's Services Front Door", False),
    (K.LOCAL_AUTHORITY, "Testshire County Council", "Adult Safeguarding", False),
    (K.YOUTH_JUSTICE, "Testshire Youth Justice", "Youth Justice Case Management", False),
)


@dataclass
class Seeded:
    galleries: dict[str, Gallery]
    teams: dict[str, Team]
    users: dict[str, User]
    agreement: SharingAgreement

    @property
    def foreign(self) -> Gallery:
        return self.galleries["foreign-nationals"]


def seeded_world(personas: Any) -> Seeded:
    """The teams, one user in each (in alice's police force for the police teams), the seeded
    galleries and alert rules, and an agreement between every organisation."""
    partnership = partnership_of(personas.alice)
    police = team_of(personas.alice).organisation
    organisations: dict[str, Any] = {police.name: police}
    teams: dict[str, Team] = {}
    users: dict[str, User] = {}
    for kind, organisation_name, team_name, national in TEAMS:
        organisation = organisations.get(organisation_name)
        if organisation is None:
            organisation = OrganisationFactory(
                name=organisation_name,
                kind=kind,
                partnership=None if national else partnership,
            )
            organisations[organisation_name] = organisation
        team = TeamFactory(organisation=organisation, name=team_name)
        user = UserFactory(
            email=f"{team_name.split()[0].lower()}.{organisation.pk}@test.invalid",
            full_name=f"{team_name} Officer",
            organisation=organisation,
        )
        MembershipFactory(user=user, team=team)
        teams[team_name], users[team_name] = team, user
    added = galleries_seed(partnership)
    alert_rules_seed(partnership=partnership)
    agreement = agreement_between(*organisations.values(), reference="ISA-GALLERY-SEEDS")
    return Seeded({gallery.slug: gallery for gallery in added}, teams, users, agreement)


def shared(world: Seeded, owner: User, profile: Profile, team: Team, sections: list[str]) -> None:
    grant_create(
        actor=owner, record=profile, agreement=world.agreement, sections=sections, team=team
    )


def foreign_national(world: Seeded, given: str = "Ilan") -> tuple[Profile, Any]:
    """A person the police IOM team owns, added to Foreign Nationals by its officer."""
    owner = world.users["Integrated Offender Management"]
    someone = person(owner, given, "Abroad")
    spell = membership_add(
        actor=owner,
        team=world.teams["Integrated Offender Management"],
        gallery=world.foreign,
        profile=someone,
        added_on=date(2026, 1, 5),
        reason="Convicted of burglary; not a British citizen.",
        status="In custody",
        answers={"nationality": "RO", "home_office_reference": "HO/TEST/1"},
    )
    return someone, spell
