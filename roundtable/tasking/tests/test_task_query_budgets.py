"""Query budgets of the task pages: the count must not grow with the data.

Each test reads a page once to warm the session, counts its queries with a little data, adds
more tasks of the kind the page lists (linked to people, premises, groups and cases the viewer
can and cannot see, with comments), and counts again: an N+1 would add queries per row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roundtable.records.services import places as place_services
from roundtable.records.tests.case_helpers import open_case
from roundtable.sharing.tests.factories import profile_for
from roundtable.tasking.models import LIVE_STATUSES, Task
from roundtable.tasking.services import tasks as services
from roundtable.tasking.tests.task_helpers import a_task, in_days, task_world

BUDGET = 15  # the task manager view; 19 before the shell asked its figures in one query


@pytest.fixture
def world(personas):
    return task_world(personas)


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def assert_flat(client: Client, url: str, grow: Callable[[], None]) -> int:
    """The page costs the same number of queries before and after ``grow()`` adds rows."""
    client.get(url)
    few = _count(client, url)
    grow()
    many = _count(client, url)
    assert many == few, f"{url}: {few} queries with a little data, {many} with more"
    assert many <= BUDGET
    return many


def _records(personas: Any, world: Any, number: int) -> list[Any]:
    """Records of every kind, some the ASB team owns and some it cannot see."""
    mine = number % 2 == 0
    actor, team = (personas.alice, world.asb) if mine else (personas.carol, world.council_asb)
    return [
        profile_for(actor, team, given_name=f"Kit{number}", family_name="Budgetson"),
        place_services.premises_create(
            actor=actor, team=team, name=f"Budget House {number}", kind="residence"
        ),
        place_services.group_create(
            actor=actor, team=team, name=f"Budget Crew {number}", kind="gang"
        ),
        open_case(actor, team, world.work.case_type),
    ]


def _tasks_for(personas: Any, world: Any, count: int, **fields: Any) -> None:
    for number in range(count):
        for record in _records(personas, world, number):
            # Records the ASB team cannot open are linked by their own (council) setter.
            setter, team = (
                (personas.alice, world.asb)
                if record.owning_team_id == world.asb.pk
                else (personas.carol, world.council_asb)
            )
            task = a_task(setter, team, record=record, due_in=number % 4, **fields)
            services.task_comment_add(actor=setter, task=task, body="Budget comment")


def _assigned_to_alice(personas: Any, world: Any, number: int) -> None:
    """Tasks for Alice about records of every kind, some her team cannot see."""
    for record in _records(personas, world, number):
        if record.owning_team_id == world.asb.pk:
            a_task(personas.alice, world.asb, record=record, assignee_user=personas.alice)
            continue
        # The council sets it for the ASB team's queue; the ASB manager gives it to Alice.
        task = a_task(personas.carol, world.council_asb, record=record, assignee_team=world.asb)
        services.task_assign(
            actor=personas.spoc,
            task=task,
            expected_version=0,
            assignee_team=world.asb,
            assignee_user=personas.alice,
        )


def test_my_tasks_costs_the_same_however_many_tasks(personas, world, client_for):
    client = client_for(personas.alice)
    _assigned_to_alice(personas, world, 0)
    _assigned_to_alice(personas, world, 1)

    def grow() -> None:
        for number in range(2, 6):
            _assigned_to_alice(personas, world, number)
        for number in range(4):
            a_task(personas.spoc, world.asb, assignee_user=personas.alice, due_in=number)

    assert_flat(client, reverse("tasking:my_tasks"), grow)


def test_the_team_queue_and_set_by_my_team_cost_the_same_however_many_tasks(
    personas, world, client_for
):
    client = client_for(personas.alice)
    _assigned_to_alice(personas, world, 0)
    _assigned_to_alice(personas, world, 1)
    _tasks_for(personas, world, 2)
    a_task(personas.alice, world.asb, assignee_team=world.iom)
    assert_flat(client, reverse("tasking:team_queue"), lambda: _tasks_for(personas, world, 4))

    def more_for_others() -> None:
        for number in range(8):
            a_task(personas.alice, world.asb, assignee_team=world.iom, due_in=number)

    assert_flat(client, reverse("tasking:team_queue") + "?show=set", more_for_others)


def _make_overdue() -> None:
    """Backdate every live task: the sweep's rules are not under test here, the page's cost is."""
    Task.objects.filter(status__in=LIVE_STATUSES).update(due_on=in_days(-3))


def test_the_managers_view_costs_the_same_however_many_tasks_and_people(
    personas, world, client_for
):
    client = client_for(personas.spoc)
    _assigned_to_alice(personas, world, 0)
    _assigned_to_alice(personas, world, 1)
    _make_overdue()

    def grow() -> None:
        for number in range(5):
            a_task(personas.spoc, world.asb, assignee_user=world.asb_colleague, due_in=number)
            a_task(personas.spoc, world.asb, due_in=number)
        for number in range(2, 5):
            _assigned_to_alice(personas, world, number)
        _make_overdue()

    assert_flat(client, reverse("tasking:manager_view"), grow)


def test_a_task_page_costs_the_same_however_many_comments(personas, world, client_for):
    case = open_case(personas.alice, world.asb, world.work.case_type)
    task = a_task(personas.alice, world.asb, record=case)
    services.task_comment_add(actor=personas.alice, task=task, body="First")

    def grow() -> None:
        for number in range(10):
            services.task_comment_add(
                actor=personas.spoc if number % 2 else personas.alice, task=task, body=f"N{number}"
            )

    assert_flat(client_for(personas.alice), task.get_absolute_url(), grow)


def test_the_case_page_costs_the_same_however_many_tasks_it_has(personas, world, client_for):
    case = open_case(personas.alice, world.asb, world.work.case_type)
    a_task(personas.alice, world.asb, record=case)

    def grow() -> None:
        for number in range(8):
            a_task(
                personas.alice,
                world.asb,
                record=case,
                assignee_user=personas.alice if number % 2 else None,
                assignee_team=world.asb if number % 2 else world.iom,
            )

    client = client_for(personas.alice)
    client.get(case.get_absolute_url())
    assert_flat(client, case.get_absolute_url(), grow)
