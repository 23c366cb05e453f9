"""Writes to panel meetings: set up, attendees, agenda, minutes, decisions, actions, held, closed.

Every function validates, writes and audits in one transaction. Who may call them is decided
before, by ``casework.selectors.panels.access_meeting`` (the meeting case's owning team, or the
chair, edits); the services check again where a rule is about the data: a record is put on the
agenda only when the actor may at least see its signpost (a hidden record reads exactly like a
mistyped reference), and minutes, decisions and actions about an agenda record are written only
by someone who may read that record's diary, the section they belong to. This module never
decides who sees what: that is ``sharing.policy``.

Each action becomes a task: the one call to the tasking app is ``_action_to_task``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from roundtable.audit.models import Action
from roundtable.audit.services import audit_event_build, audit_record, audit_record_many, diff
from roundtable.casework.models import (
    AttendeeRole,
    MeetingStatus,
    PanelAction,
    PanelAgendaItem,
    PanelAttendee,
    PanelDecision,
    PanelKind,
    PanelMeeting,
    PanelMinutes,
)
from roundtable.casework.selectors.panels import (
    KIND_CASE_TYPE_PREFIX,
    MeetingPage,
    MeetingReached,
    panel_case_type,
)
from roundtable.directory.models import Membership, Team, User
from roundtable.records.access import audit_view
from roundtable.records.models import Case, CaseStatus, Profile
from roundtable.records.services import cases as case_services
from roundtable.records.services.cases import StaleRecord, record_touch
from roundtable.sharing import policy
from roundtable.sharing.sections import Section
from roundtable.tasking.services.tasks import task_create_once

MAX_ATTENDEES = 50
MAX_AGENDA_ITEMS = 100
MAX_MINUTES = 50_000
MAX_DECISION = 5_000
MAX_ACTION = 2_000
OUT_OF_DATE = "The form is out of date. Go back and try again"


def _closed_message() -> str:
    return _("This meeting is closed. Nothing more can be added or changed.")


def record_not_found() -> str:
    """The one refusal for a mistyped, missing or hidden agenda record."""
    return _("No case or person with that reference was found. Check the reference and try again.")


def _require_open(meeting: PanelMeeting) -> None:
    if meeting.status == MeetingStatus.CLOSED or meeting.case.status == CaseStatus.CLOSED:
        raise ValidationError(_closed_message())


def _lock(meeting: PanelMeeting) -> PanelMeeting:
    """The meeting row locked until the transaction ends (serialises agenda and minutes writes)."""
    locked = PanelMeeting.objects.select_for_update().select_related("case").get(pk=meeting.pk)
    _require_open(locked)
    return locked


def _lock_at(meeting: PanelMeeting, expected_version: int) -> PanelMeeting:
    current = PanelMeeting.objects.select_for_update().select_related("case").get(pk=meeting.pk)
    if current.version != expected_version:
        raise StaleRecord(current)
    _require_open(current)
    return current


def _snapshot(meeting: PanelMeeting) -> dict[str, Any]:
    return {
        "kind": meeting.kind,
        "scheduled_start": meeting.scheduled_start.isoformat(),
        "location": meeting.location,
        "online": meeting.online,
        "chair": meeting.chair_id,
        "status": meeting.status,
    }


def _audit_meeting(meeting: PanelMeeting, *, action: str = Action.UPDATE, **extra: Any) -> None:
    """Panel events are written against the meeting's case, so its history holds them."""
    audit_record(action=action, target=meeting.case, **extra)


def _chair_check(team: Team, chair: User | None) -> User:
    if (
        chair is None
        or not chair.is_active
        or not Membership.objects.filter(user=chair, team=team).exists()
    ):
        raise ValidationError({"chair": [_("Choose a chair from the team that runs the meeting.")]})
    return chair


def _place_check(location: str, online: bool) -> str:
    location = location.strip()
    if not location and not online:
        raise ValidationError(
            {"location": [_("Enter where the meeting is held, or say that it is online.")]}
        )
    return location


def _aware(moment: datetime) -> datetime:
    if timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


# --- The meeting ------------------------------------------------------------------------------


