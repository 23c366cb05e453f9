"""Enforcement pages: a case's escalation ladder, one action, and the owning team's changes.

Thin: each view asks ``records.access`` for the case. Reading needs the case's summary section
(missing or hidden case: 404; visible without the summary: 403); whom each action targets needs
the members section as well (without it the page names nobody). Every change needs EDIT on the
case (the owning team; anyone else: 403) and goes through one service. Reads are audited with the
sections shown; at the "audited" access level the purpose stated on the case page is carried (a
reader who has not stated one is sent there first).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from roundtable.casework.forms.enforcement import (
    AddForm,
    BreachForm,
    ChangeForm,
    EndForm,
    KindForm,
    ServeForm,
    kinds_for,
    officers_for,
    organisations_for,
    teams_for,
)
from roundtable.casework.models import EnforcementAction
from roundtable.casework.powers import (
    IN_FORCE_STATUSES,
    EnforcementKind,
    EnforcementStatus,
    lower_first,
    with_article,
)
from roundtable.casework.selectors import enforcement as selectors
from roundtable.casework.services import enforcement as services
from roundtable.records import purpose as purpose_rules
from roundtable.records.access import Reached, access_case, audit_view
from roundtable.records.models import Case, CaseLink, CaseMember, Premises, Profile
from roundtable.records.views.pages import attempt, conflict_form, form_page
from roundtable.sharing import policy
from roundtable.sharing.sections import Section


def _user(request: HttpRequest) -> Any:
    return request.user


def _reading(request: HttpRequest, code: UUID) -> Reached[Case] | str:
    """The case for a reader with its summary section, or where to state a purpose first."""
    reached = access_case(request, str(code), action=policy.Action.VIEW, section=Section.SUMMARY)
    if purpose_rules.needs_purpose(reached):
        purpose = purpose_rules.remembered_purpose(request, reached)
        if not purpose:
            return reached.record.get_absolute_url()
    return reached


def _purpose(request: HttpRequest, reached: Reached[Case]) -> str:
    if purpose_rules.needs_purpose(reached):
        return purpose_rules.remembered_purpose(request, reached)
    return ""


def _owned(request: HttpRequest, code: UUID) -> Reached[Case]:
    return access_case(request, str(code), action=policy.Action.EDIT)


def _action(case: Case, action_code: UUID) -> EnforcementAction:
    action = (
        EnforcementAction.objects.select_related("target_profile", "target_premises")
        .filter(case=case, code=action_code)
        .first()
    )
    if action is None:
        raise Http404
    action.case = case
    return action


@login_required
def enforcement_ladder(request: HttpRequest, code: UUID) -> HttpResponse:
    """The case's escalation ladder: done, in force, what expires when, and the next step."""
    reached = _reading(request, code)
    if isinstance(reached, str):
        return redirect(reached)
    ladder = selectors.enforcement_ladder(reached.viewer, reached.record)
    if ladder is None:  # the policy moved between the two questions
        raise Http404
    shown = [str(Section.SUMMARY)] + ([str(Section.MEMBERS)] if ladder.shows_targets else [])
    audit_view(reached, shown=shown, justification=_purpose(request, reached))
    context = {
        "reached": reached,
        "case": reached.record,
        "ladder": ladder,
        "can_edit": policy.can(
            reached.viewer, policy.Action.EDIT, cast(policy.Record, reached.record)
        ),
        "today": timezone.localdate(),
    }
    return render(request, "casework/enforcement/ladder.html", context)


@login_required
def enforcement_detail(request: HttpRequest, code: UUID, action_code: UUID) -> HttpResponse:
    """One action: its details, dates, breaches and outcome; the owning team's buttons."""
    reached = _reading(request, code)
    if isinstance(reached, str):
        return redirect(reached)
    view = selectors.enforcement_action_view(reached.viewer, reached.record, action_code)
    if view is None:
        raise Http404
    shown = [str(Section.SUMMARY)] + ([str(Section.MEMBERS)] if view.shows_target else [])
    audit_view(reached, shown=shown, justification=_purpose(request, reached))
    action = view.action
    context = {
        "reached": reached,
        "case": reached.record,
        "view": view,
        "action": action,
        "can_edit": policy.can(
            reached.viewer, policy.Action.EDIT, cast(policy.Record, reached.record)
        ),
        "in_force": action.status in IN_FORCE_STATUSES,
        "proposed": action.status == EnforcementStatus.PROPOSED,
        "ended": action.status
        in (EnforcementStatus.EXPIRED, EnforcementStatus.DISCHARGED, EnforcementStatus.WITHDRAWN),
    }
    return render(request, "casework/enforcement/detail.html", context)


