"""Background tasks of risk. Task bodies only call services; the rules live there."""

from __future__ import annotations

from django_tasks import task

from roundtable.audit.context import acting_as


@task()
def refresh_due_scores() -> int:
    """Rescore the people whose totals changed by themselves today (hourly; usually nobody)."""
    from roundtable.risk.services.scoring import harm_scores_refresh_due

    with acting_as(channel="task"):
        return harm_scores_refresh_due()


@task()
def rescore_model(model_id: int) -> int:
    """Score everyone a newly published model version applies to, then put it in use."""
    from roundtable.risk.services.scoring import harm_model_rescore

    with acting_as(channel="task"):
        return harm_model_rescore(model_id=model_id)
