"""Partnership admin pages: the offence classification and the harm model versions.

Only a partnership admin reaches the lists and the forms (anyone else: 403), and only for their
own partnership (another partnership's category: 404). A model version's page is readable by
every signed-in user with a team, because practitioners reading a score should be able to see
the weights behind it; weights and categories are not personal data. The rules live in services.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from roundtable.directory.models import Partnership
from roundtable.records.services.cases import StaleRecord
from roundtable.records.views.pages import CONFLICT_MESSAGE
from roundtable.risk.forms import CategoryEditForm, CategoryForm, HarmModelForm
from roundtable.risk.models import HarmModelKind, OffenceCategory
from roundtable.risk.selectors import harm as harm_selectors
from roundtable.risk.selectors.offences import categories_for_partnership
from roundtable.risk.services import classification
from roundtable.risk.services.harm import (
    ModelSettings,
    bands_text,
    can_manage_harm_models,
    harm_model_publish,
    plain,
    settings_from,
    weights_as_csv,
    weights_from_csv,
)
from roundtable.risk.services.seeds import CHI_SOURCE
from roundtable.risk.views.common import describe_error, form_page, put_errors


def _partnership(request: HttpRequest) -> Partnership:
    """The admin's own partnership, or 403 for anyone who does not administer one."""
    organisation = getattr(request.user, "organisation", None)
    partnership: Partnership | None = organisation.partnership if organisation else None
    if partnership is None or not can_manage_harm_models(request.user, partnership.pk):
        raise PermissionDenied
    return partnership


