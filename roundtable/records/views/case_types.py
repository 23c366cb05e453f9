"""Case type administration for partnership admins: settings, workflow, fields, default shares.

Only a partnership admin reaches these pages (anyone else: 403), and only for their own
partnership's types (another partnership's type: 404). The rules live in the services.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from roundtable.directory import permissions
from roundtable.records.forms.cases import CaseTypeEditForm, CaseTypeForm, ShareDefaultForm
from roundtable.records.models import CaseType, CaseTypeShareDefault
from roundtable.records.selectors import cases as selectors
from roundtable.records.services import cases as services
from roundtable.records.views.pages import attempt, conflict_form, form_page
from roundtable.sharing.sections import RecordKind, describe, from_mask


def _partnership_id(request: HttpRequest) -> int:
    """The admin's own partnership, or 403 for anyone who is not a partnership admin."""
    user: Any = request.user
    organisation = user.organisation
    if not permissions.is_partnership_admin(user) or organisation is None:
        raise PermissionDenied
    if organisation.partnership_id is None:
        raise PermissionDenied
    return int(organisation.partnership_id)


def _case_type(request: HttpRequest, code: UUID) -> CaseType:
    return get_object_or_404(
        CaseType.objects.select_related("form__current_version"),
        code=code,
        partnership_id=_partnership_id(request),
    )


def _settings(form: Form) -> dict[str, Any]:
    data = form.cleaned_data
    names = (
        "name",
        "reference_prefix",
        "description",
        "stages",
        "access_level",
        "organisation_sections",
        "review_interval_days",
        "retention_years",
        "is_family",
        "field_schema",  # on the set-up form only: later changes are new versions of its form
    )
    return {name: data[name] for name in names if name in data}


@login_required
def case_type_list(request: HttpRequest) -> HttpResponse:
    """The partnership's case types."""
    types = selectors.case_types_for_partnership(partnership_id=_partnership_id(request))
    return render(request, "records/case_types/list.html", {"case_types": types})


@login_required
def case_type_create(request: HttpRequest) -> HttpResponse:
    """Set up a new case type."""
    _partnership_id(request)  # 403 for anyone but a partnership admin
    user: Any = request.user
    if request.method == "POST":
        form = CaseTypeForm(request.POST)
        if form.is_valid():
            created: list[CaseType] = []
            done, _ = attempt(
                form,
                lambda: created.append(
                    services.case_type_create(
                        actor=user, partnership=user.organisation.partnership, **_settings(form)
                    )
                ),
            )
            if done:
                messages.success(request, f"Case type {created[0].name} set up.")
                return redirect("records:case_type_detail", code=created[0].code)
    else:
        form = CaseTypeForm(initial={"review_interval_days": 28, "retention_years": 6})
    return form_page(
        request,
        form,
        title="Set up a case type",
        caption="Case types",
        submit="Save case type",
        back=reverse("records:case_type_list"),
    )


@login_required
def case_type_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    """A case type's settings and the default shares of its cases."""
    case_type = _case_type(request, code)
    defaults = [
        (default, describe(from_mask(default.sections, RecordKind.CASE)))
        for default in selectors.case_type_share_defaults(case_type=case_type)
    ]
    context = {
        "case_type": case_type,
        "form_version": services.case_type_form_version(case_type),
        "organisation_sections": describe(
            from_mask(case_type.organisation_sections, RecordKind.CASE)
        ),
        "defaults": defaults,
    }
    return render(request, "records/case_types/detail.html", context)


def _field_labels(case_type: CaseType) -> str:
    version = services.case_type_form_version(case_type)
    return ", ".join(field["label"] for field in version.schema["fields"]) if version else ""


def _type_values(case_type: CaseType) -> list[tuple[str, str]]:
    return [
        ("Name", case_type.name),
        ("Reference prefix", case_type.reference_prefix),
        ("Workflow stages", ", ".join(case_type.stages)),
        ("Access level", case_type.get_access_level_display()),
        ("Review interval", f"{case_type.review_interval_days} days"),
        ("Retention period", f"{case_type.retention_years} years"),
        ("Fields", _field_labels(case_type) or "None"),
        ("Family case type", "Yes" if case_type.is_family else "No"),
        ("In use", "Yes" if case_type.is_active else "No"),
    ]


@login_required
def case_type_edit(request: HttpRequest, code: UUID) -> HttpResponse:
    """Change a case type; a stale save shows both versions and overwrites nothing."""
    case_type = _case_type(request, code)
    conflict_values = None
    form: Form
    if request.method == "POST":
        form = CaseTypeEditForm(request.POST)
        if form.is_valid():
            done, current = attempt(
                form,
                lambda: services.case_type_update(
                    actor=request.user,  # type: ignore[arg-type]
                    case_type=case_type,
                    expected_version=form.cleaned_data["version"],
                    is_active=form.cleaned_data["is_active"],
                    **_settings(form),
                ),
            )
            if done:
                messages.success(request, "Case type saved.")
                return redirect("records:case_type_detail", code=case_type.code)
            if current is not None:
                conflict_values = _type_values(current)
                form = conflict_form(CaseTypeEditForm, request.POST, current)
    else:
        form = CaseTypeEditForm(initial=CaseTypeEditForm.initial_for(case_type))
    return form_page(
        request,
        form,
        title="Change case type",
        caption=case_type.name,
        submit="Save changes",
        back=reverse("records:case_type_detail", kwargs={"code": case_type.code}),
        conflict_values=conflict_values,
    )


@login_required
def case_type_default_add(request: HttpRequest, code: UUID) -> HttpResponse:
    """Share this type's cases by default with a team or organisation under an agreement."""
    case_type = _case_type(request, code)
    form = ShareDefaultForm(request.POST or None, case_type=case_type)
    if request.method == "POST" and form.is_valid():
        team, organisation = form.recipient_objects()
        done, _ = attempt(
            form,
            lambda: services.case_type_share_default_add(
                actor=request.user,  # type: ignore[arg-type]
                case_type=case_type,
                agreement=form.cleaned_data["agreement"],
                sections=form.cleaned_data["sections"],
                team=team,
                organisation=organisation,
            ),
        )
        if done:
            messages.success(request, "Default share added. It applies to this type's cases now.")
            return redirect("records:case_type_detail", code=case_type.code)
    return form_page(
        request,
        form,
        title="Share this type's cases by default",
        caption=case_type.name,
        submit="Add default share",
        back=reverse("records:case_type_detail", kwargs={"code": case_type.code}),
        intro="Every case of this type, open or closed, is shared this way unless restricted.",
    )


@login_required
@require_POST
def case_type_default_remove(request: HttpRequest, code: UUID, default_id: int) -> HttpResponse:
    """Stop a default share; the access it gave ends at once."""
    case_type = _case_type(request, code)
    default = get_object_or_404(CaseTypeShareDefault, pk=default_id, case_type=case_type)
    services.case_type_share_default_remove(actor=request.user, default=default)  # type: ignore[arg-type]
    messages.success(request, "Default share removed.")
    return redirect("records:case_type_detail", code=case_type.code)
