"""Reads of panel meetings, each agenda record shown only as far as the policy lets the viewer.

``access_meeting`` is the one way a page reaches a meeting: through the meeting case's access
(``records.access.access_case``: missing or hidden is 404), then 404 as well for a viewer without
the meeting case's summary section (the meeting page, its attendees and agenda are that summary;
the case page still shows such a viewer the signpost and "request access"), and 403 for a change
by anyone but the owning team or the chair.

``meeting_page`` builds what one viewer may see: each agenda record's reference, title and
summary only with its summary section (a person's name only with identity), otherwise the
signpost wording (the holding agency) or, for a hidden record the viewer cannot reach, only
"withheld"; minutes, decisions and actions about an agenda record only with that record's diary
section; the meeting's own only with the meeting case's diary. For editors it also counts which
attendees cannot yet see which item, naming items by number only. Nothing here writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from roundtable.casework.models import (
    MeetingStatus,
    PanelAction,
    PanelAgendaItem,
    PanelAttendee,
    PanelDecision,
    PanelKind,
    PanelMeeting,
    PanelMinutes,
)
from roundtable.directory.models import Membership, Team, User
from roundtable.records.access import Reached, access_case
from roundtable.records.models import Case, CaseType, Profile
from roundtable.sharing import policy
from roundtable.sharing.sections import RecordKind, Section, from_mask

# The seeded case type each kind of panel runs as (records.services.case_type_seeds).
KIND_CASE_TYPE_PREFIX: dict[str, str] = {
    PanelKind.MARAC: "MARAC",
    PanelKind.CHANNEL: "PREV",
    PanelKind.COMPLEX_CASE: "PANEL",
    PanelKind.OTHER: "PANEL",
}
CASE_REFERENCE = re.compile(r"\b([A-Z]{2,8}-\d{4}-\d{6})\b")
UUID_IN_TEXT = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


def panel_case_type(*, partnership_id: int | None, kind: str) -> CaseType | None:
    """The active case type a partnership runs this kind of panel meeting as, if it has one."""
    prefix = KIND_CASE_TYPE_PREFIX.get(kind)
    if partnership_id is None or prefix is None:
        return None
    return CaseType.objects.filter(
        partnership_id=partnership_id, reference_prefix=prefix, is_active=True
    ).first()


# --- Reaching a meeting -----------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingReached:
    """A meeting the viewer reached through its case, and whether they may change it."""

    reached: Reached[Case]
    meeting: PanelMeeting
    can_edit: bool

    @property
    def viewer(self) -> policy.Viewer:
        return self.reached.viewer

    @property
    def case(self) -> Case:
        return self.reached.record


def access_meeting(request: HttpRequest, code: str, *, edit: bool = False) -> MeetingReached:
    """A meeting for this request: 404 when missing, hidden or its summary is not shared with
    the viewer; 403 when ``edit`` and the viewer is neither in the owning team nor the chair."""
    reached = access_case(request, code)
    meeting = PanelMeeting.objects.select_related("chair").filter(case=reached.record).first()
    if meeting is None or Section.SUMMARY not in reached.sections:
        raise Http404
    meeting.case = reached.record
    can_edit = reached.is_owner or (
        reached.viewer.user_id is not None and reached.viewer.user_id == meeting.chair_id
    )
    if edit and not can_edit:
        raise PermissionDenied
    return MeetingReached(reached=reached, meeting=meeting, can_edit=can_edit)


def agenda_item_of(meeting: PanelMeeting, item_id: int) -> PanelAgendaItem:
    """One item of this meeting's agenda with its record, numbered as the agenda reads; or 404."""
    item = get_object_or_404(
        PanelAgendaItem.objects.select_related(
            "case__owning_organisation", "profile__owning_organisation"
        ),
        pk=item_id,
        meeting=meeting,
    )
    item.meeting = meeting
    positions = PanelAgendaItem.objects.filter(meeting=meeting, position__lte=item.position)
    item.number = positions.count()  # type: ignore[attr-defined]
    return item


