"""Fixtures for the sharing workflow tests: a record, an agreement, extra managers. All invented."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from roundtable.directory.models import Capability, Role, Team, User
from roundtable.directory.tests.factories import MembershipFactory, UserFactory, grant
from roundtable.records.models import Profile
from roundtable.sharing.access import actual_rows, expected_rows
from roundtable.sharing.models import SharingAgreement
from roundtable.sharing.tests.factories import agreement_between, profile_for


@dataclass
class World:
    alice_team: Team
    carol_team: Team
    iom_team: Team
    far_team: Team
    jordan: Profile
    agreement: SharingAgreement
    council_manager: User
    iom_manager: User
    partnership_admin: User


def team_of(user: User) -> Team:
    membership = user.memberships.select_related("team__organisation").first()
    assert membership is not None
    return membership.team


def assert_access_table_is_exact(record) -> None:
    """The access table holds exactly what a from-scratch recomputation gives."""
    record.refresh_from_db()
    assert actual_rows(kind=record.record_kind, record_id=record.pk) == expected_rows(
        kind=record.record_kind,
        record_id=record.pk,
        team_id=record.owning_team_id,
        organisation_id=record.owning_organisation_id,
        organisation_sections=record.organisation_sections(),
        visibility=record.visibility,
        defaults=record.agreement_defaults(),
    )


@pytest.fixture
def world(personas) -> World:
    alice_team = team_of(personas.alice)
    carol_team = team_of(personas.carol)
    iom_team = team_of(personas.bob)
    far_team = team_of(personas.dave)
    council_manager = UserFactory(
        email="cleo@council.testshire.invalid",
        full_name="Cleo Councilman",
        organisation=carol_team.organisation,
    )
    MembershipFactory(user=council_manager, team=carol_team, role=Role.TEAM_MANAGER)
    iom_manager = UserFactory(
        email="ivy@police.testshire.invalid",
        full_name="Ivy Ironside",
        organisation=iom_team.organisation,
    )
    MembershipFactory(user=iom_manager, team=iom_team, role=Role.TEAM_MANAGER)
    partnership_admin = UserFactory(
        email="pat@police.testshire.invalid",
        full_name="Pat Partner",
        organisation=alice_team.organisation,
    )
    MembershipFactory(user=partnership_admin, team=iom_team, role=Role.PRACTITIONER)
    grant(partnership_admin, Capability.PARTNERSHIP_ADMIN)
    jordan = profile_for(personas.alice, alice_team)
    agreement = agreement_between(alice_team.organisation, carol_team.organisation)
    return World(
        alice_team=alice_team,
        carol_team=carol_team,
        iom_team=iom_team,
        far_team=far_team,
        jordan=jordan,
        agreement=agreement,
        council_manager=council_manager,
        iom_manager=iom_manager,
        partnership_admin=partnership_admin,
    )
