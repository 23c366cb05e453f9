"""Background tasks of tasking. Task bodies only call services; the rules live there."""

from __future__ import annotations

from django_tasks import task

from roundtable.audit.context import acting_as
from roundtable.tasking.services.tasks import tasks_escalate_overdue, tasks_remind_due


@task()
def escalate_overdue_tasks() -> int:
    """Tell the assignee team's managers, once per task, about live tasks past their due date."""
    with acting_as(channel="task"):
        return tasks_escalate_overdue()


@task()
def remind_tasks_due_soon() -> int:
    """Remind the assignee (or the team) about live tasks due today or tomorrow, once a day."""
    with acting_as(channel="task"):
        return tasks_remind_due()
