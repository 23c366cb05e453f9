"""Password rules (NCSC): at least 12 characters, no common or breached-style passwords, and no
rules about mixing character types. Checked alone and through allauth's change-password page."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent
from roundtable.directory.passwords import BreachedStylePasswordValidator
from roundtable.directory.tests.auth_steps import sign_in
from roundtable.directory.tests.factories import TEST_PASSWORD, enrol_totp

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

validator = BreachedStylePasswordValidator()


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("aaaaaaaaaaaaaaaa", "password_repetitive"),
        ("abababababababab", "password_repetitive"),
        ("1212abab1212abab", "password_repetitive"),
        ("qwertyuiopasdf", "password_keyboard_pattern"),
        ("qwertyuiop!!", "password_keyboard_pattern"),
        ("1234567890123", "password_keyboard_pattern"),
        ("09876543210987", "password_keyboard_pattern"),
        ("abcdefghijklmn", "password_keyboard_pattern"),
        ("Password2024!!", "password_breached"),
        ("P@ssw0rd123456", "password_breached"),
        ("Welcome12345!!", "password_breached"),
        ("letmeinletmein", "password_breached"),
        ("Roundtable2026!", "password_breached"),
        ("passwords99999", "password_breached"),
    ],
)
def test_breached_style_passwords_are_refused(password: str, code: str) -> None:
    with pytest.raises(ValidationError) as refusal:
        validator.validate(password)

    assert refusal.value.code == code


@pytest.mark.parametrize(
    "password",
    [
        TEST_PASSWORD,
        "marmalade orbit kettle",  # three random words, all lower case: fine
        "violet tractor 1987 seagull",
        "mypasswordmanagerislong",  # a breached word inside a longer phrase is not a padded one
        "Qz8!vT2#pL9@wR4$",
    ],
)
def test_long_unpredictable_passwords_are_accepted(password: str) -> None:
    validator.validate(password)  # raises if refused


@pytest.mark.parametrize(
    "password",
    [
        "short words",  # 11 characters: too short
        "password1234",  # Django's common-password list
        "qwerty123456",
    ],
)
def test_settings_refuse_short_and_common_passwords(password: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(password)


def test_no_composition_rules_apply() -> None:
    validate_password("lantern cobble quietly")  # no capitals, digits or symbols: accepted


def test_help_text_names_the_rule() -> None:
    assert "common password" in validator.get_help_text()


@pytest.fixture
def alice_client(personas) -> Client:
    client = Client()
    sign_in(client, personas.alice, enrol_totp(personas.alice))
    return client


def change(client: Client, new: str) -> Response:
    return client.post(
        reverse("account_change_password"),
        {"oldpassword": TEST_PASSWORD, "password1": new, "password2": new},
    )


def test_change_password_page_refuses_a_weak_password_next_to_the_field(
    personas, alice_client
) -> None:
    response = change(alice_client, "Password2024!!")

    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert 'id="id_password1-error"' in html
    personas.alice.refresh_from_db()
    assert personas.alice.check_password(TEST_PASSWORD)
    assert not AuditEvent.objects.filter(action=Action.PASSWORD_CHANGE).exists()


def test_change_password_page_refuses_eleven_characters(personas, alice_client) -> None:
    response = change(alice_client, "kettle rain")

    assert "at least 12 characters" in response.content.decode()
    personas.alice.refresh_from_db()
    assert personas.alice.check_password(TEST_PASSWORD)


def test_change_password_page_accepts_a_strong_password_and_audits(personas, alice_client) -> None:
    response = change(alice_client, "marmalade orbit kettle")

    assert response.status_code == 302
    personas.alice.refresh_from_db()
    assert personas.alice.check_password("marmalade orbit kettle")
    assert personas.alice.password.startswith("argon2")
    event = AuditEvent.objects.get(action=Action.PASSWORD_CHANGE)
    assert event.actor == personas.alice
    assert alice_client.get(reverse("home")).status_code == 200  # this session carries on
