"""Reading harm models and a person's score with its working.

``score_working`` works a person's score out afresh from their offences with the same arithmetic
the stored scores use (``risk.scoring.work_out``), line by line: which offences count and why the
others do not, each weight and recency factor, and the model version. The caller has checked
that the viewer sees the person's offending section. Model versions and weights are not personal
data; a partnership's admins read every version, everyone else the ones in use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roundtable.records.models import Profile
from roundtable.risk.models import (
    HarmModel,
    HarmModelKind,
    HarmModelStatus,
    HarmScore,
    HarmWeight,
    Offence,
    OffenceCategory,
)
from roundtable.risk.scoring import NotCounted, Working, work_out
from roundtable.risk.services.scoring import facts_of, rules_of

#: What the working says about an offence that does not count.
REASONS = {
    NotCounted.ROLE: _("not counted: the person's role is not one this model counts"),
    NotCounted.PROACTIVE: _("not counted: proactively detected offences are excluded"),
    NotCounted.NO_WEIGHT: _("not counted: this category has no weight in this version"),
    NotCounted.ZERO_WEIGHT: _("not counted: this category weighs nothing in this version"),
    NotCounted.OUTSIDE_WINDOW: _("not counted: before the window"),
    NotCounted.BEYOND_BANDS: _("not counted: older than the last recency band"),
    NotCounted.NOT_YET: _("not counted yet: dated after the day of the score"),
}


def active_model(*, partnership_id: int | None, kind: str) -> HarmModel | None:
    """The partnership's version of this kind in use, if any."""
    if partnership_id is None:
        return None
    return (
        HarmModel.objects.filter(
            partnership_id=partnership_id, kind=kind, status=HarmModelStatus.ACTIVE
        )
        .select_related("partnership", "gravity_source")
        .first()
    )


def models_in_use(*, partnership_ids: list[int]) -> list[HarmModel]:
    """The versions in use in these partnerships, CHI first."""
    return sorted(
        HarmModel.objects.filter(
            partnership_id__in=partnership_ids, status=HarmModelStatus.ACTIVE
        ).select_related("partnership", "gravity_source"),
        key=lambda model: (model.partnership.name, model.kind != HarmModelKind.CHI),
    )


def models_for_partnership(*, partnership_id: int) -> list[HarmModel]:
    """Every version of a partnership's models, newest first within each kind (for its admins)."""
    return list(
        HarmModel.objects.filter(partnership_id=partnership_id)
        .select_related("published_by", "gravity_source")
        .order_by("kind", "-number")
    )


def model_by_code(*, code: UUID | str) -> HarmModel | None:
    try:
        return (
            HarmModel.objects.select_related("partnership", "gravity_source", "published_by")
            .filter(code=code)
            .first()
        )
    except (ValueError, TypeError):
        return None


@dataclass(frozen=True)
class WeightRow:
    code: str
    weight: Decimal
    name: str  # the category's name in the partnership's classification ("" if none)
    group: str


def model_weights(*, model: HarmModel) -> list[WeightRow]:
    """A version's weights (or its gravity source's), with the partnership's category names."""
    names = {
        code: (name, group)
        for code, name, group in OffenceCategory.objects.filter(
            partnership_id=model.partnership_id
        ).values_list("code", "name", "group")
    }
    rows = HarmWeight.objects.filter(model_id=model.weight_source_id).order_by("category_code")
    return [
        WeightRow(
            code=row.category_code,
            weight=row.weight,
            name=names.get(row.category_code, ("", ""))[0],
            group=names.get(row.category_code, ("", ""))[1],
        )
        for row in rows
    ]


@dataclass(frozen=True)
class WorkingRow:
    """One line of the working, with the offence it is about."""

    offence: Offence
    counted: bool
    reason: str
    weight: Decimal | None
    factor: Decimal | None
    band: str
    contribution: Decimal


@dataclass(frozen=True)
class ScoreWorking:
    """A person's score under one version and window, line by line, and the stored total."""

    model: HarmModel
    window_days: int
    working: Working
    rows: list[WorkingRow]
    stored: HarmScore | None

    @property
    def stored_differs(self) -> bool:
        """The ranking still holds yesterday's total (the hourly refresh has not run yet)."""
        stored_total = self.stored.total if self.stored else Decimal(0)
        return stored_total != self.working.total


def _band_label(model: HarmModel, band: int | None) -> str:
    if band is None:
        return ""
    bands = model.recency_bands
    start = 0 if band == 0 else int(bands[band - 1][0])
    return str(_("%(start)s to %(end)s months")) % {"start": start, "end": int(bands[band][0])}


def score_working(
    *, profile: Profile, model: HarmModel, window_days: int, as_of: date | None = None
) -> ScoreWorking:
    """Work the person's score out now, showing every offence's line (three queries)."""
    as_of = as_of or timezone.localdate()
    offences = list(
        Offence.objects.live()
        .filter(profile=profile)
        .select_related("category")
        .order_by("-occurred_on", "-id")
    )
    facts = facts_of((o.pk, o.category.code, o.role, o.occurred_on, o.proactive) for o in offences)
    weights = dict(
        HarmWeight.objects.filter(
            model_id=model.weight_source_id,
            category_code__in=sorted({fact.category_code for fact in facts}),
        ).values_list("category_code", "weight")
    )
    working = work_out(rules_of(model, weights), facts, as_of=as_of, window_days=window_days)
    rows = [
        WorkingRow(
            offence=offence,
            counted=line.counted,
            reason=str(REASONS.get(line.reason, "")),
            weight=line.weight,
            factor=line.factor,
            band=_band_label(model, line.band),
            contribution=line.contribution,
        )
        for offence, line in zip(offences, working.lines, strict=True)
    ]
    stored = HarmScore.objects.filter(profile=profile, model=model, window_days=window_days).first()
    return ScoreWorking(
        model=model, window_days=window_days, working=working, rows=rows, stored=stored
    )


def models_for_person(*, profile: Profile, viewer_partnership_id: int | None) -> list[HarmModel]:
    """The versions in use that may score this person: their partnerships' and the viewer's."""
    recorded = (
        Offence.objects.live()
        .filter(profile=profile, partnership__isnull=False)
        .values_list("partnership_id", flat=True)
        .distinct()
    )
    ids = {profile.owning_organisation.partnership_id, viewer_partnership_id, *recorded}
    ids.discard(None)
    return models_in_use(partnership_ids=sorted(i for i in ids if i is not None))
