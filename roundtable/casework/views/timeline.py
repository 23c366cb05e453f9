"""The case timeline page: everything on a case the viewer may see, newest first, filterable.

Thin: reaches the case through ``records.access`` (hidden or missing: 404), asks
``casework.selectors.timeline`` (whose sources each apply the policy), pages the result and
audits the sections of the items shown. It knows no source by name.
"""

from __future__ import annotations

from urllib.parse import urlencode
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from roundtable.casework import timeline
from roundtable.casework.forms.diary import TimelineFilterForm
from roundtable.casework.selectors.timeline import case_timeline, kind_label
from roundtable.casework.views.pages import (
    audit_shown,
    heading,
    purpose_gate,
    reach,
    withheld_context,
)

ITEMS_PER_PAGE = 50


@login_required
@require_http_methods(["GET", "POST"])  # POST only to state a purpose
def case_timeline_page(request: HttpRequest, code: UUID) -> HttpResponse:
    """A case's timeline: diary, stage changes and every other registered source, merged."""
    reached = reach(request, "case", code)
    purpose, gate = purpose_gate(request, reached)
    if gate is not None:
        return gate
    choices = [(kind, kind_label(kind)) for kind in timeline.sources()]
    form = TimelineFilterForm(request.GET or None, kinds=choices)
    kinds, since, until = None, None, None
    if form.is_bound and form.is_valid():
        kinds = form.cleaned_data["kinds"] or None
        since, until = form.window()
    items = case_timeline(
        viewer=reached.viewer, case=reached.record, kinds=kinds, since=since, until=until
    )
    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page", 1))
    shown = list(page.object_list)
    filters = _filters(request)
    context = {
        "reached": reached,
        "record": reached.record,
        "case": reached.record,
        "heading": heading(reached),
        "form": form,
        "page": page,
        "items": shown,
        "filters": filters,
        "filtered": kinds is not None or since is not None or until is not None,
        **withheld_context(reached),
    }
    audit_shown(
        reached,
        page="timeline",
        sections=[item.section for item in shown if item.section],
        justification=purpose,
    )
    return render(
        request, "casework/timeline/case_timeline.html", context, status=400 if form.errors else 200
    )


def _filters(request: HttpRequest) -> str:
    """The page's filters as a query string, for the pagination links."""
    return urlencode(
        [(key, value) for key, values in request.GET.lists() if key != "page" for value in values]
    )