def panel_meeting_viewed(
    *, reached: MeetingReached, page: MeetingPage, justification: str = ""
) -> None:
    """Record a view of the meeting page: one event for the meeting case, and one for each
    agenda record the viewer was shown anything of (even only its holding agency), written
    together in one INSERT. Each agenda event gives the meeting as its purpose."""
    shown = [Section.SUMMARY] + ([Section.DIARY] if page.shows_notes else [])
    audit_view(reached.reached, shown=shown, justification=justification)
    reference = reached.case.reference
    events = []
    for entry in page.agenda:
        if entry.withheld:
            continue
        sections: list[str] = []
        if entry.shows_record:
            sections.append(Section.SUMMARY if entry.is_case else Section.IDENTITY)
        if entry.shows_notes:
            sections.append(Section.DIARY)
        events.append(
            audit_event_build(
                action=Action.VIEW,
                target=entry.record,
                sections=sections,
                detail={
                    "signpost_only": not sections,
                    "panel_meeting": reference,
                    "agenda_position": entry.number,
                },
                justification=_("Agenda item %(number)d of panel meeting %(reference)s")
                % {"number": entry.number, "reference": reference},
            )
        )
    audit_record_many(events)


@transaction.atomic
def panel_meeting_create(
    *,
    actor: User,
    team: Team,
    kind: str,
    scheduled_start: datetime,
    chair: User | None,
    location: str = "",
    online: bool = False,
    title: str = "",
) -> PanelMeeting:
    """Set up a meeting: a case of the kind's panel case type, owned by ``team``, with its chair.

    The chair is the case's lead practitioner and the first attendee.
    """
    if kind not in PanelKind.values:
        raise ValidationError({"kind": [_("Choose the kind of panel.")]})
    case_type = panel_case_type(partnership_id=team.organisation.partnership_id, kind=kind)
    if case_type is None:
        raise ValidationError(
            {
                "kind": [
                    _(
                        "Your partnership has no active case type for this kind of panel "
                        "(reference prefix %(prefix)s). Ask your partnership admin to add it."
                    )
                    % {"prefix": KIND_CASE_TYPE_PREFIX[kind]}
                ]
            }
        )
    chair = _chair_check(team, chair)
    location = _place_check(location, online)
    start = _aware(scheduled_start)
    label = PanelKind(kind).label.split(" (")[0]
    local = timezone.localtime(start)
    day = f"{local.day} {local:%B %Y}"
    case = case_services.case_create(
        actor=actor,
        team=team,
        case_type=case_type,
        title=title.strip() or f"{label} meeting, {day}",
        lead_practitioner=chair,
    )
    meeting = PanelMeeting(
        case=case,
        kind=kind,
        scheduled_start=start,
        location=location,
        online=online,
        chair=chair,
    )
    meeting.full_clean()
    meeting.save()
    PanelAttendee.objects.create(
        meeting=meeting,
        user=chair,
        organisation=team.organisation,
        team=team,
        role=AttendeeRole.CHAIR,
        added_by=actor,
    )
    _audit_meeting(
        meeting,
        action=Action.CREATE,
        changes={f"meeting_{key}": [None, value] for key, value in _snapshot(meeting).items()},
    )
    return meeting


@transaction.atomic
def panel_meeting_update(
    *,
    actor: User,
    meeting: PanelMeeting,
    expected_version: int,
    scheduled_start: datetime,
    location: str,
    online: bool,
    chair: User | None,
) -> PanelMeeting:
    """Change when and where a meeting is held, or its chair (optimistic lock)."""
    current = _lock_at(meeting, expected_version)
    before = _snapshot(current)
    new_chair = _chair_check(current.case.owning_team, chair)
    current.location = _place_check(location, online)
    current.online = online
    current.scheduled_start = _aware(scheduled_start)
    if new_chair.pk != current.chair_id:
        _chair_move(current, new_chair, actor)
    current.chair = new_chair
    current.full_clean()
    current.version += 1
    current.save(
        update_fields=["location", "online", "scheduled_start", "chair", "version", "updated_at"]
    )
    record_touch(current.case)
    _audit_meeting(current, changes=diff(before, _snapshot(current)))
    return current


