"""Writes to tasks: set, change, assign, start, complete, cancel, comment, hand over a leaver's
work, and the background sweeps that remind and escalate.

Every function validates, checks who may act (``tasking.task_access``: services ask with every
team the actor belongs to), writes and audits in one transaction, and queues emails after commit.
Changes carry the version the form was read at and a stale one is refused with ``StaleRecord``.
This module must never decide who sees a record (that is ``sharing.policy``) and never put a
task's free text into an email (``task_notices``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record, diff
from roundtable.directory import permissions
from roundtable.directory.models import Team, User
from roundtable.records.models import Case, CaseStatus
from roundtable.records.services.cases import StaleRecord, audit_snapshot, case_update
from roundtable.sharing import policy
from roundtable.tasking.models import LIVE_STATUSES, TRANSITIONS, Task, TaskComment, TaskStatus
from roundtable.tasking.services import task_notices
from roundtable.tasking.services.task_notices import NoticeKind
from roundtable.tasking.task_access import TaskRights, rights_for_user, user_teams

__all__ = [
    "Handover",
    "StaleRecord",
    "task_assign",
    "task_cancel",
    "task_comment_add",
    "task_complete",
    "task_create",
    "task_create_once",
    "task_start",
    "task_update",
    "tasks_escalate_overdue",
    "tasks_reassign_for_leaver",
    "tasks_remind_due",
]

TASK_AUDITED = (
    "title",
    "description",
    "due_on",
    "priority",
    "status",
    "assignee_team",
    "assignee_user",
    "completion_note",
    "cancellation_reason",
)
TITLE_MAX = 200
TEXT_MAX = 4000
DUPLICATE_SOURCE = "A live task already exists for this; it was not made twice."


# --- checks ---------------------------------------------------------------------------------


def _require(task: Task, actor: User, need: str) -> TaskRights:
    granted = rights_for_user(task, actor)
    if not granted.allows(need):
        raise PermissionDenied
    return granted


def _lock(task: Task, expected_version: int) -> Task:
    """The task locked for update, or StaleRecord when it moved on since the form was read."""
    current = Task.objects.select_for_update().get(pk=task.pk)
    if current.version != expected_version:
        raise StaleRecord(current)
    return current


def _require_live(task: Task) -> None:
    if not task.is_live:
        raise ValidationError(f"This task is {task.get_status_display().lower()}.")


def _move(task: Task, to_status: str) -> None:
    if to_status not in TRANSITIONS[task.status]:
        raise ValidationError(
            f"A task that is {task.get_status_display().lower()} cannot become "
            f"{TaskStatus(to_status).label.lower()}."
        )
    task.status = to_status


def _text(value: str, *, field: str, required: str, limit: int) -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        raise ValidationError({field: [required]})
    if len(cleaned) > limit:
        raise ValidationError({field: [f"Use {limit} characters or fewer."]})
    return cleaned


def _team_in_reach(setting_team: Team, assignee_team: Team) -> bool:
    """A task may go to a team of the same organisation or of the same partnership."""
    if assignee_team.organisation_id == setting_team.organisation_id:
        return True
    partnership_id = setting_team.organisation.partnership_id
    return (
        partnership_id is not None and assignee_team.organisation.partnership_id == partnership_id
    )


def _check_assignee(
    setting_team: Team, assignee_team: Team, assignee_user: User | None, *, chosen: bool = False
) -> None:
    """``chosen``: the producer already decided whose work it is (an agency at the meeting)."""
    in_reach = chosen or _team_in_reach(setting_team, assignee_team)
    if not assignee_team.is_active or not in_reach:
        raise ValidationError(
            {"assignee_team": ["Choose an active team of your organisation or partnership."]}
        )
    if assignee_user is None:
        return
    member = assignee_user.memberships.filter(team=assignee_team).exists()
    if not assignee_user.is_active or not member:
        raise ValidationError(
            {"assignee_user": ["Choose someone who is an active member of the assignee team."]}
        )


def _check_due(due_on: date) -> None:
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": ["The due date cannot be in the past."]})


def _snapshot(task: Task) -> dict[str, Any]:
    return audit_snapshot(task, TASK_AUDITED)


def _save(task: Task, before: dict[str, Any], names: list[str], **audit: Any) -> Task:
    task.version += 1
    task.save(update_fields=[*names, "version", "updated_at"])
    audit_record(action=Action.UPDATE, target=task, changes=diff(before, _snapshot(task)), **audit)
    return task


def _notice_assignee(task: Task, actor: User | None) -> None:
    if task.assignee_user_id is not None and (actor is None or task.assignee_user_id != actor.pk):
        task_notices.notify_in_app(
            task=task, user_ids=[task.assignee_user_id], kind=NoticeKind.ASSIGNED, actor=actor
        )


def _check_setter(actor: User | None, team: Team, record: Any) -> None:
    """A person sets a task as one of their teams, about a record that team can open; Roundtable
    itself (no actor) sets one only as the team that owns the record it is about."""
    if actor is None:
        if record is None or record.owning_team_id != team.pk:
            raise ValueError("A task Roundtable sets must be set by the team owning its record")
        return
    if team.pk not in user_teams(actor):
        raise PermissionDenied
    if record is not None and not policy.can(
        policy.viewer_for_user(actor, team), policy.Action.VIEW, record
    ):
        raise ValidationError({"record": ["Choose a record your team can open."]})


# --- setting a task -------------------------------------------------------------------------


@transaction.atomic
def task_create(
    *,
    actor: User | None,
    team: Team,
    title: str,
    due_on: date,
    assignee_team: Team,
    record: Any = None,
    assignee_user: User | None = None,
    priority: str = "normal",
    description: str = "",
    source: str = "",
    source_key: str = "",
) -> Task:
    """Set a task for a team (or one of its members), due on a day, perhaps about a record.

    The actor must belong to ``team`` (the setting team) and be able to open ``record`` as that
    team; ``actor=None`` is Roundtable itself (a background job), which sets tasks only as the
    team owning ``record``. ``source``/``source_key`` name what made the task so no second live
    task is made for it (``task_create_once`` returns the existing one instead of refusing). A
    task made for a source takes the source's due date even if it has passed (an expiry found
    late is overdue at once) and goes to the team the source chose (the agency at a panel meeting
    that owns an action, which may be national or from another partnership), without the
    organisation-or-partnership reach of a task set by hand.
    """
    _check_setter(actor, team, record)
    title = _text(title, field="title", required="Enter a title.", limit=TITLE_MAX)
    if len(description) > TEXT_MAX:
        raise ValidationError({"description": [f"Use {TEXT_MAX} characters or fewer."]})
    if not source:
        _check_due(due_on)
    _check_assignee(team, assignee_team, assignee_user, chosen=bool(source))
    if (
        source
        and Task.objects.filter(
            source=source, source_key=source_key, status__in=LIVE_STATUSES
        ).exists()
    ):
        raise ValidationError({"source_key": [DUPLICATE_SOURCE]})
    task = Task(
        title=title,
        description=description.strip(),
        team=team,
        assignee_team=assignee_team,
        assignee_user=assignee_user,
        record_kind=int(record.record_kind) if record is not None else None,
        record_id=record.pk if record is not None else None,
        due_on=due_on,
        priority=priority,
        created_by=actor,
        source=source,
        source_key=source_key,
    )
    task.full_clean()
    task.save()
    changes = {
        key: [None, value] for key, value in _snapshot(task).items() if value not in ("", None)
    }
    detail: dict[str, Any] = {"source": source} if source else {}
    if record is not None:
        detail["record"] = {"kind": int(record.record_kind), "code": str(record.code)}
    audit_record(action=Action.CREATE, target=task, changes=changes, detail=detail)
    _notice_assignee(task, actor)
    return task


def task_create_once(**fields: Any) -> tuple[Task, bool]:
    """``task_create`` that returns the live task already made for ``source``/``source_key``.

    Returns (task, created). Safe to call again and again (a background job re-running, two
    workers at once): the unique constraint on live (source, source_key) is the last word.
    """
    source, key = fields.get("source", ""), fields.get("source_key", "")
    if not source or not key:
        raise ValueError("task_create_once needs a source and a source_key")
    live = Task.objects.filter(source=source, source_key=key, status__in=LIVE_STATUSES)
    existing = live.first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return task_create(**fields), True
    except (IntegrityError, ValidationError):
        # Another caller made it between our look and our write.
        existing = live.first()
        if existing is None:
            raise
        return existing, False


# --- changing a task ------------------------------------------------------------------------


@transaction.atomic
def task_update(
    *,
    actor: User,
    task: Task,
    expected_version: int,
    title: str,
    due_on: date,
    priority: str,
    description: str = "",
) -> Task:
    """Change a live task's title, description, due date or priority (those who manage it)."""
    current = _lock(task, expected_version)
    _require(current, actor, "manage")
    _require_live(current)
    before = _snapshot(current)
    current.title = _text(title, field="title", required="Enter a title.", limit=TITLE_MAX)
    if len(description) > TEXT_MAX:
        raise ValidationError({"description": [f"Use {TEXT_MAX} characters or fewer."]})
    current.description = description.strip()
    names = ["title", "description", "priority", "due_on"]
    if due_on != current.due_on:
        _check_due(due_on)
        # A new due date is a new promise: remind and escalate against it afresh.
        current.escalated_at, current.reminded_on = None, None
        names += ["escalated_at", "reminded_on"]
    current.due_on, current.priority = due_on, priority
    current.full_clean()
    return _save(current, before, names)


