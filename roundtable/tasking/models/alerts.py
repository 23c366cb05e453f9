"""Watches, alert rules, alert events, notifications, preferences and the outgoing email outbox.

A record is addressed by (record_kind, record_id), as in ``sharing``, so any kind of record can
be watched or alerted on. Rows are written only by ``tasking.services.alerts`` and
``tasking.services.notifications``. Nothing here decides who may see a record: delivery asks
``sharing.policy`` for every notification, and the text a row holds carries a reference, never a
name, an address or free text.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from roundtable.directory.models import Partnership, Team
from roundtable.lib.models import PublicCodeModel, TimeStampedModel
from roundtable.sharing.sections import RecordKind


class Watch(TimeStampedModel):
    """A user's wish to hear about anything that happens to one record."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    record_kind = models.PositiveSmallIntegerField(choices=RecordKind.choices)
    record_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "record_kind", "record_id"], name="tasking_watch_unique"
            )
        ]
        indexes = [
            models.Index(fields=["record_kind", "record_id"], name="tasking_watch_record"),
            models.Index(fields=["user", "-id"], name="tasking_watch_user"),
        ]

    def __str__(self) -> str:
        return f"Watch {self.pk}"

    def audit_label(self) -> str:
        return f"Watch of {self.get_record_kind_display().lower()} {self.record_id}"


class RuleScope(models.TextChoices):
    CASE_TYPE = "case_type", _("Cases of one type, and the people in them")
    ANY = "any", _("Any record of the partnership")
    GALLERY = "gallery", _("The current members of one gallery")


class RuleTarget(models.TextChoices):
    TEAM = "team", _("A team")
    OWNING_TEAM_MANAGERS = "owning_team_managers", _("The managers of the team that owns it")
    TEAMS_THAT_CAN_SEE = "teams_that_can_see", _("Every team that can see what it is about")


