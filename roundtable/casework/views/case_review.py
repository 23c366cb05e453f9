"""ASB complaint and case review pages: a victim's complaints, recording one, and activations.

A victim's complaints page shows only the complaints ``complaints_visible_to`` allows (the
victim's diary section, or the viewer's own organisation's) and the count *those* make, so the
page never reveals another agency's complaints to someone not given them. Anyone who can see a
person's signpost may record a complaint about them (complaints come to every agency); recording
on a case needs EDIT on the case. Activations are read by the partnership's case-review lead and
its partnership admins (anyone else in the partnership: 403; another partnership's: 404), and
name the victim only when the reader may see that person's signpost.
"""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record
from roundtable.casework.forms.case_review import ComplaintForm
from roundtable.casework.models import AsbComplaint, CaseReviewActivation
from roundtable.casework.selectors import case_review as selectors
from roundtable.casework.services import case_review as services
from roundtable.directory.models import Organisation
from roundtable.records.access import access_case, access_profile
from roundtable.records.models import CaseMember, Profile
from roundtable.records.views.pages import acting_team, attempt, form_page
from roundtable.sharing import policy

PER_PAGE = 25


def _organisations(partnership_id: int) -> Any:
    return Organisation.objects.filter(is_active=True, partnership_id=partnership_id).order_by(
        "name"
    )


@login_required
def victim_complaints(request: HttpRequest, code: UUID) -> HttpResponse:
    """A person's ASB complaints the viewer may see, and how they stand against the threshold."""
    reached = access_profile(request, str(code))
    victim = reached.record
    found = selectors.victim_complaints_for_viewer(reached.viewer, victim)
    page = Paginator(found.complaints, PER_PAGE).get_page(request.GET.get("page"))
    audit_record(
        action=Action.VIEW,
        target=victim,
        sections=["diary"] if found.sees_all else [],
        detail={"asb_complaints": len(page.object_list), "page": page.number},
    )
    context = {
        "victim": victim,
        # A signpost names anyone not hidden; a hidden record names them only with identity.
        "shows_name": reached.shows("identity") or victim.visibility != "hidden",
        "found": found,
        "page": page,
        "settings": selectors.case_review_settings_for(reached.viewer.partnership_id),
        "can_record": reached.viewer.partnership_id is not None,
    }
    return render(request, "casework/case_review/complaints.html", context)


def _record(
    request: HttpRequest,
    form: ComplaintForm,
    *,
    viewer: policy.Viewer,
    victim: Profile,
    case: Any = None,
) -> bool:
    team = acting_team(request)
    data = form.cleaned_data
    created: list[AsbComplaint] = []
    done, _current = attempt(
        form,
        lambda: created.append(
            services.asb_complaint_record(
                actor=cast(Any, request.user),
                team=team,
                viewer=viewer,
                victim=victim,
                incident_on=data["incident_on"],
                reported_on=data["reported_on"],
                reporting_organisation=data["reporting_organisation"],
                incident_reference=data["incident_reference"],
                location=data["location"],
                description=data["description"],
                case=case,
            )
        ),
    )
    if done:
        messages.success(request, _("Complaint recorded."))
    return done


@login_required
def victim_complaint_add(request: HttpRequest, code: UUID) -> HttpResponse:
    """Record a complaint of ASB made by this person to an agency of the partnership."""
    reached = access_profile(request, str(code))
    team = acting_team(request)
    partnership_id = team.organisation.partnership_id
    if partnership_id is None:
        raise PermissionDenied
    victim = reached.record
    organisations = _organisations(partnership_id)
    form = ComplaintForm(
        request.POST or None,
        organisations=organisations,
        initial={"reporting_organisation": team.organisation_id},
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _record(request, form, viewer=reached.viewer, victim=victim)
    ):
        return redirect("casework:victim_complaints", code=victim.code)
    back = reverse("casework:victim_complaints", kwargs={"code": victim.code})
    return form_page(
        request,
        form,
        title=_("Record an ASB complaint"),
        caption=_("Person %(code)s") % {"code": victim.code},
        submit=_("Save complaint"),
        back=back,
        intro=_(
            "Record each complaint once, with the agency it was made to. One incident reported "
            "to several agencies counts once towards an ASB case review."
        ),
    )


