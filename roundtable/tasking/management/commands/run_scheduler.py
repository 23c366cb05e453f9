"""``manage.py run_scheduler``: enqueue the periodic background tasks when they are due.

Runs beside the task worker (``make serve`` starts both). Stops cleanly on SIGTERM or SIGINT;
``--once`` enqueues what is due now and exits (for tests and cron). It prints no personal data.
"""

from __future__ import annotations

import signal
import threading
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from roundtable.tasking import schedule


class Command(BaseCommand):
    help = "Enqueue periodic background tasks (audit sealing, ...) when they are due."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="Enqueue whatever is due now, then exit."
        )

    def handle(self, *args: Any, once: bool = False, **options: Any) -> None:
        stop = threading.Event()
        previous = schedule.stop_on_signals(stop)
        periodic = schedule.registered()
        self.stdout.write(
            "Scheduler started: "
            + ", ".join(f"{task.name} every {task.interval}" for task in periodic)
        )
        try:
            schedule.run(schedule.Scheduler(periodic, start=timezone.now()), stop=stop, once=once)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        self.stdout.write("Scheduler stopped.")
