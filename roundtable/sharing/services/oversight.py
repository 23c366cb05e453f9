"""Auditing the oversight pages: reading "who viewed this record" or "what did this user look at"
is itself an audit event (a VIEW of the audit log, with the DPA 2018 s.62 purpose chosen).
This module must never write anything but that event.
"""

from __future__ import annotations

from typing import Any

from roundtable.audit.models import Action, AuditEvent
from roundtable.audit.services import AUDIT_LOG_TARGET, audit_record


def who_viewed_read(
    *, purpose: str, record: Any, result_count: int, before: int | None
) -> AuditEvent:
    """Record that someone read who viewed a record, why, and how many events they saw."""
    return audit_record(
        action=Action.VIEW,
        target_type=AUDIT_LOG_TARGET,
        search_terms={
            "purpose": purpose,
            "page": "who_viewed",
            "target_type": record._meta.label_lower,
            "target_id": str(record.code),
            **({"before": str(before)} if before else {}),
        },
        result_count=result_count,
    )


def user_activity_read(
    *, purpose: str, subject: Any, result_count: int, before: int | None
) -> AuditEvent:
    """Record that an auditor read what a user looked at, why, and how many events they saw."""
    return audit_record(
        action=Action.VIEW,
        target_type=AUDIT_LOG_TARGET,
        search_terms={
            "purpose": purpose,
            "page": "user_activity",
            "user": str(subject.code),
            **({"before": str(before)} if before else {}),
        },
        result_count=result_count,
    )
