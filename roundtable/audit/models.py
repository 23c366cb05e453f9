"""The audit log: one append-only table of events, and the seals that chain them.

Rows are written only by ``audit.services`` (inside the business transaction) and never updated or
deleted: database triggers refuse UPDATE and DELETE on both tables, on SQLite and PostgreSQL.
Each event carries the SHA-256 of its own content; seals commit to the (id, hash) of every event
since the previous seal and to the previous seal's hash, so ``audit_verify`` detects an altered,
deleted or inserted event. Erasure events hold metadata only, never the erased content.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    LOGIN = "login", _("Signed in")
    LOGOUT = "logout", _("Signed out")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    LOCKOUT = "lockout", _("Locked out")
    UNLOCK = "unlock", _("Lockout cleared")
    SESSION_EXPIRED = "session_expired", _("Session expired")
    SIGN_OUT_EVERYWHERE = "sign_out_everywhere", _("Signed out everywhere")
    MFA_ENROL = "mfa_enrol", _("Enrolled a second factor")
    MFA_REMOVE = "mfa_remove", _("Removed a second factor")
    MFA_RECOVERY_CODE_USED = "mfa_recovery_code_used", _("Used a recovery code")
    MFA_RECOVERY_CODES_REGENERATED = (
        "mfa_recovery_codes_regenerated",
        _("Regenerated recovery codes"),
    )
    PASSWORD_CHANGE = "password_change", _("Changed password")
    PASSWORD_RESET_REQUEST = "password_reset_request", _("Asked for a password reset")
    PASSWORD_RESET = "password_reset", _("Reset password")
    SWITCH_TEAM = "switch_team", _("Switched acting team")
    VIEW = "view", _("Viewed")
    SEARCH = "search", _("Searched")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")
    DEACTIVATE = "deactivate", _("Deactivated")
    REACTIVATE = "reactivate", _("Reactivated")
    INVITE = "invite", _("Invited")
    ROLE_CHANGE = "role_change", _("Changed role")
    CAPABILITY_GRANT = "capability_grant", _("Granted capability")
    CAPABILITY_REVOKE = "capability_revoke", _("Revoked capability")
    MEMBERSHIP_ADD = "membership_add", _("Added to team")
    MEMBERSHIP_REMOVE = "membership_remove", _("Removed from team")
    SHARE = "share", _("Shared")
    UNSHARE = "unshare", _("Unshared")
    ACCESS_REQUEST = "access_request", _("Requested access")
    ACCESS_ANSWER = "access_answer", _("Answered access request")
    BREAK_GLASS = "break_glass", _("Broke the glass")
    TRANSFER = "transfer", _("Transferred")
    EXPORT = "export", _("Exported")
    IMPORT = "import", _("Imported")
    MERGE = "merge", _("Merged")
    ERASE = "erase", _("Erased")


class Outcome(models.TextChoices):
    SUCCESS = "success", _("Succeeded")
    REFUSED = "refused", _("Refused")
    FAILED = "failed", _("Failed")


class AuditEvent(models.Model):
    """One thing that happened: who, when, from where, what, to which record, and the change."""

    occurred_at = models.DateTimeField(db_index=True)
    action = models.CharField(max_length=40, choices=Action.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    channel = models.CharField(max_length=10, default="web")
    # Actor: ids without database constraints, so the log outlives anything it names, plus labels
    # as they were at the time (a renamed team still reads as it was then).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    actor_label = models.CharField(max_length=200, blank=True)
    team = models.ForeignKey(
        "directory.Team",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    team_label = models.CharField(max_length=200, blank=True)
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    organisation_label = models.CharField(max_length=200, blank=True)
    api_client_id = models.BigIntegerField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    # What it was done to: "app_label.model" and the record's public code or id.
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    sections = models.JSONField(default=list, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    search_terms = models.JSONField(default=dict, blank=True)
    result_count = models.IntegerField(null=True, blank=True)
    recipients = models.JSONField(default=list, blank=True)
    justification = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)
    content_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["actor", "-occurred_at"], name="audit_event_actor_time"),
            models.Index(
                fields=["target_type", "target_id", "-occurred_at"], name="audit_event_target"
            ),
            models.Index(fields=["action", "-occurred_at"], name="audit_event_action_time"),
            models.Index(fields=["organisation", "-occurred_at"], name="audit_event_org_time"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} by {self.actor_label or 'system'} at {self.occurred_at}"


class AuditSeal(models.Model):
    """A link of the hash chain: commits to every event id and hash since the previous seal."""

    sealed_at = models.DateTimeField()
    previous = models.OneToOneField(
        "self", on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="next"
    )
    first_event_id = models.BigIntegerField()
    last_event_id = models.BigIntegerField()
    event_count = models.PositiveIntegerField()
    # [[event id, content hash], ...] in id order; verification names a missing id from this.
    entries = models.JSONField()
    previous_hash = models.CharField(max_length=64)
    seal_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            # Only one chain: at most one seal may have no predecessor.
            models.UniqueConstraint(
                fields=["previous_hash"], name="audit_seal_one_successor_per_hash"
            )
        ]

    def __str__(self) -> str:
        return f"Seal {self.pk}: events {self.first_event_id}-{self.last_event_id}"
