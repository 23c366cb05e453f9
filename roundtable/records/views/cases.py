"""Case pages: "my cases", open a case, the case page, and the owning team's changes to it.

Thin: each view asks ``records.access`` for the case (missing or hidden: 404; visible but not
the owner for a change: 403), calls at most one service and renders only the sections the
viewer may see. Every view of a case is audited with the sections shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from roundtable.customforms.forms import AnswersForm
from roundtable.customforms.rendering import render_values
from roundtable.customforms.schema import field_map, keys_removed
from roundtable.records import purpose as purpose_rules
from roundtable.records.access import Reached, access_case, audit_view
from roundtable.records.forms.cases import (
    CaseEditForm,
    CaseForm,
    CloseForm,
    LinkAddForm,
    MemberAddForm,
    MyCasesFilterForm,
    RagForm,
    RemoveForm,
    StageForm,
)
from roundtable.records.models import Case, CaseLink, CaseMember, CaseStatus, CaseType
from roundtable.records.selectors import cases as selectors
from roundtable.records.services import cases as services
from roundtable.records.views.pages import (
    acting_team,
    attempt,
    conflict_form,
    form_page,
    withheld,
)
from roundtable.sharing import policy
from roundtable.sharing.sections import Section

CASES_PER_PAGE = 25
# The case sections the case page draws (the diary has its own pages, linked from the case).
# The Tasks section is drawn by tasking's ``case_tasks_section`` tag.
BUILT_SECTIONS = (
    Section.SUMMARY,
    Section.MEMBERS,
    Section.RISK,
    Section.TASKS,
    Section.DOCUMENTS,
)


def _user(request: HttpRequest) -> Any:
    return request.user


# --- My cases ---------------------------------------------------------------------------------


@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    """The cases the acting team and its organisation can see, most recently changed first."""
    viewer = policy.viewer_for(request)
    types = list(
        selectors.case_types_for_partnership(partnership_id=viewer.partnership_id).only(
            "code", "name"
        )
    )
    form = MyCasesFilterForm(request.GET or None, case_types=types)
    status, case_type = None, None
    if form.is_bound and form.is_valid():
        status = form.cleaned_data["status"] or None
        case_type = form.chosen_type()
    before = selectors.Cursor.decode(request.GET.get("before"))
    page = selectors.cases_for_viewer(
        viewer, limit=CASES_PER_PAGE, before=before, status=status, case_type=case_type
    )
    filters = {
        key: value
        for key, value in (("status", status), ("case_type", case_type and case_type.code))
        if value
    }
    next_query = (
        urlencode({**filters, "before": page.next_cursor.encode()}) if page.next_cursor else ""
    )
    context = {
        "form": form,
        "page": page,
        "today": timezone.localdate(),
        "next_query": next_query,
        "first_query": urlencode(filters) if before is not None else None,
        "has_team": viewer.team_id is not None,
    }
    return render(request, "records/cases/my_cases.html", context)


@login_required
def overdue_reviews(request: HttpRequest) -> HttpResponse:
    """The acting team's open cases whose review date has passed."""
    team = acting_team(request)
    cases = list(selectors.overdue_reviews_for_team(team=team)[:200])
    return render(
        request,
        "records/cases/overdue.html",
        {"cases": cases, "team": team, "today": timezone.localdate()},
    )


# --- Open a case ------------------------------------------------------------------------------


@login_required
def case_create_choose(request: HttpRequest) -> HttpResponse:
    """Choose the type of the case to open."""
    team = acting_team(request)
    types = selectors.case_types_for_partnership(
        partnership_id=team.organisation.partnership_id, active_only=True
    )
    return render(request, "records/cases/choose_type.html", {"case_types": types, "team": team})


