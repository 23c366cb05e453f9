"""Reads of tasks: "my tasks", a team's queue, a manager's view, a case's tasks, a leaver's work.

Lists are already limited to what the caller may see (tasks assigned to the viewer, to or by
their team, or linked to a case whose Tasks section they hold). A task's linked record is named
only when the sharing policy lets the viewer see that record (``linked_records``), one query per
kind of record on the page, so a list's cost does not grow with its rows. This module must never
write and never decide access to a record itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from django.db.models import Case as Choose
from django.db.models import Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from roundtable.casework.timeline import TimelineItem
from roundtable.directory.models import Membership, Team, User
from roundtable.records.models import Case, CaseStatus
from roundtable.sharing import policy
from roundtable.sharing.kinds import model_for_kind
from roundtable.sharing.sections import RecordKind, Section
from roundtable.tasking.models import LIVE_STATUSES, PRIORITY_RANK, Task, TaskComment, TaskStatus

# The section that holds each kind of record's name: a person's name is their identity; a place,
# a group and a case are named in their summary.
NAME_SECTION: dict[int, str] = {
    RecordKind.PROFILE: Section.IDENTITY,
    RecordKind.PREMISES: Section.SUMMARY,
    RecordKind.GROUP: Section.SUMMARY,
    RecordKind.CASE: Section.SUMMARY,
}

_PRIORITY_ORDER = Choose(
    *[When(priority=value, then=Value(rank)) for value, rank in PRIORITY_RANK.items()],
    default=Value(len(PRIORITY_RANK)),
    output_field=IntegerField(),
)


@dataclass(frozen=True)
class LinkedRecord:
    """A task's linked record as one viewer may know it: named and linked, or not at all."""

    visible: bool
    label: str = ""
    url: str = ""
    kind_label: str = ""


HIDDEN_RECORD = LinkedRecord(visible=False)


def _label(kind: int, record: Any) -> str:
    if kind == RecordKind.PROFILE:
        return str(record.display_name)
    if kind == RecordKind.CASE:
        return f"{record.reference}: {record.title}"
    return str(record.name)


def linked_records(
    viewer: policy.Viewer, tasks: Iterable[Task]
) -> dict[tuple[int, int], LinkedRecord]:
    """{(kind, id): what the viewer may know of it} for the records these tasks link to."""
    wanted: dict[int, set[int]] = {}
    for task in tasks:
        if task.record_kind is not None and task.record_id is not None:
            wanted.setdefault(int(task.record_kind), set()).add(int(task.record_id))
    found: dict[tuple[int, int], LinkedRecord] = {}
    for kind, ids in wanted.items():
        model = model_for_kind(kind)
        shown = policy.visible(viewer, model.objects.filter(pk__in=ids), section=NAME_SECTION[kind])
        for record in shown:
            found[(kind, record.pk)] = LinkedRecord(
                visible=True,
                label=_label(kind, record),
                url=record.get_absolute_url(),
                kind_label=str(RecordKind(kind).label),
            )
    return found


@dataclass(frozen=True)
class TaskRow:
    """A task on a list, with its linked record as the viewer may know it."""

    task: Task
    record: LinkedRecord | None  # None: not linked to any record
    overdue: bool


def rows(
    viewer: policy.Viewer, tasks: Sequence[Task], *, today: date | None = None
) -> list[TaskRow]:
    """Rows for a page of tasks (one query per kind of linked record, whatever the page size)."""
    today = today or timezone.localdate()
    records = linked_records(viewer, tasks)
    result = []
    for task in tasks:
        record: LinkedRecord | None = None
        if task.record_kind is not None and task.record_id is not None:
            record = records.get((int(task.record_kind), int(task.record_id)), HIDDEN_RECORD)
        result.append(TaskRow(task=task, record=record, overdue=task.is_overdue(today)))
    return result


# --- lists ----------------------------------------------------------------------------------


def _filtered(
    tasks: QuerySet[Task], *, status: str, priority: str, overdue: bool, today: date
) -> QuerySet[Task]:
    if status == "live":
        tasks = tasks.filter(status__in=LIVE_STATUSES)
    elif status:
        tasks = tasks.filter(status=status)
    if priority:
        tasks = tasks.filter(priority=priority)
    if overdue:
        tasks = tasks.filter(status__in=LIVE_STATUSES, due_on__lt=today)
    return tasks


