"""The canonical form of an audit event and of a seal, and their SHA-256 hashes.

Verification recomputes these from what is stored, so the form must be stable: field names sorted,
times in UTC ISO 8601 with microseconds, JSON with sorted keys and no spaces.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from roundtable.audit.models import AuditEvent

# The previous_hash of the first seal: a fixed, well-known value, so the chain has one start.
GENESIS_HASH = "0" * 64

HASHED_FIELDS = (
    "occurred_at",
    "action",
    "outcome",
    "channel",
    "actor_id",
    "actor_label",
    "team_id",
    "team_label",
    "organisation_id",
    "organisation_label",
    "api_client_id",
    "ip_address",
    "user_agent",
    "request_id",
    "target_type",
    "target_id",
    "target_label",
    "sections",
    "changes",
    "search_terms",
    "result_count",
    "recipients",
    "justification",
    "detail",
)


def _canonical_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(value: Any) -> str:
    """JSON that is the same bytes for the same value on every database."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def event_hash(event: AuditEvent) -> str:
    """SHA-256 over every stored field of an event except its id and its own hash."""
    payload: dict[str, Any] = {}
    for name in HASHED_FIELDS:
        value = getattr(event, name)
        if isinstance(value, datetime):
            value = _canonical_time(value)
        payload[name] = value
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


def entries_digest(entries: list[list[Any]]) -> str:
    """SHA-256 over a seal's [[id, hash], ...] list."""
    return hashlib.sha256(canonical_json(entries).encode()).hexdigest()


def seal_hash(
    *, previous_hash: str, sealed_at: datetime, digest: str, first: int, last: int
) -> str:
    """The hash of one link of the chain."""
    material = f"{previous_hash}|{_canonical_time(sealed_at)}|{first}|{last}|{digest}"
    return hashlib.sha256(material.encode()).hexdigest()
