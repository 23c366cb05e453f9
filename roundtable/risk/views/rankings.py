"""Priority ranking pages: the top N by harm in a scope, its cohort pattern, and overrides.

A scope is named in the address (``/risk/rankings/<scope>/<key>/``) and resolved by a registered
resolver: ``partnership`` (by short name), ``case-type`` (by code) and ``team`` (the acting team
only: a caseload is its own team's business). Galleries plug in with ``register_scope`` from
their app's ``ready``. Every ranking shows only people whose offending section the viewer sees,
carries the advisory notice, and is audited (the ranking, and each person shown).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from roundtable.directory.models import Partnership, Team
from roundtable.records.access import access_profile
from roundtable.records.models import CaseType
from roundtable.records.views.pages import acting_team
from roundtable.risk.forms import OverrideEndForm, OverrideForm, RankingForm, window_label
from roundtable.risk.models import HarmModel, HarmModelKind
from roundtable.risk.selectors.harm import active_model
from roundtable.risk.selectors.patterns import offending_pattern
from roundtable.risk.selectors.rankings import (
    DEFAULT_LIMIT,
    Ranking,
    RankingScope,
    case_type_scope,
    live_override,
    partnership_scope,
    priority_ranking,
    team_scope,
)
from roundtable.risk.services import rankings as services
from roundtable.risk.views.common import form_page, put_errors
from roundtable.risk.views.person import pattern_context, pattern_period
from roundtable.sharing import policy
from roundtable.sharing.sections import Section

ScopeResolver = Callable[[HttpRequest, str], RankingScope]


def _partnership(request: HttpRequest, key: str) -> RankingScope:
    # Only the partnership's own teams: another partnership's ranking would list none of its
    # people for them anyway, but would still tell them which harm model it uses.
    partnership = get_object_or_404(Partnership, short_name=key)
    if policy.viewer_for(request).partnership_id != partnership.pk:
        raise Http404
    return partnership_scope(partnership)


def _case_type(request: HttpRequest, key: str) -> RankingScope:
    try:
        case_type = CaseType.objects.select_related("partnership").get(code=key)
    except (CaseType.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    return case_type_scope(policy.viewer_for(request), case_type)


def _team(request: HttpRequest, key: str) -> RankingScope:
    team = getattr(request, "acting_team", None)
    if team is None or str(team.code) != key or team.organisation.partnership_id is None:
        raise Http404
    return team_scope(Team.objects.select_related("organisation__partnership").get(pk=team.pk))


_resolvers: dict[str, ScopeResolver] = {
    "partnership": _partnership,
    "case-type": _case_type,
    "team": _team,
}


def register_scope(slug: str, resolver: ScopeResolver) -> None:
    """Add a kind of ranking scope (a gallery) reachable at /risk/rankings/<slug>/<key>/.

    The resolver turns the key into a ``RankingScope`` (``cohort_scope``) for this request, or
    raises Http404 when the viewer may not know the cohort exists.
    """
    existing = _resolvers.get(slug)
    if existing is not None and existing is not resolver:
        raise ValueError(f"Ranking scope {slug} is already registered.")
    _resolvers[slug] = resolver


def _resolve(request: HttpRequest, scope: str, key: str) -> RankingScope:
    if getattr(request, "acting_team", None) is None:
        raise PermissionDenied
    resolver = _resolvers.get(scope)
    if resolver is None:
        raise Http404
    return resolver(request, key)


def _urls(scope_slug: str, key: str, query: str = "") -> dict[str, str]:
    args = {"scope": scope_slug, "key": key}
    suffix = f"?{query}" if query else ""
    return {
        "ranking": reverse("risk:ranking", kwargs=args) + suffix,
        "pattern": reverse("risk:ranking_pattern", kwargs=args) + suffix,
    }


def _ranking(request: HttpRequest, scope: RankingScope) -> tuple[Ranking, RankingForm, str]:
    """The ranking the query string asks for, its form, and the query string to keep."""
    kind = request.GET.get("kind") or HarmModelKind.CHI
    if kind not in HarmModelKind.values:
        kind = HarmModelKind.CHI
    model: HarmModel | None = active_model(partnership_id=scope.partnership.pk, kind=kind)
    windows = [int(days) for days in model.windows] if model else []
    form = RankingForm(request.GET or None, windows=windows)
    valid = form.is_valid() if form.is_bound else False
    window = (form.cleaned_data.get("window") if valid else None) or (windows[0] if windows else 0)
    limit = (form.cleaned_data.get("limit") if valid else None) or DEFAULT_LIMIT
    ranking = priority_ranking(
        viewer=policy.viewer_for(request),
        scope=scope,
        window_days=window,
        limit=limit,
        model=model,
        kind=kind,
    )
    query = urlencode({"kind": kind, "window": window, "limit": limit})
    return ranking, form, query


def _detail(ranking: Ranking) -> dict[str, Any]:
    return {
        "model": str(ranking.model.code) if ranking.model else None,
        "window_days": ranking.window_days,
        "limit": ranking.limit,
    }


@login_required
@require_GET
def ranking_index(request: HttpRequest) -> HttpResponse:
    """The rankings the viewer can open: their partnership, their team's caseload, case types."""
    team = getattr(request, "acting_team", None)
    if team is None:
        raise PermissionDenied
    partnership = team.organisation.partnership
    case_types = (
        list(CaseType.objects.filter(partnership=partnership, is_active=True).order_by("name"))
        if partnership is not None
        else []
    )
    context = {"team": team, "partnership": partnership, "case_types": case_types}
    return render(request, "risk/rankings/index.html", context)


