"""Task pages: "my tasks", the team queue, the manager's view, a task and its forms, and the
hand-over of a leaver's work.

Thin: each view asks ``tasking.task_access`` for the task (missing or not visible: 404; visible
but not allowed: 403) or a selector for a list, calls at most one service and renders. A task's
linked record is named only where the sharing policy lets the viewer see it (the selectors
decide); a stale form gets a 409 page showing the task as it is now.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record
from roundtable.directory.models import Role, Team, User
from roundtable.directory.views import access_user
from roundtable.records.services.cases import StaleRecord
from roundtable.sharing import policy
from roundtable.tasking import task_forms as forms
from roundtable.tasking.models import Task
from roundtable.tasking.selectors import tasks as selectors
from roundtable.tasking.services import tasks as services
from roundtable.tasking.task_access import ReachedTask, access_task

TASKS_PER_PAGE = 25
CONFLICT_MESSAGE = _(
    "Someone else changed this task while you were working on it. Nothing has been saved. "
    "Check the task as it is now, then make your change again"
)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _acting_team(request: HttpRequest) -> Team:
    """The team the user is working as; team pages need one."""
    team: Team | None = getattr(request, "acting_team", None)
    if team is None:
        raise PermissionDenied
    return team


def _page(request: HttpRequest, tasks: Any) -> Any:
    return Paginator(tasks, TASKS_PER_PAGE).get_page(request.GET.get("page"))


def _query(**values: Any) -> str:
    return urlencode({key: value for key, value in values.items() if value})


# --- lists ----------------------------------------------------------------------------------


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    """Tasks assigned to me, soonest due first, filtered by status, priority and lateness."""
    viewer = policy.viewer_for(request)
    form = forms.MyTasksFilterForm(request.GET or None)
    status, priority, overdue = form.values()
    today = timezone.localdate()
    tasks = selectors.tasks_assigned_to(
        user_id=_user(request).pk, status=status, priority=priority, overdue=overdue, today=today
    )
    page = _page(request, tasks)
    context = {
        "form": form,
        "page": page,
        "rows": selectors.rows(viewer, page.object_list, today=today),
        "filters": _query(
            status=request.GET.get("status", ""),
            priority=priority,
            overdue="on" if overdue else "",
        ),
        "has_team": viewer.team_id is not None,
        "is_manager": viewer.is_team_manager,
    }
    return render(request, "tasking/tasks/my_tasks.html", context)


@login_required
def team_queue(request: HttpRequest) -> HttpResponse:
    """The acting team's live tasks (unassigned first, with a claim button), or those it set."""
    team = _acting_team(request)
    viewer = policy.viewer_for(request)
    showing_set = request.GET.get("show") == "set"
    tasks = (
        selectors.tasks_set_by(team_id=team.pk)
        if showing_set
        else selectors.team_queue(team_id=team.pk)
    )
    page = _page(request, tasks)
    context = {
        "team": team,
        "page": page,
        "rows": selectors.rows(viewer, page.object_list),
        "showing_set": showing_set,
        "filters": _query(show="set" if showing_set else ""),
        "is_manager": viewer.is_team_manager,
    }
    return render(request, "tasking/tasks/team_queue.html", context)


@login_required
def manager_view(request: HttpRequest) -> HttpResponse:
    """For the acting team's managers: its live tasks by assignee, and those overdue."""
    team = _acting_team(request)
    if getattr(request, "acting_role", None) != Role.TEAM_MANAGER:
        raise PermissionDenied
    viewer = policy.viewer_for(request)
    today = timezone.localdate()
    page = _page(request, selectors.team_overdue(team_id=team.pk, today=today))
    context = {
        "team": team,
        "workload": selectors.team_workload(team_id=team.pk, today=today),
        "page": page,
        "rows": selectors.rows(viewer, page.object_list, today=today),
        "filters": "",
    }
    return render(request, "tasking/tasks/manager.html", context)


# --- setting a task -------------------------------------------------------------------------


def _initial_record(request: HttpRequest) -> dict[str, str]:
    kind, code = request.GET.get("record_kind", ""), request.GET.get("record", "")
    if kind in dict(forms.TaskForm.base_fields["record_kind"].choices) and code:  # type: ignore[attr-defined]
        return {"record_kind": kind, "record": code}
    return {}


