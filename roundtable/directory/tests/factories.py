"""factory_boy factories for the directory. Every name is invented; none describes a real person."""

from __future__ import annotations

import functools

import factory
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password

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

TEST_PASSWORD = "correct horse battery staple 42"


@functools.cache
def _hash_once(raw_password: str | None) -> str:
    """A real Argon2 hash, computed once per password per process: each hash costs ~0.6 s on CI."""
    return make_password(raw_password)


def test_password_hash() -> str:
    """The stored hash of ``TEST_PASSWORD`` (computed once per process)."""
    return _hash_once(TEST_PASSWORD)


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership
        django_get_or_create = ("short_name",)

    name = factory.Sequence(lambda n: f"Testshire Partnership {n}")
    short_name = factory.Sequence(lambda n: f"testshire-{n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Testshire Agency {n}")
    short_name = factory.Sequence(lambda n: f"TA{n}")
    kind = OrganisationKind.POLICE
    partnership = factory.SubFactory(PartnershipFactory)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.invalid")
    full_name = factory.Sequence(lambda n: f"Test Officer {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.django.Password(TEST_PASSWORD, transform=_hash_once)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
    role = Role.PRACTITIONER


def grant(user: User, capability: Capability) -> CapabilityGrant:
    """Give a user a capability (system admin also gets Django's staff flags)."""
    if capability == Capability.SYSTEM_ADMIN:
        user.is_staff = True
        user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    return CapabilityGrant.objects.create(user=user, capability=capability)


def enrol_totp(user: User) -> str:
    """Enrol a TOTP authenticator for the user and return its base32 secret."""
    from allauth.mfa.totp.internal.auth import generate_totp_secret

    secret: str = generate_totp_secret()
    TOTP.activate(user, secret)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    return secret