def _chair_move(meeting: PanelMeeting, chair: User, actor: User) -> None:
    """The old chair stays an attendee; the new one is the attendee in the chair."""
    PanelAttendee.objects.filter(meeting=meeting, role=AttendeeRole.CHAIR).update(
        role=AttendeeRole.ATTENDEE
    )
    attendee = PanelAttendee.objects.filter(meeting=meeting, user=chair).first()
    if attendee is not None:
        attendee.role = AttendeeRole.CHAIR
        attendee.save(update_fields=["role", "updated_at"])
        return
    team = meeting.case.owning_team
    PanelAttendee.objects.create(
        meeting=meeting,
        user=chair,
        organisation_id=team.organisation_id,
        team=team,
        role=AttendeeRole.CHAIR,
        added_by=actor,
    )


@transaction.atomic
def panel_meeting_mark_held(
    *, actor: User, meeting: PanelMeeting, expected_version: int
) -> PanelMeeting:
    """Record that a scheduled meeting took place (not before its start time)."""
    current = _lock_at(meeting, expected_version)
    if current.status != MeetingStatus.SCHEDULED:
        raise ValidationError(_("This meeting is already marked as held."))
    now = timezone.now()
    if current.scheduled_start > now:
        raise ValidationError(_("The meeting has not started yet."))
    before = _snapshot(current)
    current.status, current.held_at = MeetingStatus.HELD, now
    current.version += 1
    current.save(update_fields=["status", "held_at", "version", "updated_at"])
    record_touch(current.case)
    _audit_meeting(current, changes=diff(before, _snapshot(current)))
    return current


@transaction.atomic
def panel_meeting_close(
    *, actor: User, meeting: PanelMeeting, expected_version: int, outcome: str
) -> PanelMeeting:
    """Close a meeting (held, or cancelled while scheduled) and its case, with the outcome."""
    current = _lock_at(meeting, expected_version)
    if not outcome.strip():
        raise ValidationError({"outcome": [_("Enter the outcome of the meeting.")]})
    before = _snapshot(current)
    now = timezone.now()
    current.status, current.closed_at = MeetingStatus.CLOSED, now
    current.version += 1
    current.save(update_fields=["status", "closed_at", "version", "updated_at"])
    case = Case.objects.select_for_update().get(pk=current.case_id)
    case_services.case_close(
        actor=actor, case=case, outcome=outcome.strip(), expected_version=case.version
    )
    _audit_meeting(current, changes=diff(before, _snapshot(current)))
    return current


# --- Attendees --------------------------------------------------------------------------------


@transaction.atomic
def panel_attendee_add(
    *, actor: User, meeting: PanelMeeting, user: User, team: Team, role: str
) -> PanelAttendee:
    """Invite someone to a meeting for one of their teams; this gives them no access to records."""
    current = _lock(meeting)
    if role not in AttendeeRole.values or role == AttendeeRole.CHAIR:
        raise ValidationError(
            {
                "role": [
                    _("Choose minute taker, attendee or guest. The chair is set on the meeting.")
                ]
            }
        )
    if not user.is_active or not team.is_active:
        raise ValidationError({"email": [_("This person cannot use Roundtable at the moment.")]})
    if not Membership.objects.filter(user=user, team=team).exists():
        raise ValidationError({"team": [_("Choose one of this person's teams.")]})
    if PanelAttendee.objects.filter(meeting=current, user=user).exists():
        raise ValidationError({"email": [_("This person is already an attendee.")]})
    if PanelAttendee.objects.filter(meeting=current).count() >= MAX_ATTENDEES:
        raise ValidationError(
            _("A meeting can have at most %(count)d attendees.") % {"count": MAX_ATTENDEES}
        )
    attendee = PanelAttendee(
        meeting=current,
        user=user,
        organisation_id=team.organisation_id,
        team=team,
        role=role,
        added_by=actor,
    )
    attendee.full_clean()
    attendee.save()
    record_touch(current.case)
    _audit_meeting(
        current,
        changes={"attendee_added": [None, _attendee_audit(attendee)]},
    )
    return attendee