@login_required
def task_create(request: HttpRequest) -> HttpResponse:
    """Set a task as the acting team, for a team in reach, perhaps about a record."""
    team = _acting_team(request)
    viewer = policy.viewer_for(request)
    teams = selectors.teams_in_reach(team=team)
    users = selectors.team_members(team_id=team.pk)
    if request.method == "POST":
        form = forms.TaskForm(request.POST, teams=teams, users=users)
        if form.is_valid():
            created: list[Task] = []
            data = form.cleaned_data

            def write() -> None:
                record = None
                kind = form.record_kind_value()
                if kind is not None:
                    record = selectors.record_for_link(viewer, kind, data["record"])
                    if record is None:
                        raise ValidationError(
                            {"record": [_("No record your team can open has that reference")]}
                        )
                created.append(
                    services.task_create(
                        actor=_user(request),
                        team=team,
                        title=data["title"],
                        description=data["description"],
                        due_on=data["due_on"],
                        priority=data["priority"],
                        assignee_team=data["assignee_team"],
                        assignee_user=data["assignee_user"],
                        record=record,
                    )
                )

            if _attempt(form, write) is True:
                messages.success(request, _("Task %(ref)s set.") % {"ref": created[0].reference})
                return redirect(created[0])
    else:
        form = forms.TaskForm(
            initial={"assignee_team": team.pk, **_initial_record(request)},
            teams=teams,
            users=users,
        )
    return _form_page(
        request,
        form,
        title=_("Set a task"),
        caption=team.name,
        submit=_("Set task"),
        back=reverse("tasking:my_tasks"),
    )


# --- one task -------------------------------------------------------------------------------


@login_required
def task_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    """A task with its comments and the actions the viewer may take."""
    reached = access_task(request, str(code))
    task = reached.task
    row = selectors.rows(reached.viewer, [task])[0]
    detail: dict[str, Any] = {}
    if row.record is not None:
        detail["linked_record"] = {
            "kind": task.record_kind,
            "id": task.record_id,
            "named": row.record.visible,
        }
    audit_record(action=Action.VIEW, target=task, detail=detail)
    version_form = forms.VersionForm(initial={"version": task.version})
    context = {
        "task": task,
        "row": row,
        "rights": reached.rights,
        "comments": list(selectors.task_comments(task)),
        "comment_form": forms.CommentForm(),
        "version_form": version_form,
        "can_claim": reached.rights.work and task.is_live and task.assignee_user_id is None,
        "can_hand_back": task.is_live and task.assignee_user_id == _user(request).pk,
    }
    return render(request, "tasking/tasks/detail.html", context)


def _attempt(form: Form, write: Callable[[], object]) -> bool | Task:
    """Run a service: True when done, the current task on a stale version, else False."""
    try:
        write()
    except StaleRecord as stale:
        current: Task = stale.current  # type: ignore[assignment]
        return current
    except ValidationError as error:
        forms.add_service_errors(form, error)
        return False
    return True


def _task_values(task: Task) -> list[tuple[str, str]]:
    task = Task.objects.select_related("assignee_team", "assignee_user").get(pk=task.pk)
    assignee = (
        f"{task.assignee_user.full_name} ({task.assignee_team.name})"
        if task.assignee_user
        else _("%(team)s's queue") % {"team": task.assignee_team.name}
    )
    return [
        (_("Title"), task.title),
        (_("Details"), task.description or _("None")),
        (_("Due date"), task.due_on.strftime("%d/%m/%Y")),
        (_("Priority"), str(task.get_priority_display())),
        (_("Status"), str(task.get_status_display())),
        (_("Assigned to"), assignee),
    ]


def _form_page(
    request: HttpRequest,
    form: Form,
    *,
    title: str,
    caption: str,
    submit: str,
    back: str,
    conflict_values: list[tuple[str, str]] | None = None,
    warning: str = "",
) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "caption": caption,
        "submit": submit,
        "back": back,
        "warning": warning,
        "conflict_values": conflict_values,
    }
    status = 409 if conflict_values is not None else (400 if form.errors else 200)
    return render(request, "tasking/tasks/form_page.html", context, status=status)


