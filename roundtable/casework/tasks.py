"""Background tasks of casework. Task bodies only call services; the rules live there."""

from __future__ import annotations

from django_tasks import task

from roundtable.audit.context import acting_as


@task()
def enforcement_attention() -> dict[str, int]:
    """Raise tasks for expiries and reviews coming up, then expire what has lapsed (hourly).

    Returns how many were flagged and expired. Flagging runs first, so an action that lapsed
    while the scheduler was down still gets its task before it turns to expired.
    """
    from roundtable.casework.services.enforcement import (
        enforcement_attention_flag,
        enforcement_expire_lapsed,
    )

    with acting_as(channel="task"):
        flagged = enforcement_attention_flag()
        expired = enforcement_expire_lapsed()
    return {"flagged": len(flagged), "expired": expired}
