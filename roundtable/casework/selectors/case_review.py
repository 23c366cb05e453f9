"""Reads for the ASB case review (Community Trigger): counting complaints, and who sees what.

The counting rule (``count_incidents``), documented in docs/casework.md:

- a complaint **qualifies** when it was reported no later than the partnership's reporting period
  (1 month by default) after its incident: incident on 10 March, reported by 10 April;
- it counts towards the **window** when it was reported within the window (6 months by default)
  ending on the day of the count: after the same day 6 months before, up to and including it;
- **one incident reported to several agencies counts once**: complaints about the same victim
  whose incidents fell on the same day are one incident, whichever agencies took them (agencies
  give the same incident different references and descriptions; the day is what they share);
- the victim **meets the threshold** when the distinct incidents reach it (3 by default).

``trigger_count`` counts across every agency of the partnership: it is the trigger itself, and is
used by the service that records complaints and raises activations, never shown to a user as a
list. Whatever a *user* is shown is limited by ``complaints_visible_to``: a complaint is visible
to a viewer whose organisation took it, and to one the policy lets see the victim's diary section
(a complaint is part of the person's contact history). Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from roundtable.casework import powers
from roundtable.casework.models import AsbComplaint, CaseReviewActivation, CaseReviewSettings
from roundtable.directory import permissions
from roundtable.directory.models import Membership, User
from roundtable.records.models import Profile
from roundtable.sharing import policy
from roundtable.sharing.sections import Section


def case_review_settings_for(partnership_id: int | None) -> CaseReviewSettings:
    """A partnership's Community Trigger settings, or the defaults (unsaved, no lead)."""
    if partnership_id is not None:
        found = (
            CaseReviewSettings.objects.filter(partnership_id=partnership_id)
            .select_related("lead_team__organisation", "lead_user")
            .first()
        )
        if found is not None:
            return found
    return (
        CaseReviewSettings(partnership_id=partnership_id)
        if partnership_id
        else CaseReviewSettings()
    )


@dataclass(frozen=True)
class TriggerCount:
    """How a victim stands against the threshold on a day."""

    incidents: int
    complaints: int
    threshold: int
    window_start: date  # complaints reported after this day count
    on: date

    @property
    def met(self) -> bool:
        return self.incidents >= self.threshold


def window_start(settings: CaseReviewSettings, on: date) -> date:
    """The day before the window opens: complaints reported after it count."""
    return powers.add_months(on, -settings.window_months)


def qualifies(settings: CaseReviewSettings, *, incident_on: date, reported_on: date) -> bool:
    """Reported within the partnership's reporting period of the incident (1 month by default)."""
    return (
        incident_on <= reported_on <= powers.add_months(incident_on, settings.report_within_months)
    )


def count_incidents(
    settings: CaseReviewSettings, complaints: Iterable[tuple[date, date]], *, on: date
) -> TriggerCount:
    """Count (incident_on, reported_on) pairs by the rule in this module's docstring."""
    start = window_start(settings, on)
    counted = [
        (incident, reported)
        for incident, reported in complaints
        if start < reported <= on
        and qualifies(settings, incident_on=incident, reported_on=reported)
    ]
    return TriggerCount(
        incidents=len({incident for incident, _reported in counted}),
        complaints=len(counted),
        threshold=settings.threshold,
        window_start=start,
        on=on,
    )


def trigger_count(*, partnership_id: int, victim: Profile, on: date | None = None) -> TriggerCount:
    """The victim's standing across every agency of the partnership (the trigger's own count)."""
    day = on or timezone.localdate()
    settings = case_review_settings_for(partnership_id)
    rows = AsbComplaint.objects.filter(
        partnership_id=partnership_id,
        victim=victim,
        reported_on__gt=window_start(settings, day),
        reported_on__lte=day,
    ).values_list("incident_on", "reported_on")
    return count_incidents(settings, rows, on=day)


