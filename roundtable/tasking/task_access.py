"""Who may see and do what with a task: the one place these rules live.

| right    | who                                                                                 |
|----------|-------------------------------------------------------------------------------------|
| see      | everyone below, and holders of the Tasks section of the case the task is linked to   |
| comment  | the assignee, members of the assignee team, members of the team that set the task    |
| work     | the assignee and members of the assignee team: claim, start, complete, hand back     |
| manage   | whoever set it, managers of the setting team, managers of the assignee team: change, |
|          | reassign, cancel                                                                    |

Services ask with every team the actor belongs to (``rights_for_user``); pages ask as the team the
user is working as (``rights_for_viewer``), so a page never allows more than the service would.
A task addresses its linked record by kind and id only; whether a viewer may see that record is
the sharing policy's answer, never this module's. ``access_task`` gives pages their 404 (missing
or not visible: the same answer) and 403 (visible, action not allowed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.urls import reverse

from roundtable.directory.models import Membership, Role, Team, User
from roundtable.sharing import policy
from roundtable.sharing.kinds import model_for_kind
from roundtable.sharing.sections import RecordKind, Section
from roundtable.tasking.models import Task


@dataclass(frozen=True)
class TaskRights:
    """What one person may do with one task."""

    see: bool = False
    comment: bool = False
    work: bool = False
    manage: bool = False

    def allows(self, need: str) -> bool:
        return bool(getattr(self, need))


NONE = TaskRights()


def rights(
    task: Task, *, user_id: int | None, teams: Mapping[int, str], sees_case_tasks: bool = False
) -> TaskRights:
    """The rights of a user who belongs to ``teams`` ({team id: role}) over ``task``."""
    if user_id is None:
        return NONE
    assignee = task.assignee_user_id == user_id
    in_assignee_team = task.assignee_team_id in teams
    in_setting_team = task.team_id in teams
    manager = Role.TEAM_MANAGER
    work = assignee or in_assignee_team
    comment = work or in_setting_team
    manage = (
        task.created_by_id == user_id
        or teams.get(task.team_id) == manager
        or teams.get(task.assignee_team_id) == manager
    )
    return TaskRights(
        see=comment or manage or sees_case_tasks, comment=comment, work=work, manage=manage
    )


def user_teams(user: Any) -> dict[int, str]:
    """{team id: role} for every active team an active user belongs to."""
    if user is None or not getattr(user, "is_active", False):
        return {}
    return dict(user.memberships.filter(team__is_active=True).values_list("team_id", "role"))


def rights_for_user(task: Task, user: Any) -> TaskRights:
    """A user's rights over a task through any of their teams (what services check)."""
    if user is None or not getattr(user, "is_active", False):
        return NONE
    return rights(task, user_id=user.pk, teams=user_teams(user))


def viewer_teams(viewer: policy.Viewer) -> dict[int, str]:
    """The viewer's acting team only, with its role."""
    if viewer.team_id is None:
        return {}
    return {viewer.team_id: Role.TEAM_MANAGER if viewer.is_team_manager else Role.PRACTITIONER}


def sees_case_tasks(viewer: policy.Viewer, task: Task) -> bool:
    """Does the viewer hold the Tasks section of the case this task is linked to?"""
    if task.record_kind != RecordKind.CASE or task.record_id is None:
        return False
    case = (
        model_for_kind(RecordKind.CASE)
        .objects.select_related("case_type")
        .filter(pk=task.record_id)
        .first()
    )
    return case is not None and policy.can(viewer, policy.Action.VIEW, case, Section.TASKS)


def rights_for_viewer(task: Task, viewer: policy.Viewer) -> TaskRights:
    """A page's rights: the user as the team they are working as."""
    teams = viewer_teams(viewer)
    base = rights(task, user_id=viewer.user_id, teams=teams)
    if base.see:
        return base
    return rights(
        task, user_id=viewer.user_id, teams=teams, sees_case_tasks=sees_case_tasks(viewer, task)
    )


@dataclass(frozen=True)
class ReachedTask:
    """A task a page reached, the viewer, and what they may do with it."""

    task: Task
    viewer: policy.Viewer
    rights: TaskRights


