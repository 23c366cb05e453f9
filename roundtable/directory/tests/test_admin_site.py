"""The Django admin is for system admins only, and nobody signs in through it."""

from __future__ import annotations

import pytest
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent
from roundtable.directory.models import (
    CapabilityGrant,
    Membership,
    Organisation,
    Partnership,
    Team,
    User,
)
from roundtable.directory.tests.factories import TEST_PASSWORD

MODELS = [Partnership, Organisation, Team, User, Membership, CapabilityGrant]


def _changelist(model: type[Model]) -> str:
    return reverse(f"admin:directory_{model._meta.model_name}_changelist")


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_system_admin_reaches_every_directory_model(personas, client_for, model):
    client = client_for(personas.sysadmin)

    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(_changelist(model)).status_code == 200


@pytest.mark.parametrize("persona", ["spoc", "alice", "audrey"])
@pytest.mark.parametrize("url", ["admin:index", "admin:directory_user_changelist", "admin:login"])
def test_everyone_else_signed_in_is_refused_with_403(personas, client_for, persona, url):
    response = client_for(getattr(personas, persona)).get(reverse(url))

    assert response.status_code == 403


def test_a_staff_flag_alone_does_not_open_the_admin(personas, client_for):
    personas.spoc.is_staff = True
    personas.spoc.is_superuser = True
    personas.spoc.save(update_fields=["is_staff", "is_superuser"])

    assert client_for(personas.spoc).get(reverse("admin:index")).status_code == 403


def test_signed_out_visitors_are_sent_to_the_apps_own_sign_in_not_the_admins(db):
    client = Client()

    first = client.get(reverse("admin:index"))
    second = client.get(first["Location"])

    assert first.status_code == 302
    assert first["Location"].startswith(reverse("admin:login"))
    assert second.status_code == 302
    assert second["Location"] == f"{reverse('account_login')}?next={reverse('admin:index')}"


def test_admin_login_form_does_not_sign_in_even_with_the_right_password(personas):
    client = Client()

    response = client.post(
        reverse("admin:login"),
        {"username": personas.sysadmin.email, "password": TEST_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_user_change_form_has_no_password_field_only_the_change_password_link(personas, client_for):
    response = client_for(personas.sysadmin).get(
        reverse("admin:directory_user_change", args=[personas.alice.pk])
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="password"' not in html
    assert 'href="../password/"' in html  # Django's change-password form, and only that


def test_memberships_and_capabilities_are_read_only_in_the_admin(personas, client_for):
    client = client_for(personas.sysadmin)

    assert client.get(reverse("admin:directory_membership_add")).status_code == 403
    assert client.get(reverse("admin:directory_capabilitygrant_add")).status_code == 403


def test_changes_in_the_admin_are_audited(personas, client_for):
    team = Team.objects.get(name="IOM Team")

    response = client_for(personas.sysadmin).post(
        reverse("admin:directory_team_change", args=[team.pk]),
        {
            "organisation": team.organisation_id,
            "name": "IOM Hub",
            "description": "",
            "email": "",
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    event = AuditEvent.objects.get(action=Action.UPDATE, target_id=str(team.code))
    assert event.changes == {"name": ["IOM Team", "IOM Hub"]}
    assert event.actor == personas.sysadmin


def test_deactivating_a_user_in_the_admin_ends_their_sessions(personas, client_for):
    alice_client = client_for(personas.alice)
    alice = personas.alice

    client_for(personas.sysadmin).post(
        reverse("admin:directory_user_change", args=[alice.pk]),
        {
            "email": alice.email,
            "full_name": alice.full_name,
            "job_title": "",
            "organisation": alice.organisation_id,
        },
    )

    alice.refresh_from_db()
    assert not alice.is_active
    assert alice.session_generation == 1
    assert alice_client.get(reverse("home")).status_code == 302
