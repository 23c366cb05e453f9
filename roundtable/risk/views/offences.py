"""A person's offences: the list, record one, correct one, remove one with a reason.

Thin: each view reaches the person (missing, hidden or signpost only: 404), and shows offences
only to a viewer who sees the offending section; anyone else who sees the record is told the
offending is withheld and whom to ask (writing pages answer 403). One service call per POST;
every page is audited with what it showed. There is no delete, by design.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from roundtable.records.access import Reached
from roundtable.records.models import Premises, Profile
from roundtable.records.services.cases import StaleRecord
from roundtable.records.views.pages import CONFLICT_MESSAGE, acting_team
from roundtable.risk.forms import OffenceForm, OffenceRemoveForm
from roundtable.risk.models import Offence
from roundtable.risk.selectors import offences as selectors
from roundtable.risk.services import offences as services
from roundtable.risk.views.common import (
    audit_person_page,
    describe_error,
    form_page,
    person_heading,
    put_errors,
    reach_offending,
    reach_person,
    withheld_page,
)
from roundtable.sharing.sections import Section


def _urls(profile: Profile, offence: Offence | None = None) -> dict[str, str]:
    urls = {
        "list": reverse("risk:offence_list", kwargs={"code": profile.code}),
        "add": reverse("risk:offence_add", kwargs={"code": profile.code}),
        "harm": reverse("risk:person_harm", kwargs={"code": profile.code}),
        "pattern": reverse("risk:person_pattern", kwargs={"code": profile.code}),
    }
    if offence is not None:
        args = {"code": profile.code, "offence": offence.code}
        urls["edit"] = reverse("risk:offence_edit", kwargs=args)
        urls["remove"] = reverse("risk:offence_remove", kwargs=args)
    return urls


@login_required
@require_GET
def offence_list(request: HttpRequest, code: UUID) -> HttpResponse:
    """The person's offences, newest first, with who recorded each and for which agency."""
    reached = reach_person(request, code)
    if not reached.shows(Section.OFFENDING):
        return withheld_page(request, reached, _("Offences"))
    page = selectors.offences_for(profile=reached.record, page=request.GET.get("page", 1))
    offences = list(page.object_list)
    named = selectors.premises_named(reached.viewer, offences)
    rows = [
        {
            "offence": offence,
            "premises_named": offence.premises_id in named,
            "may_amend": services.may_amend(reached.viewer, reached.record, offence),
            "urls": _urls(reached.record, offence),
        }
        for offence in offences
    ]
    audit_person_page(
        reached,
        page="offences",
        shown=[Section.OFFENDING],
        detail={"offences": [str(offence.code) for offence in offences]},
    )
    context = {
        "profile": reached.record,
        "heading": person_heading(reached),
        "rows": rows,
        "page": page,
        "urls": _urls(reached.record),
        "may_write": getattr(request, "acting_team", None) is not None,
    }
    return render(request, "risk/offences/list.html", context)


def _form_kwargs(reached: Reached[Profile]) -> dict[str, Any]:
    partnerships = services.categories_for(reached.viewer, reached.record)
    premises = selectors.premises_choices(viewer=reached.viewer)
    organisations = selectors.organisation_choices(partnership_ids=partnerships)
    return {
        "categories": selectors.category_choices(partnership_ids=partnerships),
        "premises": [(str(p.code), f"{p.name}, {p.postcode}".rstrip(", ")) for p in premises],
        "organisations": [(str(o.pk), o.name) for o in organisations],
        "_lookup": (partnerships, premises, organisations),
    }


def _details(form: Form, lookup: tuple[Any, ...]) -> services.OffenceDetails | None:
    """The form's values as the service takes them; None (with an error) when a choice is gone."""
    partnerships, premises, organisations = lookup
    data = form.cleaned_data
    category = selectors.categories_by_id(partnership_ids=partnerships).get(int(data["category"]))
    organisation = {str(o.pk): o for o in organisations}.get(data["source_organisation"])
    chosen: Premises | None = {str(p.code): p for p in premises}.get(data.get("premises") or "")
    if category is None:
        form.add_error("category", _("Choose an offence category from the list"))
        describe_error(form, "category")
    if organisation is None:
        form.add_error("source_organisation", _("Choose the source agency"))
        describe_error(form, "source_organisation")
    if category is None or organisation is None:
        return None
    return services.OffenceDetails(
        category=category,
        role=data["role"],
        occurred_at=data["occurred_at"],
        time_known=data["time_known"],
        disposal=data["disposal"],
        source_organisation=organisation,
        outcome_notes=data.get("outcome_notes", ""),
        premises=chosen,
        postcode=data.get("postcode", ""),
        source_reference=data.get("source_reference", ""),
        proactive=data.get("proactive", False),
    )


def _offence_form(data: Any, kwargs: dict[str, Any], **extra: Any) -> OffenceForm:
    choices = {key: value for key, value in kwargs.items() if not key.startswith("_")}
    return OffenceForm(data, **choices, **extra)


@login_required
@require_http_methods(["GET", "POST"])
def offence_add(request: HttpRequest, code: UUID) -> HttpResponse:
    """Record an offence on the person, acting as the current team."""
    reached = reach_offending(request, code)
    team = acting_team(request)
    kwargs = _form_kwargs(reached)
    urls = _urls(reached.record)
    if request.method == "POST":
        form = _offence_form(request.POST, kwargs)
        if form.is_valid() and (details := _details(form, kwargs["_lookup"])) is not None:
            try:
                services.offence_create(
                    actor=request.user,  # type: ignore[arg-type]
                    team=team,
                    profile=reached.record,
                    details=details,
                )
            except ValidationError as error:
                put_errors(form, error)
            else:
                messages.success(
                    request, _("Offence recorded. The person's harm scores are updated.")
                )
                return redirect(urls["list"])
    else:
        form = _offence_form(
            None,
            kwargs,
            initial={"source_organisation": str(team.organisation_id), "role": "offender"},
        )
    return form_page(
        request,
        form,
        title=_("Record an offence"),
        caption=person_heading(reached),
        submit=_("Save offence"),
        back=urls["list"],
    )


