"""Sign-in events land in the audit log, with the actor even before the request has a user.
(Failed sign-ins and lockouts: test_auth_lockout; enrolment and removal: test_auth_mfa_enrolment;
password change and reset: test_auth_passwords and test_auth_password_reset.)"""

from __future__ import annotations

import logging
from typing import Any

import pyotp
import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent, Outcome
from roundtable.directory.tests.auth_steps import sign_in, submit_code, submit_password
from roundtable.directory.tests.factories import enrol_totp

ADDRESS = "203.0.113.9"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def test_sign_in_is_audited_once_with_actor_and_address(personas, client: Client) -> None:
    sign_in(client, personas.alice, enrol_totp(personas.alice), ip=ADDRESS)

    event = AuditEvent.objects.get(action=Action.LOGIN)
    assert event.actor == personas.alice
    assert event.ip_address == ADDRESS
    assert event.organisation_id == personas.alice.organisation_id


def test_password_alone_is_not_audited_as_a_sign_in(personas, client: Client) -> None:
    enrol_totp(personas.alice)

    submit_password(client, personas.alice.email)

    assert not AuditEvent.objects.filter(action=Action.LOGIN).exists()


def test_sign_out_is_audited(personas, client: Client) -> None:
    sign_in(client, personas.alice, enrol_totp(personas.alice))

    client.post(reverse("account_logout"))

    assert AuditEvent.objects.get(action=Action.LOGOUT).actor == personas.alice


def test_wrong_second_factor_code_is_audited_as_a_failed_sign_in(personas, client) -> None:
    secret = enrol_totp(personas.alice)
    submit_password(client, personas.alice.email)
    wrong = f"{(int(pyotp.TOTP(secret).now()) + 7) % 1_000_000:06d}"

    submit_code(client, wrong)

    event = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert event.outcome == Outcome.FAILED
    assert event.target_id == str(personas.alice.code)
    assert event.detail["stage"] == "second_factor"
    assert wrong not in str(event.detail)


def test_recovery_code_use_is_audited_without_the_code(personas, client: Client) -> None:
    enrol_totp(personas.alice)
    code = RecoveryCodes.activate(personas.alice).get_unused_codes()[0]
    submit_password(client, personas.alice.email)

    submit_code(client, code)

    event = AuditEvent.objects.get(action=Action.MFA_RECOVERY_CODE_USED)
    assert event.actor == personas.alice
    assert event.detail["unused_codes_left"] == 9
    for stored in AuditEvent.objects.all():
        assert code not in str(stored.detail) + str(stored.changes)
    assert AuditEvent.objects.filter(action=Action.LOGIN, actor=personas.alice).exists()


def test_app_code_use_writes_no_recovery_code_event(personas, client: Client) -> None:
    sign_in(client, personas.alice, enrol_totp(personas.alice))

    assert not AuditEvent.objects.filter(action=Action.MFA_RECOVERY_CODE_USED).exists()


def test_regenerating_recovery_codes_is_audited(
    personas, client: Client, django_capture_on_commit_callbacks
) -> None:
    sign_in(client, personas.alice, enrol_totp(personas.alice))
    RecoveryCodes.activate(personas.alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_generate_recovery_codes"))

    assert response.status_code == 302
    event = AuditEvent.objects.get(action=Action.MFA_RECOVERY_CODES_REGENERATED)
    assert event.actor == personas.alice


def test_sign_in_log_lines_never_carry_the_email(personas, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    enrol_totp(personas.alice)
    client = Client()
    for _ in range(settings.LOCKOUT_FAILURES + 1):
        submit_password(client, personas.alice.email, "not the password at all")
    client.post(reverse("account_reset_password"), {"email": personas.alice.email})
    sign_in(Client(), personas.bob, enrol_totp(personas.bob))

    assert caplog.records, "the sign-in stack did log something"
    for record in caplog.records:
        message = record.getMessage()
        assert personas.alice.email not in message, record.name
        assert personas.bob.email not in message, record.name
    # And axes, which would name the account, is routed to nowhere outside tests.
    logging_config: dict[str, Any] = settings.LOGGING
    assert logging_config["loggers"]["axes"] == {"handlers": ["null"], "propagate": False}
