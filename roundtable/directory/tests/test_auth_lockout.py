"""Failed sign-ins lock an (account, address) pair with django-axes; the SPOC can lift the lock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent, Outcome
from roundtable.directory.services.sessions import user_unlock
from roundtable.directory.tests.auth_steps import assert_page_fits_the_shell, submit_password
from roundtable.directory.tests.factories import TEST_PASSWORD, enrol_totp

HOME_ADDRESS = "192.0.2.10"
OTHER_ADDRESS = "198.51.100.7"
WRONG = "this is not the password"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def fail(client: Client, email: str, times: int, ip: str = HOME_ADDRESS) -> None:
    for _ in range(times):
        submit_password(client, email, WRONG, ip=ip)


def reaches_second_factor(client: Client, email: str, ip: str = HOME_ADDRESS) -> bool:
    response = submit_password(client, email, TEST_PASSWORD, ip=ip)
    return response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")


def test_four_failures_do_not_lock_the_account(personas, client: Client) -> None:
    enrol_totp(personas.alice)
    fail(client, personas.alice.email, settings.LOCKOUT_FAILURES - 1)

    assert reaches_second_factor(client, personas.alice.email)


def test_fifth_failure_locks_with_a_clear_page(personas, client: Client) -> None:
    enrol_totp(personas.alice)
    fail(client, personas.alice.email, settings.LOCKOUT_FAILURES - 1)

    response = submit_password(client, personas.alice.email, WRONG)

    assert response.status_code == 429
    assert "account/lockout.html" in [template.name for template in response.templates]
    html = response.content.decode()
    assert_page_fits_the_shell(html)
    assert "You can try again in 30 minutes" in html
    assert "single point of contact (SPOC)" in html


def test_locked_account_is_refused_even_with_the_right_password(personas, client: Client) -> None:
    enrol_totp(personas.alice)
    fail(client, personas.alice.email, settings.LOCKOUT_FAILURES)

    response = submit_password(client, personas.alice.email, TEST_PASSWORD)

    assert response.status_code == 429
    assert not response.wsgi_request.user.is_authenticated


def test_email_case_does_not_dodge_the_lock(personas, client: Client) -> None:
    enrol_totp(personas.alice)
    fail(client, personas.alice.email.upper(), settings.LOCKOUT_FAILURES)

    assert not reaches_second_factor(client, personas.alice.email)


def test_same_account_from_another_address_is_not_locked(personas, client: Client) -> None:
    enrol_totp(personas.alice)
    fail(client, personas.alice.email, settings.LOCKOUT_FAILURES, ip=HOME_ADDRESS)

    assert not reaches_second_factor(Client(), personas.alice.email, ip=HOME_ADDRESS)
    assert reaches_second_factor(Client(), personas.alice.email, ip=OTHER_ADDRESS)


def test_another_account_from_the_locked_address_is_not_locked(personas, client: Client) -> None:
    enrol_totp(personas.alice)
    enrol_totp(personas.bob)
    fail(client, personas.alice.email, settings.LOCKOUT_FAILURES)

    assert reaches_second_factor(Client(), personas.bob.email)


def test_lock_lifts_after_the_cool_off(personas) -> None:
    enrol_totp(personas.alice)
    with time_machine.travel(START, tick=False) as clock:
        fail(Client(), personas.alice.email, settings.LOCKOUT_FAILURES)

        clock.shift(timedelta(minutes=settings.LOCKOUT_MINUTES - 1))
        assert not reaches_second_factor(Client(), personas.alice.email)

        # That attempt, made while locked, started the wait again: the first lock has run out
        # by now, the second has not.
        clock.shift(timedelta(minutes=settings.LOCKOUT_MINUTES - 1))
        assert not reaches_second_factor(Client(), personas.alice.email)

        clock.shift(timedelta(minutes=settings.LOCKOUT_MINUTES, seconds=1))
        assert reaches_second_factor(Client(), personas.alice.email)


def test_failures_older_than_the_cool_off_are_forgotten(personas) -> None:
    enrol_totp(personas.alice)
    with time_machine.travel(START, tick=False) as clock:
        fail(Client(), personas.alice.email, settings.LOCKOUT_FAILURES - 1)
        clock.shift(timedelta(minutes=settings.LOCKOUT_MINUTES + 1))
        fail(Client(), personas.alice.email, 1)

        assert reaches_second_factor(Client(), personas.alice.email)


def test_spoc_unlock_lets_the_user_sign_in_at_once(personas, client: Client) -> None:
    enrol_totp(personas.alice)
    fail(client, personas.alice.email, settings.LOCKOUT_FAILURES)
    fail(client, personas.alice.email, 2, ip=OTHER_ADDRESS)

    cleared = user_unlock(actor=personas.spoc, user=personas.alice)

    assert cleared == 2  # one record per address
    assert reaches_second_factor(Client(), personas.alice.email)
    event = AuditEvent.objects.get(action=Action.UNLOCK)
    assert event.actor == personas.spoc
    assert event.target_id == str(personas.alice.code)


def test_unlocking_one_user_leaves_another_locked(personas, client: Client) -> None:
    enrol_totp(personas.bob)
    fail(client, personas.alice.email, settings.LOCKOUT_FAILURES)
    fail(client, personas.bob.email, settings.LOCKOUT_FAILURES)

    user_unlock(actor=personas.spoc, user=personas.alice)

    assert not reaches_second_factor(Client(), personas.bob.email)


def test_failures_and_lockout_are_audited_without_the_password(personas, client: Client) -> None:
    enrol_totp(personas.alice)

    fail(client, personas.alice.email, settings.LOCKOUT_FAILURES)

    failures = AuditEvent.objects.filter(action=Action.LOGIN_FAILED).order_by("id")
    assert failures.count() == settings.LOCKOUT_FAILURES
    assert {event.target_label for event in failures} == {personas.alice.email}
    assert {event.target_id for event in failures} == {str(personas.alice.code)}
    assert {event.ip_address for event in failures} == {HOME_ADDRESS}
    lockout = AuditEvent.objects.get(action=Action.LOCKOUT)
    assert lockout.outcome == Outcome.REFUSED
    assert lockout.target_label == personas.alice.email
    # The failure that caused the lockout is recorded before it.
    assert lockout.id > max(event.id for event in failures)
    for event in AuditEvent.objects.all():
        assert WRONG not in str(event.detail) + str(event.changes) + event.target_label


def test_failed_sign_in_for_an_unknown_address_is_audited_with_the_address(
    db: None, client: Client
) -> None:
    submit_password(client, "nobody@example.invalid", WRONG)

    event = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert event.target_label == "nobody@example.invalid"
    assert event.target_id == ""
    assert event.actor is None
