"""``manage.py demo_personas``: named sign-ins with a password and an authenticator, and codes."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from io import StringIO

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import validate_totp_code
from allauth.mfa.utils import decrypt
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent
from roundtable.directory.demo import data
from roundtable.directory.demo.personas import persona_totp_secret
from roundtable.directory.models import Capability, User

pytestmark = pytest.mark.django_db

# 10:00:13 UTC: 13 seconds into a 30-second TOTP step, so the next code comes in 17 seconds.
FROZEN = datetime(2026, 3, 2, 10, 0, 13, tzinfo=UTC)


def personas_command(*args: str) -> str:
    out = StringIO()
    call_command("demo_personas", *args, stdout=out)
    return out.getvalue()


def persona(key: str) -> data.PersonaSpec:
    return next(p for p in data.PERSONAS if p.key == key)


def code_for(output: str, email: str) -> str:
    match = re.search(rf"{re.escape(email)}\s+(\d{{6}})\s*$", output, re.MULTILINE)
    assert match, output
    return match.group(1)


def test_every_persona_gets_the_demo_password_and_a_totp_authenticator():
    output = personas_command()
    users = User.objects.filter(email__in=[spec.email for spec in data.PERSONAS])
    assert users.count() == len(data.PERSONAS)
    assert users.values("password").distinct().count() == 1  # one hash: check it once
    assert users[0].check_password(data.DEMO_PASSWORD)
    for spec in data.PERSONAS:
        user = User.objects.get(email=spec.email)
        assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        assert Authenticator.objects.filter(
            user=user, type=Authenticator.Type.RECOVERY_CODES
        ).exists()
        assert spec.email in output
    assert data.DEMO_PASSWORD in output
    assert "make otp" in output


def test_personas_hold_their_roles_and_capabilities():
    personas_command()
    sysadmin = User.objects.get(email=persona("sysadmin").email)
    assert sysadmin.is_staff
    assert sysadmin.is_superuser
    assert sysadmin.organisation is None
    spoc = User.objects.get(email=persona("spoc").email)
    assert spoc.capability_grants.filter(capability=Capability.ORGANISATION_ADMIN).exists()
    assert spoc.organisation is not None
    assert spoc.organisation.name == "Fenshire Constabulary"
    immigration = User.objects.get(email=persona("immigration").email)
    assert immigration.organisation is not None
    assert immigration.organisation.partnership is None
    practitioner = User.objects.get(email=persona("practitioner").email)
    assert not practitioner.capability_grants.exists()
    assert not practitioner.is_staff


def test_each_enrolment_is_audited():
    personas_command()
    enrolments = AuditEvent.objects.filter(action=Action.MFA_ENROL, channel="command")
    assert enrolments.count() == len(data.PERSONAS)
    load = AuditEvent.objects.get(action=Action.IMPORT)
    assert load.detail["source"] == "demo_personas"
    assert load.detail["created"]["authenticators"] == len(data.PERSONAS)
    assert load.detail["created"]["users"] == len(data.PERSONAS)


def test_the_secret_is_deterministic_and_never_re_enrolled():
    personas_command()
    user = User.objects.get(email=persona("practitioner").email)
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    assert decrypt(authenticator.data["secret"]) == persona_totp_secret(user.email)
    personas_command()
    again = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    assert again.pk == authenticator.pk
    assert AuditEvent.objects.filter(action=Action.MFA_ENROL).count() == len(data.PERSONAS)


def test_a_changed_password_is_put_back_and_a_deactivated_persona_reactivated():
    personas_command()
    user = User.objects.get(email=persona("housing").email)
    user.set_password("something else entirely 99")
    user.is_active = False
    user.save()
    personas_command()
    user.refresh_from_db()
    assert user.is_active
    assert user.check_password(data.DEMO_PASSWORD)


def test_codes_prints_each_personas_current_code_that_allauth_accepts():
    personas_command()
    with time_machine.travel(FROZEN, tick=False):
        output = personas_command("--codes")
        for spec in data.PERSONAS:
            code = code_for(output, spec.email)
            assert validate_totp_code(persona_totp_secret(spec.email), code)
        assert not validate_totp_code(persona_totp_secret(persona("council").email), "000000")
    assert "change in 17 seconds" in output


def test_a_newcomer_signs_in_with_the_password_and_the_printed_code(client):
    personas_command()
    spec = persona("practitioner")
    with time_machine.travel(FROZEN, tick=False):
        code = code_for(personas_command("--codes"), spec.email)
        response = client.post(
            reverse("account_login"), {"login": spec.email, "password": data.DEMO_PASSWORD}
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_authenticate")
        response = client.post(reverse("mfa_authenticate"), {"code": code})
        assert response.status_code == 302
        home = client.get(reverse("home"))
    assert home.status_code == 200
    assert home.wsgi_request.user.email == spec.email


def test_codes_before_any_persona_exists_says_what_to_run():
    with pytest.raises(CommandError, match="make demo"):
        personas_command("--codes")


@override_settings(ENVIRONMENT="production")
def test_refuses_to_create_personas_in_production():
    with pytest.raises(CommandError, match="ROUNDTABLE_ENV is production"):
        personas_command()
    assert not User.objects.exists()
    assert not Authenticator.objects.exists()


@override_settings(ENVIRONMENT="production")
def test_refuses_to_print_codes_in_production():
    with pytest.raises(CommandError, match="ROUNDTABLE_ENV is production"):
        personas_command("--codes")
