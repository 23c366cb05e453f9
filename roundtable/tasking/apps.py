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
        from roundtable.sharing.tasks import lapse_shares_of_ended_agreements, sweep_expired_access
        from roundtable.tasking import schedule
        from roundtable.tasking.tasks import send_notification_digests, sweep_notifications

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