@login_required
@require_GET
def harm_admin(request: HttpRequest) -> HttpResponse:
    """The classification and the versions of each model, for the partnership's admins."""
    partnership = _partnership(request)
    models = harm_selectors.models_for_partnership(partnership_id=partnership.pk)
    context = {
        "partnership": partnership,
        "categories": categories_for_partnership(partnership_id=partnership.pk),
        "chi_models": [m for m in models if m.kind == HarmModelKind.CHI],
        "rfg_models": [m for m in models if m.kind == HarmModelKind.RFG],
        "chi_source": CHI_SOURCE,
    }
    return render(request, "risk/admin/index.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def category_add(request: HttpRequest) -> HttpResponse:
    """Add a category to the classification."""
    partnership = _partnership(request)
    form = CategoryForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            classification.offence_category_create(
                actor=request.user,  # type: ignore[arg-type]
                partnership=partnership,
                **form.cleaned_data,
            )
        except ValidationError as error:
            put_errors(form, error)
        else:
            messages.success(request, _("Category added."))
            return redirect("risk:harm_admin")
    return form_page(
        request,
        form,
        title=_("Add an offence category"),
        caption=_("Offence classification"),
        submit=_("Save category"),
        back=reverse("risk:harm_admin"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename, regroup or retire a category; its code stays."""
    partnership = _partnership(request)
    category = get_object_or_404(OffenceCategory, pk=pk, partnership=partnership)
    conflict: list[tuple[str, str]] | None = None
    if request.method == "POST":
        form = CategoryEditForm(request.POST)
        if form.is_valid():
            try:
                classification.offence_category_update(
                    actor=request.user,  # type: ignore[arg-type]
                    category=category,
                    expected_version=form.cleaned_data["version"],
                    name=form.cleaned_data["name"],
                    group=form.cleaned_data["group"],
                    is_active=form.cleaned_data["is_active"],
                )
            except StaleRecord as stale:
                current: OffenceCategory = stale.current  # type: ignore[assignment]
                data = request.POST.copy()
                data["version"] = str(current.version)
                form = CategoryEditForm(data)
                form.is_valid()
                form.add_error(None, CONFLICT_MESSAGE)
                conflict = [
                    (_("Name"), current.name),
                    (_("Group"), current.group),
                    (_("In use"), _("Yes") if current.is_active else _("No")),
                ]
            except ValidationError as error:
                put_errors(form, error)
            else:
                messages.success(request, _("Category saved."))
                return redirect("risk:harm_admin")
    else:
        form = CategoryEditForm(
            initial={
                "version": category.version,
                "name": category.name,
                "group": category.group,
                "is_active": category.is_active,
            }
        )
    return form_page(
        request,
        form,
        title=_("Change category %(code)s") % {"code": category.code},
        caption=_("Offence classification"),
        submit=_("Save category"),
        back=reverse("risk:harm_admin"),
        conflict_values=conflict,
    )


@login_required
@require_GET
def model_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    """One version: its rules, its weights, and whether it is in use."""
    if getattr(request, "acting_team", None) is None and not can_manage_harm_models(
        request.user, None
    ):
        raise PermissionDenied
    model = harm_selectors.model_by_code(code=code)
    if model is None:
        raise Http404
    ends = [int(months) for months, _factor in model.recency_bands]
    bands = [
        (start, end, plain(Decimal(str(factor))))
        for start, end, (_months, factor) in zip(
            [0, *ends], ends, model.recency_bands, strict=False
        )
    ]
    context = {
        "model": model,
        "bands": bands,
        "weights": harm_selectors.model_weights(model=model),
        "is_admin": can_manage_harm_models(request.user, model.partnership_id),
    }
    return render(request, "risk/admin/model_detail.html", context)


def _initial(kind: str, partnership: Partnership) -> dict[str, Any]:
    current = harm_selectors.active_model(partnership_id=partnership.pk, kind=kind)
    if current is None:
        return {
            "counted_roles": ["offender", "suspect"],
            "windows": "365, 730",
            "exclude_proactive": kind == HarmModelKind.CHI,
        }
    chosen = settings_from(current)
    return {
        "name": chosen.name,
        "description": chosen.description,
        "recency_bands": bands_text(chosen.recency_bands),
        "counted_roles": list(chosen.counted_roles),
        "exclude_proactive": chosen.exclude_proactive,
        "windows": ", ".join(str(days) for days in chosen.windows),
        "gravity_from_chi": chosen.gravity_from_chi,
        "weights": "" if chosen.gravity_from_chi else weights_as_csv(dict(chosen.weights)),
    }


@login_required
@require_http_methods(["GET", "POST"])
def model_publish(request: HttpRequest, kind: str) -> HttpResponse:
    """Publish a new version of the CHI (load the table) or RFG (bands and gravity weights)."""
    partnership = _partnership(request)
    if kind not in HarmModelKind.values:
        raise Http404
    team = getattr(request, "acting_team", None)
    if request.method == "POST":
        form = HarmModelForm(request.POST, request.FILES, kind=kind)
        if form.is_valid():
            data = form.cleaned_data
            try:
                weights = {} if data.get("gravity_from_chi") else weights_from_csv(data["weights"])
                model = harm_model_publish(
                    actor=request.user,  # type: ignore[arg-type]
                    team=team,
                    partnership=partnership,
                    kind=kind,
                    settings=ModelSettings(
                        name=data["name"],
                        description=data.get("description", ""),
                        recency_bands=data.get("recency_bands") or [],
                        counted_roles=data["counted_roles"],
                        exclude_proactive=data.get("exclude_proactive", False),
                        windows=data["windows"],
                        weights=weights,
                        gravity_from_chi=data.get("gravity_from_chi", False),
                    ),
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    put_errors(form, error)
                else:
                    form.add_error("weights", error.messages)
                    describe_error(form, "weights")
            else:
                messages.success(
                    request,
                    _(
                        "Version %(number)s published. Everyone it applies to is being scored "
                        "in the background; it comes into use when that is done."
                    )
                    % {"number": model.number},
                )
                return redirect(model.get_absolute_url())
    else:
        form = HarmModelForm(initial=_initial(kind, partnership), kind=kind)
    label = HarmModelKind(kind).label
    return form_page(
        request,
        form,
        title=_("New version: %(label)s") % {"label": label},
        caption=partnership.name,
        submit=_("Publish version"),
        back=reverse("risk:harm_admin"),
        multipart=True,
        intro=_(
            "A version is never changed once published: this makes a new one. The version in "
            "use stays in use until every person has been scored with the new one."
        ),
        extra={"chi_source": CHI_SOURCE if kind == HarmModelKind.CHI else ""},
    )
