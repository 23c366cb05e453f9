"""How people hear about tasks: emails (reminders, escalations) and the in-app hook.

An email leaves the system and is forwarded and kept, so it names a task by its reference, the
team and the due date, and links to it: never the title, the description, a comment or anything
about the linked record. Messages go after the transaction commits, so a rolled-back write sends
nothing. This module must never put free text typed by staff into a message.

``notify_in_app`` is the ONE place where tasking tells the in-app notification centre: every
assignment, reminder, escalation and hand-over calls it and nothing else does. A notice names the
task by its reference, and the case it is linked to only to those who may see that case's Tasks
section; everyone else named (a partner team's assignee, a task about a person or with no record)
gets a direct notice about the task alone, which the task's own access rules check.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string

from roundtable.directory.models import Role, User
from roundtable.records.models import Case
from roundtable.sharing import policy
from roundtable.sharing.sections import RecordKind, Section
from roundtable.sharing.services.notify import absolute
from roundtable.tasking.services.alerts import alert_event, alert_event_direct

if TYPE_CHECKING:
    from roundtable.tasking.models import Task


class NoticeKind:
    """What a notice is about (the in-app centre may show each kind differently)."""

    ASSIGNED = "task_assigned"
    DUE_SOON = "task_due_soon"
    OVERDUE = "task_overdue"
    ESCALATED = "task_escalated"
    HANDED_OVER = "task_handed_over"


#: The alert event (``tasking.catalogue``) each kind of notice raises.
EVENT_FOR_NOTICE: dict[str, str] = {
    NoticeKind.ASSIGNED: "task.assigned",
    NoticeKind.HANDED_OVER: "task.assigned",
    NoticeKind.DUE_SOON: "task.reminder",
    NoticeKind.OVERDUE: "task.overdue",
    NoticeKind.ESCALATED: "task.escalated",
}


def _linked_case(task: Task) -> Case | None:
    if task.record_kind != RecordKind.CASE or task.record_id is None:
        return None
    return Case.objects.select_related("case_type").filter(pk=task.record_id).first()


def notify_in_app(
    *, task: Task, user_ids: Iterable[int], kind: str, actor: User | None = None
) -> None:
    """Tell these users, in the app, about this task (runs inside the caller's transaction).

    A task linked to a case raises the event on the case's Tasks section (so the case's watchers
    and alert rules apply too), naming those of ``user_ids`` who may see that section. Anyone
    else named, and everyone named for a task about a person, premises or group or about no
    record, gets a direct notice about the task alone: it never names the record, and it is
    delivered only while the task's own rules (``tasking.task_access``) let them see the task.
    """
    event = EVENT_FOR_NOTICE[kind]
    detail = {} if event == "task.escalated" else {"priority": str(task.priority)}
    named = {int(pk) for pk in user_ids}
    if actor is not None:
        named.discard(int(actor.pk))
    if not named:
        return  # a notice names someone; watchers and rules hear of it alongside, not instead
    case = _linked_case(task)
    if case is not None:
        seeing = User.objects.filter(
            pk__in=named,
            is_active=True,
            memberships__team__in=policy.teams_that_can_see(
                cast(policy.Record, case), Section.TASKS
            ),
        ).distinct()
        told = list(seeing)
        alert_event(
            event=event,
            record=case,
            actor=actor,
            team=None,
            section=Section.TASKS,
            detail=detail,
            recipients=told,
            subject=("task", int(task.pk)),
        )
        named -= {int(user.pk) for user in told}
    if named:
        alert_event_direct(
            event=event,
            subject=("task", int(task.pk)),
            recipients=named,
            actor=actor,
            team=None,
            detail=detail,
        )


def _send(template: str, emails: list[str], context: dict[str, Any]) -> None:
    if not emails:
        return
    subject = render_to_string(f"tasking/tasks/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"tasking/tasks/email/{template}_message.txt", context)
    # One message per recipient, so no one sees who else was told.
    send_mass_mail([(subject, body, None, [email]) for email in emails])


def email_after_commit(*, template: str, emails: list[str], context: dict[str, Any]) -> None:
    """Send the message to each address once the current transaction commits."""
    transaction.on_commit(lambda: _send(template, list(emails), dict(context)))


def task_context(task: Task) -> dict[str, Any]:
    """What an email may say about a task: its reference, team, due date and link."""
    return {
        "reference": task.reference,
        "team": task.assignee_team.name,
        "due_on": task.due_on.strftime("%d %B %Y").lstrip("0"),
        "link": absolute(task.get_absolute_url()),
    }


def team_managers(team_id: int) -> list[tuple[int, str]]:
    """(user id, email) of a team's active managers."""
    return list(
        User.objects.filter(
            is_active=True, memberships__team_id=team_id, memberships__role=Role.TEAM_MANAGER
        )
        .order_by("pk")
        .values_list("pk", "email")
        .distinct()
    )


def team_members(team_id: int) -> list[int]:
    """Ids of a team's active members."""
    return list(
        User.objects.filter(is_active=True, memberships__team_id=team_id)
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )
