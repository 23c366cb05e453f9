"""django-axes hooks: how the username is read from allauth's form, and the lockout page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def username_from_request(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """allauth posts the email as ``login``; Django's authenticate() passes it as ``email``."""
    if credentials:
        for key in ("email", "login", "username"):
            if credentials.get(key):
                return str(credentials[key]).strip().lower()
    return str(request.POST.get("login", "")).strip().lower()


def lockout_response(request: HttpRequest, credentials: dict[str, Any] | None = None, *args: Any, **kwargs: Any) -> HttpResponse:
    """A clear page, status 429, saying how long the lock lasts and who can lift it."""
    return render(request, "account/lockout.html", status=429)
