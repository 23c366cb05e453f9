"""The gallery pages: the list of galleries, a gallery's members, saved views, and the export.

A gallery the viewer's team may not open answers 404 (as if it did not exist). Its members are
read through ``selectors.members``, which keeps only the people whose gallery section the policy
shows the viewer; names and answers are shown per person as far as their sections allow. Every
page of members and every export is audited (``services.disclosures``); at the "audited" access
level a team outside the managers states its purpose first, as on an audited case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from roundtable.galleries import access, exports
from roundtable.galleries.forms import MemberFilterForm, SavedViewForm, known_query
from roundtable.galleries.models import Gallery, MembershipState, SavedView
from roundtable.galleries.selectors import galleries as selectors
from roundtable.galleries.selectors import members as member_selectors
from roundtable.galleries.selectors.saved_views import saved_views_for
from roundtable.galleries.services import disclosures
from roundtable.galleries.services import saved_views as view_services
from roundtable.records import purpose as purpose_rules
from roundtable.records.views.pages import acting_team
from roundtable.sharing import policy


class _Reached:
    """What ``records.purpose`` needs to remember a purpose: the record (here, the gallery)."""

    def __init__(self, gallery: Gallery) -> None:
        self.record = gallery


def reach_gallery(request: HttpRequest, code: UUID) -> tuple[policy.Viewer, Gallery]:
    """The viewer and the gallery they may open; 404 when they may not (or it does not exist)."""
    acting_team(request)  # 403 without a team
    viewer = policy.viewer_for(request)
    gallery = selectors.gallery_for(viewer, code)
    if gallery is None:
        raise Http404
    return viewer, gallery


def stated_purpose(request: HttpRequest, viewer: policy.Viewer, gallery: Gallery) -> str | None:
    """The purpose this reader gave (or "" when none is needed); None while still to be asked."""
    if not access.needs_purpose(viewer, gallery):
        return ""
    return purpose_rules.remembered_purpose(request, _Reached(gallery)) or None


#: The furthest page a link may ask for: past the end it shows the last page (or, beyond an
#: uncounted total, an empty one); a number too large for the database's OFFSET is not an error.
MAX_PAGE = 10_000


@login_required
@require_GET
def gallery_list(request: HttpRequest) -> HttpResponse:
    """The galleries the acting team may open."""
    acting_team(request)
    viewer = policy.viewer_for(request)
    galleries = list(selectors.galleries_for(viewer).prefetch_related("managing_teams"))
    return render(request, "galleries/list.html", {"galleries": galleries})


@login_required
@require_http_methods(["GET", "POST"])
def gallery_purpose(request: HttpRequest, code: UUID) -> HttpResponse:
    """At the audited level: why this team opens the gallery (kept with every view's audit)."""
    viewer, gallery = reach_gallery(request, code)
    back = request.GET.get("next", "")
    target = back if back.startswith(gallery.get_absolute_url()) else gallery.get_absolute_url()
    if not access.needs_purpose(viewer, gallery):
        return redirect(target)
    form = purpose_rules.PurposeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        purpose_rules.remember_purpose(request, _Reached(gallery), form.cleaned_data["purpose"])
        return redirect(target)
    status = 400 if form.errors else 200
    return render(
        request, "galleries/purpose.html", {"gallery": gallery, "form": form}, status=status
    )


def _ask_purpose(request: HttpRequest, gallery: Gallery) -> HttpResponse:
    url = reverse("galleries:gallery_purpose", kwargs={"code": gallery.code})
    return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")


def _filters(
    request: HttpRequest, viewer: policy.Viewer, gallery: Gallery
) -> tuple[MemberFilterForm, member_selectors.GalleryForm]:
    form_spec = member_selectors.gallery_form(gallery)
    data = request.GET.copy()
    for name in ("page", "view"):
        data.pop(name, None)
    form = MemberFilterForm(
        data or None,
        gallery=gallery,
        form=form_spec,
        may_see_removed=access.is_manager(viewer, gallery),
    )
    return form, form_spec


def _sort_links(form: MemberFilterForm, query: member_selectors.MemberQuery) -> dict[str, str]:
    """Each sortable column's link: ascending, or the other way if it is the sort already."""
    base = {k: v for k, v in form.data.items() if k not in ("sort", "dir")} if form.is_bound else {}
    links = {}
    for value in form.sort_values:
        direction = "asc"
        if query.sort == value and not query.descending:
            direction = "desc"
        links[str(value)] = "?" + urlencode({**base, "sort": value, "dir": direction})
    return links


@dataclass(frozen=True)
class ColumnHeader:
    """A gallery field's column heading: its sort link, and how the table is sorted by it."""

    label: str
    link: str
    aria_sort: str


def _column_headers(
    form_spec: member_selectors.GalleryForm,
    query: member_selectors.MemberQuery,
    links: dict[str, str],
) -> list[ColumnHeader]:
    """Worked out here, not by the template (which looked each column up in every link)."""
    headers = []
    for column in form_spec.promoted:
        value = f"f_{column.key}"
        aria = ""
        if query.sort == value:
            aria = "descending" if query.descending else "ascending"
        headers.append(ColumnHeader(str(column.label), links.get(value, ""), aria))
    return headers


@login_required
@require_GET
def gallery_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    """The gallery's members the viewer may see: filtered, sorted, paged and audited."""
    viewer, gallery = reach_gallery(request, code)
    purpose = stated_purpose(request, viewer, gallery)
    if purpose is None:
        return _ask_purpose(request, gallery)
    form, form_spec = _filters(request, viewer, gallery)
    query = form.query()
    try:
        number = min(max(int(request.GET.get("page", "1")), 1), MAX_PAGE)
    except ValueError:
        number = 1
    page = member_selectors.member_page(
        viewer,
        gallery,
        form_spec,
        query,
        number=number,
        per_page=member_selectors.PER_PAGE,
        count_all=request.GET.get("count") == "all",
    )
    disclosures.gallery_page_audit(
        gallery=gallery,
        shown=[(str(row.spell.code), str(row.spell.profile.code)) for row in page.rows],
        count=page.count,
        count_exact=page.exact,
        filters=query.describe(),
        page=page.number,
        justification=purpose,
    )
    kept = form.query_string()
    key = {"scope": "gallery", "key": str(gallery.code)}
    sort_links = _sort_links(form, query)
    context: dict[str, Any] = {
        "gallery": gallery,
        "form": form,
        "query": query,
        "page": page,
        "column_headers": _column_headers(form_spec, query, sort_links),
        "kept": kept,
        "sort_links": sort_links,
        "is_manager": access.is_manager(viewer, gallery),
        "removed": query.state == MembershipState.REMOVED,
        "saved_views": saved_views_for(request.user, viewer, gallery),
        "save_form": SavedViewForm(initial={"query": kept}),
        "ranking_url": reverse("risk:ranking", kwargs=key),
        "pattern_url": reverse("risk:ranking_pattern", kwargs=key),
        "export_query": kept,
        "today": timezone.localdate(),
    }
    return render(request, "galleries/detail.html", context)


@login_required
@require_GET
def gallery_export(request: HttpRequest, code: UUID, file_format: str) -> HttpResponseBase:
    """The filtered members as CSV or XLSX: marked, masked, capped and audited as a disclosure."""
    if file_format not in ("csv", "xlsx"):
        raise Http404
    viewer, gallery = reach_gallery(request, code)
    purpose = stated_purpose(request, viewer, gallery)
    if purpose is None:
        return _ask_purpose(request, gallery)
    form, form_spec = _filters(request, viewer, gallery)
    back = f"{gallery.get_absolute_url()}?{form.query_string()}"
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Correct the filters before exporting."))
        return redirect(back)
    query = form.query()
    rows = member_selectors.export_rows(viewer, gallery, form_spec, query, exports.MAX_ROWS + 1)
    if len(rows) > exports.MAX_ROWS:
        messages.error(
            request,
            _("An export can hold at most %(limit)s people. Narrow the filters and try again.")
            % {"limit": f"{exports.MAX_ROWS:,}"},
        )
        return redirect(back)
    user: Any = request.user
    team = acting_team(request)
    plan = exports.export_plan(
        viewer,
        gallery,
        form_spec,
        rows,
        removed=query.state == MembershipState.REMOVED,
        exported_by=f"{user.full_name}, {team.name}",
        filters=", ".join(f"{k}={v}" for k, v in query.describe().items()),
    )
    disclosures.gallery_export_audit(
        gallery=gallery,
        shown=[(membership, profile) for _pk, _pid, membership, profile in rows],
        filters=query.describe(),
        file_format=file_format,
        sections=plan.sections,
        justification=purpose,
    )
    stamp = timezone.localtime(plan.exported_at).strftime("%Y%m%d-%H%M")
    filename = f"{gallery.slug}-{stamp}-OFFICIAL-SENSITIVE.{file_format}"
    response: HttpResponseBase
    if file_format == "csv":
        response = StreamingHttpResponse(
            exports.csv_stream(viewer, plan), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    else:
        response = FileResponse(
            exports.xlsx_file(viewer, plan),
            as_attachment=True,
            filename=filename,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Saved views --------------------------------------------------------------------------------


@login_required
@require_POST
def saved_view_save(request: HttpRequest, code: UUID) -> HttpResponse:
    """Save the page's filters and sort under a name."""
    viewer, gallery = reach_gallery(request, code)
    form = SavedViewForm(request.POST)
    filters, _spec = _filters(request, viewer, gallery)
    back = gallery.get_absolute_url()
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    query, dropped = known_query(form.cleaned_data["query"], filters)
    try:
        view_services.saved_view_create(
            actor=request.user,  # type: ignore[arg-type]
            team=acting_team(request),
            gallery=gallery,
            name=form.cleaned_data["name"],
            query=query,
            shared=form.cleaned_data["shared"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(f"{back}?{query}" if query else back)
    del dropped  # a fresh page's query holds nothing unknown; anything else is simply not kept
    messages.success(request, _("View saved."))
    return redirect(f"{back}?{query}" if query else back)


@login_required
@require_GET
def saved_view_apply(request: HttpRequest, code: UUID, view_id: int) -> HttpResponse:
    """Open the gallery with a saved view's filters, checked again: unknown ones are dropped."""
    viewer, gallery = reach_gallery(request, code)
    view = get_object_or_404(saved_views_for(request.user, viewer, gallery), pk=view_id)
    filters, _spec = _filters(request, viewer, gallery)
    query, dropped = known_query(view.query, filters)
    if dropped:
        messages.warning(
            request,
            _("Some of this view's filters no longer exist and were left out: %(names)s.")
            % {"names": ", ".join(dropped)},
        )
    back = gallery.get_absolute_url()
    return redirect(f"{back}?{query}" if query else back)


@login_required
@require_POST
def saved_view_delete(request: HttpRequest, code: UUID, view_id: int) -> HttpResponse:
    """Delete one of my saved views."""
    _viewer, gallery = reach_gallery(request, code)
    view: SavedView = get_object_or_404(
        SavedView.objects.select_related("gallery"),
        pk=view_id,
        gallery=gallery,
        owner=request.user,
    )
    view_services.saved_view_delete(actor=request.user, view=view)  # type: ignore[arg-type]
    messages.success(request, _("Saved view deleted."))
    return redirect(gallery.get_absolute_url())
