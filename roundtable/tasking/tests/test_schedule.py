"""The periodic scheduler enqueues each registered task when it is due, and stops on a signal."""

from __future__ import annotations

import signal
import threading
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from roundtable.audit.tasks import seal_audit_events
from roundtable.tasking import schedule

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SEAL_PATH = seal_audit_events.module_path


@task()
def another_task() -> None:
    """A periodic task that does nothing, for registry tests."""


def _queued(path: str = SEAL_PATH) -> int:
    return DBTaskResult.objects.filter(task_path=path).count()


def _seal_every(seconds: int) -> schedule.PeriodicTask:
    return schedule.PeriodicTask(
        name="audit.seal", interval=timedelta(seconds=seconds), task=seal_audit_events
    )


def test_audit_sealing_is_registered_every_minute_by_default():
    periodic = {task.name: task for task in schedule.registered()}

    assert periodic["audit.seal"].interval == timedelta(seconds=60)
    assert periodic["audit.seal"].task.module_path == SEAL_PATH


def test_every_task_is_due_when_the_scheduler_starts():
    scheduler = schedule.Scheduler([_seal_every(60)], start=T0)

    assert scheduler.run_due(T0) == ["audit.seal"]
    assert _queued() == 1


def test_a_task_is_not_enqueued_again_until_its_interval_has_passed():
    scheduler = schedule.Scheduler([_seal_every(60)], start=T0)
    scheduler.run_due(T0)

    assert scheduler.run_due(T0 + timedelta(seconds=59)) == []
    assert scheduler.seconds_until_next(T0 + timedelta(seconds=59)) == 1
    assert scheduler.run_due(T0 + timedelta(seconds=60)) == ["audit.seal"]
    assert _queued() == 2


def test_registering_another_task_under_a_taken_name_is_refused():
    with pytest.raises(ValueError, match="already registered"):
        schedule.register(name="audit.seal", every=timedelta(seconds=60), task=another_task)
    assert {task.name: task for task in schedule.registered()}["audit.seal"].task is (
        seal_audit_events
    )


def test_a_task_without_a_positive_interval_is_refused():
    with pytest.raises(ValueError, match="must be positive"):
        schedule.register(name="test.never", every=timedelta(0), task=another_task)
    assert "test.never" not in {task.name for task in schedule.registered()}


def test_run_once_enqueues_what_is_due_and_returns():
    scheduler = schedule.Scheduler([_seal_every(60)], start=T0)

    schedule.run(scheduler, stop=threading.Event(), once=True, clock=lambda: T0)

    assert _queued() == 1


def test_run_returns_at_once_when_asked_to_stop():
    stop = threading.Event()
    stop.set()

    schedule.run(schedule.Scheduler([_seal_every(60)], start=T0), stop=stop, clock=lambda: T0)

    assert _queued() == 0


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_and_sigint_ask_the_scheduler_to_stop(signum):
    stop = threading.Event()
    previous = schedule.stop_on_signals(stop)
    try:
        signal.raise_signal(signum)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)

    assert stop.is_set()


def test_run_scheduler_once_enqueues_sealing_and_exits():
    out = StringIO()

    call_command("run_scheduler", "--once", stdout=out)

    assert _queued() == 1
    assert "audit.seal every 0:01:00" in out.getvalue()
    assert "Scheduler stopped." in out.getvalue()


def test_run_scheduler_restores_the_previous_signal_handlers():
    before = signal.getsignal(signal.SIGTERM)

    call_command("run_scheduler", "--once", stdout=StringIO())

    assert signal.getsignal(signal.SIGTERM) is before
