"""Background tasks of tasking: task sweeps, alert fan-out, notification delivery and digests.

Bodies only call services; the rules live there. ``fan_out_alert_event`` is queued by
``alert_event`` after its transaction commits; the others are periodic (registered in
``TaskingConfig.ready``). Each is safe to run twice.
"""

from __future__ import annotations

from django_tasks import task

from roundtable.audit.context import acting_as
from roundtable.tasking.services.alerts import alert_fan_out
from roundtable.tasking.services.notifications import (
    notification_digests_send,
    notifications_deliver,
    notifications_sweep,
)
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


@task()
def fan_out_alert_event(event_id: int) -> int:
    """Turn one alert event into notifications and deliver them (queued after its commit)."""
    with acting_as(channel="task"):
        created = alert_fan_out(event_id=event_id)
        notifications_deliver(event_id=event_id)
    return created


@task()
def sweep_notifications() -> int:
    """Fan out, deliver and send whatever a lost message or a dead worker left (every minute)."""
    with acting_as(channel="task"):
        return notifications_sweep()


@task()
def send_notification_digests() -> int:
    """Send the day's digest to each user who chose one, once a day after the digest hour."""
    with acting_as(channel="task"):
        return notification_digests_send()