def _task_form_view(
    request: HttpRequest,
    reached: ReachedTask,
    form_class: type[Form],
    write: Callable[[Form], object],
    *,
    title: str,
    submit: str,
    done: str,
    initial: dict[str, Any] | None = None,
    warning: str = "",
    **form_kwargs: Any,
) -> HttpResponse:
    """GET shows the form at the task's version; POST runs ``write``; a stale POST gets 409."""
    task = reached.task
    if not task.is_live:
        raise Http404  # nothing to change on a done or cancelled task
    conflict_values = None
    if request.method == "POST":
        form = form_class(request.POST, **form_kwargs)
        if form.is_valid():
            outcome = _attempt(form, lambda: write(form))
            if outcome is True:
                messages.success(request, done)
                return redirect(task)
            if isinstance(outcome, Task):
                conflict_values = _task_values(outcome)
                data = request.POST.copy()
                data["version"] = str(outcome.version)
                form = form_class(data, **form_kwargs)
                form.is_valid()
                form.add_error(None, CONFLICT_MESSAGE)
    else:
        form = form_class(initial={"version": task.version, **(initial or {})}, **form_kwargs)
    return _form_page(
        request,
        form,
        title=title,
        caption=_("Task %(ref)s") % {"ref": task.reference},
        submit=submit,
        back=task.get_absolute_url(),
        conflict_values=conflict_values,
        warning=warning,
    )


@login_required
def task_edit(request: HttpRequest, code: UUID) -> HttpResponse:
    """Change a task's title, details, due date or priority (those who manage it)."""
    reached = access_task(request, str(code), need="manage")
    task = reached.task

    def write(form: Form) -> object:
        data = form.cleaned_data
        return services.task_update(
            actor=_user(request),
            task=task,
            expected_version=data["version"],
            title=data["title"],
            description=data["description"],
            due_on=data["due_on"],
            priority=data["priority"],
        )

    return _task_form_view(
        request,
        reached,
        forms.TaskEditForm,
        write,
        title=_("Change the task"),
        submit=_("Save changes"),
        done=_("Task changed."),
        initial={
            "title": task.title,
            "description": task.description,
            "due_on": task.due_on,
            "priority": task.priority,
        },
    )


@login_required
def task_reassign(request: HttpRequest, code: UUID) -> HttpResponse:
    """Send a task to another team's queue or someone in its team (those who manage it)."""
    reached = access_task(request, str(code), need="manage")
    task = reached.task

    def write(form: Form) -> object:
        data = form.cleaned_data
        return services.task_assign(
            actor=_user(request),
            task=task,
            expected_version=data["version"],
            assignee_team=data["assignee_team"],
            assignee_user=data["assignee_user"],
        )

    return _task_form_view(
        request,
        reached,
        forms.AssignForm,
        write,
        title=_("Reassign the task"),
        submit=_("Reassign"),
        done=_("Task reassigned."),
        initial={"assignee_team": task.assignee_team_id, "assignee_user": task.assignee_user_id},
        teams=selectors.teams_in_reach(team=task.team),
        users=selectors.team_members(team_id=task.assignee_team_id),
    )


@login_required
def task_complete(request: HttpRequest, code: UUID) -> HttpResponse:
    """Mark a task done with a note of what was done."""
    reached = access_task(request, str(code), need="work")

    def write(form: Form) -> object:
        data = form.cleaned_data
        return services.task_complete(
            actor=_user(request),
            task=reached.task,
            expected_version=data["version"],
            note=data["note"],
        )

    return _task_form_view(
        request,
        reached,
        forms.CompleteForm,
        write,
        title=_("Mark the task done"),
        submit=_("Mark as done"),
        done=_("Task done."),
    )


@login_required
def task_cancel(request: HttpRequest, code: UUID) -> HttpResponse:
    """Cancel a task with a reason (those who manage it)."""
    reached = access_task(request, str(code), need="manage")

    def write(form: Form) -> object:
        data = form.cleaned_data
        return services.task_cancel(
            actor=_user(request),
            task=reached.task,
            expected_version=data["version"],
            reason=data["reason"],
        )

    return _task_form_view(
        request,
        reached,
        forms.CancelForm,
        write,
        title=_("Cancel the task"),
        submit=_("Cancel task"),
        done=_("Task cancelled."),
        warning=_("A cancelled task cannot be reopened."),
    )


