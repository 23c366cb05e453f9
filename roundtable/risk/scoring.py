"""The arithmetic of harm scores, with its working: pure functions, no database, no policy.

``work_out(rules, offences, as_of, window_days)`` gives, for each of a person's offences, whether
it counts and why not, its weight, its recency factor and its contribution, then the total and
the first day the total will change by itself. The stored scores (``risk.services.scoring``) and
the page that shows a score's working (``risk.selectors.harm``) both call it, so what a ranking
orders by and what a practitioner reads are the same sum. DOMAIN.md §2 C2:

    score(person) = sum over counted offences of  R(age) * G(category)

with ``R`` stepping down over recency bands (RFG; no bands for the CHI, where every counted
offence in the window weighs in full) and ``G`` the category's gravity or its CHI days. An
offence counts when it is inside the window, the person's role is one the model counts, it is
not excluded as proactively detected (the CHI rule), and its category has a positive weight.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

TOTAL_PLACES = Decimal("0.001")


class NotCounted:
    """Why an offence does not count (the working says it in words; these are the keys)."""

    ROLE = "role"
    PROACTIVE = "proactive"
    NO_WEIGHT = "no_weight"
    ZERO_WEIGHT = "zero_weight"
    OUTSIDE_WINDOW = "outside_window"
    BEYOND_BANDS = "beyond_bands"
    NOT_YET = "not_yet"


@dataclass(frozen=True)
class Rules:
    """One model version's rules, as the arithmetic needs them."""

    bands: tuple[tuple[int, Decimal], ...]  # (months, factor), months increasing
    counted_roles: frozenset[str]
    exclude_proactive: bool
    weights: Mapping[str, Decimal]  # category code -> weight


@dataclass(frozen=True)
class OffenceFacts:
    """What scoring needs to know about one offence."""

    offence_id: int
    category_code: str
    role: str
    occurred_on: date
    proactive: bool


@dataclass(frozen=True)
class Line:
    """One offence in the working: counted or not (and why), weight, factor, contribution."""

    facts: OffenceFacts
    counted: bool
    reason: str  # "" when counted, else a NotCounted key
    weight: Decimal | None
    factor: Decimal | None
    band: int | None  # index of the recency band (None without bands or when not counted)
    contribution: Decimal


@dataclass(frozen=True)
class Working:
    """A person's score under one version and window, with every offence's line."""

    lines: tuple[Line, ...]
    total: Decimal
    counted: int
    as_of: date
    window_days: int
    stale_after: date | None


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later (the month's last day when it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def recency(
    bands: Sequence[tuple[int, Decimal]], occurred_on: date, as_of: date
) -> tuple[Decimal | None, int | None, date | None]:
    """(factor, band index, the day the factor next changes) for an offence's age on ``as_of``.

    An offence is in band i while ``as_of`` is before ``occurred_on`` + months_i calendar
    months: one dated 1 January is in a 3-month band until 31 March and in the next from 1 April.
    Without bands the factor is 1 for ever; past the last band it is None (no longer counted).
    """
    if not bands:
        return Decimal(1), None, None
    for index, (months, factor) in enumerate(bands):
        boundary = add_months(occurred_on, months)
        if as_of < boundary:
            return factor, index, boundary
    return None, None, None


def _line(
    rules: Rules, facts: OffenceFacts, as_of: date, window_days: int
) -> tuple[Line, date | None]:
    """One offence's line, and the day its contribution next changes by itself (None: never)."""

    def skip(
        reason: str, weight: Decimal | None = None, changes: date | None = None
    ) -> tuple[Line, date | None]:
        line = Line(facts, False, reason, weight, None, None, Decimal(0))
        return line, changes

    if facts.role not in rules.counted_roles:
        return skip(NotCounted.ROLE)
    if rules.exclude_proactive and facts.proactive:
        return skip(NotCounted.PROACTIVE)
    weight = rules.weights.get(facts.category_code)
    if weight is None:
        return skip(NotCounted.NO_WEIGHT)
    if weight <= 0:
        return skip(NotCounted.ZERO_WEIGHT, weight)
    if facts.occurred_on > as_of:
        # Not possible through the services (no future offences); counted from its day.
        return skip(NotCounted.NOT_YET, weight, facts.occurred_on)
    leaves_window = facts.occurred_on + timedelta(days=window_days)
    if as_of >= leaves_window:
        return skip(NotCounted.OUTSIDE_WINDOW, weight)
    factor, band, next_band = recency(rules.bands, facts.occurred_on, as_of)
    if factor is None:
        return skip(NotCounted.BEYOND_BANDS, weight)
    changes = min(leaves_window, next_band) if next_band is not None else leaves_window
    return Line(facts, True, "", weight, factor, band, weight * factor), changes


def work_out(
    rules: Rules, offences: Iterable[OffenceFacts], *, as_of: date, window_days: int
) -> Working:
    """The score of one person's offences under ``rules`` on ``as_of``, with its working."""
    lines: list[Line] = []
    changes: list[date] = []
    for facts in offences:
        line, next_change = _line(rules, facts, as_of, window_days)
        lines.append(line)
        if next_change is not None:
            changes.append(next_change)
    total = sum((line.contribution for line in lines), Decimal(0))
    return Working(
        lines=tuple(lines),
        total=total.quantize(TOTAL_PLACES, rounding=ROUND_HALF_UP),
        counted=sum(1 for line in lines if line.counted),
        as_of=as_of,
        window_days=window_days,
        stale_after=min(changes) if changes else None,
    )