def attendee_of(meeting: PanelMeeting, attendee_id: int) -> PanelAttendee:
    """One attendee of this meeting, or 404."""
    attendee = get_object_or_404(
        PanelAttendee.objects.select_related("user", "team"), pk=attendee_id, meeting=meeting
    )
    attendee.meeting = meeting
    return attendee


def notes_visible(viewer: policy.Viewer, record: Case | Profile) -> bool:
    """May the viewer read what the panel wrote about this record (its diary section)?"""
    return policy.can(viewer, policy.Action.VIEW, cast(policy.Record, record), Section.DIARY)


# --- Look-ups for the forms -------------------------------------------------------------------


def agenda_record_for(viewer: policy.Viewer, text: str) -> Case | Profile | None:
    """The case (by reference, code or page address) or person (by code or page address) the
    text names, if the viewer may at least see its signpost; None otherwise."""
    reference = CASE_REFERENCE.search(text.upper())
    if reference is not None:
        cases = Case.objects.filter(reference=reference.group(1))
        return policy.signpost_visible(viewer, cases).first()
    match = UUID_IN_TEXT.search(text)
    if match is None:
        return None
    try:
        cases = Case.objects.filter(code=match.group(0))
        found: Case | Profile | None = policy.signpost_visible(viewer, cases).first()
        if found is None:
            people = Profile.objects.filter(code=match.group(0))
            found = policy.signpost_visible(viewer, people).first()
    except (ValueError, ValidationError):
        return None
    return found


