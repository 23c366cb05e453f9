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
        from roundtable.tasking import schedule

        schedule.register(
            name="audit.seal",
            every=timedelta(seconds=settings.AUDIT_SEAL_INTERVAL_SECONDS),
            task=seal_audit_events,
        )
