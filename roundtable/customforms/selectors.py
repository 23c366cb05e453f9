"""Reading forms: a partnership's definitions, their versions, a record's answers, promoted lookups.

Definitions and versions are administration, not personal data. Answers are personal data: the
functions that return them take the record the caller already reached through the policy
(``records.access`` or ``sharing.policy.visible``), and the promoted-column helpers narrow a
queryset the caller has already filtered by the policy; nothing here returns answers for
records the caller did not choose. Nothing here writes.
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar

from django.db import models
from django.db.models import Exists, OuterRef, QuerySet, Subquery

from roundtable.customforms.models import FormDefinition, FormValues, FormVersion
from roundtable.customforms.schema import PROMOTION_KIND, field_map

M = TypeVar("M", bound=models.Model)


def definitions_for_partnership(*, partnership_id: int) -> QuerySet[FormDefinition]:
    """A partnership's form definitions, with their current version, by name."""
    return (
        FormDefinition.objects.filter(partnership_id=partnership_id)
        .select_related("current_version")
        .order_by("name", "pk")
    )


def definition_versions(definition: FormDefinition) -> QuerySet[FormVersion]:
    """A definition's published versions, newest first, with who published each."""
    return FormVersion.objects.filter(definition=definition).select_related("created_by")


def form_values_for(
    *, definition_id: int | None, record_kind: int, record_id: int
) -> FormValues | None:
    """One record's answers to one definition (the caller reached the record), with its version."""
    if definition_id is None:
        return None
    return (
        FormValues.objects.filter(
            definition_id=definition_id, record_kind=record_kind, record_id=record_id
        )
        .select_related("form_version")
        .first()
    )


def promoted_column(definition: FormDefinition, key: str) -> str:
    """The typed column a promoted field's answers are copied to; KeyError if it has none."""
    return str(definition.promoted[key])


def _values_rows(definition: FormDefinition, model: type[models.Model]) -> QuerySet[FormValues]:
    return FormValues.objects.filter(
        definition=definition,
        record_kind=model.record_kind,  # type: ignore[attr-defined]
        record_id=OuterRef("pk"),
    )


def records_where_promoted(
    queryset: QuerySet[M], *, definition: FormDefinition, key: str, value: Any
) -> QuerySet[M]:
    """The records of ``queryset`` (already policy-filtered) whose promoted answer equals value.

    One correlated EXISTS on the (definition, column) index, never a scan of the JSON.
    """
    column = promoted_column(definition, key)
    rows = _values_rows(definition, queryset.model).filter(**{column: value})
    return queryset.filter(Exists(rows))


def records_ordered_by_promoted(
    queryset: QuerySet[M],
    *,
    definition: FormDefinition,
    key: str,
    direction: Literal["asc", "desc"] = "asc",
) -> QuerySet[M]:
    """``queryset`` (already policy-filtered) ordered by a promoted answer, unanswered last."""
    column = promoted_column(definition, key)
    answer = Subquery(_values_rows(definition, queryset.model).values(column)[:1])
    ordered = queryset.annotate(_promoted=answer)
    expression = models.F("_promoted")
    sort = (
        expression.asc(nulls_last=True) if direction == "asc" else expression.desc(nulls_last=True)
    )
    result: QuerySet[M] = ordered.order_by(sort, "pk")
    return result


def values_ordered_by_promoted(
    *, definition: FormDefinition, key: str, direction: Literal["asc", "desc"] = "asc"
) -> QuerySet[FormValues]:
    """Answered rows in promoted-column order, read along the (definition, column) index.

    For "top N by a field" lists: take rows in this order, keep those whose record the policy
    lets the viewer see (``record_id`` against ``policy.visible``), stop at N. Unanswered rows
    are left out (they have nothing to sort by).
    """
    column = promoted_column(definition, key)
    rows = FormValues.objects.filter(definition=definition, **{f"{column}__isnull": False})
    prefix = "-" if direction == "desc" else ""
    return rows.order_by(f"{prefix}{column}", f"{prefix}pk")


def values_where_promoted(
    *, definition: FormDefinition, key: str, value: Any
) -> QuerySet[FormValues]:
    """Answer rows whose promoted column equals value: for composing with a policy filter only."""
    return FormValues.objects.filter(
        definition=definition, **{promoted_column(definition, key): value}
    )


def promotable_keys(definition: FormDefinition) -> dict[str, str]:
    """Field key -> column kind for the current version's promoted fields (for filter forms)."""
    version = definition.current_version
    if version is None:
        return {}
    fields = field_map(version.schema)
    return {
        key: PROMOTION_KIND[fields[key]["type"]]
        for key in definition.promoted
        if key in fields and fields[key].get("promote")
    }
