"""Priority rankings: the top N people by harm in a scope, only among people the viewer may see.

A *scope* says which people a ranking is about and which partnership's model ranks them:

- the **partnership**: everyone scored under its model (the people it knows, ADR 0010);
- a **case type**: members of its open cases, counting only cases whose members the viewer may
  see (otherwise the ranking would reveal who is in a case the viewer cannot open);
- a **team's caseload**: people the team owns and members of its open cases (for that team only);
- a **gallery** (or any cohort): a queryset of profile ids, which the caller has already limited
  to what the viewer may know is in it (``cohort_scope``).

A person is ranked, counted or charted only when the policy says the viewer sees their offending
section. The ranking reads stored totals top-N-first (ARCHITECTURE §4, ADR 0004): it walks the
score index from the top, checking each row's access with one indexed lookup, and stops at N; if
the viewer sees too few of the highest scorers (a probe of ``PROBE`` rows finds fewer than N),
it ranks the viewer's own visible people instead, a cost bounded by how many they can see. The
figures it returns never include anyone else, and it says nothing about how many were left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from roundtable.directory.models import Partnership, Team
from roundtable.records.models import Case, CaseMember, CaseStatus, CaseType, Profile
from roundtable.risk.models import (
    HarmModel,
    HarmModelKind,
    HarmScore,
    OverrideAction,
    RankingOverride,
    ScopeKind,
)
from roundtable.risk.selectors.harm import active_model
from roundtable.sharing import policy
from roundtable.sharing.sections import BIT, RecordKind, Section

DEFAULT_LIMIT = 20
#: How many of the highest scores the first attempt checks before ranking the viewer's own
#: visible people instead (ADR 0010 gives the cost of each path).
PROBE = 1000


@dataclass(frozen=True)
class RankingScope:
    """Which people a ranking is about, and whose model ranks them."""

    kind: str
    key: str
    partnership: Partnership
    label: str
    #: Subqueries of profile ids whose union is the scope; empty: everyone the model scores.
    members: tuple[QuerySet[Any], ...] = ()
    #: The team whose caseload this is (team scopes only).
    team_id: int | None = None
    #: Sections of each person, beyond offending, the viewer must see for the person to be in
    #: the scope as they know it (a gallery's own section). Checked with the offending section
    #: on the access rows the ranking reads anyway, so ``members`` can stay a plain index
    #: lookup instead of a subquery through the policy per row.
    sections: tuple[str, ...] = ()

    @property
    def required(self) -> int:
        """The section bits a person must show the viewer to be ranked (offending and more)."""
        bits = BIT[Section.OFFENDING]
        for section in self.sections:
            bits |= BIT[section]
        return bits

    def condition(self, field_name: str = "profile_id") -> Q | None:
        """A filter on ``field_name`` (a profile id) keeping only the scope's people (``IN``):
        for short lists of candidates, where reading the whole scope once is cheap."""
        if not self.members:
            return None
        condition = Q(pk__in=[])
        for ids in self.members:
            condition |= Q(**{f"{field_name}__in": ids})
        return condition

    def contains(self, field_name: str = "profile_id") -> Q | None:
        """The same filter as a correlated ``EXISTS`` per row: for walking the score index from
        the top, where building the whole scope first (a gallery of 50,000) would cost more
        than the few lookups the walk needs. Each member queryset is filtered on its one
        output column, so galleries' membership tables need an index on their profile column.
        """
        if not self.members:
            return None
        condition = Q(pk__in=[])
        for ids in self.members:
            column = ids.query.values_select[0]
            condition |= Q(Exists(ids.filter(**{column: OuterRef(field_name)})))
        return condition


def partnership_scope(partnership: Partnership) -> RankingScope:
    """Everyone the partnership's model scores."""
    return RankingScope(
        kind=ScopeKind.PARTNERSHIP,
        key=partnership.short_name,
        partnership=partnership,
        label=partnership.name,
    )


def case_type_scope(viewer: policy.Viewer, case_type: CaseType) -> RankingScope:
    """Members of the case type's open cases, in cases whose members the viewer may see."""
    cases = policy.visible(
        viewer,
        Case.objects.filter(case_type=case_type, status=CaseStatus.OPEN),
        section=Section.MEMBERS,
    )
    return RankingScope(
        kind=ScopeKind.CASE_TYPE,
        key=str(case_type.code),
        partnership=case_type.partnership,
        label=case_type.name,
        members=(CaseMember.objects.filter(case__in=cases.values("pk")).values("profile_id"),),
    )