@transaction.atomic
def task_assign(
    *,
    actor: User,
    task: Task,
    expected_version: int,
    assignee_team: Team,
    assignee_user: User | None = None,
) -> Task:
    """Give a live task to a team's queue or one of its members.

    Those who manage the task may send it anywhere in reach. Members of the assignee team may
    claim an unassigned task for themselves, and the assignee may hand it back to the queue.
    """
    current = _lock(task, expected_version)
    granted = rights_for_user(current, actor)
    _require_live(current)
    same_team = assignee_team.pk == current.assignee_team_id
    claim = assignee_user == actor and current.assignee_user_id is None
    hand_back = assignee_user is None and current.assignee_user_id == actor.pk
    if not (granted.manage or (granted.work and same_team and (claim or hand_back))):
        raise PermissionDenied
    new_user_id = assignee_user.pk if assignee_user is not None else None
    if same_team and new_user_id == current.assignee_user_id:
        raise ValidationError({"assignee_user": ["The task is already assigned that way."]})
    _check_assignee(current.team, assignee_team, assignee_user)
    before = _snapshot(current)
    names = ["assignee_team", "assignee_user", "reminded_on"]
    if not same_team:
        # Another team's managers have not been told it is late yet.
        current.escalated_at = None
        names.append("escalated_at")
    current.assignee_team, current.assignee_user, current.reminded_on = (
        assignee_team,
        assignee_user,
        None,
    )
    _save(current, before, names)
    _notice_assignee(current, actor)
    return current


