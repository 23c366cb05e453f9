"""allauth adapter: accounts are created by invitation only, and reset requests are audited.

This adapter must never log an email address or a reset link: the audit log records the request.
"""

from __future__ import annotations

import time
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from django.http import HttpRequest

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    """Closes public sign-up, audits reset requests, spares a second password prompt."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": "The email address or password is not correct.",
        # Only wrong one-time codes reach this limit (see pre_authenticate).
        "too_many_login_attempts": (
            "You have entered too many wrong codes. Wait 5 minutes, then try again."
        ),
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Skip allauth's own failed-password counter: django-axes locks per (account, address).

        allauth's counter is per account across all addresses, so a guesser anywhere could lock
        the real person out; its "login_failed" limit then applies to one-time codes only.
        """

    def send_password_reset_mail(self, user: Any, email: str, context: dict[str, Any]) -> None:
        super().send_password_reset_mail(user, email, context)
        audit_record(action=Action.PASSWORD_RESET_REQUEST, target=user)

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """Not for MFA changes in the first minutes after signing in with the password.

        allauth 65 asks for the password again before any MFA change, even straight after
        signing in. Enrolment is forced on first sign-in, so that would ask for the password twice
        in a row (and again to see the recovery codes). A password typed at sign-in within
        ACCOUNT_REAUTHENTICATION_TIMEOUT counts as fresh; later changes still ask again.
        """
        required: bool = super().is_reauthentication_required(app=app, **kwargs)
        if required and app == "allauth.mfa" and _typed_password_recently(context.request):
            return False
        return required


def _typed_password_recently(request: HttpRequest) -> bool:
    user = request.user
    if not user.is_authenticated:
        return False
    horizon = time.time() - account_settings.REAUTHENTICATION_TIMEOUT
    return any(
        record.get("method") == "password" and record.get("at", 0) >= horizon
        for record in get_authentication_records(request, user)
    )
