"""Keeping stored harm scores current: one person at a time, the rows time has made due, and a
whole new model version in the background.

Scores are derived from offences and never edited by hand, so these writes are not audited (the
offence change or the model publication that caused them is). Each function rewrites only the
rows it names: an offence added, changed or removed rewrites that person's rows (a handful of
indexed queries, whatever the size of the database); the hourly sweep rewrites only people whose
total changes today; a new version is scored in batches by a background task. None of them
decides who may see a score: the selectors ask the policy.

A person is scored under the models of the partnerships that know them: the partnership of the
agency that owns their record, and of every team that recorded an offence on them (ADR 0010).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from roundtable.records.models import Profile
from roundtable.risk.models import (
    HarmModel,
    HarmModelStatus,
    HarmScore,
    HarmWeight,
    Offence,
)
from roundtable.risk.scoring import OffenceFacts, Rules, Working, work_out

BATCH = 500
LIVE_STATUSES = (HarmModelStatus.ACTIVE, HarmModelStatus.PENDING)


def rules_of(model: HarmModel, weights: dict[str, Decimal]) -> Rules:
    """A model version's rules with the weights given (read from its weight source)."""
    return Rules(
        bands=tuple((int(months), Decimal(str(factor))) for months, factor in model.recency_bands),
        counted_roles=frozenset(model.counted_roles),
        exclude_proactive=model.exclude_proactive,
        weights=weights,
    )


def weights_of(
    models: Iterable[HarmModel], codes: Iterable[str] | None = None
) -> dict[int, dict[str, Decimal]]:
    """Weight source id -> {category code: weight}, for the codes given (all when None); 1 query."""
    sources = {model.weight_source_id for model in models}
    result: dict[int, dict[str, Decimal]] = {source: {} for source in sources}
    if not sources:
        return result
    rows = HarmWeight.objects.filter(model_id__in=sources)
    if codes is not None:
        rows = rows.filter(category_code__in=sorted(set(codes)))
    for source, code, weight in rows.values_list("model_id", "category_code", "weight"):
        result[source][code] = weight
    return result


def facts_of(rows: Iterable[tuple[Any, ...]]) -> list[OffenceFacts]:
    return [
        OffenceFacts(
            offence_id=offence_id,
            category_code=code,
            role=role,
            occurred_on=occurred_on,
            proactive=proactive,
        )
        for offence_id, code, role, occurred_on, proactive in rows
    ]


FACT_FIELDS = ("id", "category__code", "role", "occurred_on", "proactive")


def _score_rows(
    profile_id: int, model: HarmModel, rules: Rules, facts: list[OffenceFacts], today: date
) -> list[HarmScore]:
    rows = []
    for window in model.windows:
        working: Working = work_out(rules, facts, as_of=today, window_days=int(window))
        if working.counted:
            rows.append(
                HarmScore(
                    profile_id=profile_id,
                    model_id=model.pk,
                    window_days=int(window),
                    total=working.total,
                    offences_counted=working.counted,
                    as_of=today,
                    stale_after=working.stale_after,
                )
            )
    return rows


@transaction.atomic
def harm_scores_refresh_person(*, profile_id: int, today: date | None = None) -> int:
    """Rewrite one person's scores under every model that applies to them; returns rows written.

    Six queries whatever the size of the database: the owner's partnership, the person's live
    offences, the applicable versions (active, and pending ones being scored in the background,
    so a change made meanwhile is not lost), their weights for these categories, then delete
    and insert this person's rows. Nobody else's rows are read or written.
    """
    today = today or timezone.localdate()
    home = (
        Profile.objects.filter(pk=profile_id)
        .values_list("owning_organisation__partnership_id", flat=True)
        .first()
    )
    offences = list(
        Offence.objects.live()
        .filter(profile_id=profile_id)
        .values_list(*FACT_FIELDS, "partnership_id")
    )
    partnerships = {home} | {row[-1] for row in offences}
    partnerships.discard(None)
    models = (
        list(HarmModel.objects.filter(partnership_id__in=partnerships, status__in=LIVE_STATUSES))
        if partnerships and offences
        else []
    )
    facts = facts_of(row[:-1] for row in offences)
    weights = weights_of(models, {fact.category_code for fact in facts})
    rows: list[HarmScore] = []
    for model in models:
        rules = rules_of(model, weights[model.weight_source_id])
        rows += _score_rows(profile_id, model, rules, facts, today)
    HarmScore.objects.filter(profile_id=profile_id).delete()
    HarmScore.objects.bulk_create(rows)
    return len(rows)