def _attendee_audit(attendee: PanelAttendee) -> dict[str, Any]:
    return {"user": attendee.user_id, "team": attendee.team_id, "role": attendee.role}


@transaction.atomic
def panel_attendee_remove(*, actor: User, attendee: PanelAttendee) -> None:
    """Take someone off a meeting's attendees (never the chair: change the chair first)."""
    current = _lock(attendee.meeting)
    if attendee.role == AttendeeRole.CHAIR:
        raise ValidationError(_("The chair cannot be removed. Change the chair first."))
    removed = _attendee_audit(attendee)
    attendee.delete()
    record_touch(current.case)
    _audit_meeting(current, changes={"attendee_removed": [removed, None]})


@transaction.atomic
def panel_attendance_record(
    *, actor: User, meeting: PanelMeeting, attended: set[int]
) -> list[PanelAttendee]:
    """Record who came to a held meeting: the attendees named came, every other did not."""
    current = _lock(meeting)
    if current.status != MeetingStatus.HELD:
        raise ValidationError(_("Mark the meeting as held before recording who attended."))
    attendees = list(PanelAttendee.objects.filter(meeting=current).order_by("pk"))
    unknown = attended - {attendee.pk for attendee in attendees}
    if unknown:
        raise ValidationError(OUT_OF_DATE)
    changes: dict[str, list[Any]] = {}
    changed = []
    for attendee in attendees:
        came = attendee.pk in attended
        if attendee.attended != came:
            changes[f"attended_{attendee.user_id}"] = [attendee.attended, came]
            attendee.attended = came
            changed.append(attendee)
    PanelAttendee.objects.bulk_update(changed, ["attended"])
    _audit_meeting(current, changes=changes)
    return attendees


# --- The agenda -------------------------------------------------------------------------------


def _agenda_record_check(
    viewer: policy.Viewer, meeting: PanelMeeting, record: Case | Profile
) -> None:
    if not policy.can(viewer, policy.Action.SEE_SIGNPOST, cast(policy.Record, record)):
        # Same words as a mistyped reference: a hidden record must stay undiscoverable.
        raise ValidationError({"reference": [record_not_found()]})
    if isinstance(record, Case) and record.pk == meeting.case_id:
        raise ValidationError({"reference": [_("A meeting cannot discuss its own case.")]})
    if isinstance(record, Profile) and record.merged_into_id is not None:
        raise ValidationError(
            {"reference": [_("This person's record was merged into another. Add that one.")]}
        )


@transaction.atomic
def panel_agenda_item_add(
    *, actor: User, viewer: policy.Viewer, meeting: PanelMeeting, record: Case | Profile
) -> PanelAgendaItem:
    """Put a case or a person on the agenda, at the end; it gives nobody access to the record."""
    current = _lock(meeting)
    _agenda_record_check(viewer, current, record)
    case = record if isinstance(record, Case) else None
    profile = record if isinstance(record, Profile) else None
    agenda = PanelAgendaItem.objects.filter(meeting=current)
    on_agenda = agenda.filter(case=case) if case is not None else agenda.filter(profile=profile)
    if on_agenda.exists():
        raise ValidationError({"reference": [_("This is already on the agenda.")]})
    if agenda.count() >= MAX_AGENDA_ITEMS:
        raise ValidationError(
            _("An agenda can have at most %(count)d items.") % {"count": MAX_AGENDA_ITEMS}
        )
    last = agenda.aggregate(last=Max("position"))["last"] or 0
    item = PanelAgendaItem(
        meeting=current, position=last + 1, case=case, profile=profile, added_by=actor
    )
    item.full_clean()
    item.save()
    record_touch(current.case)
    _audit_meeting(current, changes={"agenda_item_added": [None, _item_audit(item)]})
    audit_record(
        action=Action.UPDATE,
        target=record,
        detail={"panel_meeting": current.case.reference, "agenda": "added"},
    )
    return item


def _item_audit(item: PanelAgendaItem) -> dict[str, Any]:
    kind = "case" if item.case_id is not None else "person"
    return {"kind": kind, "record": str(item.record.code), "position": item.position}


