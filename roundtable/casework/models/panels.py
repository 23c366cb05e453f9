"""Panel meetings (MARAC, Channel panel, complex case panel) run as cases.

A meeting IS a ``records.Case`` of a panel case type; ``PanelMeeting`` is its one-to-one detail
row, so the meeting inherits the case's owning team, sharing, audit and review machinery. The rows
around it hold who attends, which records are discussed (the agenda), the minutes, decisions and
actions. This module holds data and invariants only: writes go through
``casework.services.panels`` (which audits) and reads through ``casework.selectors.panels``, which
shows each agenda record, and anything written about it, only as far as ``sharing.policy`` lets
the viewer see that record. Nothing here may be rendered without asking the policy.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from roundtable.directory.models import Organisation, Team
from roundtable.lib.models import PublicCodeModel, TimeStampedModel
from roundtable.records.models import Case, Profile


class PanelKind(models.TextChoices):
    MARAC = "marac", _("MARAC (multi-agency risk assessment conference)")
    CHANNEL = "channel", _("Channel panel (Prevent)")
    COMPLEX_CASE = "complex_case", _("Complex case panel")
    OTHER = "other", _("Other multi-agency panel")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CLOSED = "closed", _("Closed")


class PanelMeeting(TimeStampedModel):
    """The meeting details of a case that is a panel meeting: kind, when, where, chair, status."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="panel_meeting")
    kind = models.CharField(max_length=14, choices=PanelKind.choices)
    scheduled_start = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    online = models.BooleanField(default=False)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    held_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Optimistic locking for the meeting's details and status.
    version = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["scheduled_start"], name="casework_meeting_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(location__gt="") | Q(online=True),
                name="casework_meeting_has_a_place",
            )
        ]

    def __str__(self) -> str:
        return f"Panel meeting {self.case_id}"

    def get_absolute_url(self) -> str:
        return reverse("casework:meeting_detail", kwargs={"code": self.case.code})

    def audit_label(self) -> str:
        return self.case.reference


class AttendeeRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    MINUTE_TAKER = "minute_taker", _("Minute taker")
    ATTENDEE = "attendee", _("Attendee")
    GUEST = "guest", _("Guest")


class PanelAttendee(TimeStampedModel):
    """Someone invited to a meeting, with the agency and team they came for, recorded then."""

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # As they were when invited: a later move between teams does not rewrite who came for whom.
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(
        max_length=14, choices=AttendeeRole.choices, default=AttendeeRole.ATTENDEE
    )
    # None until attendance is recorded after the meeting.
    attended = models.BooleanField(null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"], name="casework_attendee_once_per_meeting"
            )
        ]

    def __str__(self) -> str:
        return f"Attendee {self.user_id} of meeting {self.meeting_id}"


class PanelAgendaItem(TimeStampedModel):
    """One record discussed at a meeting, in agenda order: a case or a person's profile."""

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE, related_name="agenda")
    # Orders the agenda; the number people read ("Item 3") is the place in that order.
    position = models.PositiveIntegerField()
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    profile = models.ForeignKey(
        Profile, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(case__isnull=False) & Q(profile__isnull=True))
                | (Q(case__isnull=True) & Q(profile__isnull=False)),
                name="casework_agenda_item_one_record",
            ),
            models.UniqueConstraint(
                fields=["meeting", "position"], name="casework_agenda_item_position"
            ),
            models.UniqueConstraint(
                fields=["meeting", "case"],
                condition=Q(case__isnull=False),
                name="casework_agenda_case_once",
            ),
            models.UniqueConstraint(
                fields=["meeting", "profile"],
                condition=Q(profile__isnull=False),
                name="casework_agenda_profile_once",
            ),
        ]

    def __str__(self) -> str:
        return f"Agenda item {self.position} of meeting {self.meeting_id}"

    @property
    def record(self) -> Case | Profile:
        """The case or profile discussed."""
        return self.case if self.case is not None else self.profile  # type: ignore[return-value]


class PanelMinutes(TimeStampedModel):
    """The minutes of a meeting, or of one agenda item: one text, edited with a version."""

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE, related_name="minutes")
    # None: the meeting's own minutes (the meeting case's diary); else the item's record's diary.
    item = models.ForeignKey(
        PanelAgendaItem, on_delete=models.PROTECT, null=True, blank=True, related_name="minutes"
    )
    text = models.TextField()
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting"],
                condition=Q(item__isnull=True),
                name="casework_minutes_one_per_meeting",
            ),
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(item__isnull=False),
                name="casework_minutes_one_per_item",
            ),
        ]

    def __str__(self) -> str:
        return f"Minutes {self.pk} of meeting {self.meeting_id}"


class PanelDecision(TimeStampedModel):
    """A decision the panel took, about the meeting as a whole or one agenda item."""

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE, related_name="decisions")
    item = models.ForeignKey(
        PanelAgendaItem, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    text = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Decision {self.pk} of meeting {self.meeting_id}"


class PanelAction(PublicCodeModel, TimeStampedModel):
    """An action agreed at a meeting: what, who owns it (a team, or one of its people), by when.

    Each becomes a task for its owner (``casework.services.panels``); ``task_id`` is its id.
    """

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE, related_name="actions")
    item = models.ForeignKey(
        PanelAgendaItem, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    description = models.TextField()
    owner_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    due_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The tasking app's Task the action became (its id; tasking.Task, source "panel-action").
    task_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Action {self.code}"