@login_required
def case_create(request: HttpRequest, type_code: UUID) -> HttpResponse:
    """Open a case of the chosen type, owned by the acting team."""
    team = acting_team(request)
    case_type = get_object_or_404(
        CaseType, code=type_code, is_active=True, partnership_id=team.organisation.partnership_id
    )
    leads = selectors.team_practitioners(team_id=team.pk)
    version = services.case_type_form_version(case_type)
    viewer = policy.viewer_for(request)
    if request.method == "POST":
        form = CaseForm(request.POST, leads=leads)
        answers = AnswersForm(version, viewer=viewer, data=request.POST)
        answered = answers.is_valid()  # checked even when the form is not, to show every error
        if form.is_valid() and answered:
            created: list[Case] = []
            done, _ = attempt(
                form,
                lambda: created.append(
                    services.case_create(
                        actor=_user(request),
                        team=team,
                        case_type=case_type,
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
                messages.success(request, f"Case {created[0].reference} opened.")
                return redirect(created[0])
    else:
        form = CaseForm(initial={"lead_practitioner": request.user.pk}, leads=leads)
        answers = AnswersForm(version, viewer=viewer)
    return form_page(
        request,
        form,
        title=f"Open a {case_type.name.lower()} case",
        caption=team.name,
        submit="Open case",
        back=reverse("records:case_create_choose"),
        intro=(
            f"Leave the review date empty to review it in {case_type.review_interval_days} days."
        ),
        answers=answers,
    )


# --- The case page ----------------------------------------------------------------------------


@login_required
def case_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    """A case, showing only the sections the viewer may see and saying what is withheld."""
    reached = access_case(request, str(code))
    case = reached.record
    purpose = ""
    if purpose_rules.needs_purpose(reached):
        purpose = purpose_rules.remembered_purpose(request, reached)
        if not purpose:
            form = purpose_rules.PurposeForm(request.POST if request.method == "POST" else None)
            if form.is_valid():
                purpose_rules.remember_purpose(request, reached, form.cleaned_data["purpose"])
                return redirect("records:case_detail", code=case.code)
            status = 400 if form.errors else 200
            return render(
                request,
                "records/purpose.html",
                {"reached": reached, "record": case, "form": form},
                status=status,
            )
    context: dict[str, Any] = {
        "reached": reached,
        "case": case,
        "today": timezone.localdate(),
        "overdue": case.status == CaseStatus.OPEN
        and case.review_date is not None
        and case.review_date < timezone.localdate(),
        **withheld(reached, BUILT_SECTIONS),
    }
    shown = [s for s in BUILT_SECTIONS if reached.shows(s)]
    if reached.shows(Section.SUMMARY):
        context["stage_history"] = list(selectors.case_stage_history(case)[:50])
    if reached.sections:
        stored = selectors.case_answers(case)
        if stored.has_questions:
            context["type_answers"] = render_values(
                stored.version,
                stored.values,
                reached.viewer,
                record=case,
                current=stored.current,
                empty="Nothing has been recorded yet.",
            )
    if reached.shows(Section.MEMBERS):
        context["members"] = selectors.case_members(reached.viewer, case)
        context["linked_premises"], context["linked_groups"] = selectors.case_links(
            reached.viewer, case
        )
    audit_view(reached, shown=[str(s) for s in shown], justification=purpose)
    return render(request, "records/cases/detail.html", context)


def _owned(request: HttpRequest, code: UUID) -> Reached[Case]:
    return access_case(request, str(code), action=policy.Action.EDIT)


def _case_values(case: Case) -> list[tuple[str, str]]:
    lead = case.lead_practitioner.full_name if case.lead_practitioner else "No lead"
    values = [
        ("Title", case.title),
        ("Summary", case.summary or "None"),
        ("Lead practitioner", lead),
        ("Review date", case.review_date.strftime("%d/%m/%Y") if case.review_date else "None"),
        ("Stage", case.stage),
        ("Status", case.get_status_display()),
        ("Risk", case.get_rag_display()),
    ]
    stored = selectors.case_answers(case)
    labels = field_map(stored.version.schema) if stored.version else {}
    values.extend(
        (labels[key]["label"], _answer_text(value))
        for key, value in stored.values.items()
        if key in labels
    )
    return values


def _answer_text(value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(str(part) for part in value.values() if part)
    return str(value)


def _case_form_view(
    request: HttpRequest,
    reached: Reached[Case],
    form_class: type[Form],
    write: Callable[[Form], object],
    *,
    title: str,
    submit: str,
    done: str,
    initial: dict[str, Any],
    answers: AnswersForm | None = None,
    warning: str = "",
    **form_kwargs: Any,
) -> HttpResponse:
    """GET shows the form at the case's version; POST runs ``write``; a stale POST gets 409."""
    case = reached.record
    conflict_values = None
    if request.method == "POST":
        form = form_class(request.POST, **form_kwargs)
        answered = answers is None or answers.is_valid()  # every error shows at once
        if form.is_valid() and answered:
            done_ok, current = attempt(form, lambda: write(form), answers)
            if done_ok:
                messages.success(request, done)
                return redirect(case)
            if current is not None:
                current = Case.objects.select_related("case_type", "lead_practitioner").get(
                    pk=current.pk
                )
                conflict_values = _case_values(current)
                form = conflict_form(form_class, request.POST, current, **form_kwargs)
    else:
        form = form_class(initial={"version": case.version, **initial}, **form_kwargs)
    return form_page(
        request,
        form,
        title=title,
        caption=case.reference,
        submit=submit,
        back=case.get_absolute_url(),
        conflict_values=conflict_values,
        answers=answers,
        warning=warning,
    )


def _version_warning(stored: selectors.CaseAnswers) -> str:
    """What saving does to answers written with an older version of the type's form."""
    old, new = stored.version, stored.current
    if old is None or new is None or old.number == new.number or not stored.values:
        return ""
    removed = [key for key in keys_removed(old.schema, new.schema) if key in stored.values]
    labels = field_map(old.schema)
    text = (
        f"These details were recorded with version {old.number} of this case type's fields; "
        f"saving uses version {new.number}."
    )
    if removed:
        names = ", ".join(labels[key]["label"] for key in removed)
        text += (
            " Answers to questions no longer asked will be removed from the case (they stay in "
            f"its history): {names}."
        )
    return text


@login_required
def case_edit(request: HttpRequest, code: UUID) -> HttpResponse:
    """The owning team changes a case's details and per-type fields."""
    reached = _owned(request, code)
    case = reached.record
    stored = selectors.case_answers(case)
    answers = AnswersForm(
        stored.current,
        viewer=reached.viewer,
        data=request.POST if request.method == "POST" else None,
        initial=stored.values,
    )
    initial = {
        "title": case.title,
        "summary": case.summary,
        "lead_practitioner": case.lead_practitioner_id,
        "review_date": case.review_date,
    }

    def write(form: Form) -> object:
        data = form.cleaned_data
        return services.case_update(
            actor=_user(request),
            case=case,
            expected_version=data["version"],
            title=data["title"],
            summary=data["summary"],
            lead_practitioner=data["lead_practitioner"],
            review_date=data["review_date"],
            fields=answers.payload,
        )

    return _case_form_view(
        request,
        reached,
        CaseEditForm,
        write,
        title="Change case details",
        submit="Save changes",
        done="Case details saved.",
        initial=initial,
        answers=answers,
        warning=_version_warning(stored),
        leads=selectors.team_practitioners(team_id=case.owning_team_id),
    )


@login_required
def case_stage(request: HttpRequest, code: UUID) -> HttpResponse:
    """The owning team moves a case to another stage, with a note."""
    reached = _owned(request, code)
    case = reached.record

    def write(form: Form) -> object:
        data = form.cleaned_data
        return services.case_stage_change(
            actor=_user(request),
            case=case,
            to_stage=data["to_stage"],
            note=data["note"],
            expected_version=data["version"],
        )

    return _case_form_view(
        request,
        reached,
        StageForm,
        write,
        title="Change the stage",
        submit="Change stage",
        done="Stage changed.",
        initial={"to_stage": case.stage},
        stages=case.case_type.stages,
    )


@login_required
def case_close(request: HttpRequest, code: UUID) -> HttpResponse:
    """The owning team closes a case with its outcome."""
    reached = _owned(request, code)
    if reached.record.status == CaseStatus.CLOSED:
        raise Http404

    def write(form: Form) -> object:
        data = form.cleaned_data
        return services.case_close(
            actor=_user(request),
            case=reached.record,
            outcome=data["outcome"],
            closed_on=data["closed_on"],
            expected_version=data["version"],
        )

    return _case_form_view(
        request,
        reached,
        CloseForm,
        write,
        title="Close the case",
        submit="Close case",
        done="Case closed.",
        initial={},
    )


@login_required
def case_rag(request: HttpRequest, code: UUID) -> HttpResponse:
    """The owning team sets a case's red, amber or green risk rating."""
    reached = _owned(request, code)

    def write(form: Form) -> object:
        data = form.cleaned_data
        return services.case_set_rag(
            actor=_user(request),
            case=reached.record,
            rag=form.rag_value(),  # type: ignore[attr-defined]
            note=data["note"],
            expected_version=data["version"],
        )

    return _case_form_view(
        request,
        reached,
        RagForm,
        write,
        title="Set the risk rating",
        submit="Save rating",
        done="Risk rating saved.",
        initial={"rag": reached.record.rag or "none"},
    )


@login_required
def case_member_add(request: HttpRequest, code: UUID) -> HttpResponse:
    """The owning team adds a person to the case in a role."""
    reached = _owned(request, code)
    case = reached.record
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        profile = selectors.profile_for_link(reached.viewer, form.cleaned_data["profile"])
        if profile is None:
            form.add_error("profile", services.PROFILE_NOT_FOUND)
        else:
            done, _ = attempt(
                form,
                lambda: services.case_member_add(
                    actor=_user(request),
                    viewer=reached.viewer,
                    case=case,
                    profile=profile,
                    role=form.cleaned_data["role"],
                ),
            )
            if done:
                messages.success(request, "Person added to the case.")
                return redirect(case)
    return form_page(
        request,
        form,
        title="Add a person to the case",
        caption=case.reference,
        submit="Add person",
        back=case.get_absolute_url(),
    )


@login_required
def case_member_remove(request: HttpRequest, code: UUID, member_id: int) -> HttpResponse:
    """The owning team takes a person out of the case in one role, giving a reason."""
    reached = _owned(request, code)
    case = reached.record
    member = get_object_or_404(
        CaseMember.objects.select_related("profile", "case"), pk=member_id, case=case
    )
    form = RemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, _ = attempt(
            form,
            lambda: services.case_member_remove(
                actor=_user(request), member=member, reason=form.cleaned_data["reason"]
            ),
        )
        if done:
            messages.success(request, "Person removed from the case.")
            return redirect(case)
    return form_page(
        request,
        form,
        title=f"Remove this {member.get_role_display().lower()} from the case",
        caption=case.reference,
        submit="Remove",
        back=case.get_absolute_url(),
        warning="The person's own record is not changed.",
    )


@login_required
def case_link_add(request: HttpRequest, code: UUID) -> HttpResponse:
    """The owning team links premises or a group to the case."""
    reached = _owned(request, code)
    case = reached.record
    form = LinkAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reference = form.cleaned_data["reference"]
        if form.cleaned_data["kind"] == "premises":
            target: Any = selectors.premises_for_link(reached.viewer, reference)
            extra = {"premises": target}
        else:
            target = selectors.group_for_link(reached.viewer, reference)
            extra = {"group": target}
        if target is None:
            form.add_error("reference", services.LINK_NOT_FOUND)
        else:
            done, _ = attempt(
                form,
                lambda: services.case_link_add(
                    actor=_user(request), viewer=reached.viewer, case=case, **extra
                ),
            )
            if done:
                messages.success(request, "Link added to the case.")
                return redirect(case)
    return form_page(
        request,
        form,
        title="Link premises or a group",
        caption=case.reference,
        submit="Add link",
        back=case.get_absolute_url(),
    )


@login_required
def case_link_remove(request: HttpRequest, code: UUID, link_id: int) -> HttpResponse:
    """The owning team unlinks premises or a group from the case, giving a reason."""
    reached = _owned(request, code)
    case = reached.record
    link = get_object_or_404(
        CaseLink.objects.select_related("case", "premises", "group"), pk=link_id, case=case
    )
    form = RemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, _ = attempt(
            form,
            lambda: services.case_link_remove(
                actor=_user(request), link=link, reason=form.cleaned_data["reason"]
            ),
        )
        if done:
            messages.success(request, "Link removed from the case.")
            return redirect(case)
    return form_page(
        request,
        form,
        title="Remove this link from the case",
        caption=case.reference,
        submit="Remove",
        back=case.get_absolute_url(),
    )