@transaction.atomic
def task_start(*, actor: User, task: Task, expected_version: int) -> Task:
    """Mark an open task in progress; starting a task from the queue takes it."""
    current = _lock(task, expected_version)
    _require(current, actor, "work")
    before = _snapshot(current)
    _move(current, TaskStatus.IN_PROGRESS)
    names = ["status"]
    if current.assignee_user_id is None:
        current.assignee_user = actor
        names.append("assignee_user")
    return _save(current, before, names)


@transaction.atomic
def task_complete(*, actor: User, task: Task, expected_version: int, note: str) -> Task:
    """Mark a live task done, saying what was done (the note is required)."""
    current = _lock(task, expected_version)
    _require(current, actor, "work")
    note = _text(
        note, field="note", required="Say what was done to complete the task.", limit=TEXT_MAX
    )
    before = _snapshot(current)
    _move(current, TaskStatus.DONE)
    current.completion_note, current.closed_at, current.closed_by = note, timezone.now(), actor
    current.full_clean()
    return _save(current, before, ["status", "completion_note", "closed_at", "closed_by"])


@transaction.atomic
def task_cancel(*, actor: User, task: Task, expected_version: int, reason: str) -> Task:
    """Cancel a live task with a reason (those who manage it)."""
    current = _lock(task, expected_version)
    _require(current, actor, "manage")
    reason = _text(
        reason, field="reason", required="Say why the task is cancelled.", limit=TEXT_MAX
    )
    before = _snapshot(current)
    _move(current, TaskStatus.CANCELLED)
    current.cancellation_reason, current.closed_at, current.closed_by = (
        reason,
        timezone.now(),
        actor,
    )
    current.full_clean()
    return _save(current, before, ["status", "cancellation_reason", "closed_at", "closed_by"])


