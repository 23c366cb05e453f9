"""Reactions to allauth's signals that keep the directory's per-session state honest.

Only session bookkeeping lives here; nothing in this module writes business data or logs who
the user is (the audit receivers record the events themselves).
"""

from __future__ import annotations

from typing import Any

from allauth.mfa import signals as mfa_signals
from django.dispatch import receiver
from django.http import HttpRequest

from roundtable.directory.middleware import MFA_ENROLLED_SESSION_KEY


@receiver(mfa_signals.authenticator_removed, dispatch_uid="directory_mfa_removed")
def forget_mfa_enrolment(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """Removing a factor makes this session check again whether one is left."""
    session = getattr(request, "session", None)
    if session is not None:
        session.pop(MFA_ENROLLED_SESSION_KEY, None)