def activation_in_window(
    *, partnership_id: int, victim: Profile, settings: CaseReviewSettings, on: date
) -> bool:
    """Whether the victim already activated a review within the current window."""
    return CaseReviewActivation.objects.filter(
        partnership_id=partnership_id,
        victim=victim,
        activated_on__gt=window_start(settings, on),
    ).exists()


# --- What a user may see ----------------------------------------------------------------------


def complaints_visible_to(viewer: policy.Viewer, victim: Profile) -> QuerySet[AsbComplaint]:
    """The victim's complaints this viewer may see: all of them with the victim's diary section,
    else only those the viewer's own organisation took."""
    complaints = AsbComplaint.objects.filter(victim=victim)
    if policy.can(viewer, policy.Action.VIEW, cast(policy.Record, victim), Section.DIARY):
        return complaints
    if viewer.organisation_id is None:
        return complaints.none()
    return complaints.filter(reporting_organisation_id=viewer.organisation_id)


@dataclass(frozen=True)
class VictimComplaints:
    """A page of a victim's complaints as the viewer may see them, and the count they make."""

    complaints: QuerySet[AsbComplaint]
    count: TriggerCount | None  # None for a viewer outside any partnership
    sees_all: bool


def victim_complaints_for_viewer(
    viewer: policy.Viewer, victim: Profile, *, on: date | None = None
) -> VictimComplaints:
    """The victim's visible complaints, newest first, and the count *they* make against the
    viewer's partnership's threshold (so a partial view gives a partial count, never more)."""
    day = on or timezone.localdate()
    visible = complaints_visible_to(viewer, victim).select_related("reporting_organisation", "case")
    count = None
    if viewer.partnership_id is not None:
        settings = case_review_settings_for(viewer.partnership_id)
        rows = visible.filter(
            partnership_id=viewer.partnership_id,
            reported_on__gt=window_start(settings, day),
            reported_on__lte=day,
        ).values_list("incident_on", "reported_on")
        count = count_incidents(settings, rows, on=day)
    sees_all = policy.can(viewer, policy.Action.VIEW, cast(policy.Record, victim), Section.DIARY)
    return VictimComplaints(
        complaints=visible.order_by("-reported_on", "-pk"), count=count, sees_all=sees_all
    )


def may_read_case_reviews(user: Any, viewer: policy.Viewer, partnership_id: int | None) -> bool:
    """The partnership's case-review lead (the user, or anyone acting as the lead team) and its
    partnership admins may read its activations.

    At most one query (none for a partnership admin, whose capabilities the request caches), so
    the navigation can ask it on every page (it asks ``case_review_lead_settings`` inside its own
    single query instead: ``directory.context_processors.ShellFigures``).
    """
    if partnership_id is None or viewer.partnership_id != partnership_id:
        return False
    if is_partnership_admin_of(user, partnership_id):
        return True
    return case_review_lead_settings(viewer, partnership_id).exists()


def is_partnership_admin_of(user: Any, partnership_id: int) -> bool:
    """A partnership admin of this partnership (the organisation is loaded only for admins)."""
    if not permissions.is_partnership_admin(user):
        return False
    organisation = getattr(user, "organisation", None)
    return organisation is not None and organisation.partnership_id == partnership_id


def case_review_lead_settings(
    viewer: policy.Viewer, partnership_id: int
) -> QuerySet[CaseReviewSettings]:
    """The partnership's case-review settings naming the viewer (or their team) as the lead."""
    lead = Q(pk__in=[])
    if viewer.user_id is not None:
        lead |= Q(lead_user_id=viewer.user_id)
    if viewer.team_id is not None:
        lead |= Q(lead_team_id=viewer.team_id)
    return CaseReviewSettings.objects.filter(lead, partnership_id=partnership_id)


