"""Signing in through allauth's real pages: password, then a code from the authenticator app."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pyotp
import pytest
import time_machine
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from roundtable.directory.models import User
from roundtable.directory.tests.auth_steps import (
    assert_page_fits_the_shell,
    sign_in,
    submit_code,
    submit_password,
)
from roundtable.directory.tests.factories import enrol_totp


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # allauth remembers used TOTP codes and rate limits in the cache, keyed by user id.
    cache.clear()


def test_sign_in_page_is_a_govuk_page_without_inline_script(db: None, client: Client) -> None:
    response = client.get(reverse("account_login"))

    assert response.status_code == 200
    html = response.content.decode()
    assert_page_fits_the_shell(html)
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html


def test_user_with_authenticator_app_signs_in_with_password_and_code(
    personas, client: Client
) -> None:
    secret = enrol_totp(personas.alice)

    response = sign_in(client, personas.alice, secret)

    assert response["Location"] == reverse("home")
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert home.wsgi_request.user == personas.alice


def test_password_alone_does_not_sign_in_an_enrolled_user(personas, client: Client) -> None:
    enrol_totp(personas.alice)

    response = submit_password(client, personas.alice.email)

    assert response["Location"] == reverse("mfa_authenticate")
    page = client.get(reverse("mfa_authenticate"))
    assert_page_fits_the_shell(page.content.decode())
    assert client.get(reverse("home"))["Location"].startswith(reverse("account_login"))


def test_wrong_password_is_refused_with_a_message_next_to_the_form(
    personas, client: Client
) -> None:
    enrol_totp(personas.alice)

    response = submit_password(client, personas.alice.email, "not the right password at all")

    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "not correct" in html
    assert not response.wsgi_request.user.is_authenticated


def test_wrong_code_is_refused_and_the_user_stays_signed_out(personas, client: Client) -> None:
    secret = enrol_totp(personas.alice)
    submit_password(client, personas.alice.email)
    wrong = f"{(int(pyotp.TOTP(secret).now()) + 1) % 1_000_000:06d}"

    response = submit_code(client, wrong)

    assert response.status_code == 200
    assert "govuk-error-message" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_a_recovery_code_signs_in_once_and_only_once(personas, client: Client) -> None:
    enrol_totp(personas.alice)
    code = RecoveryCodes.activate(personas.alice).get_unused_codes()[0]

    submit_password(client, personas.alice.email)
    first = submit_code(client, code)
    assert first["Location"] == reverse("home")

    again = Client()
    submit_password(again, personas.alice.email)
    second = submit_code(again, code)
    assert second.status_code == 200
    assert again.get(reverse("home")).status_code == 302


def test_deactivated_user_cannot_sign_in(personas, client: Client) -> None:
    enrol_totp(personas.alice)
    User.objects.filter(pk=personas.alice.pk).update(is_active=False)

    response = submit_password(client, personas.alice.email)

    assert not response.wsgi_request.user.is_authenticated
    assert client.get(reverse("home")).status_code == 302


def test_nobody_can_sign_up_themselves(db: None, client: Client) -> None:
    response = client.post(
        reverse("account_signup"),
        {"email": "newcomer@example.invalid", "password1": "x" * 20, "password2": "x" * 20},
    )

    assert "set up by your organisation" in response.content.decode()
    assert not User.objects.filter(email="newcomer@example.invalid").exists()


def test_sign_out_asks_for_confirmation_and_then_signs_out(personas, client: Client) -> None:
    secret = enrol_totp(personas.alice)
    sign_in(client, personas.alice, secret)

    confirm = client.get(reverse("account_logout"))
    assert confirm.status_code == 200
    assert_page_fits_the_shell(confirm.content.decode())
    assert client.get(reverse("home")).status_code == 200  # a GET alone signs nobody out

    client.post(reverse("account_logout"))
    assert client.get(reverse("home")).status_code == 302


@pytest.fixture
def one_code_period():
    """Hold the clock in the middle of one 30-second TOTP period. A test that reads the right
    code and sends it after several other requests can otherwise outlast the code's period on a
    slow machine (it did once in CI)."""
    middle = (int(time.time()) // 30) * 30 + 15
    with time_machine.travel(datetime.fromtimestamp(middle, tz=UTC), tick=False):
        yield


@pytest.mark.usefixtures("one_code_period")
def test_wrong_codes_are_limited_so_codes_cannot_be_guessed(personas, client: Client) -> None:
    secret = enrol_totp(personas.alice)
    submit_password(client, personas.alice.email)
    right = pyotp.TOTP(secret).now()
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(5):
        assert submit_code(client, wrong).status_code == 200

    response = submit_code(client, right)

    assert response.status_code == 200
    assert "too many wrong codes" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.usefixtures("one_code_period")
def test_four_wrong_codes_still_allow_the_right_one(personas, client: Client) -> None:
    secret = enrol_totp(personas.alice)
    submit_password(client, personas.alice.email)
    right = pyotp.TOTP(secret).now()
    for _ in range(4):
        submit_code(client, f"{(int(right) + 1) % 1_000_000:06d}")

    assert submit_code(client, right)["Location"] == reverse("home")
