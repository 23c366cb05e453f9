"""Letter pages: partnership admins manage templates; case owners generate and serve letters.

Template pages are for partnership admins of the template's partnership only (anyone else: 403;
another partnership's template: 404). Generating a letter and recording its service are for the
team that owns the case (404 if the case is hidden from the viewer, 403 if merely visible). A
letter is read through its case's documents section. Views are thin: the rules live in
``casework.services.letters``.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from roundtable.casework import merge_fields
from roundtable.casework.forms.letters import (
    LetterGenerateForm,
    LetterServedForm,
    LetterTemplateEditForm,
    LetterTemplateForm,
)
from roundtable.casework.models import LetterStatus, LetterTemplate
from roundtable.casework.selectors import letters as selectors
from roundtable.casework.services import letters as services
from roundtable.casework.views.common import actor_and_team, form_page, put_errors, stated_purpose
from roundtable.directory import permissions
from roundtable.records.access import access_case, audit_view
from roundtable.records.selectors.cases import case_members
from roundtable.records.services.cases import StaleRecord
from roundtable.sharing import policy
from roundtable.sharing.sections import Section

TEMPLATE_VALUES = ("name", "purpose", "output_format", "subject", "body")


# --- Templates (partnership admins) --------------------------------------------------------------


def _admin_partnership_id(request: HttpRequest) -> int:
    """The partnership admin's own partnership, or 403 for anyone else."""
    user: Any = request.user
    organisation = user.organisation
    if not permissions.is_partnership_admin(user) or organisation is None:
        raise PermissionDenied
    if organisation.partnership_id is None:
        raise PermissionDenied
    return int(organisation.partnership_id)


def _template(request: HttpRequest, code: UUID) -> LetterTemplate:
    return selectors.letter_template_in_partnership(
        code=code, partnership_id=_admin_partnership_id(request)
    )


def _merge_context() -> dict[str, Any]:
    return {"merge_fields": merge_fields.FIELDS}


@login_required
@require_GET
def letter_template_list(request: HttpRequest) -> HttpResponse:
    """The partnership's letter templates."""
    templates = selectors.letter_templates_for_partnership(
        partnership_id=_admin_partnership_id(request)
    )
    return render(request, "casework/letters/template_list.html", {"templates": templates})


@login_required
@require_http_methods(["GET", "POST"])
def letter_template_create(request: HttpRequest) -> HttpResponse:
    """Set up a letter template; unknown merge fields are refused by name."""
    _admin_partnership_id(request)
    user: Any = request.user
    form = LetterTemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            template = services.letter_template_create(
                actor=user,
                partnership=user.organisation.partnership,
                **{name: form.cleaned_data[name] for name in TEMPLATE_VALUES},
            )
        except ValidationError as error:
            put_errors(form, error)
        else:
            messages.success(request, _("Letter template saved."))
            return redirect(template)
    return form_page(
        request,
        form,
        title=_("Set up a letter template"),
        caption=_("Letter templates"),
        submit=_("Save template"),
        back=reverse("casework:letter_template_list"),
        extra=_merge_context(),
    )


@login_required
@require_GET
def letter_template_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    """A letter template's settings and wording, with the merge fields it may use."""
    template = _template(request, code)
    return render(
        request,
        "casework/letters/template_detail.html",
        {"template": template, **_merge_context()},
    )


def _template_values(template: LetterTemplate) -> list[tuple[str, str]]:
    return [
        (_("Name"), template.name),
        (_("What the letter is for"), template.get_purpose_display()),
        (_("Produced as"), template.get_output_format_display()),
        (_("Subject line"), template.subject or _("None")),
        (_("Body"), template.body),
        (_("Offered"), _("Yes") if template.is_active else _("No")),
    ]


@login_required
@require_http_methods(["GET", "POST"])
def letter_template_edit(request: HttpRequest, code: UUID) -> HttpResponse:
    """Change a letter template; a stale save shows both versions and overwrites nothing."""
    template = _template(request, code)
    conflict = None
    form: Form
    if request.method == "POST":
        form = LetterTemplateEditForm(request.POST)
        if form.is_valid():
            try:
                services.letter_template_update(
                    actor=request.user,  # type: ignore[arg-type]
                    template=template,
                    expected_version=form.cleaned_data["version"],
                    is_active=form.cleaned_data["is_active"],
                    **{name: form.cleaned_data[name] for name in TEMPLATE_VALUES},
                )
            except StaleRecord as stale:
                current: Any = stale.current
                conflict = _template_values(current)
                data = request.POST.copy()
                data["version"] = str(current.version)
                form = LetterTemplateEditForm(data)
                form.is_valid()
                form.add_error(
                    None,
                    _(
                        "Someone else changed this template while you were editing it. Nothing "
                        "has been saved. Check it as it is now, then make your change again"
                    ),
                )
            except ValidationError as error:
                put_errors(form, error)
            else:
                messages.success(request, _("Letter template saved."))
                return redirect(template)
    else:
        form = LetterTemplateEditForm(initial=LetterTemplateEditForm.initial_for(template))
    return form_page(
        request,
        form,
        title=_("Change letter template"),
        caption=template.name,
        submit=_("Save changes"),
        back=template.get_absolute_url(),
        conflict_values=conflict,
        extra=_merge_context(),
    )