def harm_scores_refresh_people(*, profile_ids: Iterable[int], today: date | None = None) -> int:
    """``harm_scores_refresh_person`` for many people at once (an import), a batch at a time:
    the same rows, in five queries per batch of ``BATCH`` people instead of six per person.
    Returns the rows written."""
    today = today or timezone.localdate()
    ids = sorted(set(profile_ids))
    written = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        known: dict[int, set[int]] = {
            pk: {home} if home is not None else set()
            for pk, home in Profile.objects.filter(pk__in=batch).values_list(
                "pk", "owning_organisation__partnership_id"
            )
        }
        by_person: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        rows = Offence.objects.live().filter(profile_id__in=batch)
        for row in rows.values_list("profile_id", *FACT_FIELDS, "partnership_id"):
            by_person[row[0]].append(row[1:-1])
            if row[-1] is not None:
                known.setdefault(row[0], set()).add(row[-1])
        wanted = {pk for person in by_person for pk in known.get(person, set())}
        models = list(
            HarmModel.objects.filter(partnership_id__in=sorted(wanted), status__in=LIVE_STATUSES)
        )
        facts = {person: facts_of(found) for person, found in by_person.items()}
        weights = weights_of(models, {f.category_code for found in facts.values() for f in found})
        scores: list[HarmScore] = []
        for person in sorted(facts):
            for model in models:
                if model.partnership_id in known.get(person, set()):
                    rules = rules_of(model, weights[model.weight_source_id])
                    scores += _score_rows(person, model, rules, facts[person], today)
        with transaction.atomic():
            HarmScore.objects.filter(profile_id__in=batch).delete()
            HarmScore.objects.bulk_create(scores)
        written += len(scores)
    return written


def harm_scores_refresh_due(*, today: date | None = None) -> int:
    """Rescore the people whose totals change by themselves on or before today; returns how many.

    Only rows whose ``stale_after`` has come are read, by their partial index: on a quiet day
    that is nobody, and the cost grows with the people whose score changes, not with everyone.
    """
    today = today or timezone.localdate()
    done: set[int] = set()
    while True:
        due = list(
            HarmScore.objects.filter(stale_after__lte=today)
            .exclude(profile_id__in=done)
            .order_by()
            .values_list("profile_id", flat=True)
            .distinct()[:BATCH]
        )
        if not due:
            return len(done)
        for profile_id in due:
            harm_scores_refresh_person(profile_id=profile_id, today=today)
        done.update(due)


def _people_with_offences_after(last: int) -> list[int]:
    """The next batch of people with live offences, by id (walks the offences' person index)."""
    return list(
        Offence.objects.live()
        .filter(profile_id__gt=last)
        .order_by("profile_id")
        .values_list("profile_id", flat=True)
        .distinct()[:BATCH]
    )


def _known_to(partnership_id: int, ids: list[int]) -> dict[int, list[OffenceFacts]]:
    """Of these people, those the partnership knows, with their live offences (2 queries)."""
    homes = dict(
        Profile.objects.filter(pk__in=ids).values_list("pk", "owning_organisation__partnership_id")
    )
    by_person: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    known: set[int] = {pk for pk, home in homes.items() if home == partnership_id}
    rows = Offence.objects.live().filter(profile_id__in=ids)
    for row in rows.values_list("profile_id", *FACT_FIELDS, "partnership_id"):
        by_person[row[0]].append(row[1:-1])
        if row[-1] == partnership_id:
            known.add(row[0])
    return {pk: facts_of(by_person[pk]) for pk in sorted(known)}


def harm_model_rescore(*, model_id: int, today: date | None = None) -> int:
    """Score everyone a pending version applies to, then make it the active one; returns people.

    Run by a background task after publication, in batches of people (each batch its own
    transaction), so a large partnership never holds one long transaction. It walks every person
    with offences once (an index walk), scoring those the partnership knows. If a newer version
    was published meanwhile, this one is superseded and the walk stops.
    """
    today = today or timezone.localdate()
    model = HarmModel.objects.filter(pk=model_id, status=HarmModelStatus.PENDING).first()
    if model is None:
        return 0
    rules = rules_of(model, weights_of([model])[model.weight_source_id])
    scored, last = 0, 0
    while batch := _people_with_offences_after(last):
        last = batch[-1]
        with transaction.atomic():
            if not HarmModel.objects.filter(pk=model_id, status=HarmModelStatus.PENDING).exists():
                return scored
            people = _known_to(model.partnership_id, batch)
            rows: list[HarmScore] = []
            for profile_id, facts in people.items():
                rows += _score_rows(profile_id, model, rules, facts, today)
            HarmScore.objects.filter(model_id=model_id, profile_id__in=batch).delete()
            HarmScore.objects.bulk_create(rows)
            scored += len(people)
    _activate(model_id)
    _drop_superseded_scores(model)
    return scored


@transaction.atomic
def _activate(model_id: int) -> None:
    model = HarmModel.objects.select_for_update().get(pk=model_id)
    if model.status != HarmModelStatus.PENDING:
        return
    now = timezone.now()
    HarmModel.objects.filter(
        partnership_id=model.partnership_id, kind=model.kind, status=HarmModelStatus.ACTIVE
    ).update(status=HarmModelStatus.SUPERSEDED, superseded_at=now)
    model.status = HarmModelStatus.ACTIVE
    model.activated_at = now
    model.save(update_fields=["status", "activated_at"])


def _drop_superseded_scores(model: HarmModel) -> None:
    """Delete the scores of the versions this one replaced, a batch at a time (derived data)."""
    old = HarmModel.objects.filter(
        Q(partnership_id=model.partnership_id, kind=model.kind),
        status=HarmModelStatus.SUPERSEDED,
    ).values_list("pk", flat=True)
    for old_id in old:
        while ids := list(
            HarmScore.objects.filter(model_id=old_id).values_list("pk", flat=True)[:BATCH]
        ):
            HarmScore.objects.filter(pk__in=ids).delete()