@login_required
def case_complaint_add(request: HttpRequest, code: UUID) -> HttpResponse:
    """The owning team records a complaint by one of the case's victims or complainants."""
    reached = access_case(request, str(code), action=policy.Action.EDIT)
    case = reached.record
    team = acting_team(request)
    partnership_id = team.organisation.partnership_id
    if partnership_id is None:
        raise PermissionDenied
    members = list(
        CaseMember.objects.filter(case=case, role__in=services.VICTIM_ROLES)
        .select_related("profile")
        .order_by("pk")
    )
    seen = selectors.victims_seen(reached.viewer, {m.profile_id for m in members})
    victims: dict[str, str] = {}
    for member in members:
        name = (
            member.profile.display_name
            if member.profile_id in seen
            else _("A person you cannot see")
        )
        victims.setdefault(str(member.profile_id), f"{name} ({member.get_role_display()})")
    form = ComplaintForm(
        request.POST or None,
        organisations=_organisations(partnership_id),
        victims=list(victims.items()),
        initial={"reporting_organisation": team.organisation_id},
    )
    if request.method == "POST" and form.is_valid():
        victim = Profile.objects.get(pk=int(form.cleaned_data["victim"]))
        if _record(request, form, viewer=reached.viewer, victim=victim, case=case):
            return redirect(case)
    return form_page(
        request,
        form,
        title=_("Record an ASB complaint"),
        caption=case.reference,
        submit=_("Save complaint"),
        back=case.get_absolute_url(),
        intro=""
        if victims
        else _("Add the victim to the case (as a victim or complainant) first."),
    )


# --- Activations ------------------------------------------------------------------------------


def _reader_partnership(request: HttpRequest) -> tuple[policy.Viewer, int]:
    viewer = policy.viewer_for(request)
    partnership_id = viewer.partnership_id
    if partnership_id is None or not selectors.may_read_case_reviews(
        request.user, viewer, partnership_id
    ):
        raise PermissionDenied
    return viewer, partnership_id


@login_required
def case_review_list(request: HttpRequest) -> HttpResponse:
    """The partnership's ASB case review activations, newest first."""
    viewer, partnership_id = _reader_partnership(request)
    page = Paginator(selectors.activations_for_partnership(partnership_id), PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    seen = selectors.victims_seen(viewer, {row.victim_id for row in rows})
    audit_record(
        action=Action.VIEW,
        target_type="casework.casereviewactivation",
        target_label="ASB case review activations",
        detail={"page": page.number, "shown": [row.reference for row in rows]},
    )
    return render(
        request,
        "casework/case_review/list.html",
        {"page": page, "rows": [(row, row.victim_id in seen) for row in rows]},
    )


@login_required
def case_review_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    """One activation: when, the count and settings it met, the victim (as the policy allows)
    and the complaints the reader may see."""
    viewer = policy.viewer_for(request)
    activation = (
        CaseReviewActivation.objects.select_related("victim", "triggering_complaint")
        .filter(code=code, partnership_id=viewer.partnership_id)
        .first()
        if viewer.partnership_id is not None
        else None
    )
    if activation is None:
        raise Http404
    if not selectors.may_read_case_reviews(request.user, viewer, activation.partnership_id):
        raise PermissionDenied
    victim = activation.victim
    shows_victim = bool(selectors.victims_seen(viewer, {victim.pk}))
    complaints = list(
        selectors.complaints_visible_to(viewer, victim)
        .filter(partnership_id=activation.partnership_id)
        .select_related("reporting_organisation")
        .order_by("-reported_on", "-pk")[:100]
    )
    audit_record(
        action=Action.VIEW,
        target=activation,
        detail={"victim": str(victim.code), "victim_named": shows_victim},
    )
    return render(
        request,
        "casework/case_review/detail.html",
        {
            "activation": activation,
            "victim": victim,
            "shows_victim": shows_victim,
            "complaints": complaints,
        },
    )