def _button(
    request: HttpRequest,
    code: UUID,
    need: str,
    write: Callable[[User, Task, int], object],
    done: str,
) -> HttpResponse:
    """A one-button action: run it at the version the page showed, then back to the task."""
    reached = access_task(request, str(code), need=need)
    form = forms.VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, forms.OUT_OF_DATE)
        return redirect(reached.task)
    try:
        write(_user(request), reached.task, form.cleaned_data["version"])
    except StaleRecord:
        messages.error(request, CONFLICT_MESSAGE)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(reached.task)


@require_POST
@login_required
def task_start(request: HttpRequest, code: UUID) -> HttpResponse:
    """Mark a task in progress (taking it from the queue if nobody had it)."""
    return _button(
        request,
        code,
        "work",
        lambda actor, task, version: services.task_start(
            actor=actor, task=task, expected_version=version
        ),
        _("Task started."),
    )


@require_POST
@login_required
def task_claim(request: HttpRequest, code: UUID) -> HttpResponse:
    """Take an unassigned task from the team's queue."""
    return _button(
        request,
        code,
        "work",
        lambda actor, task, version: services.task_assign(
            actor=actor,
            task=task,
            expected_version=version,
            assignee_team=task.assignee_team,
            assignee_user=actor,
        ),
        _("The task is yours."),
    )


@require_POST
@login_required
def task_hand_back(request: HttpRequest, code: UUID) -> HttpResponse:
    """Give a task of one's own back to the team's queue."""
    return _button(
        request,
        code,
        "work",
        lambda actor, task, version: services.task_assign(
            actor=actor,
            task=task,
            expected_version=version,
            assignee_team=task.assignee_team,
            assignee_user=None,
        ),
        _("The task is back in the team's queue."),
    )


@require_POST
@login_required
def task_comment(request: HttpRequest, code: UUID) -> HttpResponse:
    """Add a comment to a task, as the acting team."""
    reached = access_task(request, str(code), need="comment")
    form = forms.CommentForm(request.POST)
    if form.is_valid():
        try:
            services.task_comment_add(
                actor=_user(request),
                task=reached.task,
                body=form.cleaned_data["body"],
                team=getattr(request, "acting_team", None),
            )
        except ValidationError as error:
            forms.add_service_errors(form, error)
        else:
            messages.success(request, _("Comment added."))
            return redirect(reached.task)
    row = selectors.rows(reached.viewer, [reached.task])[0]
    context = {
        "task": reached.task,
        "row": row,
        "rights": reached.rights,
        "comments": list(selectors.task_comments(reached.task)),
        "comment_form": form,
        "version_form": forms.VersionForm(initial={"version": reached.task.version}),
        "can_claim": False,
        "can_hand_back": False,
    }
    return render(request, "tasking/tasks/detail.html", context, status=400)


# --- a leaver's work ------------------------------------------------------------------------


@login_required
def leaver_handover(request: HttpRequest, code: UUID) -> HttpResponse:
    """For an organisation admin: a person's live tasks and led cases by team, and who takes them.

    Counts only: the admin may not be allowed to see the records themselves.
    """
    leaver = access_user(request, code)
    work = selectors.leaver_work(user=leaver)
    if request.method == "POST":
        form = forms.HandoverForm(request.POST, work=work)
        if form.is_valid():
            try:
                moved = services.tasks_reassign_for_leaver(
                    actor=_user(request), user=leaver, destinations=form.destinations()
                )
            except StaleRecord:
                form.add_error(None, CONFLICT_MESSAGE)
            except ValidationError as error:
                forms.add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Handed over %(tasks)d tasks and %(cases)d cases.")
                    % {"tasks": moved.tasks, "cases": moved.cases},
                )
                return redirect(leaver)
    else:
        form = forms.HandoverForm(work=work)
    context = {"leaver": leaver, "work": work, "form": form}
    return render(
        request, "tasking/tasks/handover.html", context, status=400 if form.errors else 200
    )