@transaction.atomic
def task_comment_add(
    *, actor: User, task: Task, body: str, team: Team | None = None
) -> TaskComment:
    """Add a comment to a task, as one of the actor's teams. Comments are never edited."""
    _require(task, actor, "comment")
    body = _text(body, field="body", required="Enter a comment.", limit=TEXT_MAX)
    teams = user_teams(actor)
    if team is not None and team.pk not in teams:
        raise PermissionDenied
    if team is None:
        team_id = next((pk for pk in (task.assignee_team_id, task.team_id) if pk in teams), None)
        team = Team.objects.filter(pk=team_id).first() if team_id else None
    comment = TaskComment.objects.create(task=task, author=actor, team=team, body=body)
    audit_record(
        action=Action.UPDATE,
        target=task,
        changes={"comment": [None, body]},
        detail={"comment_id": comment.pk},
    )
    return comment


# --- a leaver's work ------------------------------------------------------------------------


@dataclass(frozen=True)
class Handover:
    """What a leaver's hand-over moved."""

    tasks: int
    cases: int


def _destination(
    team_id: int, destinations: Mapping[int, User | None], leaver: User
) -> User | None:
    to_user = destinations.get(team_id)
    if to_user is None:
        return None
    if (
        to_user.pk == leaver.pk
        or not to_user.is_active
        or not to_user.memberships.filter(team_id=team_id).exists()
    ):
        raise ValidationError(
            {f"team_{team_id}": ["Choose an active member of this team, or the team's queue."]}
        )
    return to_user


@transaction.atomic
def tasks_reassign_for_leaver(
    *, actor: User, user: User, destinations: Mapping[int, User | None] | None = None
) -> Handover:
    """Move a leaver's live tasks and the open cases they lead, team by team, in one go.

    ``destinations`` maps a team id to the team-mate who takes the leaver's work in that team;
    a team left out (or mapped to None) gets it in its queue: tasks unassigned, cases without a
    lead. Tasks are grouped by their assignee team and cases by their owning team, because a
    case's lead must belong to the team that owns it. Only the leaver's organisation admins (or
    a system admin) may do this; each task and case is audited, and so is the hand-over itself.
    """
    if not permissions.can_administer_user(actor, user):
        raise PermissionDenied
    destinations = destinations or {}
    chosen: dict[int, User | None] = {}

    def to_for(team_id: int) -> User | None:
        if team_id not in chosen:
            chosen[team_id] = _destination(team_id, destinations, user)
        return chosen[team_id]

    moved_tasks = 0
    for task in (
        Task.objects.select_for_update()
        .filter(assignee_user=user, status__in=LIVE_STATUSES)
        .order_by("pk")
    ):
        before = _snapshot(task)
        task.assignee_user, task.reminded_on = to_for(task.assignee_team_id), None
        _save(
            task,
            before,
            ["assignee_user", "reminded_on"],
            justification="Handed over: the assignee is leaving.",
            detail={"handover_from": str(user.code)},
        )
        if task.assignee_user_id is not None:
            task_notices.notify_in_app(
                task=task,
                user_ids=[task.assignee_user_id],
                kind=NoticeKind.HANDED_OVER,
                actor=actor,
            )
        moved_tasks += 1
    moved_cases = 0
    for case in Case.objects.filter(lead_practitioner=user, status=CaseStatus.OPEN).order_by("pk"):
        case_update(
            actor=actor,
            case=case,
            expected_version=case.version,
            lead_practitioner=to_for(case.owning_team_id),
        )
        moved_cases += 1
    audit_record(
        action=Action.UPDATE,
        target=user,
        actor=actor,
        detail={
            "handover": {
                "tasks": moved_tasks,
                "cases": moved_cases,
                "to": {
                    str(team_id): (str(to.code) if to is not None else "team queue")
                    for team_id, to in sorted(chosen.items())
                },
            }
        },
    )
    return Handover(tasks=moved_tasks, cases=moved_cases)


# --- background sweeps ----------------------------------------------------------------------

SWEEP_CHUNK = 200


