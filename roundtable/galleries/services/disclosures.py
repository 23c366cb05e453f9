"""The audit of what the gallery pages disclose: a page of members viewed, and an export.

Consultation and disclosure are logged as DPA 2018 s.62 asks: one event for the list (the
gallery, the filters, how many matched, whom it showed) and one event per person shown or
exported, so "who saw this person" finds the gallery too. Events are built first and written in
one INSERT per batch. Nothing here decides what may be shown: the selectors already did.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction

from roundtable.audit.models import Action, AuditEvent
from roundtable.audit.services import (
    audit_event_build,
    audit_event_like,
    audit_record,
    audit_record_many,
)
from roundtable.galleries.models import Gallery, GalleryMembership
from roundtable.records.models import Profile

BATCH = 1000

#: (membership code, profile code): what the audit names of one person shown or exported.
Shown = tuple[str, str]
PROFILE_TYPE = Profile._meta.label_lower


def _person_events(
    action: str, gallery: Gallery, shown: Iterable[Shown], common: Mapping[str, Any]
) -> Iterable[AuditEvent]:
    first: AuditEvent | None = None
    for membership, profile in shown:
        label = f"Profile {profile}"  # as Profile.audit_label: the code, no name
        detail = {**common, "membership": membership}
        if first is None:
            first = audit_event_build(
                action=action,
                target_type=PROFILE_TYPE,
                target_id=profile,
                target_label=label,
                sections=[gallery.section],
                detail=detail,
            )
            yield first
        else:  # the others differ only in whom they name (an export may name 50,000)
            yield audit_event_like(first, target_id=profile, target_label=label, detail=detail)


def _write(events: Iterable[AuditEvent]) -> None:
    batch: list[AuditEvent] = []
    for event in events:
        batch.append(event)
        if len(batch) >= BATCH:
            audit_record_many(batch)
            batch = []
    audit_record_many(batch)


@transaction.atomic
def gallery_page_audit(
    *,
    gallery: Gallery,
    shown: Sequence[Shown],
    count: int,
    filters: Mapping[str, Any],
    page: int,
    justification: str = "",
    count_exact: bool = True,
) -> None:
    """Record a page of the gallery viewed: the list, and each person on the page.

    ``count_exact`` False: the page said "more than ``count``" (the count stopped there)."""
    common = {"page": "gallery", "gallery": str(gallery.code)}
    detail = {**common, "page_number": page, "people": [profile for _m, profile in shown]}
    if not count_exact:
        detail["count_at_least"] = count + 1
    summary = audit_event_build(
        action=Action.VIEW,
        target=gallery,
        sections=[gallery.section],
        search_terms=dict(filters),
        result_count=count,
        justification=justification,
        detail=detail,
    )
    _write([summary, *_person_events(Action.VIEW, gallery, shown, common)])


@transaction.atomic
def gallery_export_audit(
    *,
    gallery: Gallery,
    shown: Sequence[Shown],
    filters: Mapping[str, Any],
    file_format: str,
    sections: Iterable[str],
    justification: str = "",
) -> None:
    """Record an export as a disclosure: the file, its filters and rows, and each person in it."""
    common = {"page": "gallery_export", "gallery": str(gallery.code), "format": file_format}
    summary = audit_event_build(
        action=Action.EXPORT,
        target=gallery,
        sections=sorted(set(sections)),
        search_terms=dict(filters),
        result_count=len(shown),
        justification=justification,
        detail={
            **common,
            "marking": "OFFICIAL-SENSITIVE",
            "people": [profile for _m, profile in shown],
        },
    )
    _write([summary, *_person_events(Action.EXPORT, gallery, shown, common)])


@transaction.atomic
def membership_view_audit(
    *, spell: GalleryMembership, sections: Iterable[str], justification: str = ""
) -> None:
    """Record a membership's page viewed, against the person, with the sections shown."""
    audit_record(
        action=Action.VIEW,
        target=spell.profile,
        sections=sorted(set(sections)),
        justification=justification,
        detail={
            "page": "gallery_membership",
            "gallery": str(spell.gallery.code),
            "membership": str(spell.code),
        },
    )


@transaction.atomic
def person_search_audit(*, gallery: Gallery, text: str, found: Sequence[Profile]) -> None:
    """Record a search for someone to add to the gallery, and whom it found."""
    audit_record(
        action=Action.SEARCH,
        target=gallery,
        search_terms={"text": text},
        result_count=len(found),
        detail={"page": "gallery_add_search", "people": [str(p.code) for p in found]},
    )
