"""Sign-in steps shared by the authentication tests: the real allauth pages, never force_login."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pyotp
from django.test import Client
from django.urls import reverse

from roundtable.directory.models import User
from roundtable.directory.tests.factories import TEST_PASSWORD

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


def submit_password(
    client: Client, email: str, password: str = TEST_PASSWORD, ip: str = "192.0.2.10"
) -> Response:
    """Post the sign-in form as a person at ``ip`` would."""
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=ip
    )


def submit_code(client: Client, code: str, ip: str = "192.0.2.10") -> Response:
    """Post the second-factor form."""
    return client.post(reverse("mfa_authenticate"), {"code": code}, REMOTE_ADDR=ip)


def reauthenticate(client: Client, password: str = TEST_PASSWORD) -> Response:
    """Confirm the password again, as allauth asks before a change to sign-in security."""
    return client.post(
        reverse("account_reauthenticate"), {"password": password}, REMOTE_ADDR="192.0.2.10"
    )


def sign_in(client: Client, user: User, secret: str, ip: str = "192.0.2.10") -> Response:
    """Password then TOTP code, through allauth's own URLs; returns the final response."""
    response = submit_password(client, user.email, ip=ip)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    response = submit_code(client, pyotp.TOTP(secret).now(), ip=ip)
    assert response.status_code == 302
    return response


SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def assert_page_fits_the_shell(html: str) -> None:
    """One <h1>, GOV.UK markup, and nothing the nonce CSP would block (inline script or style)."""
    assert html.count("<h1") == 1, "a page has exactly one <h1>"
    assert "govuk-" in html
    for attributes in SCRIPT_TAG.findall(html):
        assert "src=" in attributes or "nonce=" in attributes or "application/json" in attributes, (
            f"inline script without a nonce: <script{attributes}>"
        )
    assert " style=" not in html
    assert " onclick=" not in html.lower()
