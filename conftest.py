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

from roundtable.directory.models import Capability, OrganisationKind, Role, User
from roundtable.directory.tests.factories import (
    TEST_PASSWORD,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    TeamFactory,
    UserFactory,
    enrol_totp,
    grant,
)

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


@pytest.fixture
def personas(db: None) -> Personas:
    """Seven users across three organisations in two partnerships, each with a team."""
    testshire = PartnershipFactory(
        name="Testshire Community Safety Partnership", short_name="testshire"
    )
    elsewhere = PartnershipFactory(name="Elsewhere Partnership", short_name="elsewhere")
    police = OrganisationFactory(
        name="Testshire Police", kind=OrganisationKind.POLICE, partnership=testshire
    )
    council = OrganisationFactory(
        name="Testshire District Council",
        kind=OrganisationKind.LOCAL_AUTHORITY,
        partnership=testshire,
    )
    far_police = OrganisationFactory(
        name="Elsewhere Police", kind=OrganisationKind.POLICE, partnership=elsewhere
    )
    asb = TeamFactory(organisation=police, name="ASB Team")
    iom = TeamFactory(organisation=police, name="IOM Team")
    council_asb = TeamFactory(organisation=council, name="Council ASB Team")
    far_team = TeamFactory(organisation=far_police, name="Elsewhere ASB Team")

    def person(email: str, name: str, organisation, team, role=Role.PRACTITIONER) -> User:
        user = UserFactory(email=email, full_name=name, organisation=organisation)
        MembershipFactory(user=user, team=team, role=role)
        return user

    alice = person("alice@police.testshire.invalid", "Alice Ashdown", police, asb)
    bob = person("bob@police.testshire.invalid", "Bob Birchwood", police, iom)
    carol = person("carol@council.testshire.invalid", "Carol Copperfield", council, council_asb)
    dave = person("dave@police.elsewhere.invalid", "Dave Dunmore", far_police, far_team)
    spoc = person("spoc@police.testshire.invalid", "Sam Spokes", police, asb, Role.TEAM_MANAGER)
    grant(spoc, Capability.ORGANISATION_ADMIN)
    audrey = person("audrey@police.testshire.invalid", "Audrey Auden", police, asb)
    grant(audrey, Capability.AUDITOR)
    sysadmin = UserFactory(
        email="sysadmin@roundtable.invalid", full_name="Sid Sysop", organisation=None
    )
    grant(sysadmin, Capability.SYSTEM_ADMIN)
    return Personas(alice, bob, carol, dave, spoc, audrey, sysadmin)


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
