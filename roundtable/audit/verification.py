"""Checking the audit log against its own hashes and seals: the logic behind ``audit_verify``.

It recomputes every event's content hash and every seal's digest and link, and names each altered,
deleted or inserted event and each broken link by id. It reads only; it must never repair,
rewrite or delete anything, and its findings carry ids and kinds of problem, never personal data.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from roundtable.audit.hashing import GENESIS_HASH, entries_digest, event_hash, seal_hash
from roundtable.audit.models import AuditEvent, AuditSeal

CHUNK = 2000


class ProblemKind(StrEnum):
    ALTERED_EVENT = "altered event"
    DELETED_EVENT = "deleted event"
    INSERTED_EVENT = "inserted event"
    ALTERED_SEAL = "altered seal"
    BROKEN_CHAIN = "broken chain"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the log, named by the id of the event or seal it concerns."""

    kind: ProblemKind
    event_id: int | None
    seal_id: int | None
    reason: str

    def __str__(self) -> str:
        subject = f"event {self.event_id}" if self.event_id is not None else f"seal {self.seal_id}"
        where = f" (seal {self.seal_id})" if self.event_id is not None and self.seal_id else ""
        return f"{self.kind.value.upper()}: {subject}{where}: {self.reason}"


@dataclass
class VerificationResult:
    """What a verification run checked and found."""

    events_checked: int = 0
    seals_checked: int = 0
    unsealed_events: int = 0
    head_seal_id: int | None = None
    head_seal_hash: str = ""
    head_last_event_id: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def of_kind(self, kind: ProblemKind) -> list[Problem]:
        return [problem for problem in self.problems if problem.kind == kind]


def _events_between(after: int, up_to: int | None) -> Iterator[AuditEvent]:
    events = AuditEvent.objects.filter(id__gt=after).order_by("id")
    if up_to is not None:
        events = events.filter(id__lte=up_to)
    return events.iterator(chunk_size=CHUNK)


def _check_event_content(
    event: AuditEvent, seal_id: int | None, result: VerificationResult
) -> None:
    result.events_checked += 1
    if event_hash(event) != event.content_hash:
        result.problems.append(
            Problem(
                ProblemKind.ALTERED_EVENT,
                event.pk,
                seal_id,
                "its content does not match its stored hash",
            )
        )


def _entries_of(seal: AuditSeal) -> dict[int, str] | None:
    """The seal's {event id: hash}, or None when the list is not well formed."""
    entries: Any = seal.entries
    if not isinstance(entries, list):
        return None
    parsed: dict[int, str] = {}
    for entry in entries:
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], int)):
            return None
        parsed[entry[0]] = str(entry[1])
    return parsed


def _check_seal_link(
    seal: AuditSeal, previous: AuditSeal | None, result: VerificationResult
) -> None:
    expected_previous = previous.seal_hash if previous else GENESIS_HASH
    if seal.previous_hash != expected_previous or seal.previous_id != (
        previous.pk if previous else None
    ):
        result.problems.append(
            Problem(
                ProblemKind.BROKEN_CHAIN,
                None,
                seal.pk,
                "it does not follow the seal before it (a seal was altered, removed or added)",
            )
        )
    recomputed = seal_hash(
        previous_hash=seal.previous_hash,
        sealed_at=seal.sealed_at,
        digest=entries_digest(seal.entries) if isinstance(seal.entries, list) else "",
        first=seal.first_event_id,
        last=seal.last_event_id,
    )
    if recomputed != seal.seal_hash:
        result.problems.append(
            Problem(
                ProblemKind.ALTERED_SEAL,
                None,
                seal.pk,
                "its content does not match its stored hash",
            )
        )


def _check_sealed_events(
    seal: AuditSeal, after: int, entries: dict[int, str], result: VerificationResult
) -> None:
    """Compare the events stored in (after, seal.last_event_id] with the seal's entries."""
    seen: set[int] = set()
    for event in _events_between(after, seal.last_event_id):
        _check_event_content(event, seal.pk, result)
        sealed_hash = entries.get(event.pk)
        if sealed_hash is None:
            result.problems.append(
                Problem(
                    ProblemKind.INSERTED_EVENT,
                    event.pk,
                    seal.pk,
                    "it lies inside a sealed range but the seal does not list it",
                )
            )
            continue
        seen.add(event.pk)
        if sealed_hash != event.content_hash:
            result.problems.append(
                Problem(
                    ProblemKind.ALTERED_EVENT,
                    event.pk,
                    seal.pk,
                    "its stored hash differs from the hash the seal recorded",
                )
            )
    result.problems.extend(
        Problem(
            ProblemKind.DELETED_EVENT,
            event_id,
            seal.pk,
            "the seal lists it but it is missing",
        )
        for event_id in sorted(set(entries) - seen)
    )


def verify_audit_log() -> VerificationResult:
    """Recompute every hash and link of the audit log and report what does not match."""
    result = VerificationResult()
    previous: AuditSeal | None = None
    after = 0
    for seal in AuditSeal.objects.order_by("id").iterator(chunk_size=100):
        result.seals_checked += 1
        _check_seal_link(seal, previous, result)
        entries = _entries_of(seal)
        if entries is None:
            result.problems.append(
                Problem(ProblemKind.ALTERED_SEAL, None, seal.pk, "its list of events is malformed")
            )
            entries = {}
        _check_sealed_events(seal, after, entries, result)
        previous = seal
        after = max(after, seal.last_event_id)
    if previous is not None:
        result.head_seal_id = previous.pk
        result.head_seal_hash = previous.seal_hash
        result.head_last_event_id = previous.last_event_id
    for event in _events_between(after, None):
        _check_event_content(event, None, result)
        result.unsealed_events += 1
    return result


def report_lines(result: VerificationResult) -> list[str]:
    """The result as plain lines an operator can read: ids and kinds of problem only."""
    lines = [str(problem) for problem in result.problems]
    lines.append(
        f"Checked {result.events_checked} events and {result.seals_checked} seals; "
        f"{result.unsealed_events} events are not sealed yet."
    )
    if result.head_seal_id is not None:
        lines.append(
            f"Latest seal {result.head_seal_id} covers events up to {result.head_last_event_id}; "
            f"its hash is {result.head_seal_hash}. Record it elsewhere to detect a rewritten tail."
        )
    if result.ok:
        lines.append("The audit log is intact: no altered, deleted or inserted events found.")
    else:
        lines.append(f"The audit log FAILED verification: {len(result.problems)} problems found.")
    return lines
