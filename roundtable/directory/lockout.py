"""django-axes hooks: how the account is read from a sign-in attempt, and the lockout page.

Axes counts failed sign-ins per (account, address) pair (settings.AXES_LOCKOUT_PARAMETERS), so a
guesser at one address cannot lock the real person out from another. This module must never log
the email address it reads: axes' own logger is routed to nowhere and the audit log records it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

#: Keys the typed email may arrive under: allauth's authenticate() passes ``email``, its form posts
#: ``login``, and Django's own forms use ``username``.
CREDENTIAL_KEYS = ("email", "login", "username")


def normalise_account(value: object) -> str:
    """The form axes stores an account in: trimmed and lower-case, as the User model stores it."""
    return str(value).strip().lower()


def username_from_request(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The email address a sign-in attempt was for, so one account's attempts count together."""
    for key in CREDENTIAL_KEYS:
        if credentials and credentials.get(key):
            return normalise_account(credentials[key])
    return normalise_account(request.POST.get("login", ""))


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """A clear page, status 429, saying how long the lock lasts and who can lift it."""
    return render(
        request,
        "account/lockout.html",
        {"lockout_minutes": settings.LOCKOUT_MINUTES, "failure_limit": settings.LOCKOUT_FAILURES},
        status=429,
    )
