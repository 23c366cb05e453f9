"""The tasks permission matrix: every persona against tasks about every record state and kind.

Built on ``records.tests.matrix`` (its world, personas, states and independent oracle, never
``sharing.policy``). For each record, whoever owns it now sets, through the real service, a task
for their own team's queue about the record, and one task about it for each persona in reach
(the owning organisation's and the partnership's teams), assigned to that persona.

Two rules meet here (docs/tasking.md, "Who may see and do what"). Who sees a task is the task's
business: the assignee, the assignee team, the setting team, and anyone holding the Tasks section
of the case it is about (to read only: commenting is 403); anyone else gets 404. Whether the
task names its record is the sharing policy's: a person is named only with their identity
section, premises, a group or a case only with its summary; otherwise the task says "A record
you cannot see" and does not link to it.
The task half of the expectation comes from ``TEAM_OF`` (who works with whom), the record half
from the oracle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from roundtable.casework.tests.matrix_helpers import (
    TEAM_OF,
    author_of,
    cell_id,
    found,
    module_world,
    sees,
    team_of,
)
from roundtable.records.tests.matrix import KINDS, PERSONAS, STATES_BY_KIND, World, cells
from roundtable.tasking.models import Task, TaskComment
from roundtable.tasking.services import tasks as services

#: The section that names each kind of record (docs/tasking.md).
NAME_SECTION = {"person": "identity", "premises": "summary", "group": "summary", "case": "summary"}
#: The name each kind of world record is shown by when it is shown.
NAMES = {
    "person": "Jory MATRIXPERSON",
    "premises": "Marigold Tavern",
    "group": "Thornbury Crew",
    "case": "Quillfeather boundary dispute",
}
UNSEEN = "A record you cannot see"
#: Personas a task can be given to: teams of the owning organisation and of its partnership.
ASSIGNABLE = ("owner", "manager", "colleague", "partner", "partner_no_grant", "auditor")
ROW = re.compile(r'<tr class="govuk-table__row" data-task="([^"]+)">(.*?)</tr>', re.DOTALL)


def queue_title(kind: str, state: str) -> str:
    return f"Queue task Pellow {kind} {state}"


def assigned_title(kind: str, state: str, persona: str) -> str:
    return f"Assigned task Pellow {kind} {state} {persona}"


def sees_task(kind: str, state: str, persona: str, task_team: str, assignee_team: str) -> bool:
    """The task's rule: setting or assignee team, or the case's Tasks section."""
    team = TEAM_OF[persona]
    if team is not None and team in (task_team, assignee_team):
        return True
    return kind == "case" and "tasks" in sees(kind, state, persona)


def named(kind: str, state: str, persona: str) -> bool:
    """The record's half: its name needs the section that names it."""
    return NAME_SECTION[kind] in sees(kind, state, persona)


@dataclass
class TaskMatrix:
    world: World
    queue: dict[tuple[str, str], Task] = field(default_factory=dict)
    assigned: dict[tuple[str, str, str], Task] = field(default_factory=dict)

    def setter_team(self, state: str) -> str:
        team = TEAM_OF[author_of(state)]
        assert team is not None
        return team


def _populate(world: World) -> TaskMatrix:
    matrix = TaskMatrix(world=world)
    due = timezone.localdate() + timedelta(days=5)
    for (kind, state), record in world.records.items():
        setter = world.users[author_of(state)]
        team = team_of(setter)
        matrix.queue[(kind, state)] = services.task_create(
            actor=setter,
            team=team,
            title=queue_title(kind, state),
            due_on=due,
            assignee_team=team,
            record=record,
        )
        for persona in ASSIGNABLE:
            assignee = world.users[persona]
            matrix.assigned[(kind, state, persona)] = services.task_create(
                actor=setter,
                team=team,
                title=assigned_title(kind, state, persona),
                due_on=due,
                assignee_team=team_of(assignee),
                assignee_user=assignee,
                record=record,
            )
    return matrix


task_matrix = module_world(_populate)


def _check_record(body: str, kind: str, state: str, persona: str, record: Any) -> None:
    """The task page or row names and links the record exactly when the oracle allows."""
    shown = named(kind, state, persona)
    assert (NAMES[kind] in body) is shown
    assert (record.get_absolute_url() in body) is shown
    assert (UNSEEN in body) is not shown