def team_scope(team: Team) -> RankingScope:
    """The team's caseload: people it owns, and members of its open cases."""
    partnership = team.organisation.partnership
    if partnership is None:
        raise ValueError("A national team's caseload has no partnership model to rank it.")
    return RankingScope(
        kind=ScopeKind.TEAM,
        key=str(team.code),
        partnership=partnership,
        label=team.name,
        team_id=team.pk,
        members=(
            Profile.objects.filter(owning_team=team).values("pk"),
            CaseMember.objects.filter(case__owning_team=team, case__status=CaseStatus.OPEN).values(
                "profile_id"
            ),
        ),
    )


def cohort_scope(
    *,
    kind: str,
    key: str,
    partnership: Partnership,
    label: str,
    profile_ids: QuerySet[Any],
    sections: tuple[str, ...] = (),
) -> RankingScope:
    """Any cohort (a gallery): ``profile_ids`` a values queryset of its people; a person counts
    for the viewer only when they also see ``sections`` of them (the cohort's own rule)."""
    return RankingScope(
        kind=kind,
        key=key,
        partnership=partnership,
        label=label,
        members=(profile_ids,),
        sections=sections,
    )


@dataclass(frozen=True)
class RankingRow:
    """One person in a ranking, as the viewer may see them."""

    position: int
    profile: Profile
    identified: bool  # the viewer sees who they are (identity), not only their offending
    total: Decimal
    offences_counted: int
    score_position: int | None  # their place by score alone (None: pinned with no score)
    override: RankingOverride | None


@dataclass
class Ranking:
    """A scope's top N for one viewer, model and window, and how it was found."""

    scope: RankingScope
    model: HarmModel | None
    window_days: int
    limit: int
    as_of: date
    rows: list[RankingRow] = field(default_factory=list)
    excluded: list[RankingRow] = field(default_factory=list)
    plan: str = ""

    @property
    def profile_ids(self) -> list[int]:
        return [row.profile.pk for row in self.rows]


def _scored(model: HarmModel, window_days: int, scope: RankingScope) -> QuerySet[HarmScore]:
    scores = HarmScore.objects.filter(model=model, window_days=window_days, total__gt=0)
    condition = scope.contains()
    return scores.filter(condition) if condition is not None else scores


Row = tuple[int, Decimal, int]
ORDER = ("-total", "profile_id")
FIELDS = ("profile_id", "total", "offences_counted")


def _stages(want: int) -> list[int]:
    """Where each score-first stage ends: 4, then 16 times what is wanted, then the probe."""
    return sorted({min(4 * want, PROBE), min(16 * want, PROBE), PROBE})


def _top_scores(
    viewer: policy.Viewer,
    scores: QuerySet[HarmScore],
    want: int,
    masks: dict[int, int],
    scope: RankingScope,
) -> tuple[list[Row], str]:
    """(profile id, total, offences counted) of the viewer's top ``want`` scores, and the plan.

    Score first, in at most three stages: the next slice of the highest scores in the scope
    (walking the score index, checking the scope per row), then one access-table query for the
    viewer's sections of those people; stop as soon as ``want`` are visible. Most viewers see
    enough of the top scorers to stop at the first stage (two queries). When the rate found so
    far says ``PROBE`` rows would not hold enough (or after them), visible first: the viewer's
    people with the offending section (read per principal from the access table's list index)
    joined to their scores. ``masks`` collects the sections found.
    """
    walk = scores.order_by(*ORDER).values_list(*FIELDS)
    required = scope.required
    found: list[Row] = []
    start = 0
    for end in _stages(want):
        chunk: list[Row] = list(walk[start:end])
        masks.update(policy.section_masks(viewer, RecordKind.PROFILE, [r[0] for r in chunk]))
        found += [row for row in chunk if (masks.get(row[0], 0) & required) == required]
        if len(found) >= want or len(chunk) < end - start:
            return found[:want], "score_first"
        if want * end > PROBE * len(found):
            break  # at this rate the probe would not find enough: go visible first now
        start = end
    for section in (Section.OFFENDING, *scope.sections):
        visible = policy.visible_ids(viewer, RecordKind.PROFILE, section=section)
        # IN, not __in_ids: with ORDER BY and LIMIT an array could tempt PostgreSQL to walk
        # the score index and search the array for every row; not measured (lib/lookups.py).
        scores = scores.filter(profile_id__in=visible)
    rows = scores.order_by(*ORDER).values_list(*FIELDS)[:want]
    return list(rows), "visible_first"


def _overrides(scope: RankingScope) -> list[RankingOverride]:
    return list(
        RankingOverride.objects.filter(
            scope_kind=scope.kind, scope_key=scope.key, ended_at__isnull=True
        )
        .select_related("created_by", "created_by_team")
        .order_by("created_at", "pk")
    )