def _amendable(request: HttpRequest, code: UUID, offence: UUID) -> tuple[Reached[Profile], Offence]:
    """The offence, for someone who may change it: 404 if not on this person, 403 if not theirs."""
    reached = reach_offending(request, code)
    found = selectors.offence_on(profile=reached.record, code=offence)
    if found is None:
        raise Http404
    if not services.may_amend(reached.viewer, reached.record, found):
        raise PermissionDenied
    return reached, found


def _initial(offence: Offence) -> dict[str, Any]:
    local = timezone.localtime(offence.occurred_at)
    return {
        "version": offence.version,
        "category": str(offence.category_id),
        "role": offence.role,
        "occurred_on": local.date(),
        "occurred_time": local.strftime("%H:%M") if offence.time_known else "",
        "disposal": offence.disposal,
        "outcome_notes": offence.outcome_notes,
        "premises": str(offence.premises.code) if offence.premises else "",
        "postcode": offence.postcode,
        "source_organisation": str(offence.source_organisation_id),
        "source_reference": offence.source_reference,
        "proactive": offence.proactive,
    }


def _values(offence: Offence) -> list[tuple[str, str]]:
    """An offence as it is now, for the conflict page."""
    local = timezone.localtime(offence.occurred_at)
    when = local.strftime("%d/%m/%Y %H:%M") if offence.time_known else local.strftime("%d/%m/%Y")
    values = [
        (_("Category"), str(offence.category)),
        (_("Role"), str(offence.get_role_display())),
        (_("Date and time"), when),
        (_("Outcome or disposal"), str(offence.get_disposal_display())),
        (_("Postcode"), offence.postcode),
        (_("Source agency"), offence.source_organisation.name),
        (_("Source reference"), offence.source_reference),
    ]
    if offence.is_removed:
        values.append((_("Removed"), offence.removal_reason))
    return values


def _removed(request: HttpRequest, profile: Profile) -> HttpResponse:
    messages.info(request, _("This offence has been removed: it cannot be changed any more."))
    return redirect(_urls(profile)["list"])


@login_required
@require_http_methods(["GET", "POST"])
def offence_edit(request: HttpRequest, code: UUID, offence: UUID) -> HttpResponse:
    """Correct an offence; a stale form shows both versions and saves nothing."""
    reached, found = _amendable(request, code, offence)
    team = acting_team(request)
    kwargs = _form_kwargs(reached)
    urls = _urls(reached.record)
    conflict: list[tuple[str, str]] | None = None
    if request.method != "POST":
        if found.is_removed:
            return _removed(request, reached.record)
        form = _offence_form(None, kwargs, initial=_initial(found), editing=True)
    else:
        form = _offence_form(request.POST, kwargs, editing=True)
        if form.is_valid() and (details := _details(form, kwargs["_lookup"])) is not None:
            try:
                services.offence_update(
                    actor=request.user,  # type: ignore[arg-type]
                    team=team,
                    profile=reached.record,
                    offence=found,
                    expected_version=form.cleaned_data["version"],
                    details=details,
                )
            except StaleRecord as stale:
                current: Offence = stale.current  # type: ignore[assignment]
                data = request.POST.copy()
                data["version"] = str(current.version)
                form = _offence_form(data, kwargs, editing=True)
                form.is_valid()
                form.add_error(None, CONFLICT_MESSAGE)
                conflict = _values(current)
            except ValidationError as error:
                put_errors(form, error)
            else:
                messages.success(
                    request, _("Offence corrected. The person's harm scores are updated.")
                )
                return redirect(urls["list"])
    return form_page(
        request,
        form,
        title=_("Correct this offence"),
        caption=person_heading(reached),
        submit=_("Save correction"),
        back=urls["list"],
        conflict_values=conflict,
    )


@login_required
@require_http_methods(["GET", "POST"])
def offence_remove(request: HttpRequest, code: UUID, offence: UUID) -> HttpResponse:
    """Remove an offence with a reason; it stays on record and leaves every score and chart."""
    reached, found = _amendable(request, code, offence)
    team = acting_team(request)
    urls = _urls(reached.record)
    conflict: list[tuple[str, str]] | None = None
    if request.method != "POST":
        if found.is_removed:
            return _removed(request, reached.record)
        form = OffenceRemoveForm(initial={"version": found.version})
    else:
        form = OffenceRemoveForm(request.POST)
        if form.is_valid():
            try:
                services.offence_remove(
                    actor=request.user,  # type: ignore[arg-type]
                    team=team,
                    profile=reached.record,
                    offence=found,
                    expected_version=form.cleaned_data["version"],
                    reason=form.cleaned_data["reason"],
                )
            except StaleRecord as stale:
                current: Offence = stale.current  # type: ignore[assignment]
                data = request.POST.copy()
                data["version"] = str(current.version)
                form = OffenceRemoveForm(data)
                form.is_valid()
                form.add_error(None, CONFLICT_MESSAGE)
                conflict = _values(current)
            except ValidationError as error:
                put_errors(form, error)
            else:
                messages.success(request, _("Offence removed. It no longer counts in any score."))
                return redirect(urls["list"])
    return form_page(
        request,
        form,
        title=_("Remove this offence"),
        caption=person_heading(reached),
        submit=_("Remove offence"),
        back=urls["list"],
        conflict_values=conflict,
        intro=f"{found.category} — {timezone.localtime(found.occurred_at):%d/%m/%Y}",
    )