# --- a task's page --------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "state", "persona"), cells(), ids=[cell_id(c) for c in cells()])
def test_task_pages_follow_the_task_rule_and_the_oracle(db, task_matrix, kind, state, persona):
    client = task_matrix.world.clients[persona]
    record = task_matrix.world.record(kind, state)
    setter_team = task_matrix.setter_team(state)

    queued = task_matrix.queue[(kind, state)]
    response = client.get(queued.get_absolute_url())
    body = response.content.decode()
    visible = sees_task(kind, state, persona, setter_team, setter_team)
    assert response.status_code == (200 if visible else 404)
    assert (queue_title(kind, state) in body) is visible
    if visible:
        _check_record(body, kind, state, persona, record)
    else:
        assert NAMES[kind] not in body

    # Commenting needs the setting or assignee team: holding the case's Tasks section only lets
    # a partner read the task (403), and nobody else may know it exists (404).
    in_team = TEAM_OF[persona] == setter_team
    before = TaskComment.objects.filter(task=queued).count()
    response = client.post(
        reverse("tasking:task_comment", kwargs={"code": queued.code}),
        {"body": "Matrix comment: visited, nobody home"},
    )
    assert response.status_code == (302 if in_team else 403 if visible else 404)
    assert TaskComment.objects.filter(task=queued).count() == before + (1 if in_team else 0)

    if persona in ASSIGNABLE:
        mine = task_matrix.assigned[(kind, state, persona)]
        response = client.get(mine.get_absolute_url())
        body = response.content.decode()
        assert response.status_code == 200
        assert assigned_title(kind, state, persona) in body
        _check_record(body, kind, state, persona, record)


# --- lists ----------------------------------------------------------------------------------------


def _rows(client: Any, url: str) -> dict[str, str]:
    """Every row of a paginated task list, by task reference."""
    found_rows: dict[str, str] = {}
    page = 1
    while True:
        response = client.get(url, {"page": page})
        assert response.status_code == 200
        body = response.content.decode()
        found_rows.update(ROW.findall(body))
        if 'rel="next"' not in body:
            return found_rows
        page += 1


def _record_cells() -> list[tuple[str, str]]:
    return [(kind, state) for kind in KINDS for state in STATES_BY_KIND[kind]]


@pytest.mark.parametrize("persona", PERSONAS)
def test_my_tasks_lists_mine_naming_records_by_the_oracle(db, task_matrix, persona):
    rows = _rows(task_matrix.world.clients[persona], reverse("tasking:my_tasks"))
    expected = {
        task_matrix.assigned[(kind, state, persona)].reference: (kind, state)
        for kind, state in _record_cells()
        if persona in ASSIGNABLE
    }
    assert set(rows) == set(expected)
    for reference, (kind, state) in expected.items():
        _check_record(rows[reference], kind, state, persona, task_matrix.world.record(kind, state))


@pytest.mark.parametrize("persona", PERSONAS)
def test_team_queue_lists_the_teams_tasks_naming_records_by_the_oracle(db, task_matrix, persona):
    client = task_matrix.world.clients[persona]
    team = TEAM_OF[persona]
    if team is None:
        assert client.get(reverse("tasking:team_queue")).status_code == 403
        return
    rows = _rows(client, reverse("tasking:team_queue"))
    expected: dict[str, tuple[str, str]] = {}
    for kind, state in _record_cells():
        if task_matrix.setter_team(state) == team:
            expected[task_matrix.queue[(kind, state)].reference] = (kind, state)
        for other in ASSIGNABLE:
            if TEAM_OF[other] == team:
                expected[task_matrix.assigned[(kind, state, other)].reference] = (kind, state)
    assert set(rows) == set(expected)
    for reference, (kind, state) in expected.items():
        _check_record(rows[reference], kind, state, persona, task_matrix.world.record(kind, state))


# --- a case's Tasks section -----------------------------------------------------------------------

CASE_CELLS = [(state, persona) for state in STATES_BY_KIND["case"] for persona in PERSONAS]


@pytest.mark.parametrize(("state", "persona"), CASE_CELLS, ids=[cell_id(c) for c in CASE_CELLS])
def test_case_tasks_section_and_timeline_need_the_tasks_section(db, task_matrix, state, persona):
    case = task_matrix.world.record("case", state)
    client = task_matrix.world.clients[persona]
    holds = "tasks" in sees("case", state, persona)
    titles = [queue_title("case", state)] + [
        assigned_title("case", state, other) for other in ASSIGNABLE
    ]
    page = client.get(case.get_absolute_url())
    assert page.status_code == (200 if found("case", state, persona) else 404)
    body = page.content.decode()
    assert ('data-testid="case-tasks"' in body) is holds
    for title in titles:
        assert (title in body) is holds, title
    timeline = client.get(reverse("casework:case_timeline", kwargs={"code": case.code}))
    assert timeline.status_code == (200 if sees("case", state, persona) else 404)
    body = timeline.content.decode()
    for title in titles:
        assert (title in body) is holds, title