def invitee_by_email(email: str) -> tuple[User | None, list[Team]]:
    """The active user with this email address and their active teams, by name."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        return None, []
    teams = list(
        Team.objects.filter(memberships__user=user, is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )
    return user, teams


def team_members(*, team_id: int) -> QuerySet[User]:
    """Active users in a team: who may chair its meetings."""
    return User.objects.filter(memberships__team_id=team_id, is_active=True).order_by("full_name")


@dataclass(frozen=True)
class OwnerChoice:
    """Who can own an action: a whole team of an attending agency, or an attendee in their team."""

    value: str
    label: str
    team: Team
    user: User | None


def action_owner_choices(meeting: PanelMeeting) -> list[OwnerChoice]:
    """Attendees (in the team they came for) first, then every team of each attending agency."""
    attendees = list(
        PanelAttendee.objects.filter(meeting=meeting)
        .select_related("user", "team__organisation")
        .order_by("user__full_name", "pk")
    )
    choices = [
        OwnerChoice(
            value=f"person:{attendee.user_id}:{attendee.team_id}",
            label=f"{attendee.user.full_name} ({attendee.team.name}, "
            f"{attendee.team.organisation.name})",
            team=attendee.team,
            user=attendee.user,
        )
        for attendee in attendees
        if attendee.user.is_active
    ]
    organisations = {attendee.organisation_id for attendee in attendees}
    teams = Team.objects.filter(organisation_id__in=organisations, is_active=True).select_related(
        "organisation"
    )
    choices.extend(
        OwnerChoice(
            value=f"team:{team.pk}",
            label=f"{team.name}, {team.organisation.name} (the whole team)",
            team=team,
            user=None,
        )
        for team in teams.order_by("organisation__name", "name")
    )
    return choices


# --- The meeting page -------------------------------------------------------------------------


@dataclass
class AgendaEntry:
    """One agenda item as one viewer may see it."""

    item: PanelAgendaItem
    number: int
    is_case: bool
    sections: frozenset[Section]
    # The record itself (reference, title and summary; a person's name) may be shown.
    shows_record: bool
    # Minutes, decisions and actions about the record may be shown (its diary section).
    shows_notes: bool
    # Hidden from the viewer altogether: not even the holding agency is named.
    withheld: bool
    minutes: PanelMinutes | None = None
    decisions: list[PanelDecision] = field(default_factory=list)
    actions: list[PanelAction] = field(default_factory=list)
    # For editors: how many attendees cannot see the record, or cannot read its notes.
    attendees_blind: int = 0
    attendees_without_notes: int = 0

    @property
    def record(self) -> Case | Profile:
        return self.item.record

    @property
    def holder(self) -> str:
        """The agency holding the record (signpost wording); empty when withheld."""
        return "" if self.withheld else str(self.record.owning_organisation.name)


@dataclass(frozen=True)
class AttendeeReadiness:
    """What one attendee cannot yet see, by item number only."""

    attendee: PanelAttendee
    sees_meeting: bool
    cannot_see: list[int]
    cannot_read_notes: list[int]

    @property
    def ready(self) -> bool:
        return self.sees_meeting and not self.cannot_see and not self.cannot_read_notes


@dataclass
class MeetingPage:
    """Everything the meeting page shows one viewer."""

    meeting: PanelMeeting
    sections: frozenset[Section]
    attendees: list[PanelAttendee]
    agenda: list[AgendaEntry]
    shows_notes: bool
    minutes: PanelMinutes | None
    decisions: list[PanelDecision]
    actions: list[PanelAction]
    readiness: list[AttendeeReadiness] | None

    @property
    def is_open(self) -> bool:
        return self.meeting.status != MeetingStatus.CLOSED and self.meeting.case.status == "open"


def _shows_record(is_case: bool, sections: frozenset[Section]) -> bool:
    return (Section.SUMMARY if is_case else Section.IDENTITY) in sections


def _agenda(viewer: policy.Viewer, meeting: PanelMeeting) -> list[AgendaEntry]:
    items = list(
        PanelAgendaItem.objects.filter(meeting=meeting)
        .select_related("case__owning_organisation", "profile__owning_organisation")
        .order_by("position")
    )
    case_ids = [item.case_id for item in items if item.case_id is not None]
    profile_ids = [item.profile_id for item in items if item.profile_id is not None]
    # One query per record kind primes the viewer's cache; policy.sections then asks nothing more.
    if case_ids:
        policy.section_masks(viewer, RecordKind.CASE, case_ids)
    if profile_ids:
        policy.section_masks(viewer, RecordKind.PROFILE, profile_ids)
    entries = []
    for number, item in enumerate(items, start=1):
        item.meeting = meeting
        record = cast(policy.Record, item.record)
        sections = policy.sections(viewer, record)
        is_case = item.case_id is not None
        entries.append(
            AgendaEntry(
                item=item,
                number=number,
                is_case=is_case,
                sections=sections,
                shows_record=_shows_record(is_case, sections),
                shows_notes=Section.DIARY in sections,
                withheld=not policy.can(viewer, policy.Action.SEE_SIGNPOST, record),
            )
        )
    return entries


def _notes(
    meeting: PanelMeeting, entries: list[AgendaEntry], meeting_notes: bool
) -> tuple[PanelMinutes | None, list[PanelDecision], list[PanelAction]]:
    """Attach to each entry the notes the viewer may read; return the meeting's own."""
    readable = {entry.item.pk: entry for entry in entries if entry.shows_notes}
    if not readable and not meeting_notes:
        return None, [], []
    minutes_rows = PanelMinutes.objects.filter(meeting=meeting).select_related(
        "written_by", "edited_by"
    )
    decision_rows = PanelDecision.objects.filter(meeting=meeting).select_related("recorded_by")
    action_rows = PanelAction.objects.filter(meeting=meeting).select_related(
        "owner_team__organisation", "owner_user", "recorded_by"
    )
    own_minutes: PanelMinutes | None = None
    own_decisions: list[PanelDecision] = []
    own_actions: list[PanelAction] = []
    for minutes in minutes_rows:
        if minutes.item_id is None:
            own_minutes = minutes if meeting_notes else None
        elif minutes.item_id in readable:
            readable[minutes.item_id].minutes = minutes
    for decision in decision_rows:
        if decision.item_id is None:
            if meeting_notes:
                own_decisions.append(decision)
        elif decision.item_id in readable:
            readable[decision.item_id].decisions.append(decision)
    for action in action_rows:
        if action.item_id is None:
            if meeting_notes:
                own_actions.append(action)
        elif action.item_id in readable:
            readable[action.item_id].actions.append(action)
    return own_minutes, own_decisions, own_actions