# --- Adding an action -------------------------------------------------------------------------


def _targets(viewer: policy.Viewer, case: Case, kind: str | None) -> list[tuple[str, str]]:
    """The case's people and premises that suit the power, named as the viewer may see them."""
    from roundtable.casework.powers import FOR_PERSON, FOR_PREMISES

    choices: list[tuple[str, str]] = []
    if kind is None or kind in FOR_PERSON:
        members = list(
            CaseMember.objects.filter(case=case).select_related("profile").order_by("pk")
        )
        seen = set(
            policy.signpost_visible(
                viewer, Profile.objects.filter(pk__in={m.profile_id for m in members})
            ).values_list("pk", flat=True)
        )
        roles: dict[int, list[str]] = {}
        people: dict[int, Profile] = {}
        for member in members:
            roles.setdefault(member.profile_id, []).append(str(member.get_role_display()))
            people[member.profile_id] = member.profile
        for profile_id, profile in people.items():
            name = profile.display_name if profile_id in seen else _("A person you cannot see")
            choices.append((f"person:{profile_id}", f"{name} ({', '.join(roles[profile_id])})"))
    if kind is None or kind in FOR_PREMISES:
        links = list(
            CaseLink.objects.filter(case=case, premises__isnull=False)
            .select_related("premises")
            .order_by("pk")
        )
        seen = set(
            policy.signpost_visible(
                viewer, Premises.objects.filter(pk__in={link.premises_id for link in links})
            ).values_list("pk", flat=True)
        )
        for link in links:
            premises = link.premises
            assert premises is not None  # noqa: S101  (filtered on premises above)
            name = premises.name if premises.pk in seen else _("Premises you cannot see")
            choices.append((f"premises:{premises.pk}", f"{name} ({_('premises')})"))
    return choices


@login_required
def enforcement_choose(request: HttpRequest, code: UUID) -> HttpResponse:
    """Step one of adding an action: choose the power (those that suit the case's targets)."""
    reached = _owned(request, code)
    case = reached.record
    targets = _targets(reached.viewer, case, None)
    people = any(value.startswith("person:") for value, _label in targets)
    places = any(value.startswith("premises:") for value, _label in targets)
    form = KindForm(request.GET or None, kinds=kinds_for(people=people, premises=places))
    if request.GET and form.is_valid():
        return redirect("casework:enforcement_add", code=case.code, kind=form.cleaned_data["kind"])
    intro = (
        ""
        if targets
        else _(
            "Add the person (as a case member) or link the premises to the case first: an "
            "enforcement action is always about someone or somewhere in the case."
        )
    )
    return render(
        request,
        "casework/enforcement/choose.html",
        {"form": form, "case": case, "intro": intro, "has_targets": bool(targets)},
        status=400 if form.errors else 200,
    )


@login_required
def enforcement_add(request: HttpRequest, code: UUID, kind: str) -> HttpResponse:
    """Step two: the power's details; with a service date it is recorded as served."""
    reached = _owned(request, code)
    case = reached.record
    if kind not in EnforcementKind.values:
        raise Http404
    partnership_id = case.case_type.partnership_id
    settings = selectors.enforcement_settings_for(partnership_id)
    team = getattr(request, "acting_team", None)
    kwargs: dict[str, Any] = {
        "kind": kind,
        "settings": settings,
        "targets": _targets(reached.viewer, case, kind),
        "organisations": organisations_for(partnership_id),
        "teams": teams_for(partnership_id),
        "officers": officers_for(case.owning_team_id),
    }
    if request.method == "POST":
        form = AddForm(request.POST, **kwargs)
        if form.is_valid():
            created: list[EnforcementAction] = []
            profile_id, premises_id = form.target_ids()
            served_on, served_at = form.served()

            def write() -> None:
                created.append(
                    services.enforcement_create(
                        actor=_user(request),
                        viewer=reached.viewer,
                        case=case,
                        kind=kind,
                        target_profile=Profile.objects.filter(pk=profile_id).first()
                        if profile_id
                        else None,
                        target_premises=Premises.objects.filter(pk=premises_id).first()
                        if premises_id
                        else None,
                        issuing_organisation=form.cleaned_data["issuing_organisation"],
                        issuing_team=form.cleaned_data["issuing_team"],
                        officer=form.cleaned_data["officer"],
                        served_on=served_on,
                        served_at=served_at,
                        **form.details(),
                    )
                )

            done, _current = attempt(form, write)
            if done:
                messages.success(
                    request, _("%(kind)s recorded.") % {"kind": created[0].get_kind_display()}
                )
                return redirect(created[0].get_absolute_url())
    else:
        initial: dict[str, Any] = {
            "officer": request.user.pk,
            "issuing_organisation": team.organisation_id if team else None,
            "issuing_team": team.pk if team else None,
        }
        form = AddForm(initial=initial, **kwargs)
    return form_page(
        request,
        form,
        title=_("Add %(kind)s")
        % {"kind": with_article(lower_first(str(EnforcementKind(kind).label)))},
        caption=case.reference,
        submit=_("Save"),
        back=reverse("casework:enforcement_choose", kwargs={"code": case.code}),
        intro=_intro(kind, settings),
    )