@login_required
@require_GET
def ranking(request: HttpRequest, scope: str, key: str) -> HttpResponse:
    """The top N people by harm in the scope that the viewer may see, overrides applied."""
    resolved = _resolve(request, scope, key)
    result, form, query = _ranking(request, resolved)
    services.ranking_view_audit(
        scope=resolved,
        page="priority_ranking",
        people=[row.profile for row in [*result.rows, *result.excluded]],
        detail=_detail(result),
    )
    viewer = policy.viewer_for(request)
    context = {
        "ranking": result,
        "scope": resolved,
        "scope_slug": scope,
        "key": key,
        "form": form,
        "query": query,
        "urls": _urls(scope, key, query),
        "window_label": window_label(result.window_days) if result.window_days else "",
        "may_override": services.may_override(viewer, request.user, resolved),
        "kinds": HarmModelKind.choices,
    }
    return render(request, "risk/rankings/ranking.html", context)


@login_required
@require_GET
def ranking_pattern(request: HttpRequest, scope: str, key: str) -> HttpResponse:
    """The offending pattern of the ranking's people (only those the viewer may see)."""
    resolved = _resolve(request, scope, key)
    result, _form, query = _ranking(request, resolved)
    months, since, until = pattern_period(request)
    pattern = offending_pattern(
        viewer=policy.viewer_for(request), profile_ids=result.profile_ids, since=since, until=until
    )
    services.ranking_view_audit(
        scope=resolved,
        page="cohort_pattern",
        people=[row.profile for row in result.rows],
        detail={**_detail(result), "months": months},
    )
    context = {
        "ranking": result,
        "scope": resolved,
        "months": months,
        "urls": _urls(scope, key, query),
        "query": query,
        **pattern_context(
            pattern,
            keep=[
                ("kind", result.model.kind if result.model else ""),
                ("window", result.window_days),
                ("limit", result.limit),
            ],
        ),
    }
    return render(request, "risk/rankings/pattern.html", context)


def _may_override(request: HttpRequest, scope: str, key: str) -> RankingScope:
    resolved = _resolve(request, scope, key)
    if not services.may_override(policy.viewer_for(request), request.user, resolved):
        raise PermissionDenied
    return resolved


@login_required
@require_http_methods(["GET", "POST"])
def override_add(request: HttpRequest, scope: str, key: str, person: UUID) -> HttpResponse:
    """Pin, raise, lower or exclude one person in this ranking, with a reason."""
    resolved = _may_override(request, scope, key)
    reached = access_profile(
        request, str(person), action=policy.Action.VIEW, section=Section.OFFENDING
    )
    team = acting_team(request)
    back = _urls(scope, key, request.GET.urlencode())["ranking"]
    form = OverrideForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.ranking_override_create(
                actor=request.user,  # type: ignore[arg-type]
                team=team,
                scope=resolved,
                profile=reached.record,
                action=form.cleaned_data["action"],
                places=form.cleaned_data.get("places") or 0,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            put_errors(form, error)
        else:
            messages.success(request, _("Override saved, with your reason."))
            return redirect(back)
    name = reached.record.display_name if reached.shows(Section.IDENTITY) else _("this person")
    return form_page(
        request,
        form,
        title=_("Override the ranking for %(name)s") % {"name": name},
        caption=_("Ranking: %(label)s") % {"label": resolved.label},
        submit=_("Save override"),
        back=back,
        intro=_(
            "Scores are advisory. Use an override when you know something the score does not: "
            "your reason is shown beside the person in this ranking."
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def override_end(request: HttpRequest, scope: str, key: str, override: UUID) -> HttpResponse:
    """End an override with a reason; the person goes back to where their score puts them."""
    resolved = _may_override(request, scope, key)
    found = live_override(scope=resolved, code=override)
    if found is None:
        raise Http404
    reached = access_profile(
        request, str(found.profile.code), action=policy.Action.VIEW, section=Section.OFFENDING
    )
    team = acting_team(request)
    back = _urls(scope, key, request.GET.urlencode())["ranking"]
    form = OverrideEndForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.ranking_override_end(
                actor=request.user,  # type: ignore[arg-type]
                team=team,
                scope=resolved,
                override=found,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            put_errors(form, error)
        else:
            messages.success(request, _("Override ended."))
            return redirect(back)
    name = reached.record.display_name if reached.shows(Section.IDENTITY) else _("this person")
    return form_page(
        request,
        form,
        title=_("End the override for %(name)s") % {"name": name},
        caption=_("Ranking: %(label)s") % {"label": resolved.label},
        submit=_("End override"),
        back=back,
        intro=str(found.get_action_display()) + ": " + found.reason,
    )
