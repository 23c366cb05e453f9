"""A person's harm scores with their working, and their offending pattern.

Shown only to viewers who see the person's offending section; anyone else who sees the record
gets the withheld page, and a signpost-only or hidden person is a 404. Every score is worked out
in front of the reader: each offence, counted or not and why, its weight, recency factor and
contribution, and the model version. Every page carries the advisory notice and is audited.
"""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from roundtable.records.models import Profile
from roundtable.risk import charts
from roundtable.risk.forms import PatternForm, ScoreChoiceForm, window_label
from roundtable.risk.models import HarmModel
from roundtable.risk.scoring import add_months
from roundtable.risk.selectors.harm import models_for_person, score_working
from roundtable.risk.selectors.patterns import Pattern, offending_pattern
from roundtable.risk.views.common import (
    audit_person_page,
    person_heading,
    reach_person,
    withheld_page,
)
from roundtable.sharing.sections import Section


def _chosen(request: HttpRequest, models: list[HarmModel]) -> tuple[HarmModel | None, int]:
    """The version and window asked for in the query string, or the first on offer."""
    form = ScoreChoiceForm(request.GET)
    form.fields["model"].choices = [(str(m.code), "") for m in models]  # type: ignore[attr-defined]
    windows = sorted({int(days) for m in models for days in m.windows})
    form.fields["window"].choices = [(days, "") for days in windows]  # type: ignore[attr-defined]
    valid = form.is_valid()
    wanted = form.cleaned_data.get("model") if valid else None
    model = next((m for m in models if str(m.code) == wanted), models[0] if models else None)
    asked = form.cleaned_data.get("window") if valid else None
    if model is None:
        return None, 0
    offered = [int(days) for days in model.windows]
    return model, asked if asked in offered else offered[0]


@login_required
@require_GET
def person_harm(request: HttpRequest, code: UUID) -> HttpResponse:
    """The person's score under a version and window, with the working line by line."""
    reached = reach_person(request, code)
    if not reached.shows(Section.OFFENDING):
        return withheld_page(request, reached, _("Harm scores"))
    models = models_for_person(
        profile=reached.record, viewer_partnership_id=reached.viewer.partnership_id
    )
    model, window = _chosen(request, models)
    working = (
        score_working(profile=reached.record, model=model, window_days=window) if model else None
    )
    choices = [
        {
            "model": option,
            "windows": [(days, window_label(int(days))) for days in option.windows],
        }
        for option in models
    ]
    audit_person_page(
        reached,
        page="harm_score",
        shown=[Section.OFFENDING],
        detail={"model": str(model.code) if model else None, "window_days": window},
    )
    context = {
        "profile": reached.record,
        "heading": person_heading(reached),
        "working": working,
        "model": model,
        "window": window,
        "window_label": window_label(window) if window else "",
        "choices": choices,
        "urls": person_urls(reached.record),
    }
    return render(request, "risk/person/harm.html", context)


def person_urls(profile: Profile) -> dict[str, str]:
    return {
        "list": reverse("risk:offence_list", kwargs={"code": profile.code}),
        "harm": reverse("risk:person_harm", kwargs={"code": profile.code}),
        "pattern": reverse("risk:person_pattern", kwargs={"code": profile.code}),
    }


def pattern_context(
    pattern: Pattern, keep: list[tuple[str, object]] | None = None
) -> dict[str, object]:
    """The charts of a pattern, beside the figures their tables show."""
    return {
        "pattern": pattern,
        "keep": keep or [],
        "month_choices": PatternForm.base_fields["months"].choices,  # type: ignore[attr-defined]
        "mix_chart": charts.bar_chart(pattern.mix),
        "month_chart": charts.column_chart(pattern.months),
        "heat_chart": charts.heat_map(pattern.heat),
        "place_chart": charts.bar_chart([(place.label, place.count) for place in pattern.places]),
        "days": charts.DAYS,
        "hours": list(range(24)),
        "heat_body": charts.heat_table_body(pattern.heat),
    }


def pattern_period(request: HttpRequest) -> tuple[int, date, date]:
    """(months, since, until) from the query string: the last 12, 24 or 36 months to today."""
    form = PatternForm(request.GET)
    months = (form.cleaned_data.get("months") if form.is_valid() else None) or 24
    until = timezone.localdate()
    since = add_months(until, -months) + timedelta(days=1)
    return months, since, until


@login_required
@require_GET
def person_pattern(request: HttpRequest, code: UUID) -> HttpResponse:
    """The person's offending pattern: mix, trend by month, day and hour, and places."""
    reached = reach_person(request, code)
    if not reached.shows(Section.OFFENDING):
        return withheld_page(request, reached, _("Offending pattern"))
    months, since, until = pattern_period(request)
    pattern = offending_pattern(
        viewer=reached.viewer,
        profile_ids=[reached.record.pk],
        since=since,
        until=until,
    )
    audit_person_page(
        reached, page="offending_pattern", shown=[Section.OFFENDING], detail={"months": months}
    )
    context = {
        "profile": reached.record,
        "heading": person_heading(reached),
        "months": months,
        "urls": person_urls(reached.record),
        **pattern_context(pattern),
    }
    return render(request, "risk/person/pattern.html", context)