# --- Letters on a case ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def letter_generate(request: HttpRequest, code: UUID) -> HttpResponse:
    """Generate a letter for a person in the case, from one of the partnership's templates."""
    reached = access_case(request, str(code), action=policy.Action.EDIT)
    actor, team = actor_and_team(request)
    case = reached.record
    templates = selectors.letter_templates_for_partnership(
        partnership_id=case.case_type.partnership_id, active_only=True
    )
    members = [linked for linked in case_members(reached.viewer, case) if linked.visible]
    people_by_code = {str(linked.target.code): linked.target for linked in members}
    choices = [
        (
            str(linked.target.code),
            f"{linked.target.display_name} ({linked.item.get_role_display()})",
        )
        for linked in members
    ]
    form = LetterGenerateForm(request.POST or None, templates=templates, people=choices)
    if request.method == "POST" and form.is_valid():
        try:
            letter = services.letter_generate(
                actor=actor,
                team=team,
                viewer=reached.viewer,
                case=case,
                template=form.cleaned_data["template"],
                profile=people_by_code[form.cleaned_data["person"]],
            )
        except ValidationError as error:
            put_errors(form, error)
        else:
            messages.success(request, _("Letter generated and saved to the case's documents."))
            return redirect(letter)
    back = reverse("casework:document_list", kwargs={"kind": "case", "code": case.code})
    if not templates.exists() or not members:
        return render(
            request,
            "casework/letters/cannot_generate.html",
            {"case": case, "back": back, "no_templates": not templates.exists()},
        )
    return form_page(
        request,
        form,
        title=_("Generate a letter"),
        caption=case.reference,
        submit=_("Generate letter"),
        back=back,
        intro=_(
            "The letter is filled in with the person's details, the case and you as the "
            "officer, and saved to the case's documents."
        ),
    )


@login_required
@require_GET
def letter_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    """A letter: what it is, who it is for (if the viewer may know), its file and its service."""
    found = selectors.access_letter(request, code)
    purpose, ask = stated_purpose(request, found.reached)
    if ask is not None:
        return ask
    letter = found.letter
    audit_view(found.reached, shown=[str(Section.DOCUMENTS)], justification=purpose)
    context = {
        "letter": letter,
        "case": letter.case,
        "person_visible": selectors.person_visible(found.reached.viewer, letter),
        "may_serve": found.reached.is_owner and letter.status == LetterStatus.GENERATED,
    }
    return render(request, "casework/letters/detail.html", context)


def _served_values(letter: Any) -> list[tuple[str, str]]:
    return [
        (_("Status"), letter.get_status_display()),
        (_("Served"), letter.served_at.strftime("%d/%m/%Y %H:%M") if letter.served_at else ""),
        (_("How"), letter.get_served_how_display()),
    ]


@login_required
@require_http_methods(["GET", "POST"])
def letter_mark_served(request: HttpRequest, code: UUID) -> HttpResponse:
    """Record when and how the letter was served (the owning team only)."""
    found = selectors.access_letter(request, code, change=True)
    actor, team = actor_and_team(request)
    letter = found.letter
    if letter.status == LetterStatus.SERVED:
        messages.info(request, _("This letter is already recorded as served."))
        return redirect(letter)
    conflict = None
    form = LetterServedForm(request.POST or None, initial={"version": letter.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.letter_mark_served(
                actor=actor,
                team=team,
                letter=letter,
                expected_version=form.cleaned_data["version"],
                served_at=form.served_at(),
                served_how=form.cleaned_data["served_how"],
                notes=form.cleaned_data["notes"],
            )
        except StaleRecord as stale:
            conflict = _served_values(stale.current)
            form.add_error(
                None,
                _(
                    "Someone else changed this letter while you were working on it. Nothing has "
                    "been saved. Check it as it is now"
                ),
            )
        except ValidationError as error:
            put_errors(form, error)
        else:
            messages.success(request, _("Letter recorded as served."))
            return redirect(letter)
    return form_page(
        request,
        form,
        title=_("Record that the letter was served"),
        caption=f"{letter.template.name}, {letter.case.reference}",
        submit=_("Save"),
        back=letter.get_absolute_url(),
        conflict_values=conflict,
        intro=_("This is also written in the case diary."),
    )
