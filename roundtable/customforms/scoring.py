"""Scoring rules: a count of yes answers or a weighted sum, and thresholds that name a level.

``score`` applies a normalised schema's ``scoring`` to clean answers and returns the total, the
level band it falls in (DASH: 1-9 standard, 10-13 medium, 14 or more high) and the working:
which answers contributed how many points, so a practitioner can see why and challenge it. A
score is advice for a person to weigh, never a decision. Only answers that were shown count
(hidden fields were dropped when the answers were cleaned). Nothing here reads the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from roundtable.customforms.schema import (
    CHOICE,
    MULTI_CHOICE,
    NUMBER,
    YES_NO,
    Field,
    Schema,
    choice_label,
    field_map,
)

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Contribution:
    """One answer's part in a score: the question, the answer as shown, and its points."""

    key: str
    label: str
    answer: str
    points: Decimal
    section: str

    @property
    def points_text(self) -> str:
        return number_text(self.points)


@dataclass(frozen=True)
class ScoreResult:
    """A total, its level (None when no band holds it) and the answers that made it."""

    label: str
    method: str
    section: str
    score: Decimal
    level: str | None
    contributions: tuple[Contribution, ...]

    def contributions_in(self, sections: frozenset[str]) -> list[Contribution]:
        """The working a reader of ``sections`` may see."""
        return [item for item in self.contributions if item.section in sections]

    def points_withheld(self, sections: frozenset[str]) -> Decimal:
        """Points from answers in sections the reader may not see (shown as one total)."""
        return sum(
            (item.points for item in self.contributions if item.section not in sections),
            Decimal(0),
        )


def _decimal(value: Any) -> Decimal:
    return Decimal(str(value))


def _answer_text(field: Field, value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(choice_label(field, item) for item in value)
    if field["type"] == CHOICE:
        return choice_label(field, value)
    return str(value)


def _points(field: Field, weight: Any, value: Any) -> Decimal:
    kind = field["type"]
    if kind == YES_NO:
        return _decimal(weight["yes"] if value is True else weight["no"])
    if kind == CHOICE:
        return _decimal(weight.get(value, 0))
    if kind == MULTI_CHOICE:
        return sum((_decimal(weight.get(item, 0)) for item in value), Decimal(0))
    if kind == NUMBER:
        return _decimal(value) * _decimal(weight)
    return Decimal(0)


def level_for(bands: list[dict[str, Any]], total: Decimal) -> str | None:
    """The level whose band holds the total (bands are sorted and do not overlap)."""
    for band in bands:
        low = _decimal(band["min"])
        high = None if band["max"] is None else _decimal(band["max"])
        if total >= low and (high is None or total <= high):
            return str(band["level"])
    return None


def score(schema: Schema, values: Mapping[str, Any]) -> ScoreResult | None:
    """The schema's scoring applied to clean answers; None when the form has no scoring."""
    rules = schema.get("scoring")
    if not rules:
        return None
    fields = field_map(schema)
    contributions: list[Contribution] = []
    if rules["method"] == "count_yes":
        for key in rules.get("fields", []):
            if values.get(key) is True:
                field = fields[key]
                contributions.append(
                    Contribution(key, field["label"], "Yes", Decimal(1), field["section"])
                )
    else:
        for key, weight in rules.get("weights", {}).items():
            if key not in values or key not in fields:
                continue
            field = fields[key]
            points = _points(field, weight, values[key])
            if points:
                contributions.append(
                    Contribution(
                        key,
                        field["label"],
                        _answer_text(field, values[key]),
                        points.quantize(TWO_PLACES),
                        field["section"],
                    )
                )
    total = sum((item.points for item in contributions), Decimal(0)).quantize(TWO_PLACES)
    return ScoreResult(
        label=rules["label"],
        method=rules["method"],
        section=rules["section"],
        score=total,
        level=level_for(rules.get("levels", []), total),
        contributions=tuple(contributions),
    )


def number_text(value: Decimal) -> str:
    """'15' or '12.5': a number without trailing zeros or an exponent."""
    return format(value.normalize(), "f")


def score_text(result: ScoreResult) -> str:
    """A total as shown."""
    return number_text(result.score)