def tasks_assigned_to(
    *,
    user_id: int,
    status: str = "live",
    priority: str = "",
    overdue: bool = False,
    today: date | None = None,
) -> QuerySet[Task]:
    """Tasks assigned to one person, soonest due first, most urgent first within a day."""
    tasks = Task.objects.filter(assignee_user_id=user_id)
    tasks = _filtered(
        tasks,
        status=status,
        priority=priority,
        overdue=overdue,
        today=today or timezone.localdate(),
    )
    return (
        tasks.select_related("assignee_team", "team__organisation")
        .annotate(priority_rank=_PRIORITY_ORDER)
        .order_by("due_on", "priority_rank", "pk")
    )


def team_queue(*, team_id: int, unassigned_only: bool = False) -> QuerySet[Task]:
    """A team's live tasks: the unassigned ones first, then soonest due, most urgent first."""
    tasks = Task.objects.filter(assignee_team_id=team_id, status__in=LIVE_STATUSES)
    if unassigned_only:
        tasks = tasks.filter(assignee_user__isnull=True)
    return (
        tasks.select_related("assignee_team", "assignee_user", "team__organisation")
        .annotate(
            priority_rank=_PRIORITY_ORDER,
            queued=Choose(
                When(assignee_user__isnull=True, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .order_by("queued", "due_on", "priority_rank", "pk")
    )


def tasks_set_by(*, team_id: int) -> QuerySet[Task]:
    """Live tasks a team set for other teams, soonest due first."""
    return (
        Task.objects.filter(team_id=team_id, status__in=LIVE_STATUSES)
        .exclude(assignee_team_id=team_id)
        .select_related("assignee_team__organisation", "assignee_user")
        .order_by("due_on", "pk")
    )


@dataclass(frozen=True)
class Workload:
    """One person's (or the queue's) share of a team's live tasks."""

    assignee: User | None
    open: int
    in_progress: int
    overdue: int


def team_workload(*, team_id: int, today: date | None = None) -> list[Workload]:
    """A team's live tasks counted by assignee (the queue first), with how many are overdue."""
    today = today or timezone.localdate()
    counts = (
        Task.objects.filter(assignee_team_id=team_id, status__in=LIVE_STATUSES)
        .values("assignee_user")
        .annotate(
            open=Count("pk", filter=Q(status=TaskStatus.OPEN)),
            in_progress=Count("pk", filter=Q(status=TaskStatus.IN_PROGRESS)),
            overdue=Count("pk", filter=Q(due_on__lt=today)),
        )
        .order_by()
    )
    by_user = {row["assignee_user"]: row for row in counts}
    people = User.objects.in_bulk([pk for pk in by_user if pk is not None])
    result = [
        Workload(
            assignee=people.get(pk) if pk is not None else None,
            open=row["open"],
            in_progress=row["in_progress"],
            overdue=row["overdue"],
        )
        for pk, row in by_user.items()
    ]
    result.sort(key=lambda w: (w.assignee is not None, w.assignee.full_name if w.assignee else ""))
    return result


def team_overdue(*, team_id: int, today: date | None = None) -> QuerySet[Task]:
    """A team's live tasks past their due date, the most overdue first."""
    today = today or timezone.localdate()
    return (
        Task.objects.filter(assignee_team_id=team_id, status__in=LIVE_STATUSES, due_on__lt=today)
        .select_related("assignee_team", "assignee_user", "team__organisation")
        .order_by("due_on", "pk")
    )


def overdue_for_user(*, user_id: int, today: date | None = None) -> QuerySet[Task]:
    """The live tasks assigned to this person that are past their due date."""
    today = today or timezone.localdate()
    return Task.objects.filter(assignee_user_id=user_id, status__in=LIVE_STATUSES, due_on__lt=today)


def overdue_count_for_user(*, user_id: int, today: date | None = None) -> int:
    """How many live tasks assigned to this person are past their due date (one indexed count)."""
    return overdue_for_user(user_id=user_id, today=today).count()


def task_comments(task: Task) -> QuerySet[TaskComment]:
    """A task's comments, oldest first, with who wrote each and as which team."""
    return TaskComment.objects.filter(task=task).select_related("author", "team__organisation")


# --- a case's tasks -------------------------------------------------------------------------


def tasks_for_case(viewer: policy.Viewer, case: Case, *, limit: int = 100) -> list[Task]:
    """The tasks linked to a case, for a viewer who holds its Tasks section (else none)."""
    if not policy.can(viewer, policy.Action.VIEW, cast(policy.Record, case), Section.TASKS):
        return []
    tasks = (
        Task.objects.filter(record_kind=RecordKind.CASE, record_id=case.pk)
        .select_related("assignee_team__organisation", "assignee_user")
        .annotate(
            closed=Choose(
                When(status__in=LIVE_STATUSES, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("closed", "due_on", "pk")
    )
    return list(tasks[:limit])


def _assignee_label(task: Task) -> str:
    if task.assignee_user is not None:
        return f"{task.assignee_user.full_name} ({task.assignee_team.name})"
    return _("%(team)s's queue") % {"team": task.assignee_team.name}


def case_timeline_items(viewer: policy.Viewer, case: Case) -> list[TimelineItem]:
    """The case timeline's "task" source: each task set, done or cancelled on the case."""
    items: list[TimelineItem] = []
    for task in tasks_for_case(viewer, case):
        url = task.get_absolute_url()
        items.append(
            TimelineItem(
                occurred_at=task.created_at,
                kind="task",
                label=_("Task set"),
                summary=_("%(title)s, for %(assignee)s, due %(due)s")
                % {
                    "title": task.title,
                    "assignee": _assignee_label(task),
                    "due": task.due_on.strftime("%d/%m/%Y"),
                },
                url=url,
                section=Section.TASKS,
            )
        )
        if task.closed_at is not None and task.status in (TaskStatus.DONE, TaskStatus.CANCELLED):
            items.append(
                TimelineItem(
                    occurred_at=task.closed_at,
                    kind="task",
                    label=_("Task done") if task.status == TaskStatus.DONE else _("Task cancelled"),
                    summary=task.title,
                    url=url,
                    section=Section.TASKS,
                )
            )
    return items


# --- choices for forms ----------------------------------------------------------------------


def teams_in_reach(*, team: Team) -> QuerySet[Team]:
    """Active teams a task set by ``team`` may go to: its organisation's and its partnership's."""
    reach = Q(organisation_id=team.organisation_id)
    partnership_id = team.organisation.partnership_id
    if partnership_id is not None:
        reach |= Q(organisation__partnership_id=partnership_id)
    return (
        Team.objects.filter(reach, is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def team_members(*, team_id: int, exclude: int | None = None) -> QuerySet[User]:
    """A team's active members, by name: who may be given its tasks."""
    users = User.objects.filter(memberships__team_id=team_id, is_active=True)
    if exclude is not None:
        users = users.exclude(pk=exclude)
    return users.order_by("full_name").distinct()


def record_for_link(viewer: policy.Viewer, kind: int, code: Any) -> Any:
    """The record a new task is to be linked to, if the viewer may open it; else None."""
    model = model_for_kind(kind)
    records = model.objects.select_related("owning_team", "owning_organisation")
    if kind == RecordKind.CASE:
        records = records.select_related("case_type")
    record = records.filter(code=code).first()
    if record is None or not policy.can(viewer, policy.Action.VIEW, record):
        return None
    return record


# --- a leaver's work ------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamWork:
    """A leaver's live tasks and open cases in one team, and who could take them."""

    team: Team
    tasks: int
    cases: int
    team_mates: list[User]


def leaver_work(*, user: User) -> list[TeamWork]:
    """A person's live tasks (by assignee team) and open cases they lead (by owning team)."""
    tasks = dict(
        Task.objects.filter(assignee_user=user, status__in=LIVE_STATUSES)
        .values("assignee_team")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("assignee_team", "n")
    )
    cases = dict(
        Case.objects.filter(lead_practitioner=user, status=CaseStatus.OPEN)
        .values("owning_team")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("owning_team", "n")
    )
    team_ids = set(tasks) | set(cases)
    if not team_ids:
        return []
    teams = Team.objects.filter(pk__in=team_ids).select_related("organisation").order_by("name")
    mates: dict[int, list[User]] = {team_id: [] for team_id in team_ids}
    for membership_team, mate in _team_mates(team_ids, exclude=user.pk):
        mates[membership_team].append(mate)
    return [
        TeamWork(
            team=team,
            tasks=tasks.get(team.pk, 0),
            cases=cases.get(team.pk, 0),
            team_mates=mates[team.pk],
        )
        for team in teams
    ]


def _team_mates(team_ids: set[int], *, exclude: int) -> list[tuple[int, User]]:
    return [
        (membership.team_id, membership.user)
        for membership in Membership.objects.filter(team_id__in=team_ids, user__is_active=True)
        .exclude(user_id=exclude)
        .select_related("user")
        .order_by("user__full_name", "user_id")
    ]


def leaver_work_summary(*, user: User) -> tuple[int, int]:
    """(live tasks, open cases led) for one person: the directory's page shows these."""
    tasks = Task.objects.filter(assignee_user=user, status__in=LIVE_STATUSES).count()
    cases = Case.objects.filter(lead_practitioner=user, status=CaseStatus.OPEN).count()
    return tasks, cases
