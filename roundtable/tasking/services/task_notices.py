"""How people hear about tasks: emails (reminders, escalations) and the in-app hook.

An email leaves the system and is forwarded and kept, so it names a task by its reference, the
team and the due date, and links to it: never the title, the description, a comment or anything
about the linked record. Messages go after the transaction commits, so a rolled-back write sends
nothing. This module must never put free text typed by staff into a message.

``notify_in_app`` is the ONE place where tasking tells the in-app notification centre: every
assignment, reminder, escalation and hand-over calls it and nothing else does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string

from roundtable.directory.models import Role, User
from roundtable.sharing.services.notify import absolute

if TYPE_CHECKING:
    from roundtable.tasking.models import Task


class NoticeKind:
    """What a notice is about (the in-app centre may show each kind differently)."""

    ASSIGNED = "task_assigned"
    DUE_SOON = "task_due_soon"
    OVERDUE = "task_overdue"
    HANDED_OVER = "task_handed_over"


def notify_in_app(*, task: Task, user_ids: Iterable[int], kind: str) -> None:
    """Tell these users, in the app, about this task (runs inside the caller's transaction).

    LEAD: connect the notification centre here (tasking/services/task_notices.py, this function
    alone). Until then it does nothing. The notice must carry the task's reference and link only,
    and each recipient opens the task through ``tasking.task_access`` as for any other page.
    """
    del task, user_ids, kind  # nothing to deliver to until the notification centre is connected


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