def _intro(kind: str, settings: Any) -> str:
    kinds = EnforcementKind
    texts: dict[str, str] = {
        kinds.CPW: _(
            "The warning must state the problem, the change required, the deadline and the "
            "consequence. It expires %(months)s months after it is served."
        )
        % {"months": settings.cpw_months},
        kinds.CPN: _(
            "A breach can be met with a fixed penalty of £%(full)s, or £%(early)s if paid within "
            "%(days)s days, unless you enter other figures."
        )
        % {
            "full": settings.fixed_penalty_amount,
            "early": settings.fixed_penalty_early_amount,
            "days": settings.fixed_penalty_early_days,
        },
        kinds.DISPERSAL: _(
            "A dispersal direction lasts up to 48 hours and needs an inspector's authority."
        ),
        kinds.CLOSURE_NOTICE: _(
            "A closure notice lasts 24 hours, or up to 48 with a superintendent's or council chief "
            "executive's authority."
        ),
        kinds.CLOSURE_ORDER: _(
            "A closure order lasts up to 3 months; an extension can bring it to 6."
        ),
        kinds.ABC: _(
            "An acceptable behaviour contract is a voluntary written agreement with a review date."
        ),
    }
    return str(texts.get(kind, ""))


# --- Changing an action -----------------------------------------------------------------------


def _values(action: EnforcementAction) -> list[tuple[str, str]]:
    """An action as it is now, for the conflict page."""

    def show(value: Any) -> str:
        if value is None or value == "":
            return str(_("None"))
        if hasattr(value, "strftime"):
            return str(value.strftime("%d/%m/%Y"))
        return str(value)

    rows = [
        (str(_("Status")), str(action.get_status_display())),
        (str(_("Date served")), show(action.served_on)),
        (str(_("Expiry date")), show(action.expires_on)),
        (str(_("Review date")), show(action.review_on)),
    ]
    rows.extend(
        (name.replace("_", " ").capitalize(), show(getattr(action, name)))
        for name in services.KIND_FIELDS[action.kind]
        if name not in ("expires_on", "review_on")
    )
    return rows


def _action_form_view(
    request: HttpRequest,
    reached: Reached[Case],
    action: EnforcementAction,
    make_form: Callable[..., Form],
    write: Callable[[Form], object],
    *,
    title: str,
    submit: str,
    done: str,
    initial: dict[str, Any],
    warning: str = "",
) -> HttpResponse:
    """GET shows the form at the action's version; POST runs ``write``; a stale POST gets 409."""
    conflict_values = None
    if request.method == "POST":
        form = make_form(request.POST)
        if form.is_valid():
            done_ok, current = attempt(form, lambda: write(form))
            if done_ok:
                messages.success(request, done)
                return redirect(action.get_absolute_url())
            if current is not None:
                conflict_values = _values(current)
                # conflict_form only calls what it is given with the data, like a form class.
                form = conflict_form(make_form, request.POST, current)  # type: ignore[arg-type]
    else:
        form = make_form(initial={"version": action.version, **initial})
    return form_page(
        request,
        form,
        title=title,
        caption=f"{reached.record.reference}: {action.get_kind_display()}",
        submit=submit,
        back=action.get_absolute_url(),
        conflict_values=conflict_values,
        warning=warning,
    )


