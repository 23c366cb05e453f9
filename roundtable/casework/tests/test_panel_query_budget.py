"""The meeting page's query budget: it must not grow with the agenda (nor with the attendees).

Each test reads the page once to warm the session, counts its queries with a short agenda, adds
more items of every kind (cases the viewer can and cannot see, a hidden one, people) with
minutes, decisions and actions, and counts again: an N+1 would add queries per item.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from roundtable.casework.services import panels as services
from roundtable.casework.tests.panel_helpers import Panel, meeting_url, panel, viewer
from roundtable.directory.tests.factories import MembershipFactory, TeamFactory, UserFactory
from roundtable.records.models import Case, Profile
from roundtable.records.tests.case_helpers import open_case
from roundtable.sharing.tests.factories import profile_for


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def setup(personas):
    return panel(personas)


def _grow_agenda(personas, setup: Panel, count: int) -> None:
    alice = viewer(personas.alice)
    for number in range(count):
        if number % 3 == 0:
            record: Case | Profile = profile_for(
                personas.alice, setup.work.asb, family_name=f"Budget{number}"
            )
        elif number % 3 == 1:
            record = open_case(personas.carol, setup.work.council_asb, setup.work.case_type)
        else:
            record = open_case(personas.alice, setup.work.asb, setup.work.case_type)
        item = services.panel_agenda_item_add(
            actor=personas.alice, viewer=alice, meeting=setup.meeting, record=record
        )
        if number % 3 != 1:  # alice cannot write about the council's cases: their diary is not hers
            services.panel_minutes_save(
                actor=personas.alice, viewer=alice, meeting=setup.meeting, item=item,
                text=f"Minutes {number}", expected_version=0,
            )  # fmt: skip
            services.panel_decision_add(
                actor=personas.alice, viewer=alice, meeting=setup.meeting, item=item,
                text=f"Decision {number}",
            )  # fmt: skip
            services.panel_action_add(
                actor=personas.alice, viewer=alice, meeting=setup.meeting, item=item,
                description=f"Action {number}", owner_team=setup.work.council_asb,
                owner_user=personas.carol, due_on=timezone.localdate() + timedelta(days=30),
            )  # fmt: skip


def _grow_attendees(personas, setup: Panel, count: int) -> None:
    for number in range(count):
        team = TeamFactory(organisation=setup.work.council_asb.organisation, name=f"Team {number}")
        user = UserFactory(
            email=f"budget{number}@council.testshire.invalid",
            full_name=f"Budget Person {number}",
            organisation=team.organisation,
        )
        MembershipFactory(user=user, team=team)
        services.panel_attendee_add(
            actor=personas.alice, meeting=setup.meeting, user=user, team=team, role="attendee"
        )


@pytest.mark.parametrize("who", ["alice", "carol", "bob"])
def test_the_meeting_page_costs_the_same_however_long_the_agenda(personas, setup, client_for, who):
    client = client_for(getattr(personas, who))
    url = meeting_url(setup.meeting)
    client.get(url)
    few = _count(client, url)
    _grow_agenda(personas, setup, 9)
    many = _count(client, url)
    assert many == few, f"{who}: {few} queries with 4 items, {many} with 13"
    assert client.get(url).content.decode().count("data-agenda-item=") == 13


def test_the_chairs_page_costs_the_same_however_many_attend(personas, setup, client_for):
    client = client_for(personas.alice)
    url = meeting_url(setup.meeting)
    client.get(url)
    few = _count(client, url)
    _grow_attendees(personas, setup, 8)
    many = _count(client, url)
    assert many == few, f"{few} queries with 2 attendees, {many} with 10"
