"""Writes for the ASB case review (Community Trigger): record a complaint, raise an activation.

``asb_complaint_record`` records a victim's complaint to one agency and, in the same transaction,
counts the victim's qualifying incidents across every agency of the partnership
(``casework.selectors.case_review.trigger_count``). When the count meets the partnership's
threshold and the victim has no activation in the current window, it records a
``CaseReviewActivation`` (once per victim per window, not again on every later complaint) and,
after commit, emails the partnership's case-review lead a reference and a link: never a name, a
date of birth, an address, a location or the complaint's words.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record
from roundtable.casework.models import AsbComplaint, CaseReviewActivation, CaseReviewSettings
from roundtable.casework.selectors import case_review as selectors
from roundtable.directory.models import Organisation, Team, User
from roundtable.records.models import Case, CaseMember, MemberRole, Profile
from roundtable.records.services.cases import PROFILE_NOT_FOUND, reference_allocate
from roundtable.sharing import policy
from roundtable.tasking.services.alerts import alert_event_direct

ACTIVATION_PREFIX = "ASBCR"
# Case members in these roles are offered as the victim when a complaint is recorded on a case.
VICTIM_ROLES = (MemberRole.VICTIM, MemberRole.COMPLAINANT)


def _problems(
    *,
    partnership_id: int | None,
    incident_on: date,
    reported_on: date,
    reporting_organisation: Organisation,
    incident_reference: str,
    location: str,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if incident_on > today:
        errors["incident_on"] = ["The date of the incident cannot be in the future."]
    if reported_on > today:
        errors["reported_on"] = ["The date it was reported cannot be in the future."]
    elif reported_on < incident_on:
        errors["reported_on"] = ["It cannot have been reported before the incident."]
    if not reporting_organisation.is_active or reporting_organisation.partnership_id not in (
        partnership_id,
        None,
    ):
        errors["reporting_organisation"] = ["Choose an agency of your partnership."]
    if len(incident_reference) > 40:
        errors["incident_reference"] = ["The reference must be 40 characters or fewer."]
    if len(location) > 120:
        errors["location"] = ["The location must be 120 characters or fewer."]
    return errors


@transaction.atomic
def asb_complaint_record(
    *,
    actor: User,
    team: Team,
    viewer: policy.Viewer,
    victim: Profile,
    incident_on: date,
    reported_on: date,
    reporting_organisation: Organisation,
    incident_reference: str = "",
    location: str = "",
    description: str = "",
    case: Case | None = None,
) -> AsbComplaint:
    """Record a victim's complaint of ASB to an agency; raise a case review when it is met."""
    partnership_id = team.organisation.partnership_id
    if partnership_id is None:
        raise ValidationError("Only a team of a partnership can record ASB complaints.")
    if not policy.can(viewer, policy.Action.SEE_SIGNPOST, cast(policy.Record, victim)):
        raise ValidationError({"victim": [PROFILE_NOT_FOUND]})
    if case is not None:
        if not policy.can(viewer, policy.Action.EDIT, cast(policy.Record, case)):
            raise PermissionDenied
        if not CaseMember.objects.filter(case=case, profile=victim, role__in=VICTIM_ROLES).exists():
            raise ValidationError({"victim": ["Choose a victim or complainant in this case."]})
    errors = _problems(
        partnership_id=partnership_id,
        incident_on=incident_on,
        reported_on=reported_on,
        reporting_organisation=reporting_organisation,
        incident_reference=incident_reference.strip(),
        location=location.strip(),
    )
    if errors:
        raise ValidationError(errors)
    # One victim's complaints are counted one at a time, so two recorded together cannot both
    # see "no activation yet" and raise two.
    Profile.objects.select_for_update().filter(pk=victim.pk).values_list("pk").first()
    complaint = AsbComplaint(
        partnership_id=partnership_id,
        victim=victim,
        case=case,
        incident_on=incident_on,
        reported_on=reported_on,
        reporting_organisation=reporting_organisation,
        incident_reference=incident_reference.strip(),
        location=location.strip(),
        description=description.strip(),
        recorded_by=actor,
        recorded_by_team=team,
    )
    complaint.full_clean(exclude=["partnership", "victim", "recorded_by", "recorded_by_team"])
    complaint.save()
    audit_record(
        action=Action.UPDATE,
        target=victim,
        sections=["diary"],
        changes={
            "asb_complaint_added": [
                None,
                {
                    "complaint": str(complaint.code),
                    "incident_on": incident_on.isoformat(),
                    "reported_on": reported_on.isoformat(),
                    "reporting_organisation": reporting_organisation.name,
                    "case": case.reference if case is not None else None,
                },
            ]
        },
    )
    case_review_check(complaint=complaint)
    return complaint


def case_review_check(*, complaint: AsbComplaint) -> CaseReviewActivation | None:
    """After a complaint: raise an activation when the victim meets the threshold and has none
    in the current window (the caller's transaction; the victim's row is locked)."""
    today = timezone.localdate()
    partnership_id = int(complaint.partnership_id)
    settings = selectors.case_review_settings_for(partnership_id)
    count = selectors.trigger_count(
        partnership_id=partnership_id, victim=complaint.victim, on=today
    )
    if not count.met:
        return None
    if selectors.activation_in_window(
        partnership_id=partnership_id, victim=complaint.victim, settings=settings, on=today
    ):
        return None
    activation = CaseReviewActivation.objects.create(
        partnership_id=partnership_id,
        victim=complaint.victim,
        reference=reference_allocate(prefix=ACTIVATION_PREFIX, year=today.year),
        activated_on=today,
        incident_count=count.incidents,
        threshold=settings.threshold,
        window_months=settings.window_months,
        report_within_months=settings.report_within_months,
        triggering_complaint=complaint,
    )
    audit_record(
        action=Action.CREATE,
        target=activation,
        detail={
            "victim": str(complaint.victim.code),
            "incidents": count.incidents,
            "threshold": settings.threshold,
            "window_months": settings.window_months,
        },
    )
    case_review_activation_notify(activation=activation, settings=settings)
    return activation


def case_review_activation_notify(
    *, activation: CaseReviewActivation, settings: CaseReviewSettings
) -> None:
    """Tell the partnership's case-review lead: a reference and a link only.

    In the app (``case_review.triggered``, a direct notice about the activation, delivered only
    while the recipient may still read case reviews): the lead person and every member of the
    lead team. By email, after commit: the lead person and the lead team's managers. Neither
    names the victim: the recipient may not be allowed to see them.
    """
    from roundtable.sharing.services.notify import absolute

    alert_event_direct(
        event="case_review.triggered",
        subject=("case_review", int(activation.pk)),
        recipients=selectors.case_review_lead_user_ids(settings),
        actor=None,  # whoever recorded the complaint did not decide the trigger: tell them too
        team=None,
    )

    context = {
        "reference": activation.reference,
        "link": absolute(activation.get_absolute_url()),
    }

    def send() -> None:
        emails = selectors.case_review_lead_emails(
            selectors.case_review_settings_for(settings.partnership_id)
        )
        _send("case_review_activation", emails, context)

    transaction.on_commit(send)


def _send(template: str, emails: list[str], context: dict[str, Any]) -> None:
    if not emails:
        return
    subject = render_to_string(f"casework/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"casework/email/{template}_message.txt", context)
    sender = getattr(django_settings, "DEFAULT_FROM_EMAIL", None)
    # One message per recipient, so no one sees who else was told.
    send_mass_mail([(subject, body, sender, [email]) for email in emails])
