"""The meeting's forms through the real stack: set up, attendees, agenda, minutes (with a
conflict), decisions, actions, held and closed. Bad input gets an error summary and writes
nothing; a stale minutes save shows both versions and overwrites nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from roundtable.casework.models import (
    MeetingStatus,
    PanelAction,
    PanelAgendaItem,
    PanelAttendee,
    PanelDecision,
    PanelMeeting,
    PanelMinutes,
)
from roundtable.casework.tests.panel_helpers import meeting_url, new_meeting, panel
from roundtable.directory.tests.factories import MembershipFactory, TeamFactory
from roundtable.records.models import Case, CaseStatus
from roundtable.records.services.case_type_seeds import case_types_seed
from roundtable.records.tests.case_helpers import casework, open_case


@pytest.fixture
def setup(personas):
    return panel(personas)


def _item(setup, position: int) -> PanelAgendaItem:
    item: PanelAgendaItem = setup.meeting.agenda.get(position=position)
    return item


# --- Setting up ------------------------------------------------------------------------------


def test_setting_up_a_meeting_from_the_cases_area(personas, client_for):
    work = casework(personas)
    case_types_seed(work.testshire)
    client = client_for(personas.alice)
    assert (
        reverse("casework:meeting_create")
        in client.get(reverse("records:my_cases")).content.decode()
    )
    response = client.post(
        reverse("casework:meeting_create"),
        {
            "kind": "marac",
            "title": "",
            "date": (timezone.localdate() + timedelta(days=7)).strftime("%d/%m/%Y"),
            "start_time": "10:30",
            "location": "",
            "online": "on",
            "chair": personas.spoc.pk,
        },
    )
    meeting = PanelMeeting.objects.get()
    assert response.status_code == 302
    assert response.url == meeting_url(meeting)
    assert meeting.chair == personas.spoc and meeting.online
    assert timezone.localtime(meeting.scheduled_start).strftime("%H:%M") == "10:30"
    assert meeting.case.case_type.reference_prefix == "MARAC"


def test_a_bad_set_up_shows_the_errors_and_writes_nothing(personas, client_for):
    work = casework(personas)
    case_types_seed(work.testshire)
    response = client_for(personas.alice).post(
        reverse("casework:meeting_create"),
        {"kind": "marac", "date": "31/02/2026", "start_time": "25:00", "chair": personas.carol.pk},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in html
    assert "must be a real date" in html
    assert "Enter the start time like 14:30" in html
    assert "Choose a chair from the team that runs the meeting" in html
    assert not Case.objects.exists()


def test_a_meeting_with_no_room_and_not_online_is_refused_on_the_page(personas, client_for):
    work = casework(personas)
    case_types_seed(work.testshire)
    response = client_for(personas.alice).post(
        reverse("casework:meeting_create"),
        {
            "kind": "complex_case",
            "date": (timezone.localdate() + timedelta(days=7)).strftime("%d/%m/%Y"),
            "start_time": "10:30",
            "location": "",
            "chair": personas.alice.pk,
        },
    )
    assert response.status_code == 400
    assert "Enter where the meeting is held" in response.content.decode()
    assert not PanelMeeting.objects.exists()


def test_changing_the_details_from_a_stale_form_shows_both(personas, setup, client_for):
    client = client_for(personas.alice)
    form = {
        "date": (timezone.localdate() + timedelta(days=9)).strftime("%d/%m/%Y"),
        "start_time": "09:00",
        "location": "Committee room",
        "chair": personas.alice.pk,
        "version": 0,
    }
    assert client.post(meeting_url(setup.meeting, "edit/"), form).status_code == 302
    form["location"] = "Another room"
    response = client.post(meeting_url(setup.meeting, "edit/"), form)
    html = response.content.decode()
    assert response.status_code == 409
    assert "Committee room" in html and "Another room" in html
    setup.meeting.refresh_from_db()
    assert setup.meeting.location == "Committee room"


# --- Attendees and agenda --------------------------------------------------------------------


def test_adding_an_attendee_by_email(personas, setup, client_for):
    response = client_for(personas.alice).post(
        meeting_url(setup.meeting, "attendees/add/"),
        {"email": "BOB@police.testshire.invalid", "role": "minute_taker"},
    )
    assert response.status_code == 302
    attendee = PanelAttendee.objects.get(meeting=setup.meeting, user=personas.bob)
    assert (attendee.team, attendee.role) == (setup.work.iom, "minute_taker")


def test_someone_in_two_teams_is_asked_which_one(personas, setup, client_for):
    second = TeamFactory(organisation=setup.work.iom.organisation, name="Neighbourhood Team")
    MembershipFactory(user=personas.bob, team=second)
    client = client_for(personas.alice)
    url = meeting_url(setup.meeting, "attendees/add/")
    first = client.post(url, {"email": personas.bob.email, "role": "attendee"})
    assert first.status_code == 400
    assert "Choose which of their teams they attend for" in first.content.decode()
    assert "Neighbourhood Team" in first.content.decode()
    done = client.post(url, {"email": personas.bob.email, "role": "attendee", "team": second.pk})
    assert done.status_code == 302
    assert PanelAttendee.objects.get(meeting=setup.meeting, user=personas.bob).team == second


def test_an_unknown_email_is_refused(personas, setup, client_for):
    response = client_for(personas.alice).post(
        meeting_url(setup.meeting, "attendees/add/"),
        {"email": "nobody@nowhere.invalid", "role": "attendee"},
    )
    assert response.status_code == 400
    assert "No one with that email address" in response.content.decode()


def test_adding_to_the_agenda_by_case_reference(personas, setup, client_for):
    extra = open_case(personas.alice, setup.work.asb, setup.work.case_type, title="Fifth item")
    response = client_for(personas.alice).post(
        meeting_url(setup.meeting, "agenda/add/"), {"reference": f" {extra.reference.lower()} "}
    )
    assert response.status_code == 302
    assert setup.meeting.agenda.get(position=5).case == extra


def test_a_hidden_case_reads_like_a_mistyped_reference_on_the_agenda_form(
    personas, setup, client_for
):
    other = new_meeting(personas, setup.work.iom, chair=personas.bob)
    client = client_for(personas.bob)
    hidden = client.post(
        meeting_url(other, "agenda/add/"), {"reference": setup.hidden_case.reference}
    )
    missing = client.post(meeting_url(other, "agenda/add/"), {"reference": "ASB-2026-999999"})
    assert hidden.status_code == missing.status_code == 400
    assert "No case or person with that reference was found" in hidden.content.decode()
    assert not other.agenda.exists()


def test_a_person_goes_on_the_agenda_by_page_address(personas, setup, client_for):
    other = new_meeting(personas, setup.work.asb)
    address = f"https://roundtable.invalid{setup.person.get_absolute_url()}"
    response = client_for(personas.alice).post(
        meeting_url(other, "agenda/add/"), {"reference": address}
    )
    assert response.status_code == 302
    assert other.agenda.get().profile == setup.person


# --- Minutes, decisions, actions -------------------------------------------------------------


def test_minutes_saved_from_a_stale_form_show_both_versions(personas, setup, client_for):
    url = meeting_url(setup.meeting, f"agenda/{_item(setup, 1).pk}/minutes/")
    alice, spoc = client_for(personas.alice), client_for(personas.spoc)
    assert 'name="version" value="0"' in alice.get(url).content.decode()
    assert spoc.post(url, {"text": "Spoc's minutes.", "version": 0}).status_code == 302
    response = alice.post(url, {"text": "Alice's minutes.", "version": 0})
    html = response.content.decode()
    assert response.status_code == 409
    assert "Spoc&#x27;s minutes." in html  # as they are now
    assert "Alice&#x27;s minutes." in html  # hers, not saved, ready to resubmit
    assert 'name="version" value="1"' in html
    assert PanelMinutes.objects.get().text == "Spoc's minutes."
    assert alice.post(url, {"text": "Alice's minutes.", "version": 1}).status_code == 302
    assert PanelMinutes.objects.get().text == "Alice's minutes."


def test_an_editor_who_cannot_read_an_items_diary_cannot_open_its_forms(
    personas, setup, client_for
):
    council_item = _item(setup, 2)
    client = client_for(personas.alice)
    for suffix in ("minutes/", "decisions/add/", "actions/add/"):
        url = meeting_url(setup.meeting, f"agenda/{council_item.pk}/{suffix}")
        assert client.get(url).status_code == 403


def test_an_item_of_another_meeting_is_404(personas, setup, client_for):
    other = new_meeting(personas, setup.work.asb)
    url = meeting_url(other, f"agenda/{_item(setup, 1).pk}/minutes/")
    assert client_for(personas.alice).get(url).status_code == 404


def test_recording_a_decision_and_an_action_on_an_item(personas, setup, client_for):
    client = client_for(personas.alice)
    item = _item(setup, 1)
    decision = client.post(
        meeting_url(setup.meeting, f"agenda/{item.pk}/decisions/add/"),
        {"text": "Refer to the housing provider."},
    )
    assert decision.status_code == 302
    assert PanelDecision.objects.get().item == item
    url = meeting_url(setup.meeting, f"agenda/{item.pk}/actions/add/")
    form = client.get(url).content.decode()
    owner = f"person:{personas.carol.pk}:{setup.work.council_asb.pk}"
    assert f'value="{owner}"' in form
    due = (timezone.localdate() + timedelta(days=21)).strftime("%d/%m/%Y")
    response = client.post(
        url, {"description": "Joint visit with housing.", "owner": owner, "due_on": due}
    )
    assert response.status_code == 302
    action = PanelAction.objects.get()
    assert (action.owner_user, action.owner_team, action.item) == (
        personas.carol,
        setup.work.council_asb,
        item,
    )
    html = client.get(meeting_url(setup.meeting)).content.decode()
    assert "Refer to the housing provider." in html and "Joint visit with housing." in html


def test_an_action_without_an_owner_or_date_shows_errors(personas, setup, client_for):
    response = client_for(personas.alice).post(
        meeting_url(setup.meeting, "actions/add/"),
        {"description": "Chase the school.", "owner": "", "due_on": ""},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Choose who owns the action" in html and "Enter the date the action is due" in html
    assert not PanelAction.objects.exists()


# --- Held and closed -------------------------------------------------------------------------


def test_marking_held_recording_attendance_and_closing(personas, setup, client_for):
    # A week and a day on, when the meeting has taken place (signed in then, too).
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        client = client_for(personas.alice)
        held = client.post(meeting_url(setup.meeting, "held/"), {"version": 0})
        assert (held.status_code, held.url) == (302, meeting_url(setup.meeting))
        carol = PanelAttendee.objects.get(meeting=setup.meeting, user=personas.carol)
        response = client.post(meeting_url(setup.meeting, "attendance/"), {"attended": [carol.pk]})
        assert (response.status_code, response.url) == (302, meeting_url(setup.meeting))
        closed = client.post(
            meeting_url(setup.meeting, "close/"), {"outcome": "Minutes agreed", "version": 1}
        )
        assert (closed.status_code, closed.url) == (302, meeting_url(setup.meeting))
        html = client.get(meeting_url(setup.meeting)).content.decode()
        assert 'data-testid="meeting-controls"' not in html
        assert client.get(meeting_url(setup.meeting, "close/")).status_code == 404
    setup.meeting.refresh_from_db()
    assert setup.meeting.status == MeetingStatus.CLOSED
    assert Case.objects.get(pk=setup.case.pk).status == CaseStatus.CLOSED
    assert PanelAttendee.objects.get(pk=carol.pk).attended is True


def test_marking_held_before_the_start_is_refused_on_the_page(personas, setup, client_for):
    response = client_for(personas.alice).post(meeting_url(setup.meeting, "held/"), {"version": 0})
    assert response.status_code == 400
    assert "The meeting has not started yet" in response.content.decode()
