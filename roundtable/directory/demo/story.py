"""Replaying the demo's casework history through the real services, each step at its own time.

The services refuse what cannot be true now (a task due yesterday, a letter served before it
was written, a meeting marked held before it starts), which is right for staff and wrong for a
demo that must open on months of history. So the demo does what a partnership would have done,
step by step, in the order it happened, and for each step makes ``django.utils.timezone.now``
answer the time the step happened (``clock_at``): every service then validates, stamps and audits
exactly as it did for a real user at that time. Every step runs as its actor and team (the audit
context), on the command channel; background sweeps run on the task channel. Steps run in time
order, so audit events are in time order too.

The clock is moved for one service call at a time, in the loading process only: this must never
be imported by the web app or a worker, and the loaders that use it refuse to run in production.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from unittest import mock

from django.utils import timezone

from roundtable.audit import context as audit_context
from roundtable.directory.models import Team, User


@contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    """Within the block, ``timezone.now()`` (and so ``localdate()``) answers ``moment``."""
    if timezone.is_naive(moment):
        raise ValueError("clock_at needs an aware datetime")
    with mock.patch.object(timezone, "now", lambda: moment):
        yield


def later(clock: str, minutes: int) -> str:
    """A wall-clock time some minutes after another (``later("10:50", 15) == "11:05"``), at most
    23:59: what happened is recorded a little after it happened."""
    hour, minute = (int(part) for part in clock.split(":"))
    total = min(hour * 60 + minute + minutes, 23 * 60 + 59)
    return f"{total // 60}:{total % 60:02d}"


def fresh(instance: Any) -> Any:
    """The row as the database has it now (its current version, after a service changed it)."""
    return type(instance).objects.get(pk=instance.pk)


@dataclass(order=True)
class Step:
    """One thing that happened: when, in what order among equals, who did it, and what."""

    moment: datetime
    sequence: int
    action: Callable[[], Any] = field(compare=False)
    actor: User | None = field(compare=False, default=None)
    team: Team | None = field(compare=False, default=None)
    channel: str = field(compare=False, default="command")
    what: str = field(compare=False, default="")  # what a seed chose, to compare two plans


class Story:
    """Steps collected from every part of the demo, then run in time order."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.today = timezone.localdate(now)
        self.steps: list[Step] = []

    def at(self, days_ago: int, clock: str = "10:00") -> datetime:
        """A moment ``days_ago`` days before today, at a local wall-clock time (``"14:30"``)."""
        hour, minute = (int(part) for part in clock.split(":"))
        day = self.today - timedelta(days=days_ago)
        moment = timezone.make_aware(datetime.combine(day, time(hour, minute)))
        # A step "today" later than now would be in the future: it happens a minute ago instead.
        return min(moment, self.now - timedelta(minutes=1))

    def day(self, days_from_today: int) -> date:
        """A date relative to today (negative: in the past)."""
        return self.today + timedelta(days=days_from_today)

    def add(
        self,
        moment: datetime,
        action: Callable[[], Any],
        *,
        actor: User | None = None,
        team: Team | None = None,
        channel: str = "command",
        what: str = "",
    ) -> None:
        """Schedule a step; steps at the same moment run in the order they were added."""
        if moment > self.now:
            raise ValueError("A demo step cannot happen in the future")
        self.steps.append(Step(moment, len(self.steps), action, actor, team, channel, what))

    def plan(self) -> list[tuple[datetime, int | None, int | None, str]]:
        """The steps in the order they will run, as comparable values (a seed's fingerprint)."""
        return [
            (
                step.moment,
                step.actor.pk if step.actor else None,
                step.team.pk if step.team else None,
                step.what,
            )
            for step in sorted(self.steps)
        ]

    def run(self) -> int:
        """Run every step in time order, each as its actor at its moment; returns how many."""
        for step in sorted(self.steps):
            organisation = step.team.organisation if step.team is not None else None
            with (
                audit_context.acting_as(
                    user=step.actor,
                    team=step.team,
                    organisation=organisation,
                    channel=step.channel,
                ),
                clock_at(step.moment),
            ):
                step.action()
        count = len(self.steps)
        self.steps = []
        return count