def _arrange(pinned: list[int], ranked: list[int], moves: list[RankingOverride]) -> list[int]:
    """Pinned people first, then the ranked ones with raises and lowers applied in turn."""
    order = pinned + [pk for pk in ranked if pk not in pinned]
    floor = len(pinned)
    for override in moves:
        if override.profile_id not in order[floor:]:
            continue
        index = order.index(override.profile_id)
        step = -override.places if override.action == OverrideAction.RAISE else override.places
        target = max(floor, min(len(order) - 1, index + step))
        order.insert(target, order.pop(index))
    return order


def priority_ranking(
    *,
    viewer: policy.Viewer,
    scope: RankingScope,
    window_days: int,
    limit: int = DEFAULT_LIMIT,
    model: HarmModel | None = None,
    kind: str = HarmModelKind.CHI,
) -> Ranking:
    """The scope's top ``limit`` people by harm that the viewer may see, overrides applied.

    Queries do not grow with the data: the model, the overrides, the scores (one query, or three
    when the visible-first plan is needed), the viewer's sections of the people shown, any pinned
    person's score, and the people themselves.
    """
    model = model or active_model(partnership_id=scope.partnership.pk, kind=kind)
    ranking = Ranking(
        scope=scope, model=model, window_days=window_days, limit=limit, as_of=timezone.localdate()
    )
    if model is None or not viewer.principals:
        return ranking
    if window_days not in model.windows:
        raise ValueError(f"Model {model.pk} has no {window_days}-day window.")
    overrides = _overrides(scope)
    excluded = {o.profile_id for o in overrides if o.action == OverrideAction.EXCLUDE}
    scores = _scored(model, window_days, scope)
    masks: dict[int, int] = {}
    top, ranking.plan = _top_scores(
        viewer,
        scores.exclude(profile_id__in=sorted(excluded)),
        limit + len(overrides),
        masks,
        scope,
    )
    by_id: dict[int, tuple[Decimal, int, int | None]] = {
        pk: (total, counted, place) for place, (pk, total, counted) in enumerate(top, 1)
    }
    # People an override names are shown only when they are in the scope as this viewer knows
    # it (a pin must not reveal that someone is in a case the viewer cannot see the members of).
    named = _in_scope(scope, {o.profile_id for o in overrides} - set(by_id))
    unknown = sorted(({*by_id, *named}) - set(masks))
    if unknown:
        masks.update(policy.section_masks(viewer, RecordKind.PROFILE, unknown))
    required = scope.required
    offending = {pk for pk, mask in masks.items() if (mask & required) == required}
    pinned = [
        o.profile_id
        for o in overrides
        if o.action == OverrideAction.PIN and o.profile_id in offending
    ]
    _add_pinned_scores(by_id, pinned, model, window_days)
    moves = [o for o in overrides if o.action in (OverrideAction.RAISE, OverrideAction.LOWER)]
    order = _arrange(pinned, [pk for pk, *_ in top], moves)[:limit]
    shown_excluded = [pk for pk in sorted(excluded) if pk in offending and pk in named]
    people = Profile.objects.in_bulk([*order, *shown_excluded])
    by_override = {o.profile_id: o for o in overrides}

    def row(position: int, pk: int) -> RankingRow:
        total, counted, place = by_id.get(pk, (Decimal(0), 0, None))
        return RankingRow(
            position=position,
            profile=people[pk],
            identified=bool(masks.get(pk, 0) & BIT[Section.IDENTITY]),
            total=total,
            offences_counted=counted,
            score_position=place,
            override=by_override.get(pk),
        )

    ranking.rows = [row(position, pk) for position, pk in enumerate(order, 1)]
    ranking.excluded = [row(0, pk) for pk in shown_excluded]
    return ranking


def _in_scope(scope: RankingScope, ids: set[int]) -> set[int]:
    """Of these people, those in the scope (one query; none for a partnership-wide scope)."""
    condition = scope.condition("pk")
    if not ids or condition is None:
        return ids
    return set(Profile.objects.filter(condition, pk__in=sorted(ids)).values_list("pk", flat=True))


def _add_pinned_scores(
    by_id: dict[int, tuple[Decimal, int, int | None]],
    pinned: list[int],
    model: HarmModel,
    window_days: int,
) -> None:
    """Scores of pinned people who are not among the top scores (one query, or none)."""
    missing = [pk for pk in pinned if pk not in by_id]
    if not missing:
        return
    rows = HarmScore.objects.filter(
        model=model, window_days=window_days, profile_id__in=missing
    ).values_list("profile_id", "total", "offences_counted")
    for pk, total, counted in rows:
        by_id[pk] = (total, counted, None)


def live_override(*, scope: RankingScope, code: Any) -> RankingOverride | None:
    """A live override of this scope by its code; None when there is none (or it ended)."""
    try:
        return (
            RankingOverride.objects.select_related("profile")
            .filter(code=code, scope_kind=scope.kind, scope_key=scope.key, ended_at__isnull=True)
            .first()
        )
    except (ValueError, TypeError):
        return None
