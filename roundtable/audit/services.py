"""Writing the audit log. Every service in every app calls ``audit_record`` inside its transaction.

This module must never update or delete an event, and never store erased content or a secret:
``mask_changes`` replaces sensitive keys before anything is written.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from django.utils import timezone

from roundtable.audit import context as audit_context
from roundtable.audit.hashing import event_hash
from roundtable.audit.models import Action, AuditEvent, Outcome

SENSITIVE_KEY_PARTS = ("password", "secret", "token", "totp", "recovery", "otp", "key")
MASK = "***"


def mask_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Replace the old and new values of sensitive keys with a mask, keeping the key itself."""
    masked: dict[str, Any] = {}
    for key, value in changes.items():
        lowered = key.lower()
        if any(part in lowered for part in SENSITIVE_KEY_PARTS):
            masked[key] = [MASK, MASK]
        elif isinstance(value, Mapping):
            masked[key] = mask_changes(value)
        else:
            masked[key] = value
    return masked


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose values differ."""
    keys = sorted(set(before) | set(after))
    return {
        key: [before.get(key), after.get(key)] for key in keys if before.get(key) != after.get(key)
    }


def _target_fields(target: models.Model | None) -> dict[str, str]:
    if target is None:
        return {}
    code = getattr(target, "code", None)
    label_method = getattr(target, "audit_label", None)
    label = label_method() if callable(label_method) else ""
    return {
        "target_type": target._meta.label_lower,
        "target_id": str(code if code is not None else target.pk),
        "target_label": str(label)[:200],
    }


def _clean_ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def audit_record(
    *,
    action: Action | str,
    target: models.Model | None = None,
    outcome: Outcome | str = Outcome.SUCCESS,
    sections: Iterable[str] = (),
    changes: Mapping[str, Any] | None = None,
    search_terms: Mapping[str, Any] | None = None,
    result_count: int | None = None,
    recipients: Iterable[Mapping[str, Any]] = (),
    justification: str = "",
    detail: Mapping[str, Any] | None = None,
    actor: Any = None,
    target_type: str = "",
    target_id: str = "",
    target_label: str = "",
) -> AuditEvent:
    """Append one event, stamped with the current actor and channel, in the caller's transaction.

    ``actor`` overrides the context's user (for sign-in events, where the request has none yet).
    """
    ctx = audit_context.current()
    user = actor if actor is not None else ctx.user
    if user is not None and not getattr(user, "pk", None):
        user = None  # AnonymousUser
    team = ctx.team
    organisation = ctx.organisation or (getattr(user, "organisation", None) if user else None)
    fields: dict[str, Any] = {
        "occurred_at": timezone.now(),
        "action": str(action),
        "outcome": str(outcome),
        "channel": ctx.channel,
        "actor_id": user.pk if user else None,
        "actor_label": (f"{user.full_name} <{user.email}>" if user else "")[:200],
        "team_id": team.pk if team else None,
        "team_label": str(team.name if team else "")[:200],
        "organisation_id": organisation.pk if organisation else None,
        "organisation_label": str(organisation.name if organisation else "")[:200],
        "api_client_id": ctx.api_client_id,
        "ip_address": _clean_ip(ctx.ip_address),
        "user_agent": ctx.user_agent[:300],
        "request_id": ctx.request_id[:64],
        "sections": sorted(str(section) for section in sections),
        "changes": mask_changes(changes or {}),
        "search_terms": dict(search_terms or {}),
        "result_count": result_count,
        "recipients": [dict(recipient) for recipient in recipients],
        "justification": justification,
        "detail": mask_changes(detail or {}),
        "target_type": target_type,
        "target_id": target_id,
        "target_label": target_label[:200],
    }
    fields.update(_target_fields(target))
    event = AuditEvent(**fields)
    event.content_hash = event_hash(event)
    event.save(force_insert=True)
    return event
