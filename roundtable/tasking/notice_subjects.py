"""What a notification may be about besides a record: a task, an ASB case review.

Most alert events happen to a record, and the sharing policy decides who may hear of them. Some
notices are about a thing with access rules of its own: a task is seen by its assignee, its teams
and the holders of its case's Tasks section (``tasking.task_access``); an ASB case review by the
partnership's case-review lead and admins (``casework.selectors.case_review``). Such a *subject*
is registered here once, from its app's ``AppConfig.ready``, with four answers the notification
machinery asks instead of the policy when an event has no record:

- ``readers(subject_id, user_ids)``: which of these users may see it now (fan-out, delivery);
- ``visible(user_id, subject_ids)``: which of these the user may see now (the centre, emails);
- ``references(subject_ids)``: the reference a notice shows for each (never a name or a title);
- ``url(subject_id)``: the page a notice opens (which checks access again).

This module decides nothing itself and must never hold personal data in what it returns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class NoticeSubject:
    """One kind of subject and how to ask its own access rules about it."""

    kind: str
    readers: Callable[[int, set[int]], set[int]]
    visible: Callable[[int, set[int]], set[int]]
    references: Callable[[set[int]], Mapping[int, str]]
    url: Callable[[int], str | None]


_SUBJECTS: dict[str, NoticeSubject] = {}


def register(subject: NoticeSubject) -> None:
    """Make a kind of subject known (once, from ``AppConfig.ready``; again replaces it)."""
    _SUBJECTS[subject.kind] = subject


def unregister(kind: str) -> None:
    """Forget a kind of subject (tests that register their own)."""
    _SUBJECTS.pop(kind, None)


def subject_for(kind: str) -> NoticeSubject:
    """The registered subject of a kind; an unknown kind is a programming error."""
    try:
        return _SUBJECTS[kind]
    except KeyError:
        raise ValueError(f"Unknown notice subject {kind!r}: register it first") from None


def is_known(kind: str) -> bool:
    """Has a subject of this kind been registered?"""
    return kind in _SUBJECTS


def references_of(pairs: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """The reference of each (kind, id), a query per kind at most."""
    by_kind: dict[str, set[int]] = {}
    for kind, subject_id in pairs:
        by_kind.setdefault(kind, set()).add(int(subject_id))
    found: dict[tuple[str, int], str] = {}
    for kind, ids in by_kind.items():
        for subject_id, reference in subject_for(kind).references(ids).items():
            found[(kind, int(subject_id))] = reference
    return found
