"""The case timeline's building blocks: one item type, and a registry of sources that contribute.

A case timeline merges, in time order, everything that happened on a case: diary entries, stage
changes, tasks, documents and enforcement actions. Each app that holds such things registers a
*source* (from its ``AppConfig.ready``): a function that, given a viewer and a case, returns the
items that viewer may see. A source must filter by the policy itself (it knows which section its
items belong to); the timeline never shows an item a source did not return. This module holds no
business rules and reads no records itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from roundtable.records.models import Case
    from roundtable.sharing.policy import Viewer


@dataclass(frozen=True)
class TimelineItem:
    """One thing that happened on a case, as the timeline shows it."""

    occurred_at: datetime
    kind: str  # the source's name: "diary", "stage", "task", "document", "enforcement", ...
    label: str  # short, e.g. "Home visit" or "Community protection warning served"
    summary: str  # one or two lines, already limited to what the viewer may see
    url: str = ""  # where to read more ("" when there is nowhere)
    section: str = ""  # the section the item belongs to, for the record of what was shown
    actor_label: str = ""  # who did it, e.g. "A. Officer (Testshire Police ASB Team)"


Source = Callable[["Viewer", "Case"], Iterable[TimelineItem]]

_sources: dict[str, Source] = {}


def register_source(kind: str, source: Source) -> None:
    """Add a timeline source (apps call this from ``AppConfig.ready``); one source per kind."""
    existing = _sources.get(kind)
    if existing is not None and existing is not source:
        raise ValueError(f"A timeline source for {kind!r} is already registered.")
    _sources[kind] = source


def unregister_source(kind: str, source: Source) -> None:
    """Remove a source registered for ``kind`` (tests that register their own use this)."""
    if _sources.get(kind) is source:
        del _sources[kind]


def sources() -> dict[str, Source]:
    """Every registered source, by kind."""
    return dict(sorted(_sources.items()))
