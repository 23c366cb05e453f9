"""Promoted columns: the typed, indexed copies of answers that lists filter and sort on.

A field marked ``"promote": true`` gets one of ``FormValues``' typed columns (three text, three
number, three date) the first time a version asking it is published. The mapping (field key ->
column) lives on the definition and survives later versions, so rows written with any version
agree on what a column holds. ``column_values`` computes the columns for one row;
``promotion_plan`` works out the mapping a newly published schema needs. Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from roundtable.customforms.models import PROMOTED_COLUMNS, PROMOTED_TEXT_LENGTH
from roundtable.customforms.schema import (
    ADDRESS,
    COLUMNS_BY_KIND,
    PROMOTION_KIND,
    YES_NO,
    Field,
    Schema,
    fields_of,
)

SIX_PLACES = Decimal("0.000001")


def column_kind(column: str) -> str:
    for kind, columns in COLUMNS_BY_KIND.items():
        if column in columns:
            return kind
    raise ValueError(f"{column!r} is not a promoted column")


def promotion_plan(promoted: Mapping[str, str], schema: Schema) -> dict[str, str]:
    """The mapping after publishing ``schema``: keep every assigned column, add the new ones.

    A key keeps its column even when a later version stops asking it (old rows still hold its
    answers); a column freed by a key no longer promoted is reused only by the same key.
    """
    plan = dict(promoted)
    taken = set(plan.values())
    for field in fields_of(schema):
        if not field.get("promote") or field["key"] in plan:
            continue
        kind = PROMOTION_KIND[field["type"]]
        free = [column for column in COLUMNS_BY_KIND[kind] if column not in taken]
        if not free:
            raise ValueError(f"no free {kind} column for {field['key']}")
        plan[field["key"]] = free[0]
        taken.add(free[0])
    return plan


def promotion_problems(promoted: Mapping[str, str], schema: Schema) -> list[str]:
    """Why ``schema`` cannot be published with the columns already assigned (empty: it can)."""
    problems: list[str] = []
    by_key = {field["key"]: field for field in fields_of(schema)}
    for key, column in promoted.items():
        field = by_key.get(key)
        if (
            field
            and field.get("promote")
            and PROMOTION_KIND.get(field["type"]) != column_kind(column)
        ):
            problems.append(
                f"Field '{key}': it was used to filter or sort as {column_kind(column)}; give "
                "the new question a new key instead of changing its type."
            )
    try:
        promotion_plan(promoted, schema)
    except ValueError:
        problems.append(
            "There are not enough free filter and sort columns for this version: stop "
            "promoting another field of the same kind first."
        )
    return problems


def _column_value(field: Field, value: Any) -> Any:
    kind = PROMOTION_KIND.get(field["type"])
    if value is None or kind is None:
        return None
    if kind == "number":
        return Decimal(str(value)).quantize(SIX_PLACES)
    if kind == "date":
        return date.fromisoformat(value)
    if field["type"] == YES_NO:
        return "yes" if value else "no"
    if field["type"] == ADDRESS:
        return value.get("postcode") or None
    return str(value)[:PROMOTED_TEXT_LENGTH]


def column_values(
    promoted: Mapping[str, str], schema: Schema, values: Mapping[str, Any]
) -> dict[str, Any]:
    """Every promoted column's value for one row (None where nothing is answered)."""
    columns: dict[str, Any] = dict.fromkeys(PROMOTED_COLUMNS)
    by_key = {field["key"]: field for field in fields_of(schema)}
    for key, column in promoted.items():
        field = by_key.get(key)
        if field is not None and PROMOTION_KIND.get(field["type"]) == column_kind(column):
            columns[column] = _column_value(field, values.get(key))
    return columns
