from __future__ import annotations

from datetime import timedelta

from django.apps import AppConfig
from django.conf import settings


class TaskingConfig(AppConfig):
    """Tasks, alerts and background work; for now the periodic scheduler."""

    name = "roundtable.tasking"
    label = "tasking"
    verbose_name = "Tasks and background work"

    def ready(self) -> None:
        from roundtable.audit.tasks import seal_audit_events
        from roundtable.sharing.tasks import lapse_shares_of_ended_agreements, sweep_expired_access
        from roundtable.tasking import schedule

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