def activations_for_partnership(partnership_id: int) -> QuerySet[CaseReviewActivation]:
    """A partnership's activations, newest first (callers check ``may_read_case_reviews``)."""
    return (
        CaseReviewActivation.objects.filter(partnership_id=partnership_id)
        .select_related("victim")
        .order_by("-activated_on", "-pk")
    )


def victims_seen(viewer: policy.Viewer, victim_ids: Iterable[int]) -> set[int]:
    """Which of these people the viewer may at least see the signpost of."""
    ids = set(victim_ids)
    if not ids:
        return set()
    return set(
        policy.signpost_visible(viewer, Profile.objects.filter(pk__in=ids)).values_list(
            "pk", flat=True
        )
    )


def case_review_lead_emails(settings: CaseReviewSettings) -> list[str]:
    """Where the lead is told: the lead user, and the lead team's managers (active, distinct)."""
    from roundtable.sharing.services.notify import team_manager_emails

    emails: list[str] = []
    lead = settings.lead_user
    if lead is not None and lead.is_active:
        emails.append(lead.email)
    if settings.lead_team_id is not None:
        emails.extend(team_manager_emails(int(settings.lead_team_id)))
    return sorted(set(emails))


def case_review_lead_user_ids(settings: CaseReviewSettings) -> list[int]:
    """Who is told in the app: the lead user and every member of the lead team (active)."""
    ids: set[int] = set()
    if settings.lead_user_id is not None:
        ids.add(int(settings.lead_user_id))
    if settings.lead_team_id is not None:
        ids.update(
            Membership.objects.filter(
                team_id=settings.lead_team_id, team__is_active=True
            ).values_list("user_id", flat=True)
        )
    return sorted(User.objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True))


# --- ASB case reviews as the subject of notices (``tasking.notice_subjects``) -----------------
# The same rule as the pages (``may_read_case_reviews``), asked through each of a person's teams.


def case_review_reader_partnerships(user: Any) -> set[int]:
    """The partnerships whose case reviews the user may read through any of their teams."""
    if user is None or not user.is_active:
        return set()
    found: set[int] = set()
    memberships = Membership.objects.filter(user=user, team__is_active=True).select_related(
        "team__organisation"
    )
    for membership in memberships:
        viewer = policy.viewer_for_user(user, membership.team, membership.role)
        partnership_id = viewer.partnership_id
        if partnership_id is None or partnership_id in found:
            continue
        if may_read_case_reviews(user, viewer, partnership_id):
            found.add(partnership_id)
    return found


def case_review_readers(activation_id: int, user_ids: set[int]) -> set[int]:
    """Which of these users may read this activation now."""
    partnership_id = (
        CaseReviewActivation.objects.filter(pk=activation_id)
        .values_list("partnership_id", flat=True)
        .first()
    )
    if partnership_id is None:
        return set()
    return {
        int(user.pk)
        for user in User.objects.filter(pk__in=user_ids, is_active=True)
        if partnership_id in case_review_reader_partnerships(user)
    }


def case_reviews_visible_to(user_id: int, activation_ids: set[int]) -> set[int]:
    """Which of these activations the user may read now."""
    partnerships = case_review_reader_partnerships(
        User.objects.filter(pk=user_id, is_active=True).first()
    )
    if not partnerships:
        return set()
    return set(
        CaseReviewActivation.objects.filter(
            pk__in=activation_ids, partnership_id__in=partnerships
        ).values_list("pk", flat=True)
    )


def case_review_references(activation_ids: set[int]) -> dict[int, str]:
    """Each activation's reference (ASBCR-2026-000001): never the victim."""
    return dict(
        CaseReviewActivation.objects.filter(pk__in=activation_ids).values_list("pk", "reference")
    )


def case_review_url(activation_id: int) -> str | None:
    """An activation's page (which checks who may read it), or None."""
    code = (
        CaseReviewActivation.objects.filter(pk=activation_id).values_list("code", flat=True).first()
    )
    return None if code is None else reverse("casework:case_review_detail", kwargs={"code": code})
