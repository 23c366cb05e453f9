"""Emails the sharing workflows send: to the owning team's managers and to people who asked.

An email is not a safe place for personal data (it leaves the system, is forwarded and kept in
inboxes), so these messages name a record by its reference or code and link to it; the reader
signs in to see anything more. Messages go after the transaction commits, so a rolled-back write
sends nothing. This module must never put a name, a date of birth, an address or a free-text
reason in a message.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string

from roundtable.directory.models import Role, User


def absolute(path: str) -> str:
    """A link to a page of this site, for an email."""
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _send(template: str, emails: list[str], context: dict[str, Any]) -> None:
    if not emails:
        return
    subject = render_to_string(f"sharing/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"sharing/email/{template}_message.txt", context)
    # One message per recipient, so no one sees who else was told.
    send_mass_mail([(subject, body, None, [email]) for email in emails])


def team_manager_emails(team_id: int) -> list[str]:
    """The email addresses of a team's active managers."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__team_id=team_id,
            memberships__role=Role.TEAM_MANAGER,
        )
        .order_by("pk")
        .values_list("email", flat=True)
        .distinct()
    )


def email_team_managers(*, team_id: int, template: str, context: dict[str, Any]) -> None:
    """After commit, email every manager of a team (context: reference and link only)."""
    transaction.on_commit(lambda: _send(template, team_manager_emails(team_id), context))


def email_user(*, user_id: int, template: str, context: dict[str, Any]) -> None:
    """After commit, email one user (context: reference and link only)."""

    def send() -> None:
        email = User.objects.filter(pk=user_id, is_active=True).values_list("email", flat=True)
        _send(template, list(email), context)

    transaction.on_commit(send)
