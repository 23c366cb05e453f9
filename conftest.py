"""Shared test fixtures: the personas every permission test is written against.

Personas (all invented): alice is a practitioner in the Testshire police ASB team; bob is her
colleague in the same organisation but another team; carol is a practitioner in a partner agency
(the council); dave belongs to another partnership altogether; spoc is the police SPOC
(organisation admin); audrey is an auditor; sysadmin is a system administrator.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from roundtable.directory.models import (
    Capability,
    CapabilityGrant,
    Membership,
    Organisation,
    OrganisationKind,
    Partnership,
    Role,
    Team,
    User,
)
from roundtable.directory.tests.factories import TEST_PASSWORD, enrol_totp, test_password_hash

# Browser-test fixtures (chromium, page, open_page, totp_window) for any test that asks for them.
pytest_plugins = ["roundtable.testing.browser"]


@dataclass
class Personas:
    alice: User
    bob: User
    carol: User
    dave: User
    spoc: User
    audrey: User
    sysadmin: User


#: (email, full name, organisation key, team key, role, capability or None) of each persona.
_PEOPLE = (
    ("alice@police.testshire.invalid", "Alice Ashdown", "police", "asb", Role.PRACTITIONER, None),
    ("bob@police.testshire.invalid", "Bob Birchwood", "police", "iom", Role.PRACTITIONER, None),
    (
        "carol@council.testshire.invalid",
        "Carol Copperfield",
        "council",
        "council_asb",
        Role.PRACTITIONER,
        None,
    ),
    (
        "dave@police.elsewhere.invalid",
        "Dave Dunmore",
        "far_police",
        "far_team",
        Role.PRACTITIONER,
        None,
    ),
    (
        "spoc@police.testshire.invalid",
        "Sam Spokes",
        "police",
        "asb",
        Role.TEAM_MANAGER,
        Capability.ORGANISATION_ADMIN,
    ),
    (
        "audrey@police.testshire.invalid",
        "Audrey Auden",
        "police",
        "asb",
        Role.PRACTITIONER,
        Capability.AUDITOR,
    ),
    ("sysadmin@roundtable.invalid", "Sid Sysop", None, None, None, Capability.SYSTEM_ADMIN),
)


@pytest.fixture
def personas(db: None) -> Personas:
    """Seven users across three organisations in two partnerships, each with a team.

    Built with one INSERT per table (six in all): almost every test asks for the personas, and
    on PostgreSQL each of the 35 single-row inserts the factories made was a round trip."""
    testshire, elsewhere = Partnership.objects.bulk_create(
        [
            Partnership(name="Testshire Community Safety Partnership", short_name="testshire"),
            Partnership(name="Elsewhere Partnership", short_name="elsewhere"),
        ]
    )
    police, council, far_police = Organisation.objects.bulk_create(
        [
            Organisation(
                name="Testshire Police",
                short_name="TP",
                kind=OrganisationKind.POLICE,
                partnership=testshire,
            ),
            Organisation(
                name="Testshire District Council",
                short_name="TDC",
                kind=OrganisationKind.LOCAL_AUTHORITY,
                partnership=testshire,
            ),
            Organisation(
                name="Elsewhere Police",
                short_name="EP",
                kind=OrganisationKind.POLICE,
                partnership=elsewhere,
            ),
        ]
    )
    organisations = {"police": police, "council": council, "far_police": far_police}
    teams = dict(
        zip(
            ("asb", "iom", "council_asb", "far_team"),
            Team.objects.bulk_create(
                [
                    Team(organisation=police, name="ASB Team"),
                    Team(organisation=police, name="IOM Team"),
                    Team(organisation=council, name="Council ASB Team"),
                    Team(organisation=far_police, name="Elsewhere ASB Team"),
                ]
            ),
            strict=True,
        )
    )
    password = test_password_hash()
    users = User.objects.bulk_create(
        [
            User(
                email=email,
                full_name=name,
                organisation=organisations[organisation] if organisation else None,
                password=password,
                is_staff=capability == Capability.SYSTEM_ADMIN,
                is_superuser=capability == Capability.SYSTEM_ADMIN,
            )
            for email, name, organisation, _team, _role, capability in _PEOPLE
        ]
    )
    Membership.objects.bulk_create(
        Membership(user=user, team=teams[team], role=role)
        for user, (_e, _n, _o, team, role, _c) in zip(users, _PEOPLE, strict=True)
        if team and role is not None
    )
    CapabilityGrant.objects.bulk_create(
        CapabilityGrant(user=user, capability=capability)
        for user, (_e, _n, _o, _t, _r, capability) in zip(users, _PEOPLE, strict=True)
        if capability
    )
    return Personas(*users)


def signed_in_client(user: User) -> Client:
    """A test client whose session is signed in with MFA completed, as after a real sign-in."""
    from allauth.mfa.models import Authenticator

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        enrol_totp(user)
    client = Client()
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return client


@pytest.fixture
def client_for(personas: Personas):
    """``client_for(user)``: a signed-in client for any persona."""
    return signed_in_client


__all__ = ["TEST_PASSWORD", "Personas", "signed_in_client"]
