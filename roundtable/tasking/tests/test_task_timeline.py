"""The case timeline's "task" source: a case's tasks, for viewers who hold its Tasks section."""

from __future__ import annotations

import pytest

from roundtable.casework.timeline import sources
from roundtable.records.models import CaseTypeShareDefault
from roundtable.records.tests.case_helpers import open_case
from roundtable.sharing import policy
from roundtable.sharing.sections import Section, to_mask
from roundtable.tasking.services import tasks as services
from roundtable.tasking.tests.task_helpers import a_task, task_world


@pytest.fixture
def world(personas):
    return task_world(personas)


def test_the_task_source_is_registered():
    assert "task" in sources()


def test_the_owner_sees_each_task_set_and_done_on_the_case(personas, world):
    case = open_case(personas.alice, world.asb, world.work.case_type)
    task = a_task(personas.alice, world.asb, record=case, assignee_user=personas.alice)
    services.task_complete(actor=personas.alice, task=task, expected_version=0, note="Done.")
    a_task(personas.alice, world.asb, title="Not about the case")
    items = list(sources()["task"](policy.viewer_for_user(personas.alice), case))
    assert [item.label for item in items] == ["Task set", "Task done"]
    assert {item.kind for item in items} == {"task"}
    assert {item.section for item in items} == {Section.TASKS}
    assert all(item.url == task.get_absolute_url() for item in items)
    assert "Visit the address" in items[0].summary


def test_a_partner_without_the_tasks_section_sees_no_task_items(personas, world):
    case = open_case(personas.alice, world.asb, world.work.case_type)
    a_task(personas.alice, world.asb, record=case)
    assert list(sources()["task"](policy.viewer_for_user(personas.carol), case)) == []


def test_a_partner_given_the_tasks_section_sees_them(personas, world):
    CaseTypeShareDefault.objects.filter(pk=world.work.default.pk).update(
        sections=to_mask([Section.SUMMARY, Section.TASKS])
    )
    case = open_case(personas.alice, world.asb, world.work.case_type)
    a_task(personas.alice, world.asb, record=case)
    assert len(list(sources()["task"](policy.viewer_for_user(personas.carol), case))) == 1
