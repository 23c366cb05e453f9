"""Background tasks of galleries. Task bodies only call services; the rules live there."""

from __future__ import annotations

from django_tasks import task

from roundtable.audit.context import acting_as


@task()
def erase_expired_spells() -> int:
    """Erase removed members' spells whose retention has ended (daily)."""
    from roundtable.galleries.services.retention import spells_erase_expired

    with acting_as(channel="task"):
        return spells_erase_expired()
