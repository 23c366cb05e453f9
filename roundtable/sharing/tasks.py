"""Background tasks of sharing. Task bodies only call services; the rules live there."""

from __future__ import annotations

from django_tasks import task

from roundtable.audit.context import acting_as
from roundtable.sharing.services.agreements import agreements_lapse_ended


@task()
def lapse_shares_of_ended_agreements() -> int:
    """End the shares of agreements that reached their end date (run daily, after midnight)."""
    with acting_as(channel="task"):
        return agreements_lapse_ended()


@task()
def sweep_expired_access() -> int:
    """Delete access rows whose time ran out (reads already ignore them; this keeps them few)."""
    from roundtable.sharing.access import access_sweep_expired

    return access_sweep_expired()
