"""The partnership admin's casework settings: enforcement figures and the Community Trigger.

Only a partnership admin reaches these pages (anyone else: 403), and only for their own
partnership. Each form carries the version it read; a stale save shows both versions (409).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from roundtable.casework.forms.case_review import CaseReviewSettingsForm
from roundtable.casework.forms.enforcement import EnforcementSettingsForm
from roundtable.casework.selectors.case_review import case_review_settings_for
from roundtable.casework.selectors.enforcement import enforcement_settings_for
from roundtable.casework.services import settings as services
from roundtable.directory import permissions
from roundtable.directory.models import Partnership
from roundtable.records.views.pages import attempt, conflict_form, form_page


def _partnership(request: HttpRequest) -> Partnership:
    """The admin's own partnership, or 403 for anyone who is not a partnership admin."""
    user: Any = request.user
    organisation = user.organisation
    if not permissions.is_partnership_admin(user) or organisation is None:
        raise PermissionDenied
    if organisation.partnership is None:
        raise PermissionDenied
    return organisation.partnership  # type: ignore[no-any-return]


@login_required
def settings_index(request: HttpRequest) -> HttpResponse:
    """The partnership's enforcement figures and case review settings as they stand."""
    partnership = _partnership(request)
    return render(
        request,
        "casework/settings.html",
        {
            "partnership": partnership,
            "enforcement": enforcement_settings_for(partnership.pk),
            "case_review": case_review_settings_for(partnership.pk),
        },
    )


def _settings_form(
    request: HttpRequest,
    make: Callable[..., Form],
    initial: dict[str, Any],
    write: Callable[[Form], object],
    values: Callable[[Any], list[tuple[str, str]]],
    *,
    title: str,
) -> HttpResponse:
    conflict_values = None
    if request.method == "POST":
        form = make(request.POST)
        if form.is_valid():
            done, current = attempt(form, lambda: write(form))
            if done:
                messages.success(request, _("Settings saved."))
                return redirect("casework:settings")
            if current is not None:
                conflict_values = values(current)
                form = conflict_form(make, request.POST, current)  # type: ignore[arg-type]
    else:
        form = make(initial=initial)
    return form_page(
        request,
        form,
        title=title,
        caption=_("Partnership settings"),
        submit=_("Save settings"),
        back=reverse("casework:settings"),
        conflict_values=conflict_values,
    )


@login_required
def enforcement_settings_edit(request: HttpRequest) -> HttpResponse:
    """Change the CPW and CPN periods, the fixed penalty and the task lead time."""
    partnership = _partnership(request)
    row = enforcement_settings_for(partnership.pk)

    def write(form: Form) -> object:
        data = dict(form.cleaned_data)
        version = data.pop("version")
        return services.enforcement_settings_update(
            actor=request.user,  # type: ignore[arg-type]
            partnership=partnership,
            expected_version=version,
            **data,
        )

    def values(current: Any) -> list[tuple[str, str]]:
        return [
            (str(form_field.label), str(getattr(current, name)))
            for name, form_field in EnforcementSettingsForm().fields.items()
            if name != "version"
        ]

    return _settings_form(
        request,
        EnforcementSettingsForm,
        EnforcementSettingsForm.initial_for(row),
        write,
        values,
        title=_("Enforcement figures"),
    )


@login_required
def case_review_settings_edit(request: HttpRequest) -> HttpResponse:
    """Change the Community Trigger threshold, window, reporting period and the lead."""
    partnership = _partnership(request)
    row = case_review_settings_for(partnership.pk)

    def make(*args: Any, **kwargs: Any) -> Form:
        return CaseReviewSettingsForm(*args, partnership_id=partnership.pk, **kwargs)

    def write(form: Form) -> object:
        data = dict(form.cleaned_data)
        version = data.pop("version")
        return services.case_review_settings_update(
            actor=request.user,  # type: ignore[arg-type]
            partnership=partnership,
            expected_version=version,
            **data,
        )

    def values(current: Any) -> list[tuple[str, str]]:
        return [
            (_("Threshold"), str(current.threshold)),
            (_("Window (months)"), str(current.window_months)),
            (_("Reported within (months)"), str(current.report_within_months)),
            (_("Lead team"), str(current.lead_team or _("None"))),
            (_("Lead"), str(current.lead_user or _("No one named"))),
        ]

    return _settings_form(
        request,
        make,
        CaseReviewSettingsForm.initial_for(row),
        write,
        values,
        title=_("ASB case review (Community Trigger)"),
    )
