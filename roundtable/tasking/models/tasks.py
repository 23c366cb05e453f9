"""Tasks: a piece of work set by one team for a team (and perhaps one person in it), with comments.

A task may be linked to one record (a person, premises, a group or a case), addressed by
``(record_kind, record_id)`` as the sharing tables address records. A task holds only what staff
typed into it (a title, a description, comments, a completion note or cancellation reason); the
linked record's own details are shown only to those the sharing policy lets see that record, never
copied here. Writes go through ``tasking.services.tasks`` (which check who may act and audit);
who may see a task is decided in ``tasking.task_access``. This module holds data and invariants
only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from roundtable.directory.models import Team
from roundtable.lib.models import PublicCodeModel, TimeStampedModel
from roundtable.sharing.sections import RecordKind


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


# A task is live (on someone's list, can become overdue) until it is done or cancelled.
LIVE_STATUSES = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)

# Which status each status may move to. Done and cancelled are final: work found undone after
# all is a new task, so the record of what was claimed done stays as it was.
TRANSITIONS: dict[str, frozenset[str]] = {
    TaskStatus.OPEN: frozenset({TaskStatus.IN_PROGRESS, TaskStatus.DONE, TaskStatus.CANCELLED}),
    TaskStatus.IN_PROGRESS: frozenset({TaskStatus.DONE, TaskStatus.CANCELLED}),
    TaskStatus.DONE: frozenset(),
    TaskStatus.CANCELLED: frozenset(),
}


class TaskPriority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


# Sorting by priority within a due date: most urgent first.
PRIORITY_RANK: dict[str, int] = {
    TaskPriority.URGENT: 0,
    TaskPriority.HIGH: 1,
    TaskPriority.NORMAL: 2,
    TaskPriority.LOW: 3,
}


class Task(PublicCodeModel, TimeStampedModel):
    """Work set by a team for a team or one of its members, due on a day, perhaps about a record."""

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # The team that set the task (its managers may change or cancel it).
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="tasks_set")
    assignee_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="tasks_assigned")
    # Empty: the task waits in the assignee team's queue for someone to claim it.
    assignee_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks_assigned",
    )
    record_kind = models.PositiveSmallIntegerField(
        choices=RecordKind.choices, null=True, blank=True
    )
    record_id = models.BigIntegerField(null=True, blank=True)
    due_on = models.DateField()
    priority = models.CharField(
        max_length=6, choices=TaskPriority.choices, default=TaskPriority.NORMAL
    )
    status = models.CharField(max_length=11, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    completion_note = models.TextField(blank=True)
    cancellation_reason = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Empty when Roundtable set the task itself (an enforcement expiry): ``source`` says why.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Set once the assignee team's managers were told the task is overdue (never told twice;
    # cleared when the due date or the assignee team changes, so a new lateness is told again).
    escalated_at = models.DateTimeField(null=True, blank=True)
    # The day the last "due soon" reminder went out (at most one a day).
    reminded_on = models.DateField(null=True, blank=True)
    # Who made the task when another part of the system did (e.g. "enforcement-expiry") and the
    # key of the thing it is about, so the same live task is never made twice.
    source = models.CharField(max_length=60, blank=True)
    source_key = models.CharField(max_length=120, blank=True)
    # Optimistic locking: a form carries the version it read; a stale write is refused.
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(record_kind__isnull=True, record_id__isnull=True)
                | Q(record_kind__isnull=False, record_id__isnull=False),
                name="tasking_task_record_both_or_neither",
            ),
            models.CheckConstraint(
                condition=~Q(status=TaskStatus.DONE) | ~Q(completion_note=""),
                name="tasking_task_done_has_note",
            ),
            models.CheckConstraint(
                condition=~Q(status=TaskStatus.CANCELLED) | ~Q(cancellation_reason=""),
                name="tasking_task_cancelled_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(source="", source_key="") | (~Q(source="") & ~Q(source_key="")),
                name="tasking_task_source_and_key_together",
            ),
            models.UniqueConstraint(
                fields=["source", "source_key"],
                condition=~Q(source="") & Q(status__in=[s.value for s in LIVE_STATUSES]),
                name="tasking_task_one_live_task_per_source_key",
            ),
        ]
        indexes = [
            # "My tasks" and the header's overdue count.
            models.Index(
                fields=["assignee_user", "status", "due_on"], name="tasking_task_assignee"
            ),
            # The team queue and the manager's view.
            models.Index(
                fields=["assignee_team", "status", "due_on"], name="tasking_task_team_queue"
            ),
            # The escalation and reminder sweeps.
            models.Index(fields=["status", "due_on"], name="tasking_task_due"),
            # A record's tasks (a case's tasks section and timeline).
            models.Index(fields=["record_kind", "record_id"], name="tasking_task_record"),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("tasking:task_detail", kwargs={"code": self.code})

    def audit_label(self) -> str:
        """Audit events and emails name a task by its reference only: the title may be personal."""
        return f"Task {self.reference}"

    @property
    def reference(self) -> str:
        """A short reference people can read out: the first eight characters of the code."""
        return f"T-{self.code.hex[:8].upper()}"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    def is_overdue(self, today: object) -> bool:
        """Past its due date and not yet done or cancelled."""
        return self.is_live and self.due_on < today  # type: ignore[operator]


class TaskComment(models.Model):
    """A note on a task by a member of staff. Comments are added, never edited or removed."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The team the author was working as, so a reader knows which agency said it.
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["task", "created_at"], name="tasking_comment_task")]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.task_id}"
