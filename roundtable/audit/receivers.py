"""Audit receivers for sign-in events raised by Django, allauth (account and MFA) and django-axes.

Connected when the audit app is ready. Each receiver writes one event with ``audit_record``; sign-in
events pass ``actor=`` because the request has no signed-in user yet. These receivers must never
store a password, a one-time code or a recovery code: only the email address typed (as the target
label of a failed sign-in) and the kind of second factor.
"""

from __future__ import annotations

from typing import Any, TypedDict

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from roundtable.audit.models import Action, Outcome
from roundtable.audit.services import audit_record
from roundtable.directory.lockout import normalise_account, username_from_request
from roundtable.directory.models import User
from roundtable.directory.services.sessions import SIGN_OUT_AUDITED_ATTRIBUTE


class AccountTarget(TypedDict):
    target_type: str
    target_id: str
    target_label: str


def _account_target(typed_email: str) -> AccountTarget:
    """Target fields naming the account an attempt was for, keeping the address as typed.

    An address that matches no account is still recorded (guessing at addresses is worth seeing);
    the audit log is not shown to the person signing in, so this reveals nothing to them.
    """
    account = User.objects.filter(email=normalise_account(typed_email)).only("code").first()
    return AccountTarget(
        target_type="directory.user" if account else "",
        target_id=str(account.code) if account else "",
        target_label=typed_email[:200],
    )


@receiver(user_logged_in, dispatch_uid="audit_login")
def record_login(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    audit_record(action=Action.LOGIN, actor=user, target=user)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def record_logout(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is None or getattr(request, SIGN_OUT_AUDITED_ATTRIBUTE, False):
        return  # nobody was signed in, or the session-expiry event already says why
    audit_record(action=Action.LOGOUT, actor=user, target=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def record_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Only the address is read from the credentials; the (already masked) password is never kept.
    typed = username_from_request(request, credentials) if request else ""
    audit_record(
        action=Action.LOGIN_FAILED,
        outcome=Outcome.FAILED,
        detail={"stage": "password"},
        **_account_target(typed),
    )


@receiver(mfa_signals.authentication_failed, dispatch_uid="audit_mfa_failed")
def record_second_factor_failed(
    sender: Any, request: HttpRequest, user: User, authenticator: Authenticator, **kwargs: Any
) -> None:
    audit_record(
        action=Action.LOGIN_FAILED,
        outcome=Outcome.FAILED,
        target=user,
        detail={"stage": "second_factor", "reauthentication": bool(kwargs.get("reauthentication"))},
    )


@receiver(mfa_signals.authenticator_added, dispatch_uid="audit_mfa_added")
def record_mfa_enrolment(
    sender: Any, request: HttpRequest, user: User, authenticator: Authenticator, **kwargs: Any
) -> None:
    audit_record(
        action=Action.MFA_ENROL, actor=user, target=user, detail={"factor": authenticator.type}
    )


@receiver(mfa_signals.authenticator_removed, dispatch_uid="audit_mfa_removed")
def record_mfa_removal(
    sender: Any, request: HttpRequest, user: User, authenticator: Authenticator, **kwargs: Any
) -> None:
    audit_record(
        action=Action.MFA_REMOVE, actor=user, target=user, detail={"factor": authenticator.type}
    )


@receiver(mfa_signals.authenticator_reset, dispatch_uid="audit_mfa_reset")
def record_mfa_reset(
    sender: Any, request: HttpRequest, user: User, authenticator: Authenticator, **kwargs: Any
) -> None:
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        action = Action.MFA_RECOVERY_CODES_REGENERATED
    else:
        action = Action.MFA_ENROL
    audit_record(action=action, actor=user, target=user, detail={"factor": authenticator.type})


@receiver(mfa_signals.authenticator_used, dispatch_uid="audit_mfa_used")
def record_recovery_code_use(
    sender: Any, request: HttpRequest, user: User, authenticator: Authenticator, **kwargs: Any
) -> None:
    # An authenticator app or key in use is part of a sign-in, already recorded as such; a
    # recovery code is worth its own event (the person may have lost their device).
    if authenticator.type != Authenticator.Type.RECOVERY_CODES:
        return
    audit_record(
        action=Action.MFA_RECOVERY_CODE_USED,
        actor=user,
        target=user,
        detail={
            # allauth marks the code used on a fresh copy of the row, so read the row again.
            "unused_codes_left": len(
                Authenticator.objects.get(pk=authenticator.pk).wrap().get_unused_codes()
            ),
            "reauthentication": bool(kwargs.get("reauthenticated")),
        },
    )


@receiver(account_signals.password_changed, dispatch_uid="audit_password_changed")
@receiver(account_signals.password_set, dispatch_uid="audit_password_set")
def record_password_change(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    audit_record(action=Action.PASSWORD_CHANGE, actor=user, target=user)


@receiver(account_signals.password_reset, dispatch_uid="audit_password_reset")
def record_password_reset(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    audit_record(action=Action.PASSWORD_RESET, actor=user, target=user)


def record_lockout(
    sender: Any, request: HttpRequest, username: str, ip_address: str, **kwargs: Any
) -> None:
    audit_record(action=Action.LOCKOUT, outcome=Outcome.REFUSED, **_account_target(username))


def _connect_lockout_receiver() -> None:
    # Imported here, after the receivers above are connected: importing axes.signals connects
    # axes' own failed-login handler, and ours should run first so a failed sign-in is recorded
    # before the lockout it causes.
    from axes.signals import user_locked_out

    user_locked_out.connect(record_lockout, dispatch_uid="audit_lockout")


_connect_lockout_receiver()