@transaction.atomic
def panel_agenda_item_remove(*, actor: User, item: PanelAgendaItem) -> None:
    """Take an item off the agenda, only while nothing has been written about it."""
    current = _lock(item.meeting)
    if (
        PanelMinutes.objects.filter(item=item).exists()
        or PanelDecision.objects.filter(item=item).exists()
        or PanelAction.objects.filter(item=item).exists()
    ):
        raise ValidationError(
            _("This item has minutes, decisions or actions, so it stays on the agenda.")
        )
    described, record = _item_audit(item), item.record
    item.delete()
    record_touch(current.case)
    _audit_meeting(current, changes={"agenda_item_removed": [described, None]})
    audit_record(
        action=Action.UPDATE,
        target=record,
        detail={"panel_meeting": current.case.reference, "agenda": "removed"},
    )


# --- Minutes, decisions and actions -----------------------------------------------------------


def notes_record(meeting: PanelMeeting, item: PanelAgendaItem | None) -> Case | Profile:
    """The record whose diary holds what is written about ``item`` (or about the meeting)."""
    return item.record if item is not None else meeting.case


def _notes_check(
    viewer: policy.Viewer, meeting: PanelMeeting, item: PanelAgendaItem | None
) -> Case | Profile:
    if item is not None and item.meeting_id != meeting.pk:
        raise ValidationError(OUT_OF_DATE)
    record = notes_record(meeting, item)
    if not policy.can(viewer, policy.Action.VIEW, cast(policy.Record, record), Section.DIARY):
        # Writing into a diary one cannot read would hide one's own words from oneself.
        raise PermissionDenied
    return record


def _text(value: str, *, field: str, limit: int, missing: str) -> str:
    text = value.strip()
    if not text:
        raise ValidationError({field: [missing]})
    if len(text) > limit:
        raise ValidationError(
            {field: [_("Keep it to %(limit)s characters or fewer.") % {"limit": f"{limit:,}"}]}
        )
    return text


def _notes_audit(meeting: PanelMeeting, item: PanelAgendaItem | None) -> dict[str, Any]:
    detail: dict[str, Any] = {"panel_meeting": meeting.case.reference}
    if item is not None:
        detail["agenda_position"] = item.position
    return detail


@transaction.atomic
def panel_minutes_save(
    *,
    actor: User,
    viewer: policy.Viewer,
    meeting: PanelMeeting,
    text: str,
    expected_version: int,
    item: PanelAgendaItem | None = None,
) -> PanelMinutes:
    """Write or rewrite the minutes of a meeting or of one item; a stale version is refused.

    ``expected_version`` is 0 for minutes not yet written. Minutes of an item belong to the
    diary of the record discussed; the meeting's own minutes to the meeting case's diary.
    """
    record = _notes_check(viewer, meeting, item)
    current = _lock(meeting)
    text = _text(text, field="text", limit=MAX_MINUTES, missing=_("Enter the minutes."))
    minutes = (
        PanelMinutes.objects.select_for_update()
        .select_related("edited_by")
        .filter(meeting=current, item=item)
        .first()
    )
    if minutes is None:
        if expected_version != 0:
            raise ValidationError(OUT_OF_DATE)
        minutes = PanelMinutes(
            meeting=current, item=item, text=text, written_by=actor, edited_by=actor, version=1
        )
        minutes.full_clean()
        minutes.save()
        old, action = None, Action.CREATE
    else:
        if minutes.version != expected_version:
            raise StaleRecord(minutes)
        old, action = minutes.text, Action.UPDATE
        minutes.text, minutes.edited_by = text, actor
        minutes.version += 1
        minutes.save(update_fields=["text", "edited_by", "version", "updated_at"])
    audit_record(
        action=action,
        target=record,
        sections=[Section.DIARY],
        changes={"panel_minutes": [old, text]},
        detail=_notes_audit(current, item),
    )
    return minutes


