"""Writing the audit log. Every service in every app calls ``audit_record`` inside its transaction.

``audit_seal`` adds links to the hash chain; it runs apart from requests (a background task), so
no request ever queues on the chain's head. This module must never update or delete an event or
a seal, and never store erased content or a secret: ``mask_changes`` replaces sensitive keys
before anything is written.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from roundtable.audit import context as audit_context
from roundtable.audit.hashing import GENESIS_HASH, entries_digest, event_hash, seal_hash
from roundtable.audit.models import Action, AuditEvent, AuditSeal, Outcome

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
    event = audit_event_build(
        action=action,
        target=target,
        outcome=outcome,
        sections=sections,
        changes=changes,
        search_terms=search_terms,
        result_count=result_count,
        recipients=recipients,
        justification=justification,
        detail=detail,
        actor=actor,
        target_type=target_type,
        target_id=target_id,
        target_label=target_label,
    )
    event.save(force_insert=True)
    return event


def audit_record_many(events: Iterable[AuditEvent]) -> list[AuditEvent]:
    """Append events made by ``audit_event_build`` in one INSERT, in the caller's transaction.

    For a page that shows several records at once (a panel meeting's agenda): every record still
    gets its own event, so "who viewed this record" finds it, at one query whatever the count.
    The content hash covers no id, so sealing and verification treat these like any event.
    """
    built = list(events)
    if not built:
        return []
    if len(built) > 1 and connection.vendor == "postgresql":
        return _insert_as_json(built)
    return AuditEvent.objects.bulk_create(built)


#: Every column but the id, in the model's order.
_COLUMNS = [field for field in AuditEvent._meta.concrete_fields if not field.primary_key]
_INSERT_FROM_JSON = (
    "INSERT INTO {table} ({columns}) SELECT {columns} "
    "FROM jsonb_populate_recordset(NULL::{table}, %s::jsonb) RETURNING {pk}"
)


def _insert_as_json(built: list[AuditEvent]) -> list[AuditEvent]:
    """PostgreSQL: the events as one JSON array, expanded into rows by the server.

    The same rows and ids as ``bulk_create``, at a fraction of its Python: a gallery page or a
    ranking names 20 to 26 people, and ``bulk_create`` prepared and adapted each of their 26
    columns one by one (about 5 ms a page; the server's part was 0.5 ms). Each value is what
    the field stores: the JSON columns' own values, the time to the microsecond."""
    quote = connection.ops.quote_name
    meta = AuditEvent._meta
    sql = _INSERT_FROM_JSON.format(
        table=quote(meta.db_table),
        columns=", ".join(quote(field.column) for field in _COLUMNS),
        pk=quote(meta.pk.column),
    )
    rows = []
    for event in built:
        row = {field.column: getattr(event, field.attname) for field in _COLUMNS}
        row["occurred_at"] = event.occurred_at.isoformat()  # json would refuse a datetime
        rows.append(row)
    with connection.cursor() as cursor:
        cursor.execute(sql, [json.dumps(rows)])
        ids = [pk for (pk,) in cursor.fetchall()]
    for event, pk in zip(built, ids, strict=True):
        event.pk = pk
        event._state.adding = False
        event._state.db = connection.alias
    return built


def audit_event_build(
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
    """One event as ``audit_record`` would write it (stamped and hashed), not yet saved."""
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
    return event


def audit_event_like(
    event: AuditEvent, *, target_id: str, target_label: str, detail: Mapping[str, Any]
) -> AuditEvent:
    """A sibling of a built event about another target: the same moment, actor, channel, action
    and sections, its own target and detail, hashed afresh. For a page or a file that names many
    people (one event each), without stamping every one from the request context again."""
    fields = {
        field.attname: getattr(event, field.attname)
        for field in AuditEvent._meta.concrete_fields
        if not field.primary_key
    }
    fields.update(target_id=target_id, target_label=target_label[:200], detail=mask_changes(detail))
    sibling = AuditEvent(**fields)
    sibling.content_hash = event_hash(sibling)
    return sibling


def audit_seal(*, now: datetime | None = None) -> int:
    """Seal every event older than the seal lag into the hash chain; returns how many it sealed."""
    now = now or timezone.now()
    # Events younger than the lag are left for the next run: on PostgreSQL a transaction may hold
    # a smaller id it has not committed yet, and sealing past it would make it look inserted.
    cutoff = now - timedelta(seconds=settings.AUDIT_SEAL_LAG_SECONDS)
    sealed = 0
    while True:
        try:
            count = _seal_next_chunk(now=now, cutoff=cutoff)
        except IntegrityError:
            # Another sealer added this link first (previous_hash is unique, so the chain cannot
            # fork); it carries on from there, and so will the next run of this one.
            return sealed
        if count == 0:
            return sealed
        sealed += count


@transaction.atomic
def _seal_next_chunk(*, now: datetime, cutoff: datetime) -> int:
    head = AuditSeal.objects.order_by("-id").first()
    rows = AuditEvent.objects.filter(id__gt=head.last_event_id if head else 0).order_by("id")
    entries: list[list[Any]] = []
    for event_id, content_hash, occurred_at in rows.values_list(
        "id", "content_hash", "occurred_at"
    )[: settings.AUDIT_SEAL_MAX_EVENTS]:
        if occurred_at > cutoff:
            break  # stop at the first young event, so no older id is ever skipped
        entries.append([event_id, content_hash])
    if not entries:
        return 0
    previous_hash = head.seal_hash if head else GENESIS_HASH
    first, last = entries[0][0], entries[-1][0]
    AuditSeal.objects.create(
        sealed_at=now,
        previous=head,
        first_event_id=first,
        last_event_id=last,
        event_count=len(entries),
        entries=entries,
        previous_hash=previous_hash,
        seal_hash=seal_hash(
            previous_hash=previous_hash,
            sealed_at=now,
            digest=entries_digest(entries),
            first=first,
            last=last,
        ),
    )
    return len(entries)


AUDIT_LOG_TARGET = "audit.auditevent"


def audit_log_search(*, purpose: str, terms: Mapping[str, Any], result_count: int) -> AuditEvent:
    """Record that an auditor searched the audit log, why, with which filters and how many rows."""
    return audit_record(
        action=Action.SEARCH,
        target_type=AUDIT_LOG_TARGET,
        search_terms={**terms, "purpose": purpose},
        result_count=result_count,
    )


def audit_log_export(*, purpose: str, terms: Mapping[str, Any], row_count: int) -> AuditEvent:
    """Record that an auditor exported the audit log, why, with which filters and how many rows."""
    return audit_record(
        action=Action.EXPORT,
        target_type=AUDIT_LOG_TARGET,
        search_terms={**terms, "purpose": purpose},
        result_count=row_count,
        detail={"format": "csv"},
    )


def audit_log_view(*, purpose: str, event: AuditEvent) -> AuditEvent:
    """Record that an auditor opened one audit event, and why."""
    return audit_record(
        action=Action.VIEW,
        target_type=AUDIT_LOG_TARGET,
        target_id=str(event.pk),
        search_terms={"purpose": purpose},
    )
