"""Ending sessions and lifting sign-in lockouts, each audited in the same transaction.

A user's sessions are ended by bumping ``User.session_generation``: it is part of the session auth
hash, so every existing session (on every device) stops verifying at its next request. This module
must never log an email address; the audit log is where who-did-what is written.
"""

from __future__ import annotations

from typing import Literal

from axes.utils import reset as axes_reset
from django.contrib.auth import logout
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest

from roundtable.audit import context as audit_context
from roundtable.audit.middleware import client_ip
from roundtable.audit.models import Action, Outcome
from roundtable.audit.services import audit_record
from roundtable.directory.lockout import normalise_account
from roundtable.directory.models import User

ExpiryReason = Literal["idle", "absolute"]

#: Set on a request whose sign-out the session-expiry event already records, so the sign-out
#: receiver does not write a second, misleading "signed out" event.
SIGN_OUT_AUDITED_ATTRIBUTE = "_roundtable_sign_out_audited"


@transaction.atomic
def user_sign_out_everywhere(*, actor: User, user: User) -> None:
    """End every session the user has, on every device, from their next request on."""
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
    audit_record(action=Action.SIGN_OUT_EVERYWHERE, target=user, actor=actor)


@transaction.atomic
def user_unlock(*, actor: User, user: User) -> int:
    """Clear the failed sign-ins locking the user's account at every address; returns how many."""
    cleared = int(axes_reset(username=normalise_account(user.email)))
    audit_record(
        action=Action.UNLOCK, target=user, actor=actor, detail={"attempt_records_cleared": cleared}
    )
    return cleared


@transaction.atomic
def session_expire(*, request: HttpRequest, user: User, reason: ExpiryReason) -> None:
    """Sign the user out because the session was idle too long or reached its absolute limit."""
    # Timeouts run before the audit middleware has stamped the request, so stamp it here.
    with audit_context.acting_as(
        channel="web",
        ip_address=client_ip(request),
        user_agent=request.headers.get("User-Agent", "")[:300],
        request_id=getattr(request, "request_id", ""),
    ):
        audit_record(
            action=Action.SESSION_EXPIRED,
            target=user,
            actor=user,
            outcome=Outcome.SUCCESS,
            detail={"reason": reason},
        )
    setattr(request, SIGN_OUT_AUDITED_ATTRIBUTE, True)
    logout(request)
