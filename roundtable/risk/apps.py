"""The risk app: offences, harm scoring, priority rankings and offending patterns."""

from __future__ import annotations

from datetime import timedelta

from django.apps import AppConfig


class RiskConfig(AppConfig):
    """Offences, harm scores, priority rankings and offending patterns."""

    name = "roundtable.risk"
    label = "risk"
    verbose_name = "Risk and harm"

    def ready(self) -> None:
        from roundtable.risk.tasks import refresh_due_scores
        from roundtable.tasking import schedule

        # Hourly: scores change by themselves only at the turn of a day (an offence moving into
        # an older recency band or out of the window), and the sweep touches only those rows, so
        # the first run after midnight does the day's work and the others find nothing.
        schedule.register(
            name="risk.refresh_due_scores", every=timedelta(hours=1), task=refresh_due_scores
        )
