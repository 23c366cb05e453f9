"""Background tasks of the audit log. Task bodies only call services; the rules live there."""

from __future__ import annotations

from django_tasks import task

from roundtable.audit.services import audit_seal


@task()
def seal_audit_events() -> int:
    """Seal the events written since the last seal into the hash chain (run every minute)."""
    return audit_seal()
