"""Reading the diary: a record's entries as one viewer may see them, one entry, its history.

Every function here asks ``sharing.policy`` which sections of the record the viewer sees and
returns only entries filed in those sections; people linked to an entry are named only to a
viewer who may see that person's identity. The callers (views, the timeline source) have already
reached the record through ``records.access`` (404 when hidden). Query counts are fixed: a page
of entries costs the same whether the record has ten entries or ten thousand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet

from roundtable.casework.models import DiaryEntry, DiaryRevision
from roundtable.casework.models.diary import FIELD_FOR_KIND
from roundtable.records.models import (
    CaseMember,
    GroupMember,
    PremisesLink,
    Profile,
    Relationship,
)
from roundtable.sharing import policy
from roundtable.sharing.sections import RecordKind, Section

ENTRIES_PER_PAGE = 25


@dataclass(frozen=True)
class LinkedPerson:
    """A person linked to an entry, named only when the viewer may see who they are."""

    profile: Profile
    identified: bool


@dataclass
class DiaryRow:
    """One entry as a viewer sees it, with the people it names resolved for that viewer."""

    entry: DiaryEntry
    people: list[LinkedPerson] = field(default_factory=list)


@dataclass
class DiaryPage:
    """A page of a record's diary for one viewer, and what it holds back."""

    rows: list[DiaryRow]
    page: Page[DiaryEntry]
    sections: frozenset[Section]  # the record's sections this viewer sees

    @property
    def shown_sections(self) -> list[str]:
        """The sections whose entries this page actually shows (for the audit event)."""
        return sorted({row.entry.section for row in self.rows})


def record_filter(record: Any) -> Q:
    """Entries on this record (the one foreign key for its kind)."""
    return Q(**{FIELD_FOR_KIND[int(record.record_kind)]: record})


def _with_people() -> QuerySet[DiaryEntry]:
    return DiaryEntry.objects.select_related(
        "recorded_by", "team", "organisation", "retracted_by", "retracted_by_team"
    ).prefetch_related(
        Prefetch("linked_profiles", queryset=Profile.objects.order_by("family_name", "pk"))
    )


def _identified(viewer: policy.Viewer, profiles: Iterable[Profile]) -> set[int]:
    """The ids of the people whose identity section the viewer may see (one query)."""
    ids = {profile.pk for profile in profiles}
    if not ids:
        return set()
    queryset = policy.visible(viewer, Profile.objects.filter(pk__in=ids), section=Section.IDENTITY)
    return set(queryset.values_list("pk", flat=True))


def _rows(viewer: policy.Viewer, entries: list[DiaryEntry]) -> list[DiaryRow]:
    everyone = [person for entry in entries for person in entry.linked_profiles.all()]
    named = _identified(viewer, everyone)
    return [
        DiaryRow(
            entry=entry,
            people=[
                LinkedPerson(profile=person, identified=person.pk in named)
                for person in entry.linked_profiles.all()
            ],
        )
        for entry in entries
    ]


def visible_sections(viewer: policy.Viewer, record: Any) -> frozenset[Section]:
    """The record's sections the viewer sees (diary entries filed there are theirs to read)."""
    return policy.sections(viewer, cast(policy.Record, record))


def diary_entries_for(
    *,
    viewer: policy.Viewer,
    record: Any,
    entry_types: Iterable[str] = (),
    page: int | str = 1,
    per_page: int = ENTRIES_PER_PAGE,
) -> DiaryPage:
    """A page of a record's entries the viewer may see, newest first, optionally of some types."""
    sections = visible_sections(viewer, record)
    queryset = _with_people().filter(record_filter(record), section__in=sorted(sections))
    types = sorted(set(entry_types))
    if types:
        queryset = queryset.filter(entry_type__in=types)
    paginator = Paginator(queryset.order_by("-occurred_at", "-id"), per_page)
    current = paginator.get_page(page)
    entries = list(current.object_list)
    return DiaryPage(rows=_rows(viewer, entries), page=current, sections=sections)


def diary_entry_for(*, viewer: policy.Viewer, record: Any, code: Any) -> DiaryEntry | None:
    """One entry on this record by its code, whatever its section; None when not on it.

    The caller shows the entry's text only when ``entry.section`` is among the viewer's
    sections; otherwise it says the section is withheld.
    """
    try:
        return _with_people().filter(record_filter(record), code=code).first()
    except (ValueError, TypeError):
        return None


def diary_entry_row(*, viewer: policy.Viewer, entry: DiaryEntry) -> DiaryRow:
    """An entry with its linked people resolved for the viewer."""
    return _rows(viewer, [entry])[0]


def diary_revisions(*, entry: DiaryEntry) -> list[DiaryRevision]:
    """An entry's earlier versions, newest first, with who corrected each and why."""
    return list(
        DiaryRevision.objects.filter(entry=entry)
        .select_related("corrected_by", "corrected_by_team__organisation")
        .order_by("-version")
    )


def may_write(viewer: policy.Viewer, record: Any, section: str = Section.DIARY) -> bool:
    """May the viewer's team record an entry in this section of the record?"""
    return policy.can(viewer, policy.Action.VIEW, cast(policy.Record, record), section)


def may_amend(viewer: policy.Viewer, entry: DiaryEntry) -> bool:
    """May the viewer correct or retract this entry now? (Nobody changes a retracted one.)"""
    return not entry.is_retracted and is_amender(viewer, entry)


def is_amender(viewer: policy.Viewer, entry: DiaryEntry) -> bool:
    """Is the viewer among those who may correct or retract this entry?

    The team that recorded it (acting as that team), or a manager of the team that owns the
    record (acting as that team); either must still see the entry's section.
    """
    if viewer.team_id is None:
        return False
    record = cast(policy.Record, entry.record)
    if not policy.can(viewer, policy.Action.VIEW, record, entry.section):
        return False
    authors = viewer.team_id == entry.team_id
    owners_manager = policy.is_owner(viewer, record) and viewer.is_team_manager
    return authors or owners_manager


def diary_link_candidates(*, viewer: policy.Viewer, record: Any) -> list[Profile]:
    """People an entry on this record may name: those already linked to the record whom the
    viewer may see (the record's members or relationships section) and identify."""
    kind = int(record.record_kind)
    sections = visible_sections(viewer, record)
    ids: QuerySet[Any]
    if kind == RecordKind.PROFILE:
        if Section.RELATIONSHIPS not in sections:
            return []
        pairs = Relationship.objects.filter(
            Q(from_profile=record) | Q(to_profile=record)
        ).values_list("from_profile_id", "to_profile_id")
        others = {person for pair in pairs for person in pair} - {record.pk}
        candidates = Profile.objects.filter(pk__in=others)
    else:
        if Section.MEMBERS not in sections:
            return []
        if kind == RecordKind.CASE:
            ids = CaseMember.objects.filter(case=record).values("profile_id")
        elif kind == RecordKind.PREMISES:
            ids = PremisesLink.objects.filter(premises=record).values("profile_id")
        else:
            ids = GroupMember.objects.filter(group=record).values("profile_id")
        candidates = Profile.objects.filter(pk__in=ids)
    candidates = candidates.filter(merged_into__isnull=True)
    visible = policy.visible(viewer, candidates, section=Section.IDENTITY)
    return list(visible.order_by("family_name", "given_name", "pk"))
