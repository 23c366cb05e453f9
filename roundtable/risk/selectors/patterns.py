"""Offending patterns for a person or a cohort: offence mix, trend by month, day-of-week by
hour-of-day, and places.

Every figure counts only people whose offending section the viewer sees: the ids given are
checked against the policy first (one query), and anyone else is dropped before anything is
counted, so no chart or table can include them, even as a number. Each figure is one GROUP BY on
columns written with the offence (local date, weekday, hour), so the pattern costs the same
handful of queries however many offences there are, on SQLite and PostgreSQL alike. By default
only offences where the person was offender or suspect count: a pattern of offending, not of
being a victim or a witness.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count
from django.db.models.functions import TruncMonth

from roundtable.risk.models import Offence, OffenceRole
from roundtable.risk.scoring import add_months
from roundtable.sharing import policy
from roundtable.sharing.sections import BIT, RecordKind, Section

OFFENDING_ROLES = (OffenceRole.OFFENDER, OffenceRole.SUSPECT)
TOP_PLACES = 10


@dataclass(frozen=True)
class Place:
    label: str
    count: int
    postcode: str
    named: bool  # premises named (the viewer sees their summary), not just a postcode


@dataclass
class Pattern:
    """The figures of one pattern, each as the table beside its chart shows them."""

    since: date
    until: date
    people: int
    offences: int = 0
    mix: list[tuple[str, int]] = field(default_factory=list)  # (category name, count)
    months: list[tuple[date, int]] = field(default_factory=list)  # every month, zeros too
    heat: list[list[int]] = field(default_factory=lambda: [[0] * 24 for _ in range(7)])
    time_unknown: int = 0
    places: list[Place] = field(default_factory=list)
    place_unknown: int = 0


def seen_offending(viewer: policy.Viewer, profile_ids: Iterable[int]) -> list[int]:
    """Of these people, those whose offending section the viewer sees (one query)."""
    ids = sorted(set(profile_ids))
    if not ids:
        return []
    masks = policy.section_masks(viewer, RecordKind.PROFILE, ids)
    return [pk for pk in ids if masks.get(pk, 0) & BIT[Section.OFFENDING]]


def _months(since: date, until: date) -> list[date]:
    first, last = since.replace(day=1), until.replace(day=1)
    months = []
    while first <= last:
        months.append(first)
        first = add_months(first, 1)
    return months


def _places(viewer: policy.Viewer, offences: object) -> tuple[list[Place], int]:
    rows = list(
        offences.values("premises_id", "premises__name", "postcode")  # type: ignore[attr-defined]
        .annotate(n=Count("id"))
        .order_by("-n", "postcode", "premises_id")
    )
    unknown = sum(row["n"] for row in rows if not row["premises_id"] and not row["postcode"])
    known = [row for row in rows if row["premises_id"] or row["postcode"]][:TOP_PLACES]
    premises_ids = sorted({row["premises_id"] for row in known if row["premises_id"]})
    masks = policy.section_masks(viewer, RecordKind.PREMISES, premises_ids) if premises_ids else {}
    places = []
    for row in known:
        named = bool(masks.get(row["premises_id"], 0) & BIT[Section.SUMMARY])
        if named:
            label = f"{row['premises__name']}, {row['postcode']}".rstrip(", ")
        else:
            label = row["postcode"] or "Premises (not shared with you)"
        places.append(Place(label=label, count=row["n"], postcode=row["postcode"], named=named))
    return places, unknown


def offending_pattern(
    *,
    viewer: policy.Viewer,
    profile_ids: Iterable[int],
    since: date,
    until: date,
    roles: Iterable[str] = OFFENDING_ROLES,
) -> Pattern:
    """The pattern of these people's offences between two days, counting only people the viewer
    may see the offending of; five queries at most however many offences there are."""
    people = seen_offending(viewer, profile_ids)
    pattern = Pattern(since=since, until=until, people=len(people))
    if not people:
        pattern.months = [(month, 0) for month in _months(since, until)]
        return pattern
    offences = Offence.objects.live().filter(
        profile_id__in=people,
        occurred_on__gte=since,
        occurred_on__lte=until,
        role__in=sorted(set(roles)),
    )
    mix = offences.values("category__name").annotate(n=Count("id"))
    pattern.mix = sorted(
        ((row["category__name"], row["n"]) for row in mix), key=lambda r: (-r[1], r[0])
    )
    pattern.offences = sum(count for _, count in pattern.mix)
    by_month = {
        row["month"]: row["n"]
        for row in offences.annotate(month=TruncMonth("occurred_on"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by()
    }
    pattern.months = [(month, by_month.get(month, 0)) for month in _months(since, until)]
    for row in offences.values("weekday", "hour").annotate(n=Count("id")).order_by():
        if row["hour"] is None:
            pattern.time_unknown += row["n"]
        else:
            pattern.heat[row["weekday"]][row["hour"]] += row["n"]
    pattern.places, pattern.place_unknown = _places(viewer, offences)
    return pattern
