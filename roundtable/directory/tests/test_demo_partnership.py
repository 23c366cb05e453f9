"""``manage.py demo_partnership``: the invented Fenshire partnership, repeatable and idempotent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from roundtable.audit.models import Action, AuditEvent
from roundtable.directory.demo import data
from roundtable.directory.demo.builder import plan_people
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

pytestmark = pytest.mark.django_db

PERSONA_EMAILS = {persona.email for persona in data.PERSONAS}


def load(seed: int = 1) -> str:
    out = StringIO()
    call_command("demo_partnership", seed=seed, profiles=0, stdout=out)  # directory only
    return out.getvalue()


def directory_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Partnership, Organisation, Team, User, Membership, CapabilityGrant)
    }


def generated_emails() -> list[str]:
    return sorted(User.objects.exclude(email__in=PERSONA_EMAILS).values_list("email", flat=True))


def test_demo_builds_every_kind_of_organisation_a_partnership_has():
    load()
    fenshire = Partnership.objects.get(short_name="fenshire")
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert kinds == {
        OrganisationKind.POLICE,
        OrganisationKind.LOCAL_AUTHORITY,
        OrganisationKind.HOUSING,
        OrganisationKind.PROBATION,
        OrganisationKind.PRISON,
        OrganisationKind.YOUTH_JUSTICE,
        OrganisationKind.HOME_OFFICE,
        OrganisationKind.HEALTH,
        OrganisationKind.EDUCATION,
        OrganisationKind.FIRE,
        OrganisationKind.VOLUNTARY,
    }
    councils = fenshire.organisations.filter(kind=OrganisationKind.LOCAL_AUTHORITY)
    assert councils.count() == 3
    assert Organisation.objects.get(kind=OrganisationKind.HOME_OFFICE).partnership is None
    assert Partnership.objects.filter(short_name="westmarch").exists()


def test_demo_has_about_forty_teams_and_two_hundred_users():
    load()
    assert 38 <= Team.objects.count() <= 46
    assert 190 <= User.objects.count() <= 210
    assert not Team.objects.filter(memberships__isnull=True).exists()


def test_every_organisation_has_a_spoc_of_its_own():
    load()
    for organisation in Organisation.objects.all():
        assert CapabilityGrant.objects.filter(
            capability=Capability.ORGANISATION_ADMIN, user__organisation=organisation
        ).exists(), organisation.name


def test_demo_has_managers_auditors_a_partnership_admin_and_people_in_two_teams():
    load()
    assert Membership.objects.filter(role=Role.TEAM_MANAGER).count() >= Team.objects.count()
    assert CapabilityGrant.objects.filter(capability=Capability.AUDITOR).count() >= 2
    assert CapabilityGrant.objects.filter(capability=Capability.PARTNERSHIP_ADMIN).exists()
    in_two_teams = [user for user in User.objects.all() if user.memberships.count() >= 2]
    assert len(in_two_teams) >= data.SECOND_TEAM_COUNT
    for user in in_two_teams:
        teams = user.memberships.values_list("team__organisation", flat=True)
        assert set(teams) == {user.organisation_id}


def test_every_demo_address_is_on_a_reserved_example_domain():
    load()
    emails = list(User.objects.values_list("email", flat=True))
    assert emails
    assert all(email.endswith(".example") for email in emails)


def test_running_it_twice_creates_nothing_new():
    load()
    before = directory_counts()
    output = load()
    assert directory_counts() == before
    assert "Created: 0 partnerships, 0 organisations, 0 teams, 0 users" in output


def test_the_same_seed_gives_the_same_people():
    load(seed=7)
    first = generated_emails()
    User.objects.exclude(email__in=PERSONA_EMAILS).delete()
    assert generated_emails() == []
    load(seed=7)
    assert generated_emails() == first


def test_another_seed_gives_other_people():
    assert [p.email for p in plan_people(1).people] == [p.email for p in plan_people(1).people]
    assert [p.email for p in plan_people(1).people] != [p.email for p in plan_people(2).people]


def test_each_load_is_audited_as_one_import_with_its_counts():
    load()
    load()
    events = list(AuditEvent.objects.filter(action=Action.IMPORT).order_by("id"))
    assert len(events) == 2
    first, second = events
    assert first.channel == "command"
    assert first.detail["source"] == "demo_partnership"
    assert first.detail["created"]["users"] == User.objects.count()
    assert second.detail["created"]["users"] == 0
    assert second.detail["totals"]["teams"] == Team.objects.count()


def test_all_demo_accounts_share_one_password_hash_that_checks():
    load()
    assert User.objects.values("password").distinct().count() == 1
    assert User.objects.all()[0].check_password(data.DEMO_PASSWORD)


@override_settings(ENVIRONMENT="production")
def test_refuses_to_run_in_production_and_writes_nothing():
    with pytest.raises(CommandError, match="ROUNDTABLE_ENV is production"):
        load()
    assert directory_counts() == dict.fromkeys(directory_counts(), 0)
    assert not AuditEvent.objects.exists()
