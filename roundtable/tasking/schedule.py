"""The periodic schedule: which background tasks run every so often, and the loop that queues them.

A small registry of (name, interval, task) and a scheduler that enqueues each task when it is due.
It only enqueues: the work itself runs wherever the django.tasks backend named in
``settings.TASKS`` runs it (``manage.py db_worker`` for the database backend used here; any other
django.tasks backend and its worker will do). Run one scheduler per installation; a second one
only enqueues everything twice (harmless for sealing, whose chain cannot fork, but wasteful).
This module must never run a task body itself and never holds business rules.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import FrameType
from typing import Any

from django.db import close_old_connections, connection
from django.utils import timezone
from django_tasks.base import Task

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicTask:
    """A task that takes no arguments, queued once every ``interval``."""

    name: str
    interval: timedelta
    task: Task[[], Any]


_registry: dict[str, PeriodicTask] = {}


def register(*, name: str, every: timedelta, task: Task[[], Any]) -> PeriodicTask:
    """Add a periodic task (apps call this from ``AppConfig.ready``)."""
    if every <= timedelta(0):
        raise ValueError(f"The interval of periodic task {name} must be positive.")
    existing = _registry.get(name)
    if existing is not None and existing.task.module_path != task.module_path:
        raise ValueError(f"Periodic task {name} is already registered for another task.")
    _registry[name] = PeriodicTask(name=name, interval=every, task=task)
    return _registry[name]


def registered() -> list[PeriodicTask]:
    """Every registered periodic task, by name."""
    return [_registry[name] for name in sorted(_registry)]


class Scheduler:
    """Knows when each periodic task is next due and enqueues the due ones."""

    def __init__(self, tasks: Iterable[PeriodicTask], *, start: datetime) -> None:
        self.tasks = list(tasks)
        # Everything is due at start, so a restart never delays sealing by a whole interval.
        self.due = {periodic.name: start for periodic in self.tasks}

    def run_due(self, now: datetime) -> list[str]:
        """Enqueue every task due at ``now``; returns their names."""
        enqueued = []
        for periodic in self.tasks:
            if self.due[periodic.name] > now:
                continue
            self.due[periodic.name] = now + periodic.interval
            try:
                periodic.task.enqueue()
            except Exception as error:
                # A database blip must not stop the schedule; the next interval tries again.
                logger.warning(
                    "periodic task %s could not be enqueued: %s",
                    periodic.name,
                    type(error).__name__,
                )
                continue
            enqueued.append(periodic.name)
        return enqueued

    def seconds_until_next(self, now: datetime) -> float:
        """How long to sleep before something is due again."""
        if not self.due:
            return 60.0
        return max(0.0, (min(self.due.values()) - now).total_seconds())


def run(
    scheduler: Scheduler,
    *,
    stop: threading.Event,
    once: bool = False,
    clock: Callable[[], datetime] = timezone.now,
) -> None:
    """Enqueue due tasks, sleep until the next is due, repeat until ``stop`` is set."""
    while not stop.is_set():
        # A scheduler lives for days: drop connections past their age or broken by a restart
        # (never mid-transaction: a caller's open transaction is not ours to end).
        if not connection.in_atomic_block:
            close_old_connections()
        scheduler.run_due(clock())
        if once:
            return
        stop.wait(timeout=scheduler.seconds_until_next(clock()))


def stop_on_signals(stop: threading.Event) -> dict[int, Any]:
    """Make SIGTERM and SIGINT set ``stop``; returns the previous handlers to restore."""

    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous: dict[int, Any] = {}
    for signum in (signal.SIGTERM, signal.SIGINT):
        previous[signum] = signal.signal(signum, handler)
    return previous
