"""Organisation administration: invitations, deactivation, teams, memberships, roles, capabilities.

Every write runs in one transaction with its audit event (old -> new values in ``changes``) and
checks the actor's authority itself: views check too, but a service never trusts its caller. Writes
to a user or team carry the version the form was read at and are refused with ``StaleVersion``
when someone else changed the row since, never silently overwriting their change.

This module must never delete a user, send an email before its transaction commits, or tell an
organisation admin which other organisation holds an email address.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record
from roundtable.directory import permissions
from roundtable.directory.models import (
    Capability,
    CapabilityGrant,
    Membership,
    Organisation,
    Team,
    User,
)

# An invitation is read when the invitee next checks their email, often the next working day or
# after a weekend, so it lives longer than a password reset link (one hour). It is still single
# use: setting the password changes the hash it is made from.
INVITATION_TIMEOUT_SECONDS = 72 * 60 * 60

DUPLICATE_EMAIL = (
    "An account with this email address already exists. If the person has moved organisation, "
    "ask a system administrator to help"
)
ORGANISATION_ADMIN_CAPABILITIES = frozenset({Capability.ORGANISATION_ADMIN, Capability.AUDITOR})
SYSTEM_ADMIN_CAPABILITIES = frozenset({Capability.PARTNERSHIP_ADMIN, Capability.SYSTEM_ADMIN})


class StaleVersion(Exception):  # noqa: N818  (a state the caller handles, not a failure)
    """The row changed since the form was read; ``current`` holds it as it is now."""

    def __init__(self, current: User | Team) -> None:
        super().__init__("The record was changed by someone else since the form was opened.")
        self.current = current


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Single-use "set your password" tokens for invitations, valid for 72 hours.

    Apart from Django's reset tokens (another salt), so a reset token is never an invitation and
    the one-hour reset timeout stays as it is.
    """

    key_salt = "roundtable.directory.services.accounts.InvitationTokenGenerator"

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        # Deactivating the invitee kills the link too.
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"

    def check_token(self, user: Any, token: str | None) -> bool:
        if not (user and token):
            return False
        try:
            ts_b36, _ = token.split("-")
            timestamp = base36_to_int(ts_b36)
        except ValueError:
            return False
        secrets = [self.secret, *self.secret_fallbacks]
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in secrets
        ):
            return False
        return bool(self._num_seconds(self._now()) - timestamp <= INVITATION_TIMEOUT_SECONDS)

    def _now(self) -> datetime:
        # Django's generator uses naive local time; follow it so tokens compare alike.
        return datetime.now()  # noqa: DTZ005


invitation_tokens = InvitationTokenGenerator()


def invitation_link(user: User) -> str:
    """The absolute "set your password" link for an invited user."""
    path = reverse(
        "directory:invitation_accept",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": invitation_tokens.make_token(user),
        },
    )
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _send_invitation(user_id: int) -> None:
    user = User.objects.select_related("organisation").get(pk=user_id)
    context = {
        "user": user,
        "link": invitation_link(user),
        "hours": INVITATION_TIMEOUT_SECONDS // 3600,
    }
    subject = render_to_string("directory/email/invitation_subject.txt", context).strip()
    body = render_to_string("directory/email/invitation_message.txt", context)
    send_mail(subject, body, None, [user.email])


# --- authority and locking ---------------------------------------------------------------------


def _require_admin_of_organisation(actor: User, organisation: Organisation) -> None:
    if not permissions.can_administer_organisation(actor, organisation):
        raise PermissionDenied


def _require_admin_of_user(actor: User, user: User) -> None:
    if not permissions.can_administer_user(actor, user):
        raise PermissionDenied
    # An organisation admin must not be able to lock out or demote the people who run the system.
    holds_system_admin = user.capability_grants.filter(capability=Capability.SYSTEM_ADMIN).exists()
    if holds_system_admin and not permissions.is_system_admin(actor):
        raise PermissionDenied


def _lock_user(user: User, expected_version: int) -> User:
    # Lock the user row only (PostgreSQL refuses FOR UPDATE across the nullable organisation join).
    current = User.objects.select_for_update().get(pk=user.pk)
    if current.version != expected_version:
        raise StaleVersion(current)
    return current


def _lock_team(team: Team, expected_version: int) -> Team:
    current = (
        Team.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=team.pk)
    )
    if current.version != expected_version:
        raise StaleVersion(current)
    return current


def _save(obj: User | Team, fields: list[str]) -> None:
    obj.version += 1
    obj.save(update_fields=[*fields, "version"])


def _require_team_of(user: User, team: Team, field: str = "team") -> None:
    if team.organisation_id != user.organisation_id or not team.is_active:
        raise ValidationError({field: "Select one of the organisation's active teams"})