def attendee_viewers(attendees: list[PanelAttendee]) -> list[policy.Viewer]:
    """Each attendee as the policy sees them, acting for the team they came for.

    Someone no longer active, or no longer in that team, sees nothing. One query.
    """
    current = set(
        Membership.objects.filter(
            user_id__in=[attendee.user_id for attendee in attendees],
            team_id__in=[attendee.team_id for attendee in attendees],
        ).values_list("user_id", "team_id", "role")
    )
    roles = {(user_id, team_id): role for user_id, team_id, role in current}
    viewers = []
    for attendee in attendees:
        role = roles.get((attendee.user_id, attendee.team_id))
        if role is None or not attendee.user.is_active or not attendee.team.is_active:
            viewers.append(policy.NOBODY)
            continue
        viewers.append(
            policy.Viewer(
                user_id=attendee.user_id,
                team_id=attendee.team_id,
                organisation_id=attendee.team.organisation_id,
                partnership_id=attendee.team.organisation.partnership_id,
                is_team_manager=role == "team_manager",
            )
        )
    return viewers


def _readiness(
    meeting: PanelMeeting, attendees: list[PanelAttendee], entries: list[AgendaEntry]
) -> list[AttendeeReadiness]:
    """Which attendees cannot see which items (by number), from one query per record kind."""
    viewers = attendee_viewers(attendees)
    case_ids = [meeting.case_id] + [e.item.case_id for e in entries if e.item.case_id]
    profile_ids = [e.item.profile_id for e in entries if e.item.profile_id]
    case_masks = policy.section_masks_for_viewers(viewers, RecordKind.CASE, case_ids)
    profile_masks = (
        policy.section_masks_for_viewers(viewers, RecordKind.PROFILE, profile_ids)
        if profile_ids
        else [{} for _ in viewers]
    )
    rows = []
    for attendee, cases, people in zip(attendees, case_masks, profile_masks, strict=True):
        blind, no_notes = [], []
        for entry in entries:
            if entry.is_case:
                kind, mask = RecordKind.CASE, cases.get(entry.item.case_id or 0, 0)
            else:
                kind, mask = RecordKind.PROFILE, people.get(entry.item.profile_id or 0, 0)
            sections = from_mask(mask, kind)
            if not _shows_record(entry.is_case, sections):
                blind.append(entry.number)
                entry.attendees_blind += 1
            if Section.DIARY not in sections:
                no_notes.append(entry.number)
                entry.attendees_without_notes += 1
        meeting_sections = from_mask(cases.get(meeting.case_id, 0), RecordKind.CASE)
        rows.append(
            AttendeeReadiness(
                attendee=attendee,
                sees_meeting=Section.SUMMARY in meeting_sections,
                cannot_see=blind,
                cannot_read_notes=no_notes,
            )
        )
    return rows


def meeting_attendees(meeting: PanelMeeting) -> list[PanelAttendee]:
    """A meeting's attendees in the order they were added, with their agency and team."""
    return list(
        PanelAttendee.objects.filter(meeting=meeting)
        .select_related("user", "organisation", "team__organisation")
        .order_by("pk")
    )


def meeting_page(reached: MeetingReached) -> MeetingPage:
    """The meeting as this viewer may see it; a bounded number of queries however long the
    agenda (and, for editors, however many attendees)."""
    meeting, viewer = reached.meeting, reached.viewer
    attendees = meeting_attendees(meeting)
    entries = _agenda(viewer, meeting)
    meeting_notes = Section.DIARY in reached.reached.sections
    minutes, decisions, actions = _notes(meeting, entries, meeting_notes)
    readiness = _readiness(meeting, attendees, entries) if reached.can_edit else None
    return MeetingPage(
        meeting=meeting,
        sections=reached.reached.sections,
        attendees=attendees,
        agenda=entries,
        shows_notes=meeting_notes,
        minutes=minutes,
        decisions=decisions,
        actions=actions,
        readiness=readiness,
    )


def minutes_of(meeting: PanelMeeting, item: PanelAgendaItem | None) -> PanelMinutes | None:
    """The minutes of the meeting (item None) or of one item, if written; callers check the
    viewer may read them first."""
    return (
        PanelMinutes.objects.select_related("written_by", "edited_by")
        .filter(meeting=meeting, item=item)
        .first()
    )
