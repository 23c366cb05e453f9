"""Publishing harm model versions: the CHI table an admin loads, RFG bands and gravity weights.

A partnership admin never edits a version: every change (a new CHI table, a weight, a band, a
window) publishes a new version, checked here as a whole (bands in order, factors between 0 and
1, weights in range, every category code known to the partnership's classification) and audited
with what it holds. Nothing is written when anything is wrong, and the message names each
problem. The new version is scored in the background (``risk.tasks.rescore_model``) and becomes
the active one when every person is scored, so rankings never mix two versions' numbers. This
module must never score in the request and never decide who sees a score.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record
from roundtable.directory import permissions
from roundtable.directory.models import Partnership, Team, User
from roundtable.risk.models import (
    HarmModel,
    HarmModelKind,
    HarmModelStatus,
    HarmWeight,
    OffenceCategory,
    OffenceRole,
)

MAX_BANDS = 8
MAX_BAND_MONTHS = 120
MAX_WINDOWS = 4
MIN_WINDOW_DAYS = 7
MAX_WINDOW_DAYS = 3650
MAX_WEIGHT_LINES = 5000
#: The most a weight may be: CHI days (a whole-life starting point is below 100 years of days),
#: RFG gravity (the ACPO matrix uses 1 to 4; partnerships that weight locally go higher).
MAX_WEIGHT = {HarmModelKind.CHI: Decimal(36500), HarmModelKind.RFG: Decimal(1000)}
MAX_PROBLEMS_NAMED = 10

NOT_ADMIN = "Only a partnership admin of this partnership can change its harm models."


def can_manage_harm_models(user: Any, partnership_id: int | None) -> bool:
    """May this user publish harm models and edit the offence classification of the partnership?"""
    if permissions.is_system_admin(user):
        return True
    if partnership_id is None or not permissions.is_partnership_admin(user):
        return False
    organisation = getattr(user, "organisation", None)
    return organisation is not None and organisation.partnership_id == partnership_id


@dataclass(frozen=True)
class ModelSettings:
    """Everything a new version holds, as an admin chose it."""

    name: str
    description: str = ""
    recency_bands: Sequence[tuple[int, Decimal]] = ()
    counted_roles: Sequence[str] = (OffenceRole.OFFENDER, OffenceRole.SUSPECT)
    exclude_proactive: bool = False
    windows: Sequence[int] = (365,)
    weights: dict[str, Decimal] = field(default_factory=dict)
    gravity_from_chi: bool = False


def _named(problems: list[str]) -> list[str]:
    if len(problems) <= MAX_PROBLEMS_NAMED:
        return problems
    more = len(problems) - MAX_PROBLEMS_NAMED
    return [*problems[:MAX_PROBLEMS_NAMED], f"... and {more} more problems like these."]


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def weights_from_csv(text: str) -> dict[str, Decimal]:
    """Parse 'category code, weight' lines (a header row is allowed); ValidationError names lines.

    The published CHI table and a partnership's own gravity list are both loaded this way: the
    first column is the category code, the second the days (CHI) or the gravity (RFG); any
    further columns (a description, say) are ignored.
    """
    problems: list[str] = []
    weights: dict[str, Decimal] = {}
    first_seen: dict[str, int] = {}
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if len(rows) > MAX_WEIGHT_LINES:
        raise ValidationError(f"The table has more than {MAX_WEIGHT_LINES:,} lines.")
    for number, row in enumerate(rows, start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if len(cells) < 2 or not cells[0]:
            problems.append(
                f"Line {number}: give a category code and a weight, separated by a comma."
            )
            continue
        code, value = cells[0], _decimal(cells[1])
        if value is None:
            if number == 1 and not weights:
                continue  # a header row
            problems.append(f"Line {number}: '{cells[1][:20]}' is not a number.")
            continue
        if code in first_seen:
            first = first_seen[code]
            problems.append(
                f"Line {number}: category {code} is listed twice (first on line {first})."
            )
            continue
        first_seen[code] = number
        weights[code] = value
    if problems:
        raise ValidationError(_named(problems))
    if not weights:
        raise ValidationError("The table is empty: give at least one category code and weight.")
    return weights


def _check_bands(kind: str, bands: Sequence[tuple[int, Decimal]]) -> list[str]:
    if kind == HarmModelKind.CHI:
        return (
            [
                "The Crime Harm Index has no recency bands: every counted offence in the window "
                "weighs its days in full."
            ]
            if bands
            else []
        )
    if not bands:
        return ["Give at least one recency band."]
    if len(bands) > MAX_BANDS:
        return [f"Give at most {MAX_BANDS} recency bands."]
    problems: list[str] = []
    previous_months, previous_factor = 0, Decimal(1)
    for months, factor in bands:
        if not 1 <= months <= MAX_BAND_MONTHS:
            problems.append(f"A band's months must be between 1 and {MAX_BAND_MONTHS}.")
        elif months <= previous_months:
            problems.append("Each band must end later than the one before it.")
        if not Decimal(0) < factor <= Decimal(1):
            problems.append(f"The factor {factor} must be more than 0 and at most 1.")
        elif factor > previous_factor:
            problems.append("An older band cannot weigh more than a newer one.")
        previous_months, previous_factor = months, factor
    return problems


def _check_settings(kind: str, chosen: ModelSettings) -> list[str]:
    problems: list[str] = []
    if not chosen.name.strip():
        problems.append("Give the version a name.")
    elif len(chosen.name) > 120:
        problems.append("The name must be 120 characters or fewer.")
    problems += _check_bands(kind, chosen.recency_bands)
    roles = set(chosen.counted_roles)
    if not roles:
        problems.append("Choose at least one role whose offences count.")
    elif not roles <= set(OffenceRole.values):
        problems.append("Choose roles from the list.")
    windows = list(chosen.windows)
    if not windows or len(windows) > MAX_WINDOWS:
        problems.append(f"Give between 1 and {MAX_WINDOWS} ranking windows.")
    elif len(set(windows)) != len(windows):
        problems.append("Each ranking window must be different.")
    elif any(not MIN_WINDOW_DAYS <= days <= MAX_WINDOW_DAYS for days in windows):
        problems.append(
            f"A ranking window must be between {MIN_WINDOW_DAYS} and {MAX_WINDOW_DAYS} days."
        )
    if chosen.gravity_from_chi and kind != HarmModelKind.RFG:
        problems.append("Only a recency-frequency-gravity model can take its gravity from the CHI.")
    return problems


def _check_weights(kind: str, partnership: Partnership, weights: dict[str, Decimal]) -> list[str]:
    if not weights:
        return ["Give a weight for at least one offence category."]
    problems: list[str] = []
    ceiling = MAX_WEIGHT[HarmModelKind(kind)]
    for code, value in weights.items():
        if not Decimal(0) <= value <= ceiling:
            problems.append(f"Category {code}: the weight {value} must be between 0 and {ceiling}.")
        elif value != value.quantize(Decimal("0.01")):
            problems.append(f"Category {code}: give the weight to at most 2 decimal places.")
    known = set(
        OffenceCategory.objects.filter(partnership=partnership, code__in=list(weights)).values_list(
            "code", flat=True
        )
    )
    unknown = sorted(code for code in weights if code not in known)
    problems += [
        f"Category {code} is not in the partnership's offence classification: add it first, "
        "or correct the code."
        for code in unknown
    ]
    return problems


def _snapshot(model: HarmModel, weights: dict[str, Decimal]) -> dict[str, Any]:
    return {
        "kind": model.kind,
        "number": model.number,
        "name": model.name,
        "recency_bands": model.recency_bands,
        "counted_roles": model.counted_roles,
        "exclude_proactive": model.exclude_proactive,
        "windows": model.windows,
        "gravity_source": str(model.gravity_source.code) if model.gravity_source else None,
        "weights": {code: str(value) for code, value in sorted(weights.items())},
    }


def _gravity_source(partnership: Partnership) -> HarmModel:
    source = HarmModel.objects.filter(
        partnership=partnership, kind=HarmModelKind.CHI, status=HarmModelStatus.ACTIVE
    ).first()
    if source is None:
        raise ValidationError(
            {"gravity_from_chi": ["The partnership has no Crime Harm Index table in use yet."]}
        )
    return source


@transaction.atomic
def harm_model_publish(
    *,
    actor: User | None,
    team: Team | None,
    partnership: Partnership,
    kind: str,
    settings: ModelSettings,
    is_sample: bool = False,
    enqueue: bool = True,
) -> HarmModel:
    """Publish a new version of a partnership's model; it is scored in the background.

    Any version still being scored is replaced by this one (it was never used). ``enqueue=False``
    is for callers that score it themselves at once (the seed of an empty partnership).
    """
    if actor is not None and not can_manage_harm_models(actor, partnership.pk):
        raise ValidationError(NOT_ADMIN)
    if kind not in HarmModelKind.values:
        raise ValidationError("Choose the Crime Harm Index or recency-frequency-gravity.")
    problems = _check_settings(kind, settings)
    if not settings.gravity_from_chi:
        problems += _check_weights(kind, partnership, settings.weights)
    if problems:
        raise ValidationError(_named(problems))
    source = _gravity_source(partnership) if settings.gravity_from_chi else None
    now = timezone.now()
    HarmModel.objects.filter(
        partnership=partnership, kind=kind, status=HarmModelStatus.PENDING
    ).update(status=HarmModelStatus.SUPERSEDED, superseded_at=now)
    latest = HarmModel.objects.filter(partnership=partnership, kind=kind).aggregate(
        latest=Max("number")
    )["latest"]
    model = HarmModel(
        partnership=partnership,
        kind=kind,
        number=(latest or 0) + 1,
        name=settings.name.strip(),
        description=settings.description.strip(),
        is_sample=is_sample,
        recency_bands=[[months, str(factor)] for months, factor in settings.recency_bands],
        counted_roles=sorted(set(settings.counted_roles)),
        exclude_proactive=settings.exclude_proactive,
        windows=sorted(set(settings.windows)),
        gravity_source=source,
        status=HarmModelStatus.PENDING,
        published_at=now,
        published_by=actor,
        published_by_team=team,
    )
    model.full_clean()
    model.save(force_insert=True)
    weights = {} if source is not None else settings.weights
    HarmWeight.objects.bulk_create(
        HarmWeight(model=model, category_code=code, weight=value) for code, value in weights.items()
    )
    audit_record(
        action=Action.CREATE,
        target=model,
        actor=actor,
        changes={key: [None, value] for key, value in _snapshot(model, weights).items()},
        detail={"harm_model": str(model.code), "partnership": partnership.short_name},
    )
    if enqueue:
        model_id = model.pk
        transaction.on_commit(lambda: _enqueue_rescore(model_id))
    return model


def _enqueue_rescore(model_id: int) -> None:
    from roundtable.risk.tasks import rescore_model

    rescore_model.enqueue(model_id)


def settings_from(model: HarmModel) -> ModelSettings:
    """A version's settings, to start the next version's form from."""
    weights = dict(
        HarmWeight.objects.filter(model_id=model.pk).values_list("category_code", "weight")
    )
    return ModelSettings(
        name=model.name,
        description=model.description,
        recency_bands=[
            (int(months), Decimal(str(factor))) for months, factor in model.recency_bands
        ],
        counted_roles=list(model.counted_roles),
        exclude_proactive=model.exclude_proactive,
        windows=[int(days) for days in model.windows],
        weights=weights,
        gravity_from_chi=model.gravity_source_id is not None,
    )


def weights_as_csv(weights: dict[str, Decimal], names: dict[str, str] | None = None) -> str:
    """Weights back as 'code,weight[,name]' lines (for the next version's form, or a download)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for code in sorted(weights):
        row: list[Any] = [code, plain(weights[code])]
        if names is not None:
            row.append(names.get(code, ""))
        writer.writerow(row)
    return out.getvalue()


def bands_text(bands: Iterable[tuple[int, Decimal]]) -> str:
    """'3:1, 6:0.75, 12:0.5, 24:0.25': bands as an admin types them."""
    return ", ".join(f"{months}:{plain(factor)}" for months, factor in bands)


def plain(value: Decimal) -> str:
    """A decimal without trailing zeros or exponent: 0.75, 1, 1000, 2.5."""
    return format(value.normalize(), "f")