def _changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    return {key: [before.get(key), after[key]] for key in after if before.get(key) != after[key]}


# --- users ----------------------------------------------------------------------------------


@transaction.atomic
def user_invite(
    *,
    actor: User,
    organisation: Organisation,
    email: str,
    full_name: str,
    job_title: str = "",
    team: Team,
    role: str,
) -> User:
    """Create an account with no usable password and email the invitee a set-password link."""
    _require_admin_of_organisation(actor, organisation)
    email = User.objects.normalize_email(email.strip()).lower()
    if team.organisation_id != organisation.pk or not team.is_active:
        raise ValidationError({"team": "Select one of the organisation's active teams"})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": DUPLICATE_EMAIL})
    user = User(
        email=email,
        full_name=full_name.strip(),
        job_title=job_title.strip(),
        organisation=organisation,
    )
    user.set_unusable_password()
    user.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            user.save(force_insert=True)
    except IntegrityError:
        # Someone invited the same address a moment ago.
        raise ValidationError({"email": DUPLICATE_EMAIL}) from None
    membership = Membership(user=user, team=team, role=role)
    membership.full_clean()
    membership.save(force_insert=True)
    audit_record(
        action=Action.INVITE,
        target=user,
        actor=actor,
        changes={
            "email": [None, user.email],
            "full_name": [None, user.full_name],
            "job_title": [None, user.job_title],
            "organisation": [None, organisation.name],
            "team": [None, team.name],
            "role": [None, role],
        },
    )
    transaction.on_commit(lambda: _send_invitation(user.pk))
    return user


@transaction.atomic
def user_invitation_resend(*, actor: User, user: User) -> None:
    """Email a fresh set-password link to an invitee who has not set a password yet."""
    _require_admin_of_user(actor, user)
    if user.has_usable_password() or not user.is_active:
        raise ValidationError("This person has already set a password or has been deactivated")
    audit_record(action=Action.INVITE, target=user, actor=actor, detail={"resent": True})
    transaction.on_commit(lambda: _send_invitation(user.pk))


@transaction.atomic
def invitation_accept(*, user: User, password: str) -> User:
    """The invitee sets their first password; the link stops working as the password changes."""
    user = User.objects.select_for_update().get(pk=user.pk)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        action=Action.PASSWORD_RESET,
        target=user,
        actor=user,
        changes={"password": ["", "set"]},
        detail={"via": "invitation"},
    )
    return user


@transaction.atomic
def user_update(
    *, actor: User, user: User, expected_version: int, full_name: str, job_title: str
) -> User:
    """Change a user's name and job title."""
    _require_admin_of_user(actor, user)
    user = _lock_user(user, expected_version)
    before = {"full_name": user.full_name, "job_title": user.job_title}
    user.full_name, user.job_title = full_name.strip(), job_title.strip()
    user.full_clean(exclude=["password"], validate_unique=False)
    changes = _changes(before, {"full_name": user.full_name, "job_title": user.job_title})
    if changes:
        _save(user, ["full_name", "job_title"])
        audit_record(action=Action.UPDATE, target=user, actor=actor, changes=changes)
    return user


@transaction.atomic
def user_deactivate(*, actor: User, user: User, expected_version: int, reason: str) -> User:
    """Stop a user signing in and end every session they have, at once."""
    _require_admin_of_user(actor, user)
    if user.pk == actor.pk:
        raise ValidationError(
            {"reason": "You cannot deactivate your own account. Ask another organisation admin"}
        )
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for deactivating this account"})
    user = _lock_user(user, expected_version)
    if not user.is_active:
        raise ValidationError({"reason": "This account is already deactivated"})
    user.is_active = False
    user.deactivated_at = timezone.now()
    # The session hash includes the generation, so every existing session stops verifying.
    user.session_generation += 1
    _save(user, ["is_active", "deactivated_at", "session_generation"])
    audit_record(
        action=Action.DEACTIVATE,
        target=user,
        actor=actor,
        changes={
            "is_active": [True, False],
            "session_generation": [user.session_generation - 1, user.session_generation],
        },
        justification=reason.strip(),
    )
    return user


@transaction.atomic
def user_reactivate(*, actor: User, user: User, expected_version: int) -> User:
    """Let a deactivated user sign in again."""
    _require_admin_of_user(actor, user)
    user = _lock_user(user, expected_version)
    if user.is_active:
        raise ValidationError("This account is already active")
    deactivated_at = user.deactivated_at
    user.is_active = True
    user.deactivated_at = None
    _save(user, ["is_active", "deactivated_at"])
    audit_record(
        action=Action.REACTIVATE,
        target=user,
        actor=actor,
        changes={
            "is_active": [False, True],
            "deactivated_at": [deactivated_at.isoformat() if deactivated_at else None, None],
        },
    )
    return user


