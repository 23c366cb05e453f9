"""Helpers that write audit events and seals the way the app does (through the services)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from roundtable.audit.models import Action, AuditEvent
from roundtable.audit.services import audit_record, audit_seal


def make_event(**fields: Any) -> AuditEvent:
    """One event through ``audit_record`` (a view of an invented record unless told otherwise)."""
    fields.setdefault("action", Action.VIEW)
    fields.setdefault("target_type", "records.profile")
    fields.setdefault("target_id", "p-1")
    return audit_record(**fields)


def seal_everything() -> int:
    """Seal every event written so far, as the periodic task would once the lag has passed."""
    return audit_seal(now=timezone.now() + timedelta(seconds=settings.AUDIT_SEAL_LAG_SECONDS + 1))
