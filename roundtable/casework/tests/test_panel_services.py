"""The panel meeting services: their rules, that a refusal writes nothing, and their audit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import cast

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from roundtable.audit.models import Action, AuditEvent
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
from roundtable.casework.selectors import panels as selectors
from roundtable.casework.services import panels as services
from roundtable.casework.tests.panel_helpers import new_meeting, panel, start_in, viewer
from roundtable.records.models import Case, CaseStatus, CaseType
from roundtable.records.services.case_type_seeds import case_types_seed
from roundtable.records.services.cases import StaleRecord
from roundtable.records.tests.case_helpers import casework
from roundtable.sharing import policy
from roundtable.sharing.sections import RecordKind, Section
from roundtable.tasking.models import Task


@pytest.fixture
def work(personas):
    result = casework(personas)
    case_types_seed(result.testshire)
    return result


@pytest.fixture
def setup(personas):
    return panel(personas)


def _errors(excinfo: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(excinfo.value.messages)


# --- Setting up ------------------------------------------------------------------------------


def test_a_meeting_is_a_case_of_the_kinds_panel_type_led_by_its_chair(personas, work):
    meeting = new_meeting(personas, work.asb, kind=PanelKind.MARAC, title="Marshbury MARAC")
    case = meeting.case
    assert case.case_type.reference_prefix == "MARAC"
    assert case.reference.startswith("MARAC-")
    assert case.title == "Marshbury MARAC"
    assert case.owning_team == work.asb
    assert case.lead_practitioner == personas.alice
    chair = PanelAttendee.objects.get(meeting=meeting)
    assert (chair.user, chair.role, chair.team, chair.organisation) == (
        personas.alice,
        AttendeeRole.CHAIR,
        work.asb,
        work.asb.organisation,
    )
    assert meeting.status == MeetingStatus.SCHEDULED


def test_each_kind_runs_as_its_seeded_type(personas, work):
    for kind, prefix in selectors.KIND_CASE_TYPE_PREFIX.items():
        assert new_meeting(personas, work.asb, kind=kind).case.case_type.reference_prefix == prefix


def test_an_untitled_meeting_is_named_after_its_kind_and_day(personas, work):
    start = datetime(2026, 3, 12, 10, 0, tzinfo=UTC)
    with time_machine.travel(start - timedelta(days=1), tick=False):
        meeting = new_meeting(personas, work.asb, kind=PanelKind.CHANNEL, scheduled_start=start)
    assert meeting.case.title == "Channel panel meeting, 12 March 2026"


def test_creating_writes_the_case_and_the_meeting_events(personas, work):
    meeting = new_meeting(personas, work.asb)
    events = AuditEvent.objects.filter(target_id=str(meeting.case.code), action=Action.CREATE)
    assert events.count() == 2  # the case, then the meeting details
    last = events.order_by("id").last()
    assert last is not None
    assert last.changes["meeting_kind"] == [None, "complex_case"]


def test_a_partnership_without_the_type_is_told_whom_to_ask_and_nothing_is_written(personas, work):
    CaseType.objects.filter(partnership=work.testshire, reference_prefix="MARAC").update(
        is_active=False
    )
    with pytest.raises(ValidationError) as excinfo:
        new_meeting(personas, work.asb, kind=PanelKind.MARAC)
    assert "prefix MARAC" in _errors(excinfo)
    assert not PanelMeeting.objects.exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"chair": "carol"}, "chair"),
        ({"chair": None}, "chair"),
        ({"location": "  ", "online": False}, "location"),
        ({"kind": "tea_party"}, "kind"),
    ],
)
def test_bad_details_are_refused_before_anything_is_written(personas, work, values, field):
    if values.get("chair") == "carol":
        values["chair"] = personas.carol
    with pytest.raises(ValidationError) as excinfo:
        new_meeting(personas, work.asb, **values)
    assert field in excinfo.value.error_dict
    assert not Case.objects.exists()
    assert not PanelMeeting.objects.exists()


def test_an_online_meeting_needs_no_room(personas, work):
    meeting = new_meeting(personas, work.asb, location="", online=True)
    assert meeting.online and meeting.location == ""


def test_changing_the_details_moves_the_chair_and_refuses_a_stale_version(personas, work):
    meeting = new_meeting(personas, work.asb)
    changed = services.panel_meeting_update(
        actor=personas.alice,
        meeting=meeting,
        expected_version=0,
        scheduled_start=start_in(10),
        location="Council chamber",
        online=True,
        chair=personas.spoc,
    )
    assert changed.version == 1
    roles = dict(PanelAttendee.objects.filter(meeting=meeting).values_list("user", "role"))
    assert roles == {personas.alice.pk: AttendeeRole.ATTENDEE, personas.spoc.pk: AttendeeRole.CHAIR}
    updates = AuditEvent.objects.filter(action=Action.UPDATE, target_id=str(meeting.case.code))
    event = updates.order_by("id").last()
    assert event is not None
    assert event.changes["location"] == ["Room 4, Testshire Police HQ", "Council chamber"]
    with pytest.raises(StaleRecord):
        services.panel_meeting_update(
            actor=personas.alice,
            meeting=meeting,
            expected_version=0,
            scheduled_start=start_in(3),
            location="Elsewhere",
            online=False,
            chair=personas.alice,
        )
    meeting.refresh_from_db()
    assert meeting.location == "Council chamber"


def test_held_only_once_it_has_started_then_closed_with_its_case(personas, work):
    meeting = new_meeting(personas, work.asb, scheduled_start=start_in(1))
    with pytest.raises(ValidationError, match="not started yet"):
        services.panel_meeting_mark_held(actor=personas.alice, meeting=meeting, expected_version=0)
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        held = services.panel_meeting_mark_held(
            actor=personas.alice, meeting=meeting, expected_version=0
        )
        assert held.status == MeetingStatus.HELD and held.held_at is not None
        closed = services.panel_meeting_close(
            actor=personas.alice, meeting=meeting, expected_version=1, outcome="Minutes agreed"
        )
    assert closed.status == MeetingStatus.CLOSED
    case = Case.objects.get(pk=meeting.case_id)
    assert (case.status, case.outcome) == (CaseStatus.CLOSED, "Minutes agreed")


def test_a_closed_meeting_takes_nothing_more(personas, setup):
    services.panel_meeting_close(
        actor=personas.alice, meeting=setup.meeting, expected_version=0, outcome="Cancelled"
    )
    with pytest.raises(ValidationError, match="closed"):
        services.panel_decision_add(
            actor=personas.alice,
            viewer=viewer(personas.alice),
            meeting=setup.meeting,
            text="Too late",
        )
    assert not PanelDecision.objects.exists()


def test_closing_needs_an_outcome_and_leaves_the_case_open_without_one(personas, work):
    meeting = new_meeting(personas, work.asb)
    with pytest.raises(ValidationError):
        services.panel_meeting_close(
            actor=personas.alice, meeting=meeting, expected_version=0, outcome=" "
        )
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED
    assert Case.objects.get(pk=meeting.case_id).status == CaseStatus.OPEN


# --- Attendees -------------------------------------------------------------------------------


def test_attendees_come_for_one_of_their_teams_once(personas, setup):
    meeting = setup.meeting
    with pytest.raises(ValidationError) as excinfo:
        services.panel_attendee_add(
            actor=personas.alice, meeting=meeting, user=personas.bob, team=setup.work.asb,
            role="attendee",
        )  # fmt: skip
    assert "team" in excinfo.value.error_dict
    with pytest.raises(ValidationError, match="already an attendee"):
        services.panel_attendee_add(
            actor=personas.alice, meeting=meeting, user=personas.carol,
            team=setup.work.council_asb, role="guest",
        )  # fmt: skip
    with pytest.raises(ValidationError):
        services.panel_attendee_add(
            actor=personas.alice, meeting=meeting, user=personas.bob, team=setup.work.iom,
            role=AttendeeRole.CHAIR,
        )  # fmt: skip
    assert PanelAttendee.objects.filter(meeting=meeting).count() == 2


def test_adding_an_attendee_shares_nothing_and_is_audited(personas, setup):
    before = policy.sections(viewer(personas.dave), setup.police_case)
    services.panel_attendee_add(
        actor=personas.alice, meeting=setup.meeting, user=personas.dave,
        team=setup.work.far_team, role="guest",
    )  # fmt: skip
    assert policy.sections(viewer(personas.dave), setup.police_case) == before == frozenset()
    assert policy.sections(viewer(personas.dave), setup.case) == frozenset()
    event = AuditEvent.objects.filter(target_id=str(setup.case.code)).order_by("id").last()
    assert event is not None
    assert event.changes["attendee_added"][1]["user"] == personas.dave.pk


def test_the_chair_cannot_be_removed_but_others_can(personas, setup):
    chair = PanelAttendee.objects.get(meeting=setup.meeting, role=AttendeeRole.CHAIR)
    with pytest.raises(ValidationError):
        services.panel_attendee_remove(actor=personas.alice, attendee=chair)
    carol = PanelAttendee.objects.get(meeting=setup.meeting, user=personas.carol)
    services.panel_attendee_remove(actor=personas.alice, attendee=carol)
    assert list(PanelAttendee.objects.filter(meeting=setup.meeting)) == [chair]


def test_attendance_is_recorded_once_the_meeting_is_held(personas, setup):
    carol = PanelAttendee.objects.get(meeting=setup.meeting, user=personas.carol)
    with pytest.raises(ValidationError, match="held"):
        services.panel_attendance_record(
            actor=personas.alice, meeting=setup.meeting, attended={carol.pk}
        )
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        services.panel_meeting_mark_held(
            actor=personas.alice, meeting=setup.meeting, expected_version=0
        )
    services.panel_attendance_record(
        actor=personas.alice, meeting=setup.meeting, attended={carol.pk}
    )
    attended = dict(PanelAttendee.objects.values_list("user", "attended"))
    assert attended == {personas.alice.pk: False, personas.carol.pk: True}


# --- Agenda ----------------------------------------------------------------------------------


def test_agenda_items_are_numbered_in_order_and_never_twice(personas, setup):
    positions = list(
        PanelAgendaItem.objects.filter(meeting=setup.meeting).values_list("position", flat=True)
    )
    assert positions == [1, 2, 3, 4]
    with pytest.raises(ValidationError, match="already on the agenda"):
        services.panel_agenda_item_add(
            actor=personas.alice,
            viewer=viewer(personas.alice),
            meeting=setup.meeting,
            record=setup.police_case,
        )


def test_a_hidden_record_is_refused_like_a_mistyped_one(personas, setup):
    other = new_meeting(personas, setup.work.asb)
    # bob (same organisation, another team) runs nothing here, but the rule is the adder's view.
    with pytest.raises(ValidationError) as excinfo:
        services.panel_agenda_item_add(
            actor=personas.bob, viewer=viewer(personas.bob), meeting=other, record=setup.hidden_case
        )
    assert _errors(excinfo) == services.record_not_found()
    assert not PanelAgendaItem.objects.filter(meeting=other).exists()


def test_a_meeting_cannot_discuss_itself(personas, setup):
    with pytest.raises(ValidationError, match="its own case"):
        services.panel_agenda_item_add(
            actor=personas.alice,
            viewer=viewer(personas.alice),
            meeting=setup.meeting,
            record=setup.case,
        )


def test_putting_a_record_on_the_agenda_is_audited_on_both(personas, setup):
    assert AuditEvent.objects.filter(
        target_id=str(setup.council_case.code), detail__agenda="added"
    ).exists()
    meeting_events = AuditEvent.objects.filter(target_id=str(setup.case.code)).order_by("id")
    added = [
        e.changes["agenda_item_added"][1]
        for e in meeting_events
        if e.changes.get("agenda_item_added")
    ]
    assert [entry["position"] for entry in added] == [1, 2, 3, 4]


def test_an_item_with_notes_stays_on_the_agenda(personas, setup):
    first = setup.meeting.agenda.get(position=1)
    services.panel_decision_add(
        actor=personas.alice,
        viewer=viewer(personas.alice),
        meeting=setup.meeting,
        item=first,
        text="Refer to the housing provider.",
    )
    with pytest.raises(ValidationError, match="stays on the agenda"):
        services.panel_agenda_item_remove(actor=personas.alice, item=first)
    last = setup.meeting.agenda.get(position=4)
    services.panel_agenda_item_remove(actor=personas.alice, item=last)
    assert setup.meeting.agenda.count() == 3


# --- Minutes, decisions, actions -------------------------------------------------------------


def test_minutes_are_versioned_and_a_stale_save_changes_nothing(personas, setup):
    first = setup.meeting.agenda.get(position=1)
    alice = viewer(personas.alice)
    written = services.panel_minutes_save(
        actor=personas.alice, viewer=alice, meeting=setup.meeting, item=first,
        text="First draft.", expected_version=0,
    )  # fmt: skip
    assert written.version == 1
    services.panel_minutes_save(
        actor=personas.spoc, viewer=viewer(personas.spoc), meeting=setup.meeting, item=first,
        text="Second draft.", expected_version=1,
    )  # fmt: skip
    with pytest.raises(StaleRecord) as stale:
        services.panel_minutes_save(
            actor=personas.alice, viewer=alice, meeting=setup.meeting, item=first,
            text="Overwrite attempt.", expected_version=1,
        )  # fmt: skip
    assert isinstance(stale.value.current, PanelMinutes)
    assert stale.value.current.text == "Second draft."
    minutes = PanelMinutes.objects.get(item=first)
    assert (minutes.text, minutes.version) == ("Second draft.", 2)
    assert (minutes.written_by, minutes.edited_by) == (personas.alice, personas.spoc)


def test_minutes_are_audited_against_the_discussed_records_diary(personas, setup):
    first = setup.meeting.agenda.get(position=1)
    services.panel_minutes_save(
        actor=personas.alice, viewer=viewer(personas.alice), meeting=setup.meeting, item=first,
        text="Joint visit agreed.", expected_version=0,
    )  # fmt: skip
    event = AuditEvent.objects.get(
        target_id=str(setup.police_case.code), action=Action.CREATE, sections=[Section.DIARY]
    )
    assert event.changes == {"panel_minutes": [None, "Joint visit agreed."]}
    assert event.detail == {"panel_meeting": setup.case.reference, "agenda_position": 1}


def test_no_notes_about_a_record_whose_diary_the_writer_cannot_read(personas, setup):
    council_item = setup.meeting.agenda.get(position=2)
    for write in (
        lambda: services.panel_minutes_save(
            actor=personas.alice, viewer=viewer(personas.alice), meeting=setup.meeting,
            item=council_item, text="Blind", expected_version=0,
        ),
        lambda: services.panel_decision_add(
            actor=personas.alice, viewer=viewer(personas.alice), meeting=setup.meeting,
            item=council_item, text="Blind",
        ),
        lambda: services.panel_action_add(
            actor=personas.alice, viewer=viewer(personas.alice), meeting=setup.meeting,
            item=council_item, description="Blind", owner_team=setup.work.asb,
            due_on=timezone.localdate() + timedelta(days=14),
        ),
    ):  # fmt: skip
        with pytest.raises(PermissionDenied):
            write()
    assert not PanelMinutes.objects.exists()
    assert not PanelDecision.objects.exists()
    assert not PanelAction.objects.exists()


def test_empty_minutes_are_refused(personas, setup):
    with pytest.raises(ValidationError) as excinfo:
        services.panel_minutes_save(
            actor=personas.alice, viewer=viewer(personas.alice), meeting=setup.meeting,
            text="   ", expected_version=0,
        )  # fmt: skip
    assert "text" in excinfo.value.error_dict


def test_an_action_is_recorded_for_an_attending_agency_and_becomes_its_task(personas, setup):
    first = setup.meeting.agenda.get(position=1)
    due = timezone.localdate() + timedelta(days=14)
    action = services.panel_action_add(
        actor=personas.alice, viewer=viewer(personas.alice), meeting=setup.meeting, item=first,
        description="Visit the household with housing.", owner_team=setup.work.council_asb,
        owner_user=personas.carol, due_on=due,
    )  # fmt: skip
    action.refresh_from_db()
    assert (action.owner_team, action.owner_user, action.due_on) == (
        setup.work.council_asb,
        personas.carol,
        due,
    )
    assert action.recorded_by == personas.alice
    task = Task.objects.get(pk=cast(int, action.task_id))
    assert (task.source, task.source_key) == ("panel-action", str(action.pk))
    assert (task.assignee_team, task.assignee_user, task.due_on) == (
        setup.work.council_asb,
        personas.carol,
        due,
    )
    assert (task.team, task.created_by) == (setup.work.asb, personas.alice)
    assert (task.record_kind, task.record_id) == (RecordKind.CASE, setup.police_case.pk)
    assert task.title == f"Panel action from {setup.meeting.case.reference}"
    assert task.description == "Visit the household with housing."
    event = AuditEvent.objects.get(detail__action=str(action.code))
    assert event.target_id == str(setup.police_case.code)
    assert event.changes["panel_action"][1]["owner_team"] == setup.work.council_asb.pk
    assert event.detail["task"] == task.pk


def test_a_meeting_action_for_a_team_waits_in_that_teams_queue(personas, setup, client_for):
    due = timezone.localdate() + timedelta(days=14)
    action = services.panel_action_add(
        actor=personas.alice, viewer=viewer(personas.alice), meeting=setup.meeting,
        description="Bring the tenancy file.", owner_team=setup.work.council_asb, due_on=due,
    )  # fmt: skip
    [task] = Task.objects.filter(source="panel-action")
    assert task.pk == action.task_id
    assert task.assignee_user is None
    assert (task.record_kind, task.record_id) == (RecordKind.CASE, setup.meeting.case.pk)
    queue = client_for(personas.carol).get(reverse("tasking:team_queue")).content.decode()
    assert task.reference in queue


def test_an_action_may_go_to_an_attending_agency_of_another_partnership(personas, setup):
    services.panel_attendee_add(
        actor=personas.alice, meeting=setup.meeting, user=personas.dave,
        team=setup.work.far_team, role="guest",
    )  # fmt: skip
    action = services.panel_action_add(
        actor=personas.alice, viewer=viewer(personas.alice), meeting=setup.meeting,
        description="Check your own records.", owner_team=setup.work.far_team,
        owner_user=personas.dave, due_on=timezone.localdate() + timedelta(days=14),
    )  # fmt: skip
    task = Task.objects.get(pk=cast(int, action.task_id))
    assert (task.assignee_team, task.assignee_user) == (setup.work.far_team, personas.dave)


@pytest.mark.parametrize("problem", ["not_attending", "not_in_team", "before_meeting"])
def test_an_action_with_a_wrong_owner_or_date_is_refused_and_nothing_written(
    personas, setup, problem
):
    values = {
        "owner_team": setup.work.council_asb,
        "owner_user": None,
        "due_on": timezone.localdate() + timedelta(days=14),
    }
    if problem == "not_attending":
        values["owner_team"] = setup.work.far_team
    elif problem == "not_in_team":
        values["owner_user"] = personas.bob
    else:
        values["due_on"] = timezone.localdate()  # the meeting is a week away
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        services.panel_action_add(
            actor=personas.alice, viewer=viewer(personas.alice), meeting=setup.meeting,
            description="Visit", **values,
        )  # fmt: skip
    assert not PanelAction.objects.exists()
    assert AuditEvent.objects.count() == events


def test_the_owner_choices_are_attendees_and_teams_of_attending_agencies(personas, setup):
    choices = selectors.action_owner_choices(setup.meeting)
    people = {choice.user for choice in choices if choice.user is not None}
    teams = {choice.team for choice in choices if choice.user is None}
    assert people == {personas.alice, personas.carol}
    assert setup.work.iom in teams and setup.work.council_asb in teams
    assert setup.work.far_team not in teams


def test_attendee_masks_come_from_one_query(personas, setup, django_assert_num_queries):
    viewers = [viewer(personas.alice), viewer(personas.carol), viewer(personas.dave)]
    ids = [setup.police_case.pk, setup.council_case.pk, setup.hidden_case.pk]
    with django_assert_num_queries(1):
        masks = policy.section_masks_for_viewers(viewers, RecordKind.CASE, ids)
    for one, answer in zip(viewers, masks, strict=True):
        assert answer == policy.section_masks(one, RecordKind.CASE, ids)
