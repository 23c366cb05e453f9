"""A person's family view, and opening a family case from it.

Thin: each view asks ``records.access`` for the person at the centre with their Relationships
section (hidden or missing: 404; visible without that section: 403), reads the family through
``records.selectors.families`` (which asks the policy about every relative and case) and calls
at most one service. Every family view is audited, the centre and each relative and case shown.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from roundtable.customforms.forms import AnswersForm
from roundtable.records import purpose as purpose_rules
from roundtable.records.access import Reached, access_profile
from roundtable.records.forms.cases import CaseForm
from roundtable.records.forms.families import FamilyCaseStartForm
from roundtable.records.models import Case, Profile
from roundtable.records.selectors import cases as case_selectors
from roundtable.records.selectors.families import FamilyView, family_case_types, family_view
from roundtable.records.selectors.search import profile_merged_target
from roundtable.records.services import cases as case_services
from roundtable.records.services.families import family_case_open, family_view_audited
from roundtable.records.views.pages import acting_team, attempt
from roundtable.sharing import policy
from roundtable.sharing.sections import Section


def _centre(request: HttpRequest, code: str) -> Reached[Profile]:
    return access_profile(request, code, action=policy.Action.VIEW, section=Section.RELATIONSHIPS)


def _family_url(profile: Profile) -> str:
    return reverse("records:profile_family", kwargs={"code": profile.code})


def _purpose(request: HttpRequest, reached: Reached[Profile]) -> tuple[str, HttpResponse | None]:
    """The purpose stated for a record at the "audited" access level, or the page asking it."""
    if not purpose_rules.needs_purpose(reached):
        return "", None
    purpose = purpose_rules.remembered_purpose(request, reached)
    if purpose:
        return purpose, None
    form = purpose_rules.PurposeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        purpose_rules.remember_purpose(request, reached, form.cleaned_data["purpose"])
        return "", redirect(_family_url(reached.record))
    context = {"reached": reached, "record": reached.record, "form": form}
    return "", render(request, "records/purpose.html", context, status=400 if form.errors else 200)


def _family_page(
    request: HttpRequest,
    reached: Reached[Profile],
    view: FamilyView,
    start: FamilyCaseStartForm,
    *,
    justification: str = "",
    status: int = 200,
) -> HttpResponse:
    family_view_audited(view=view, justification=justification)
    context = {
        "profile": reached.record,
        "view": view,
        "start": start,
        "has_team": getattr(request, "acting_team", None) is not None,
    }
    return render(request, "records/profiles/family.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def profile_family(request: HttpRequest, code: str) -> HttpResponse:
    """The person's family: relatives the viewer may see, and the agencies working with each."""
    reached = _centre(request, code)
    survivor = profile_merged_target(viewer=reached.viewer, profile=reached.record)
    if survivor is not None:
        messages.info(request, "This record was merged into another: you are now on that one.")
        return redirect(_family_url(survivor))
    purpose, asking = _purpose(request, reached)
    if asking is not None:
        return asking
    view = family_view(reached.viewer, reached.record)
    types = family_case_types(partnership_id=reached.viewer.partnership_id)
    start = FamilyCaseStartForm(case_types=types, view=view)
    return _family_page(request, reached, view, start, justification=purpose)


@login_required
@require_http_methods(["GET", "POST"])
def profile_family_case(request: HttpRequest, code: str) -> HttpResponse:
    """Open a family case: the chosen type, the person as subject, chosen relatives as family."""
    reached = _centre(request, code)
    team = acting_team(request)
    _stated, asking = _purpose(request, reached)
    if asking is not None:  # the family view asks it first
        return redirect(_family_url(reached.record))
    view = family_view(reached.viewer, reached.record)
    types = family_case_types(partnership_id=team.organisation.partnership_id)
    posted = request.method == "POST"
    start = FamilyCaseStartForm(
        request.POST if posted else request.GET, case_types=types, view=view, carried=True
    )
    if not start.is_valid():
        if posted:  # the family changed since the form was read: say so, write nothing
            message = " ".join(str(error) for errors in start.errors.values() for error in errors)
            refused = {
                "profile": reached.record,
                "message": message,
                "back": _family_url(reached.record),
            }
            return render(request, "records/profiles/not_saved.html", refused, status=400)
        shown = FamilyCaseStartForm(request.GET, case_types=types, view=view)
        shown.is_valid()
        return _family_page(request, reached, view, shown, justification=_stated, status=400)
    case_type = start.chosen_type()
    leads = case_selectors.team_practitioners(team_id=team.pk)
    version = case_services.case_type_form_version(case_type)
    if posted:
        form = CaseForm(request.POST, leads=leads)
        answers = AnswersForm(version, viewer=reached.viewer, data=request.POST)
        answered = answers.is_valid()  # checked even when the form is not, to show every error
        if form.is_valid() and answered:
            created: list[Case] = []
            done, _ = attempt(
                form,
                lambda: created.append(
                    family_case_open(
                        actor=request.user,  # type: ignore[arg-type]
                        team=team,
                        case_type=case_type,
                        centre=reached.record,
                        member_codes=start.cleaned_data["members"],
                        title=form.cleaned_data["title"],
                        summary=form.cleaned_data["summary"],
                        lead_practitioner=form.cleaned_data["lead_practitioner"],
                        review_date=form.cleaned_data["review_date"],
                        fields=answers.payload,
                    )
                ),
                answers,
            )
            if done:
                messages.success(request, f"Family case {created[0].reference} opened.")
                return redirect(created[0])
    else:
        form = CaseForm(initial={"lead_practitioner": request.user.pk}, leads=leads)
        answers = AnswersForm(version, viewer=reached.viewer)
    chosen = [view.relative(code) for code in start.cleaned_data["members"]]
    context: dict[str, Any] = {
        "profile": reached.record,
        "case_type": case_type,
        "team": team,
        "form": form,
        "answers": answers if answers.has_questions else None,
        "start": start,
        "centre": view.centre,
        "chosen": [person for person in chosen if person is not None],
        "back": _family_url(reached.record),
    }
    failed = form.errors or answers.has_errors
    return render(
        request, "records/profiles/family_case.html", context, status=400 if failed else 200
    )