@transaction.atomic
def panel_decision_add(
    *,
    actor: User,
    viewer: policy.Viewer,
    meeting: PanelMeeting,
    text: str,
    item: PanelAgendaItem | None = None,
) -> PanelDecision:
    """Record a decision of the panel, about the meeting or one agenda item."""
    record = _notes_check(viewer, meeting, item)
    current = _lock(meeting)
    text = _text(text, field="text", limit=MAX_DECISION, missing=_("Enter the decision."))
    decision = PanelDecision(meeting=current, item=item, text=text, recorded_by=actor)
    decision.full_clean()
    decision.save()
    audit_record(
        action=Action.CREATE,
        target=record,
        sections=[Section.DIARY],
        changes={"panel_decision": [None, text]},
        detail=_notes_audit(current, item),
    )
    return decision


def attending_organisation_ids(meeting: PanelMeeting) -> set[int]:
    """The agencies at a meeting: the organisations its attendees came for."""
    return set(
        PanelAttendee.objects.filter(meeting=meeting).values_list("organisation_id", flat=True)
    )


@transaction.atomic
def panel_action_add(
    *,
    actor: User,
    viewer: policy.Viewer,
    meeting: PanelMeeting,
    description: str,
    owner_team: Team,
    due_on: Any,
    owner_user: User | None = None,
    item: PanelAgendaItem | None = None,
) -> PanelAction:
    """Record an action owned by a team of an attending agency (or one of its people); it
    becomes a task for that team or person."""
    record = _notes_check(viewer, meeting, item)
    current = _lock(meeting)
    description = _text(
        description, field="description", limit=MAX_ACTION, missing=_("Describe the action.")
    )
    if not owner_team.is_active or owner_team.organisation_id not in attending_organisation_ids(
        current
    ):
        raise ValidationError({"owner": [_("Choose a team of an agency at the meeting.")]})
    if owner_user is not None and (
        not owner_user.is_active
        or not Membership.objects.filter(user=owner_user, team=owner_team).exists()
    ):
        raise ValidationError({"owner": [_("Choose a person in the team that owns the action.")]})
    if due_on is None:
        raise ValidationError({"due_on": [_("Enter the date the action is due.")]})
    if due_on < timezone.localtime(current.scheduled_start).date():
        raise ValidationError({"due_on": [_("The due date cannot be before the meeting.")]})
    action = PanelAction(
        meeting=current,
        item=item,
        description=description,
        owner_team=owner_team,
        owner_user=owner_user,
        due_on=due_on,
        recorded_by=actor,
    )
    action.full_clean()
    action.save()
    task_id = _action_to_task(actor=actor, viewer=viewer, action=action, record=record)
    action.task_id = task_id
    action.save(update_fields=["task_id", "updated_at"])
    audit_record(
        action=Action.CREATE,
        target=record,
        sections=[Section.DIARY],
        changes={
            "panel_action": [
                None,
                {
                    "description": description,
                    "owner_team": owner_team.pk,
                    "owner_user": owner_user.pk if owner_user else None,
                    "due_on": due_on.isoformat(),
                },
            ]
        },
        detail={**_notes_audit(current, item), "action": str(action.code), "task": task_id},
    )
    return action


def _action_to_task(
    *, actor: User, viewer: policy.Viewer, action: PanelAction, record: Case | Profile
) -> int:
    """Make the task an action becomes, in the caller's transaction; returns its id.

    Set by the team the actor is working as (the team running the meeting, or the chair's), about
    the agenda record (or the meeting's case for a meeting action), for the action's owner team
    or person, due when the action is. The title names the meeting's reference only; the
    description is the action's words, which the task shows only to those who may see the task.
    """
    # The viewer's team: _notes_check has just let it read the record's diary.
    setting_team = Team.objects.select_related("organisation").get(pk=cast(int, viewer.team_id))
    task, _created = task_create_once(
        actor=actor,
        team=setting_team,
        title=_("Panel action from %(meeting)s") % {"meeting": action.meeting.case.reference},
        due_on=action.due_on,
        record=record,
        assignee_team=action.owner_team,
        assignee_user=action.owner_user,
        description=action.description,
        source="panel-action",
        source_key=str(action.pk),
    )
    return int(task.pk)
