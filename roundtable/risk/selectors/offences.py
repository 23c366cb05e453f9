"""Reading a person's offences and the offence classification.

The callers (views) have already reached the person through ``records.access`` and checked that
the viewer sees the offending section (``sees_offending``); these functions only fetch. A page of
offences costs the same number of queries however many the person has. Removed offences are
left out of every list; one is readable on its own only to say it was removed, by whom and why.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet

from roundtable.directory.models import Organisation
from roundtable.records.models import Premises, Profile
from roundtable.risk.models import Offence, OffenceCategory
from roundtable.sharing import policy
from roundtable.sharing.sections import BIT, RecordKind, Section

OFFENCES_PER_PAGE = 25


def _with_details() -> QuerySet[Offence]:
    return Offence.objects.select_related(
        "category", "premises", "source_organisation", "recorded_by", "recorded_by_team"
    )


def offences_for(*, profile: Profile, page: int | str = 1) -> Page[Offence]:
    """A page of the person's offences (not removed), newest first."""
    queryset = _with_details().filter(profile=profile, removed_at__isnull=True)
    queryset = queryset.order_by("-occurred_on", "-id")
    return Paginator(queryset, OFFENCES_PER_PAGE).get_page(page)


def offence_on(*, profile: Profile, code: Any) -> Offence | None:
    """One offence on this person by its code (removed ones too); None when it is not theirs."""
    try:
        return _with_details().filter(profile=profile, code=code).first()
    except (ValueError, TypeError):
        return None


def premises_named(viewer: policy.Viewer, offences: list[Offence]) -> set[int]:
    """Ids of the offences' premises whose summary the viewer may see (one query, or none)."""
    ids = sorted({offence.premises_id for offence in offences if offence.premises_id})
    if not ids:
        return set()
    masks = policy.section_masks(viewer, RecordKind.PREMISES, ids)
    return {pk for pk, mask in masks.items() if mask & BIT[Section.SUMMARY]}


def category_choices(*, partnership_ids: list[int]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Active categories of these partnerships, grouped for a select: [(group, [(id, name)])]."""
    grouped: dict[str, list[tuple[str, str]]] = {}
    rows = (
        OffenceCategory.objects.filter(partnership_id__in=partnership_ids, is_active=True)
        .order_by("group", "name", "pk")
        .values_list("pk", "group", "name", "code")
    )
    for pk, group, name, code in rows:
        grouped.setdefault(group, []).append((str(pk), f"{name} ({code})"))
    return list(grouped.items())


def categories_by_id(*, partnership_ids: list[int]) -> dict[int, OffenceCategory]:
    return {
        category.pk: category
        for category in OffenceCategory.objects.filter(
            partnership_id__in=partnership_ids, is_active=True
        )
    }


def premises_choices(*, viewer: policy.Viewer, limit: int = 200) -> list[Premises]:
    """Premises the viewer may see the summary of, most recently changed first (top N first)."""
    rows = policy.top_rows(viewer, kind=RecordKind.PREMISES, window=limit)
    ids = {row[2] for row in rows if row[4] & BIT[Section.SUMMARY]}
    return list(Premises.objects.filter(pk__in=ids).order_by("name", "pk"))


def organisation_choices(*, partnership_ids: list[int]) -> list[Organisation]:
    """Agencies that can be the source of an offence: those of these partnerships and national."""
    return list(
        Organisation.objects.filter(
            Q(partnership_id__in=partnership_ids) | Q(partnership__isnull=True), is_active=True
        ).order_by("name")
    )


def categories_for_partnership(*, partnership_id: int) -> list[OffenceCategory]:
    """The whole classification of one partnership (retired categories too), for its admins."""
    return list(
        OffenceCategory.objects.filter(partnership_id=partnership_id).order_by(
            "group", "name", "pk"
        )
    )