class AlertRule(PublicCodeModel, TimeStampedModel):
    """A partnership's rule: when this event happens in this scope, tell these people."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=120)
    event = models.CharField(max_length=40)
    scope = models.CharField(max_length=12, choices=RuleScope.choices, default=RuleScope.ANY)
    case_type = models.ForeignKey(
        "records.CaseType", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    gallery = models.ForeignKey(
        "galleries.Gallery", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # An optional condition on the event's detail, e.g. entry_type = custody_update, rag = red.
    condition_key = models.CharField(max_length=40, blank=True)
    condition_value = models.CharField(max_length=40, blank=True)
    target = models.CharField(max_length=24, choices=RuleTarget.choices)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="tasking_rule_name"),
            models.CheckConstraint(
                condition=~Q(scope=RuleScope.CASE_TYPE) | Q(case_type__isnull=False),
                name="tasking_rule_case_type_scope",
            ),
            models.CheckConstraint(
                condition=(Q(scope=RuleScope.GALLERY) & Q(gallery__isnull=False))
                | (~Q(scope=RuleScope.GALLERY) & Q(gallery__isnull=True)),
                name="tasking_rule_gallery_scope",
            ),
            models.CheckConstraint(
                condition=Q(target=RuleTarget.TEAM, team__isnull=False)
                | (~Q(target=RuleTarget.TEAM) & Q(team__isnull=True)),
                name="tasking_rule_team_target",
            ),
        ]
        indexes = [
            models.Index(fields=["partnership", "event", "is_active"], name="tasking_rule_match")
        ]

    def __str__(self) -> str:
        return self.name

    def audit_label(self) -> str:
        return f"Alert rule {self.name}"


class AlertEvent(models.Model):
    """Something that happened to a record, written in the producer's transaction.

    Fan-out reads it once (``fanned_out_at`` marks that), so a lost queue message or a worker
    that died is made good by the sweep, and a re-run changes nothing.
    """

    occurred_at = models.DateTimeField()
    event = models.CharField(max_length=40)
    # The record it happened to; empty for a direct notice about a subject alone (a task with no
    # record, an ASB case review), which only the producer's named recipients hear of.
    record_kind = models.PositiveSmallIntegerField(
        choices=RecordKind.choices, null=True, blank=True
    )
    record_id = models.BigIntegerField(null=True, blank=True)
    # What the notice is about besides a record (or instead of one): a kind registered in
    # ``tasking.notice_subjects`` ("task", "case_review") and its id. Opening the notice goes to
    # the subject's page; with no record, the subject's own rules decide who may see it.
    subject_kind = models.CharField(max_length=20, blank=True)
    subject_id = models.BigIntegerField(null=True, blank=True)
    section = models.CharField(max_length=20)
    detail = models.JSONField(default=dict, blank=True)
    case_type = models.ForeignKey(
        "records.CaseType", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The gallery the event is about (a member added or removed): its gallery-scoped rules
    # apply even when the person is no longer a current member.
    gallery = models.ForeignKey(
        "galleries.Gallery", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Users the producer names itself (a task's assignee), as ids.
    direct_recipients = models.JSONField(default=list, blank=True)
    fanned_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(record_kind__isnull=True, record_id__isnull=True)
                | Q(record_kind__isnull=False, record_id__isnull=False),
                name="tasking_event_record_both_or_neither",
            ),
            models.CheckConstraint(
                condition=Q(subject_kind="", subject_id__isnull=True)
                | (~Q(subject_kind="") & Q(subject_id__isnull=False)),
                name="tasking_event_subject_both_or_neither",
            ),
            models.CheckConstraint(
                condition=Q(record_id__isnull=False) | Q(subject_id__isnull=False),
                name="tasking_event_about_something",
            ),
        ]
        indexes = [
            models.Index(
                fields=["occurred_at"],
                condition=Q(fanned_out_at__isnull=True),
                name="tasking_event_pending",
            ),
            models.Index(fields=["record_kind", "record_id"], name="tasking_event_record"),
        ]

    def __str__(self) -> str:
        if self.record_kind is None:
            return f"{self.event} about {self.subject_kind} {self.subject_id}"
        return f"{self.event} on {self.get_record_kind_display()} {self.record_id}"

    @property
    def has_record(self) -> bool:
        """Is the event about a record (False: a direct notice about a subject alone)?"""
        return self.record_kind is not None

    @property
    def record_key(self) -> tuple[int, int]:
        """(record_kind, record_id) of an event about a record."""
        if self.record_kind is None or self.record_id is None:
            raise ValueError("This event is about no record: it is a direct notice")
        return int(self.record_kind), int(self.record_id)


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Waiting to be delivered")
    SENDING = "sending", _("Being delivered")
    SENT = "sent", _("Delivered")
    SUPPRESSED = "suppressed", _("Not delivered: the recipient cannot see it")
    FAILED = "failed", _("Not sent: the mail server refused it repeatedly")  # emails only


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", _("Email me each notification as it happens")
    DAILY = "daily", _("Email me one daily digest")
    NONE = "none", _("Do not email me: I will read them in Roundtable")


class Reason(models.TextChoices):
    DIRECT = "direct", _("It is yours")
    RULE = "rule", _("An alert rule")
    WATCH = "watch", _("You watch this record")


class OutboundEmail(PublicCodeModel, TimeStampedModel):
    """One email to send, with a key that makes it unique: the outbox of notifications.

    Written in the same transaction as the decision to send it (a delivered notification, a
    day's digest), then sent by a worker that claims it first, so it goes once. Its text is a
    reference and a link only.
    """

    key = models.CharField(max_length=80, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    message_id = models.CharField(max_length=200, unique=True)
    notification = models.OneToOneField(
        "tasking.Notification",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="email",
    )
    state = models.CharField(
        max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    claim_token = models.UUIDField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["state", "claimed_at"],
                condition=Q(state__in=["pending", "sending"]),
                name="tasking_email_due",
            )
        ]

    def __str__(self) -> str:
        return f"Email {self.code}"


class Notification(PublicCodeModel, TimeStampedModel):
    """One recipient's notice of one event, with its delivery state.

    pending -> sending (claimed: token and time) -> sent or suppressed. A claim older than the
    sweep's limit is taken again, so a worker that died mid-delivery delays a notice, never
    loses or repeats it. ``title`` holds the event and the record's reference only.
    """

    event = models.ForeignKey(AlertEvent, on_delete=models.CASCADE, related_name="notifications")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=8, choices=Reason.choices)
    rule = models.ForeignKey(
        AlertRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(
        max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    claim_token = models.UUIDField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # The recipient's team through which they could see it when it was delivered.
    via_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=200, blank=True)
    email_mode = models.CharField(max_length=10, choices=EmailMode.choices, blank=True)
    digest = models.ForeignKey(
        OutboundEmail, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "recipient"], name="tasking_notification_once")
        ]
        indexes = [
            # The notification centre (newest first) and the header's unread count.
            models.Index(fields=["recipient", "state", "-id"], name="tasking_notification_list"),
            models.Index(
                fields=["recipient"],
                condition=Q(state="sent", read_at__isnull=True),
                name="tasking_notification_unread",
            ),
            models.Index(
                fields=["state", "claimed_at"],
                condition=Q(state__in=["pending", "sending"]),
                name="tasking_notification_due",
            ),
            models.Index(
                fields=["recipient"],
                condition=Q(state="sent", email_mode="daily", digest__isnull=True),
                name="tasking_notification_digest",
            ),
        ]

    def __str__(self) -> str:
        return f"Notification {self.code}"


class NotificationPreference(TimeStampedModel):
    """How a user wants to hear about notifications by email (none kept: immediately)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    email_mode = models.CharField(
        max_length=10, choices=EmailMode.choices, default=EmailMode.IMMEDIATE
    )

    def __str__(self) -> str:
        return f"Notification preference of user {self.user_id}"

    def audit_label(self) -> str:
        return f"Notification preference of user {self.user_id}"