# --- memberships and roles ------------------------------------------------------------------


@transaction.atomic
def membership_add(
    *, actor: User, user: User, expected_version: int, team: Team, role: str
) -> Membership:
    """Add a user to another team of their organisation."""
    _require_admin_of_user(actor, user)
    _require_team_of(user, team)
    user = _lock_user(user, expected_version)
    if Membership.objects.filter(user=user, team=team).exists():
        raise ValidationError({"team": f"{user.full_name} is already in {team.name}"})
    membership = Membership(user=user, team=team, role=role)
    membership.full_clean()
    membership.save(force_insert=True)
    _save(user, [])
    audit_record(
        action=Action.MEMBERSHIP_ADD,
        target=user,
        actor=actor,
        changes={"teams": [None, team.name], "role": [None, role]},
        detail={"team_code": str(team.code)},
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: User, user: User, expected_version: int, team: Team) -> None:
    """Take a user out of a team; they must keep at least one active team."""
    _require_admin_of_user(actor, user)
    user = _lock_user(user, expected_version)
    membership = Membership.objects.filter(user=user, team=team).first()
    if membership is None:
        raise ValidationError(f"{user.full_name} is not in {team.name}")
    others = Membership.objects.filter(user=user, team__is_active=True).exclude(pk=membership.pk)
    if not others.exists():
        raise ValidationError(
            f"{user.full_name} must stay in at least one team. Add them to another team first"
        )
    role = membership.role
    membership.delete()
    _save(user, [])
    audit_record(
        action=Action.MEMBERSHIP_REMOVE,
        target=user,
        actor=actor,
        changes={"teams": [team.name, None], "role": [role, None]},
        detail={"team_code": str(team.code)},
    )


@transaction.atomic
def membership_change_role(
    *, actor: User, user: User, expected_version: int, team: Team, role: str
) -> Membership:
    """Make a user a practitioner or a team manager in one of their teams."""
    _require_admin_of_user(actor, user)
    user = _lock_user(user, expected_version)
    membership = Membership.objects.filter(user=user, team=team).first()
    if membership is None:
        raise ValidationError(f"{user.full_name} is not in {team.name}")
    old_role = membership.role
    membership.role = role
    membership.full_clean()
    if old_role != role:
        membership.save(update_fields=["role", "updated_at"])
        _save(user, [])
        audit_record(
            action=Action.ROLE_CHANGE,
            target=user,
            actor=actor,
            changes={"role": [old_role, role]},
            detail={"team": team.name, "team_code": str(team.code)},
        )
    return membership


# --- capabilities ---------------------------------------------------------------------------


def grantable_capabilities(actor: User) -> list[Capability]:
    """The capabilities ``actor`` may grant or revoke, in display order."""
    allowed = set(ORGANISATION_ADMIN_CAPABILITIES)
    if permissions.is_system_admin(actor):
        allowed |= SYSTEM_ADMIN_CAPABILITIES
    return [capability for capability in Capability if capability in allowed]


def _require_may_change_capability(actor: User, user: User, capability: str) -> None:
    _require_admin_of_user(actor, user)
    if capability not in grantable_capabilities(actor):
        raise PermissionDenied


@transaction.atomic
def capability_grant(
    *, actor: User, user: User, expected_version: int, capability: str
) -> CapabilityGrant:
    """Give a user an organisation-level capability (system admin also opens the Django admin)."""
    _require_may_change_capability(actor, user, capability)
    user = _lock_user(user, expected_version)
    if CapabilityGrant.objects.filter(user=user, capability=capability).exists():
        raise ValidationError(f"{user.full_name} already has this capability")
    grant = CapabilityGrant(user=user, capability=capability, granted_by=actor)
    grant.full_clean()
    grant.save(force_insert=True)
    changes: dict[str, list[Any]] = {"capabilities": [None, capability]}
    fields: list[str] = []
    if capability == Capability.SYSTEM_ADMIN:
        changes |= {"is_staff": [user.is_staff, True], "is_superuser": [user.is_superuser, True]}
        user.is_staff = user.is_superuser = True
        fields = ["is_staff", "is_superuser"]
    _save(user, fields)
    audit_record(action=Action.CAPABILITY_GRANT, target=user, actor=actor, changes=changes)
    return grant


