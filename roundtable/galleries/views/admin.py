"""Gallery definitions for partnership admins: set up, change, close and reopen a gallery.

Only a partnership admin reaches these pages (anyone else: 403), and only for their own
partnership's galleries (another's: 404). A gallery's fields are its form, edited on the forms
pages (linked from here). The rules live in ``services.galleries``.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from roundtable.directory.models import Partnership, Team
from roundtable.galleries.forms import GalleryDefinitionForm, VersionOnlyForm
from roundtable.galleries.models import Gallery
from roundtable.galleries.services import galleries as services
from roundtable.galleries.views.memberships import _page
from roundtable.records.forms.cases import add_service_errors
from roundtable.records.views.case_types import _partnership_id


def _gallery(request: HttpRequest, code: UUID) -> Gallery:
    return get_object_or_404(
        Gallery.objects.select_related("partnership", "form"),
        code=code,
        partnership_id=_partnership_id(request),
    )


def _teams(partnership_id: int) -> list[Team]:
    return list(
        Team.objects.filter(organisation__partnership_id=partnership_id, is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def _details(form: GalleryDefinitionForm) -> services.GalleryDetails:
    data = form.cleaned_data
    return services.GalleryDetails(
        name=data["name"],
        purpose=data["purpose"],
        eligibility=data.get("eligibility") or "",
        access=data["access"],
        access_level=data["access_level"],
        section=data["section"],
        statuses=tuple(line for line in (data.get("statuses") or "").splitlines() if line.strip()),
        retention_months=data["retention_months"],
        managing_teams=form.chosen("managing_teams"),
        viewer_teams=form.chosen("viewer_teams"),
    )


@login_required
def definition_list(request: HttpRequest) -> HttpResponse:
    """The partnership's galleries, open and closed."""
    galleries = Gallery.objects.filter(partnership_id=_partnership_id(request)).order_by("name")
    return render(request, "galleries/admin/list.html", {"galleries": galleries})


@login_required
@require_http_methods(["GET", "POST"])
def definition_create(request: HttpRequest) -> HttpResponse:
    """Set up a gallery; its fields are added afterwards on its form."""
    partnership_id = _partnership_id(request)
    teams = _teams(partnership_id)
    posted = request.method == "POST"
    form = GalleryDefinitionForm(
        request.POST if posted else None,
        teams=teams,
        initial={
            "access": "teams",
            "access_level": "open",
            "section": "risk",
            "retention_months": 24,
        },
    )
    if posted and form.is_valid():
        try:
            gallery = services.gallery_create(
                actor=request.user,  # type: ignore[arg-type]
                partnership=Partnership.objects.get(pk=partnership_id),
                details=_details(form),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Gallery %(name)s set up. Now add its fields.") % {"name": gallery.name}
            )
            return redirect("galleries:definition_detail", code=gallery.code)
    return _page(
        request,
        form,
        title=_("Set up a gallery"),
        caption=_("Galleries"),
        submit=_("Save gallery"),
        back=reverse("galleries:definition_list"),
    )


@login_required
def definition_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    """A gallery's definition, its teams, and links to its fields and its page."""
    gallery = _gallery(request, code)
    context: dict[str, Any] = {
        "gallery": gallery,
        "managing": list(gallery.managing_teams.select_related("organisation").order_by("name")),
        "viewers": list(gallery.viewer_teams.select_related("organisation").order_by("name")),
        "close_form": VersionOnlyForm(initial={"version": gallery.version}),
    }
    return render(request, "galleries/admin/detail.html", context)


def _values(gallery: Gallery) -> list[tuple[str, str]]:
    return [
        (_("Name"), gallery.name),
        (_("Purpose"), gallery.purpose),
        (_("Who may open it"), str(gallery.get_access_display())),
        (_("Access level"), str(gallery.get_access_level_display())),
        (_("Statuses"), ", ".join(gallery.statuses) or "-"),
        (_("Retention"), f"{gallery.retention_months} months"),
    ]


@login_required
@require_http_methods(["GET", "POST"])
def definition_edit(request: HttpRequest, code: UUID) -> HttpResponse:
    """Change a gallery's definition; a stale save shows it as it is now and saves nothing."""
    gallery = _gallery(request, code)
    teams = _teams(gallery.partnership_id)
    posted = request.method == "POST"
    form = GalleryDefinitionForm(
        request.POST if posted else None,
        teams=teams,
        initial=GalleryDefinitionForm.initial_for(gallery),
    )
    conflict = None
    if posted and form.is_valid():
        try:
            services.gallery_update(
                actor=request.user,  # type: ignore[arg-type]
                gallery=gallery,
                details=_details(form),
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except services.StaleGallery as stale:
            conflict = _values(stale.current)
            data = request.POST.copy()
            data["version"] = str(stale.current.version)
            form = GalleryDefinitionForm(data, teams=teams)
            form.is_valid()
            form.add_error(None, services.STALE_MESSAGE + " " + _("Nothing has been saved."))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Gallery saved."))
            return redirect("galleries:definition_detail", code=gallery.code)
    return _page(
        request,
        form,
        title=_("Change gallery"),
        caption=gallery.name,
        submit=_("Save changes"),
        back=reverse("galleries:definition_detail", kwargs={"code": gallery.code}),
        conflict=conflict,
    )


@login_required
@require_POST
def definition_set_active(request: HttpRequest, code: UUID, active: str) -> HttpResponse:
    """Close a gallery (nobody can open it; its memberships are kept) or reopen it."""
    if active not in ("close", "reopen"):
        raise Http404
    gallery = _gallery(request, code)
    form = VersionOnlyForm(request.POST)
    back = reverse("galleries:definition_detail", kwargs={"code": gallery.code})
    if not form.is_valid():
        messages.error(request, _("The page was out of date. Try again."))
        return redirect(back)
    try:
        services.gallery_set_active(
            actor=request.user,  # type: ignore[arg-type]
            gallery=gallery,
            active=active == "reopen",
            expected_version=form.cleaned_data["version"],
        )
    except services.StaleGallery:
        messages.error(request, services.STALE_MESSAGE + " " + _("Nothing has been saved."))
        return redirect(back)
    messages.success(
        request, _("Gallery reopened.") if active == "reopen" else _("Gallery closed.")
    )
    return redirect(back)
