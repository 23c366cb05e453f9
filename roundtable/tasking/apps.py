from __future__ import annotations

from datetime import timedelta

from django.apps import AppConfig
from django.conf import settings


class TaskingConfig(AppConfig):
    """Tasks, alerts, notifications and background work (the periodic scheduler)."""

    name = "roundtable.tasking"
    label = "tasking"
    verbose_name = "Tasks and background work"

    def ready(self) -> None:
        from roundtable.audit.tasks import seal_audit_events
        from roundtable.casework.timeline import register_source
        from roundtable.directory.handover import register_provider
        from roundtable.sharing.tasks import lapse_shares_of_ended_agreements, sweep_expired_access
        from roundtable.tasking import schedule
        from roundtable.tasking.handover import leaver_open_work
        from roundtable.tasking.selectors.tasks import case_timeline_items
        from roundtable.tasking.tasks import (
            escalate_overdue_tasks,
            remind_tasks_due_soon,
            send_notification_digests,
            sweep_notifications,
        )

        schedule.register(
            name="audit.seal",
            every=timedelta(seconds=settings.AUDIT_SEAL_INTERVAL_SECONDS),
            task=seal_audit_events,
        )
        # Hourly rather than daily: both are idempotent, and an agreement that ends at midnight
        # then stops carrying shares within the hour whenever the scheduler was (re)started.
        schedule.register(
            name="sharing.lapse_ended_agreements",
            every=timedelta(hours=1),
            task=lapse_shares_of_ended_agreements,
        )
        schedule.register(
            name="sharing.sweep_expired_access", every=timedelta(hours=1), task=sweep_expired_access
        )
        # Both sweeps are idempotent (each task is escalated once and reminded once a day), so
        # hourly runs only bound how late after midnight a notice can go.
        schedule.register(
            name="tasking.escalate_overdue_tasks",
            every=timedelta(hours=1),
            task=escalate_overdue_tasks,
        )
        schedule.register(
            name="tasking.remind_tasks_due_soon",
            every=timedelta(hours=1),
            task=remind_tasks_due_soon,
        )
        register_source("task", case_timeline_items)
        register_task_notices()
        register_provider("tasking", leaver_open_work)
        # Every minute: cheap when idle (three indexed queries), and bounds how long a dead
        # worker's claim or a lost queue message delays a notification.
        schedule.register(
            name="tasking.sweep_notifications", every=timedelta(minutes=1), task=sweep_notifications
        )
        # Every quarter of an hour: each user's digest goes once a day, at the first run after
        # ROUNDTABLE_NOTIFICATION_DIGEST_HOUR (later if the scheduler was down then).
        schedule.register(
            name="tasking.notification_digests",
            every=timedelta(minutes=15),
            task=send_notification_digests,
        )


def register_task_notices() -> None:
    """Tasks as a subject of notices: who may see one is ``tasking.task_access``'s answer."""
    from roundtable.tasking import notice_subjects, task_access

    notice_subjects.register(
        notice_subjects.NoticeSubject(
            kind="task",
            readers=task_access.task_readers,
            visible=task_access.tasks_visible_to,
            references=task_access.task_references,
            url=task_access.task_url,
        )
    )