def access_task(request: HttpRequest, code: str, *, need: str = "see") -> ReachedTask:
    """A task for this request: 404 if missing or not visible, 403 if ``need`` is not allowed."""
    viewer = policy.viewer_for(request)
    task = (
        Task.objects.select_related(
            "team__organisation", "assignee_team__organisation", "assignee_user", "created_by"
        )
        .filter(code=code)
        .first()
    )
    if task is None:
        raise Http404
    granted = rights_for_viewer(task, viewer)
    if not granted.see:
        raise Http404
    if not granted.allows(need):
        raise PermissionDenied
    return ReachedTask(task=task, viewer=viewer, rights=granted)


# --- notices about tasks (``tasking.notice_subjects``) ------------------------------------------
# The same "see" right as above, asked for several people at once (who may hear of a task) or
# for several tasks at once (which notices a reader may still see), through any of their teams.


def _linked_case(task: Task) -> Any:
    if task.record_kind != RecordKind.CASE or task.record_id is None:
        return None
    return model_for_kind(RecordKind.CASE).objects.filter(pk=task.record_id).first()


def task_readers(task_id: int, user_ids: set[int]) -> set[int]:
    """Which of these users may see the task now (active, through any of their teams)."""
    task = Task.objects.filter(pk=task_id).first()
    if task is None or not user_ids:
        return set()
    teams = Team.objects.filter(pk__in=[task.team_id, task.assignee_team_id], is_active=True)
    reach = Q(memberships__team__in=teams)
    case = _linked_case(task)
    if case is not None:
        reach |= Q(memberships__team__in=policy.teams_that_can_see(case, Section.TASKS))
    people = [pk for pk in (task.assignee_user_id, task.created_by_id) if pk is not None]
    found = User.objects.filter(pk__in=user_ids, is_active=True).filter(Q(pk__in=people) | reach)
    return {int(pk) for pk in found.values_list("pk", flat=True).distinct()}


def tasks_visible_to(user_id: int, task_ids: set[int]) -> set[int]:
    """Which of these tasks the user may see now (a query or two, then one per team for the
    tasks seen only through their case's Tasks section)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not task_ids:
        return set()
    memberships = list(
        Membership.objects.filter(user=user, team__is_active=True).select_related(
            "team__organisation"
        )
    )
    team_ids = [membership.team_id for membership in memberships]
    tasks = Task.objects.filter(pk__in=task_ids)
    own = tasks.filter(
        Q(assignee_user_id=user_id)
        | Q(created_by_id=user_id)
        | Q(team_id__in=team_ids)
        | Q(assignee_team_id__in=team_ids)
    )
    seen = {int(pk) for pk in own.values_list("pk", flat=True)}
    by_case: dict[int, set[int]] = {}
    for pk, case_id in (
        tasks.exclude(pk__in=seen)
        .filter(record_kind=RecordKind.CASE)
        .values_list("pk", "record_id")
    ):
        by_case.setdefault(int(case_id or 0), set()).add(int(pk))
    cases = model_for_kind(RecordKind.CASE).objects.filter(pk__in=by_case)
    for membership in memberships:
        if not by_case:
            break
        viewer = policy.viewer_for_user(user, membership.team, membership.role)
        for case_id in policy.visible(viewer, cases, section=Section.TASKS).values_list(
            "pk", flat=True
        ):
            seen |= by_case.pop(int(case_id), set())
    return seen


def task_references(task_ids: set[int]) -> dict[int, str]:
    """Each task's reference (T-1A2B3C4D): never its title."""
    return {
        int(pk): f"T-{code.hex[:8].upper()}"
        for pk, code in Task.objects.filter(pk__in=task_ids).values_list("pk", "code")
    }


def task_url(task_id: int) -> str | None:
    """A task's page (which checks access as ever), or None when it no longer exists."""
    code = Task.objects.filter(pk=task_id).values_list("code", flat=True).first()
    return None if code is None else reverse("tasking:task_detail", kwargs={"code": code})