@transaction.atomic
def capability_revoke(*, actor: User, user: User, expected_version: int, capability: str) -> None:
    """Take a capability away (revoking system admin also closes the Django admin)."""
    _require_may_change_capability(actor, user, capability)
    if user.pk == actor.pk and capability in SYSTEM_ADMIN_CAPABILITIES | {
        Capability.ORGANISATION_ADMIN
    }:
        # Otherwise an organisation or the system could be left with no administrator.
        raise ValidationError("You cannot remove your own administrator rights. Ask another admin")
    user = _lock_user(user, expected_version)
    deleted, _ = CapabilityGrant.objects.filter(user=user, capability=capability).delete()
    if not deleted:
        raise ValidationError(f"{user.full_name} does not have this capability")
    changes: dict[str, list[Any]] = {"capabilities": [capability, None]}
    fields: list[str] = []
    if capability == Capability.SYSTEM_ADMIN:
        changes |= {"is_staff": [user.is_staff, False], "is_superuser": [user.is_superuser, False]}
        user.is_staff = user.is_superuser = False
        fields = ["is_staff", "is_superuser"]
    _save(user, fields)
    audit_record(action=Action.CAPABILITY_REVOKE, target=user, actor=actor, changes=changes)


@transaction.atomic
def capabilities_set(
    *, actor: User, user: User, expected_version: int, capabilities: set[str]
) -> None:
    """Grant and revoke so the user holds exactly ``capabilities`` among those actor manages."""
    manageable = set(grantable_capabilities(actor))
    held = set(user.capability_grants.values_list("capability", flat=True)) & manageable
    wanted = set(capabilities) & manageable
    version = expected_version
    for capability in sorted(wanted - held):
        capability_grant(actor=actor, user=user, expected_version=version, capability=capability)
        version += 1
    for capability in sorted(held - wanted):
        capability_revoke(actor=actor, user=user, expected_version=version, capability=capability)
        version += 1


# --- teams ----------------------------------------------------------------------------------


@transaction.atomic
def team_create(
    *, actor: User, organisation: Organisation, name: str, description: str = "", email: str = ""
) -> Team:
    """Add a team to an organisation."""
    _require_admin_of_organisation(actor, organisation)
    team = Team(
        organisation=organisation,
        name=name.strip(),
        description=description.strip(),
        email=email.strip().lower(),
    )
    # Our own check first: it names the field; the database constraint still guards the race.
    _require_unique_team_name(team)
    team.full_clean(validate_constraints=False)
    team.save(force_insert=True)
    audit_record(
        action=Action.CREATE,
        target=team,
        actor=actor,
        changes={
            "name": [None, team.name],
            "description": [None, team.description],
            "email": [None, team.email],
            "organisation": [None, organisation.name],
        },
    )
    return team


def _require_unique_team_name(team: Team) -> None:
    clash = Team.objects.filter(organisation=team.organisation_id, name__iexact=team.name)
    if team.pk:
        clash = clash.exclude(pk=team.pk)
    if clash.exists():
        raise ValidationError({"name": "The organisation already has a team with this name"})


@transaction.atomic
def team_update(
    *,
    actor: User,
    team: Team,
    expected_version: int,
    name: str,
    description: str = "",
    email: str = "",
) -> Team:
    """Rename a team or change its description and shared inbox."""
    _require_admin_of_organisation(actor, team.organisation)
    team = _lock_team(team, expected_version)
    before = {"name": team.name, "description": team.description, "email": team.email}
    team.name, team.description, team.email = (
        name.strip(),
        description.strip(),
        email.strip().lower(),
    )
    _require_unique_team_name(team)
    team.full_clean(validate_constraints=False)
    changes = _changes(
        before, {"name": team.name, "description": team.description, "email": team.email}
    )
    if changes:
        _save(team, ["name", "description", "email", "updated_at"])
        audit_record(action=Action.UPDATE, target=team, actor=actor, changes=changes)
    return team


@transaction.atomic
def team_deactivate(*, actor: User, team: Team, expected_version: int) -> Team:
    """Close a team that no active user belongs to any more."""
    _require_admin_of_organisation(actor, team.organisation)
    team = _lock_team(team, expected_version)
    if not team.is_active:
        raise ValidationError("This team is already deactivated")
    active_members = Membership.objects.filter(team=team, user__is_active=True).count()
    if active_members:
        raise ValidationError(
            f"{team.name} still has {active_members} active "
            f"{'member' if active_members == 1 else 'members'}. Move them to another team or "
            "deactivate their accounts first"
        )
    team.is_active = False
    _save(team, ["is_active", "updated_at"])
    audit_record(
        action=Action.DEACTIVATE, target=team, actor=actor, changes={"is_active": [True, False]}
    )
    return team


__all__ = [
    "DUPLICATE_EMAIL",
    "INVITATION_TIMEOUT_SECONDS",
    "StaleVersion",
    "capabilities_set",
    "capability_grant",
    "capability_revoke",
    "grantable_capabilities",
    "invitation_accept",
    "invitation_link",
    "invitation_tokens",
    "membership_add",
    "membership_change_role",
    "membership_remove",
    "team_create",
    "team_deactivate",
    "team_update",
    "user_deactivate",
    "user_invitation_resend",
    "user_invite",
    "user_reactivate",
    "user_update",
]