@login_required
def enforcement_serve(request: HttpRequest, code: UUID, action_code: UUID) -> HttpResponse:
    """The owning team records that a proposed action was served."""
    reached = _owned(request, code)
    action = _action(reached.record, action_code)
    if action.status != EnforcementStatus.PROPOSED:
        raise Http404

    def write(form: Form) -> object:
        served_on, served_at = form.served()  # type: ignore[attr-defined]
        return services.enforcement_serve(
            actor=_user(request),
            viewer=reached.viewer,
            action=action,
            expected_version=form.cleaned_data["version"],
            served_on=served_on,
            served_at=served_at,
        )

    return _action_form_view(
        request,
        reached,
        action,
        lambda *args, **kwargs: ServeForm(*args, kind=action.kind, **kwargs),
        write,
        title=_("Record that it was served"),
        submit=_("Save"),
        done=_("Recorded as served."),
        initial={"served_on": timezone.localdate()},
    )


@login_required
def enforcement_change(request: HttpRequest, code: UUID, action_code: UUID) -> HttpResponse:
    """The owning team changes a proposed action, or varies one in force with a reason."""
    reached = _owned(request, code)
    case = reached.record
    action = _action(case, action_code)
    if action.status not in (EnforcementStatus.PROPOSED, *IN_FORCE_STATUSES):
        raise Http404
    varying = action.status != EnforcementStatus.PROPOSED
    settings = selectors.enforcement_settings_for(case.case_type.partnership_id)
    names = services.KIND_FIELDS[action.kind]

    def make(*args: Any, **kwargs: Any) -> Form:
        return ChangeForm(*args, kind=action.kind, settings=settings, varying=varying, **kwargs)

    def write(form: Form) -> object:
        details = form.details()  # type: ignore[attr-defined]
        return services.enforcement_update(
            actor=_user(request),
            viewer=reached.viewer,
            action=action,
            expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data.get("reason", ""),
            **details,
        )

    return _action_form_view(
        request,
        reached,
        action,
        make,
        write,
        title=_("Vary the action") if varying else _("Change the proposed action"),
        submit=_("Save changes"),
        done=_("Changes saved."),
        initial={name: getattr(action, name) for name in names},
        warning=_("The variation and its reason are kept in the case's history.")
        if varying
        else "",
    )


@login_required
def enforcement_breach(request: HttpRequest, code: UUID, action_code: UUID) -> HttpResponse:
    """The owning team records a breach of an action in force."""
    reached = _owned(request, code)
    action = _action(reached.record, action_code)
    if action.status not in IN_FORCE_STATUSES:
        raise Http404

    def write(form: Form) -> object:
        data = form.cleaned_data
        return services.enforcement_breach_record(
            actor=_user(request),
            viewer=reached.viewer,
            action=action,
            expected_version=data["version"],
            occurred_on=data["occurred_on"],
            description=data["description"],
            reported_by=data["reported_by"],
            response=data["response"],
            response_notes=data["response_notes"],
        )

    return _action_form_view(
        request,
        reached,
        action,
        BreachForm,
        write,
        title=_("Record a breach"),
        submit=_("Save breach"),
        done=_("Breach recorded."),
        initial={},
    )


@login_required
def enforcement_end(request: HttpRequest, code: UUID, action_code: UUID) -> HttpResponse:
    """The owning team discharges an action in force, or withdraws one."""
    reached = _owned(request, code)
    action = _action(reached.record, action_code)
    in_force = action.status in IN_FORCE_STATUSES
    if not in_force and action.status != EnforcementStatus.PROPOSED:
        raise Http404

    def write(form: Form) -> object:
        data = form.cleaned_data
        return services.enforcement_end(
            actor=_user(request),
            viewer=reached.viewer,
            action=action,
            expected_version=data["version"],
            status=data["status"],
            outcome=data["outcome"],
            ended_on=data["ended_on"],
        )

    return _action_form_view(
        request,
        reached,
        action,
        lambda *args, **kwargs: EndForm(*args, in_force=in_force, **kwargs),
        write,
        title=_("Discharge or withdraw") if in_force else _("Withdraw the proposed action"),
        submit=_("Save"),
        done=_("Outcome recorded."),
        initial={},
    )
