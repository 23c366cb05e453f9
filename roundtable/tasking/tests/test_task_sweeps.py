"""The background sweeps: overdue tasks escalate to the assignee team's managers once, and tasks
due today or tomorrow are reminded once a day; emails carry a reference and a link only."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from roundtable.audit.models import AuditEvent
from roundtable.tasking import schedule
from roundtable.tasking.models import Task
from roundtable.tasking.services import tasks as services
from roundtable.tasking.tasks import escalate_overdue_tasks, remind_tasks_due_soon
from roundtable.tasking.tests.task_helpers import a_task, task_world

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=LONDON)
SECRET_TITLE = "Speak to Jordan Testperson about the threats"


@pytest.fixture
def world(personas):
    return task_world(personas)


@pytest.fixture
def monday():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def _sweep(task, capture) -> int:
    with capture(execute=True):
        return int(task.call())


def test_both_sweeps_run_every_hour():
    periodic = {item.name: item for item in schedule.registered()}
    assert periodic["tasking.escalate_overdue_tasks"].interval == timedelta(hours=1)
    assert periodic["tasking.escalate_overdue_tasks"].task is escalate_overdue_tasks
    assert periodic["tasking.remind_tasks_due_soon"].task is remind_tasks_due_soon


def test_an_overdue_task_escalates_to_the_assignee_teams_managers_exactly_once(
    personas, world, monday, django_capture_on_commit_callbacks
):
    task = a_task(personas.alice, world.asb, assignee_team=world.iom, due_in=1, title=SECRET_TITLE)
    # Due Tuesday: not overdue on Tuesday itself.
    monday.move_to(MONDAY + timedelta(days=1))
    assert _sweep(escalate_overdue_tasks, django_capture_on_commit_callbacks) == 0
    monday.move_to(MONDAY + timedelta(days=2))
    mail.outbox.clear()
    assert _sweep(escalate_overdue_tasks, django_capture_on_commit_callbacks) == 1
    assert [message.to for message in mail.outbox] == [[world.iom_manager.email]]
    message = mail.outbox[0]
    assert task.reference in message.subject
    assert task.get_absolute_url() in message.body
    assert "Jordan" not in f"{message.subject} {message.body}"
    assert SECRET_TITLE not in message.body
    task.refresh_from_db()
    assert task.escalated_at == MONDAY + timedelta(days=2)
    event = AuditEvent.objects.filter(target_id=str(task.code)).latest("id")
    assert event.channel == "task"
    assert event.actor_id is None
    assert event.detail["escalated"] == "overdue"
    # An hour later, and the next day: nothing more.
    mail.outbox.clear()
    monday.move_to(MONDAY + timedelta(days=2, hours=1))
    assert _sweep(escalate_overdue_tasks, django_capture_on_commit_callbacks) == 0
    monday.move_to(MONDAY + timedelta(days=3))
    assert _sweep(escalate_overdue_tasks, django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_done_tasks_never_escalate_and_a_new_due_date_escalates_again(
    personas, world, monday, django_capture_on_commit_callbacks
):
    done = a_task(personas.alice, world.asb, assignee_user=personas.alice, due_in=0)
    services.task_complete(actor=personas.alice, task=done, expected_version=0, note="Done.")
    late = a_task(personas.alice, world.asb, due_in=0)
    monday.move_to(MONDAY + timedelta(days=1))
    assert _sweep(escalate_overdue_tasks, django_capture_on_commit_callbacks) == 1
    late.refresh_from_db()
    services.task_update(
        actor=personas.spoc,
        task=late,
        expected_version=late.version,
        title=late.title,
        due_on=late.due_on + timedelta(days=2),
        priority=late.priority,
    )
    assert _sweep(escalate_overdue_tasks, django_capture_on_commit_callbacks) == 0
    monday.move_to(MONDAY + timedelta(days=4))
    assert _sweep(escalate_overdue_tasks, django_capture_on_commit_callbacks) == 1
    assert Task.objects.get(pk=done.pk).escalated_at is None


def test_the_assignee_is_reminded_the_day_before_and_on_the_day_once_each(
    personas, world, monday, django_capture_on_commit_callbacks
):
    task = a_task(personas.alice, world.asb, assignee_user=personas.alice, due_in=2)
    assert _sweep(remind_tasks_due_soon, django_capture_on_commit_callbacks) == 0
    monday.move_to(MONDAY + timedelta(days=1))
    mail.outbox.clear()
    assert _sweep(remind_tasks_due_soon, django_capture_on_commit_callbacks) == 1
    assert [message.to for message in mail.outbox] == [[personas.alice.email]]
    assert "due tomorrow" in mail.outbox[0].subject
    monday.move_to(MONDAY + timedelta(days=1, hours=3))
    assert _sweep(remind_tasks_due_soon, django_capture_on_commit_callbacks) == 0
    monday.move_to(MONDAY + timedelta(days=2))
    assert _sweep(remind_tasks_due_soon, django_capture_on_commit_callbacks) == 1
    assert "due today" in mail.outbox[-1].subject
    assert len(mail.outbox) == 2
    monday.move_to(MONDAY + timedelta(days=3))
    assert _sweep(remind_tasks_due_soon, django_capture_on_commit_callbacks) == 0
    task.refresh_from_db()
    assert task.reminded_on == (MONDAY + timedelta(days=2)).date()


def test_a_queued_task_reminds_the_teams_inbox_or_else_its_managers(
    personas, world, monday, django_capture_on_commit_callbacks
):
    a_task(personas.alice, world.asb, due_in=0)
    assert _sweep(remind_tasks_due_soon, django_capture_on_commit_callbacks) == 1
    assert [message.to for message in mail.outbox] == [[personas.spoc.email]]
    world.iom.email = "iom-team@police.testshire.invalid"
    world.iom.save(update_fields=["email"])
    a_task(personas.bob, world.iom, due_in=0)
    mail.outbox.clear()
    assert _sweep(remind_tasks_due_soon, django_capture_on_commit_callbacks) == 1
    assert [message.to for message in mail.outbox] == [["iom-team@police.testshire.invalid"]]


def test_no_message_leaves_before_the_sweeps_transaction_commits(personas, world, monday):
    a_task(personas.alice, world.asb, assignee_user=personas.alice, due_in=0)
    # Without the on-commit callbacks being run, no message leaves.
    assert remind_tasks_due_soon.call() == 1
    assert mail.outbox == []
