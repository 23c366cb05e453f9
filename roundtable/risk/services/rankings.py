"""Writes about rankings: overriding a person's place with a reason, ending it, and the audit of
every ranking and pattern shown.

Overrides are for the people who answer for a ranking: the managers of the team whose caseload
it is, and for partnership-wide, case type and gallery rankings the partnership's admins and its
team managers. They may override only people whose offending section they see. Each override
and its end are audited with the reason. A ranking or cohort pattern shown is audited once for
the ranking and once per person shown (so "who viewed this record" finds it), in one INSERT.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from roundtable.audit.models import Action
from roundtable.audit.services import audit_event_build, audit_record, audit_record_many
from roundtable.directory.models import Team, User
from roundtable.records.models import Profile
from roundtable.risk.models import OverrideAction, RankingOverride, ScopeKind
from roundtable.risk.models.rankings import MAX_PLACES, REASON_MAX_LENGTH
from roundtable.risk.selectors.rankings import RankingScope
from roundtable.risk.services.harm import can_manage_harm_models
from roundtable.sharing import policy
from roundtable.sharing.sections import Section

NOT_ALLOWED = (
    "Only the managers of the team (for a team's caseload) or the partnership's admins and team "
    "managers can override this ranking."
)
NOT_VISIBLE = "Choose a person whose offending you can see."


def may_override(viewer: policy.Viewer, user: Any, scope: RankingScope) -> bool:
    """Does this viewer answer for the ranking, so may set a person's place in it by hand?"""
    if viewer.team_id is None:
        return False
    if scope.kind == ScopeKind.TEAM:
        return viewer.is_team_manager and viewer.team_id == scope.team_id
    if can_manage_harm_models(user, scope.partnership.pk):
        return True
    return viewer.is_team_manager and viewer.partnership_id == scope.partnership.pk


def _check_reason(reason: str, missing: str) -> str:
    why = reason.strip()
    if not why:
        raise ValidationError({"reason": [missing]})
    if len(why) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": [f"The reason must be {REASON_MAX_LENGTH:,} characters or fewer."]}
        )
    return why


def _scope_detail(scope: RankingScope) -> dict[str, Any]:
    return {
        "scope": scope.kind,
        "scope_key": scope.key,
        "partnership": scope.partnership.short_name,
    }


@transaction.atomic
def ranking_override_create(
    *,
    actor: User,
    team: Team,
    scope: RankingScope,
    profile: Profile,
    action: str,
    places: int = 0,
    reason: str,
) -> RankingOverride:
    """Pin, raise, lower or exclude a person in one ranking scope, saying why."""
    viewer = policy.viewer_for_user(actor, team)
    if not may_override(viewer, actor, scope):
        raise ValidationError(NOT_ALLOWED)
    if not policy.can(viewer, policy.Action.VIEW, cast(policy.Record, profile), Section.OFFENDING):
        raise ValidationError(NOT_VISIBLE)
    if action not in OverrideAction.values:
        raise ValidationError({"action": ["Choose what to do with the person's place."]})
    moves = action in (OverrideAction.RAISE, OverrideAction.LOWER)
    if moves and not 1 <= places <= MAX_PLACES:
        raise ValidationError({"places": [f"Give a number of places from 1 to {MAX_PLACES}."]})
    why = _check_reason(reason, "Give the reason for overriding the ranking.")
    if RankingOverride.objects.filter(
        scope_kind=scope.kind, scope_key=scope.key, profile=profile, ended_at__isnull=True
    ).exists():
        raise ValidationError(
            "This person already has an override in this ranking: end it before setting another."
        )
    override = RankingOverride(
        scope_kind=scope.kind,
        scope_key=scope.key,
        partnership=scope.partnership,
        profile=profile,
        action=action,
        places=places if moves else 0,
        reason=why,
        created_by=actor,
        created_by_team=team,
        created_at=timezone.now(),
    )
    override.full_clean()
    override.save(force_insert=True)
    audit_record(
        action=Action.CREATE,
        target=profile,
        sections=[Section.OFFENDING],
        actor=actor,
        changes={"ranking_override": [None, {"action": action, "places": override.places}]},
        justification=why,
        detail={"ranking_override": str(override.code), **_scope_detail(scope)},
    )
    return override


@transaction.atomic
def ranking_override_end(
    *, actor: User, team: Team, scope: RankingScope, override: RankingOverride, reason: str
) -> RankingOverride:
    """End an override with a reason; the person goes back to where their score puts them."""
    viewer = policy.viewer_for_user(actor, team)
    if not may_override(viewer, actor, scope):
        raise ValidationError(NOT_ALLOWED)
    current = RankingOverride.objects.select_for_update().get(pk=override.pk)
    if current.ended_at is not None:
        raise ValidationError("This override has already ended.")
    why = _check_reason(reason, "Give the reason for ending the override.")
    current.ended_at = timezone.now()
    current.ended_by = actor
    current.ended_by_team = team
    current.end_reason = why
    current.full_clean()
    current.save(update_fields=["ended_at", "ended_by", "ended_by_team", "end_reason"])
    audit_record(
        action=Action.UPDATE,
        target=current.profile,
        sections=[Section.OFFENDING],
        actor=actor,
        changes={"ranking_override": [{"action": current.action}, None]},
        justification=why,
        detail={"ranking_override": str(current.code), **_scope_detail(scope)},
    )
    return current


@transaction.atomic
def ranking_view_audit(
    *, scope: RankingScope, page: str, people: Iterable[Profile], detail: Mapping[str, Any]
) -> None:
    """Audit a ranking or cohort pattern shown: one event for it, one per person, one INSERT."""
    shown = list(people)
    common = {"page": page, **_scope_detail(scope), **detail}
    events = [
        audit_event_build(
            action=Action.VIEW,
            target_type="risk.ranking",
            target_id=f"{scope.kind}:{scope.key}",
            target_label=f"Ranking: {scope.label}"[:200],
            result_count=len(shown),
            detail={**common, "people": [str(person.code) for person in shown]},
        )
    ]
    events += [
        audit_event_build(
            action=Action.VIEW,
            target=person,
            sections=[Section.OFFENDING],
            detail={**common, "position": position},
        )
        for position, person in enumerate(shown, 1)
    ]
    audit_record_many(events)
