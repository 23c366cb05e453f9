"""Record kinds as the sharing pages address them: a URL slug, its records model, its label.

``records`` builds on ``sharing``, so nothing here imports ``records`` when this module loads: the
lookups import it inside the function, at call time, when every app is ready. A registry filled
from ``records``' AppConfig.ready would avoid even that, but it would split one four-line table
across two apps and make the lookup depend on start-up order; this keeps it in one place that a
reader (and mypy) can follow. This module must never decide access: ``reach`` delegates to
``records.access``, which asks ``sharing.policy``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Model, Q
from django.http import Http404, HttpRequest

from roundtable.sharing.sections import RecordKind

if TYPE_CHECKING:
    from roundtable.records.access import Reached

SLUG_BY_KIND: dict[int, str] = {
    RecordKind.PROFILE: "person",
    RecordKind.PREMISES: "premises",
    RecordKind.GROUP: "group",
    RecordKind.CASE: "case",
}
KIND_BY_SLUG: dict[str, int] = {slug: kind for kind, slug in SLUG_BY_KIND.items()}


def model_for_kind(kind: int) -> type[Any]:
    """The records model of a record kind (imported here, at call time: records builds on us)."""
    from roundtable.records import models as records  # at call time: see the docstring

    models: dict[int, type[Model]] = {
        RecordKind.PROFILE: records.Profile,
        RecordKind.PREMISES: records.Premises,
        RecordKind.GROUP: records.Group,
        RecordKind.CASE: records.Case,
    }
    return models[int(kind)]


def kind_for_slug(slug: str) -> int:
    """The record kind a URL slug names; 404 for anything else."""
    kind = KIND_BY_SLUG.get(slug)
    if kind is None:
        raise Http404
    return kind


def _related(kind: int) -> list[str]:
    related = ["owning_team__organisation", "owning_organisation"]
    if kind == RecordKind.CASE:
        related.append("case_type")
    return related


def reach(
    request: HttpRequest, slug: str, code: str, *, action: str, section: str | None = None
) -> Reached[Any]:
    """The record a sharing page is about, with the same 404 / 403 rules as the record pages."""
    from roundtable.records.access import access_record  # at call time

    return access_record(
        request, model_for_kind(kind_for_slug(slug)), code, action=action, section=section
    )


def record_by_code(slug: str, code: str) -> Any:
    """A record by kind and code without any policy check, or None: auditors' pages only."""
    kind = kind_for_slug(slug)
    model = model_for_kind(kind)
    return model.objects.select_related(*_related(kind)).filter(code=code).first()


def records_by_id(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], Any]:
    """{(kind, id): record} for many records, one query per kind present (a fixed budget)."""
    wanted: dict[int, set[int]] = {}
    for kind, record_id in pairs:
        wanted.setdefault(int(kind), set()).add(int(record_id))
    found: dict[tuple[int, int], Any] = {}
    for kind, ids in wanted.items():
        model = model_for_kind(kind)
        for record in model.objects.select_related(*_related(kind)).filter(pk__in=ids):
            found[(kind, record.pk)] = record
    return found


def owned_by_team(team_id: int) -> Q:
    """A filter on (record_kind, record_id) rows for records the team owns (one subquery each)."""
    condition = Q(pk__in=[])
    for kind in SLUG_BY_KIND:
        owned = model_for_kind(kind).objects.filter(owning_team_id=team_id).values("pk")
        condition |= Q(record_kind=kind, record_id__in=owned)
    return condition


def slug_for(record: Any) -> str:
    """The URL slug of a record's kind."""
    return SLUG_BY_KIND[int(record.record_kind)]


def label_for(record: Any) -> str:
    """A record's reference as the audit log names it (never personal data)."""
    label = getattr(record, "audit_label", None)
    return str(label()) if callable(label) else f"Record {record.code}"