def _sweep(candidates: Any, one: Any) -> int:
    """Run ``one(pk)`` (its own transaction) for every candidate id, a chunk at a time."""
    done, after = 0, 0
    while True:
        ids = list(
            candidates.filter(pk__gt=after)
            .order_by("pk")
            .values_list("pk", flat=True)[:SWEEP_CHUNK]
        )
        if not ids:
            return done
        for pk in ids:
            done += 1 if one(pk) else 0
        after = ids[-1]


def tasks_escalate_overdue(*, today: date | None = None) -> int:
    """Tell the assignee team's managers, once, about each live task past its due date."""
    today = today or timezone.localdate()
    candidates = Task.objects.filter(
        status__in=LIVE_STATUSES, due_on__lt=today, escalated_at__isnull=True
    )
    return _sweep(candidates, lambda pk: _escalate_one(pk, today))


@transaction.atomic
def _escalate_one(pk: int, today: date) -> bool:
    task = (
        Task.objects.select_for_update(of=("self",))
        .select_related("assignee_team")
        .filter(pk=pk, status__in=LIVE_STATUSES, due_on__lt=today, escalated_at__isnull=True)
        .first()
    )
    if task is None:
        return False  # done, moved or escalated since the sweep listed it
    task.escalated_at = timezone.now()
    task.save(update_fields=["escalated_at"])
    managers = task_notices.team_managers(task.assignee_team_id)
    audit_record(
        action=Action.UPDATE,
        target=task,
        changes={"escalated_at": [None, task.escalated_at.isoformat()]},
        recipients=[{"user_id": user_id, "by": "email"} for user_id, _ in managers],
        detail={"escalated": "overdue", "due_on": task.due_on.isoformat()},
    )
    task_notices.email_after_commit(
        template="overdue",
        emails=[email for _, email in managers],
        context=task_notices.task_context(task),
    )
    manager_ids = [user_id for user_id, _ in managers]
    task_notices.notify_in_app(task=task, user_ids=manager_ids, kind=NoticeKind.ESCALATED)
    # The assignee (or, for a task in the queue, the team) hears in the app that it is overdue.
    late = [user_id for user_id in _reminder_recipients(task)[0] if user_id not in manager_ids]
    task_notices.notify_in_app(task=task, user_ids=late, kind=NoticeKind.OVERDUE)
    return True


def tasks_remind_due(*, today: date | None = None) -> int:
    """Remind about each live task due today or tomorrow, at most once a day per task."""
    today = today or timezone.localdate()
    candidates = Task.objects.filter(
        status__in=LIVE_STATUSES, due_on__in=[today, today + timedelta(days=1)]
    ).exclude(reminded_on=today)
    return _sweep(candidates, lambda pk: _remind_one(pk, today))


def _reminder_recipients(task: Task) -> tuple[list[int], list[str]]:
    """(in-app user ids, email addresses): the assignee, or else the team."""
    if task.assignee_user_id is not None:
        assignee = task.assignee_user
        if assignee is not None and assignee.is_active:
            return [assignee.pk], [assignee.email]
    members = task_notices.team_members(task.assignee_team_id)
    # A queue's reminder goes to the team's shared inbox, or to its managers when it has none.
    if task.assignee_team.email:
        return members, [task.assignee_team.email]
    return members, [email for _, email in task_notices.team_managers(task.assignee_team_id)]


@transaction.atomic
def _remind_one(pk: int, today: date) -> bool:
    task = (
        Task.objects.select_for_update(of=("self",))
        .select_related("assignee_team", "assignee_user")
        .filter(pk=pk, status__in=LIVE_STATUSES, due_on__in=[today, today + timedelta(days=1)])
        .exclude(reminded_on=today)
        .first()
    )
    if task is None:
        return False
    task.reminded_on = today
    task.save(update_fields=["reminded_on"])
    user_ids, emails = _reminder_recipients(task)
    audit_record(
        action=Action.UPDATE,
        target=task,
        changes={"reminded_on": [None, today.isoformat()]},
        recipients=[{"by": "email", "count": len(emails)}],
        detail={"reminded": "due today" if task.due_on == today else "due tomorrow"},
    )
    context = task_notices.task_context(task)
    context["due_today"] = task.due_on == today
    context["for_team"] = task.assignee_user_id is None
    task_notices.email_after_commit(template="reminder", emails=emails, context=context)
    task_notices.notify_in_app(task=task, user_ids=user_ids, kind=NoticeKind.DUE_SOON)
    return True
