"""``manage.py demo_partnership --seed N``: load the fictional Fenshire demo partnership.

Builds two invented partnerships (Fenshire and its neighbour Westmarch), their organisations,
about 40 teams and about 200 staff accounts, the same for the same seed; running it again creates
nothing new. Then adds demo records (``directory.demo.records``): agreements, case types and
default shares, and ``--profiles`` invented people (3,000 by default; up to 1,000,000) with
premises, groups, cases and share grants, and then their casework (``directory.demo.casework``):
diary histories, enforcement, complaints, letters, documents, tasks, watches, alerts and a panel
meeting, and then offence histories scored under the sample harm models
(``directory.demo.offences``). Refuses to run in production. Prints counts only, never a name or
an address.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from roundtable.directory.demo.builder import demo_partnership_load
from roundtable.directory.demo.casework import demo_casework_load
from roundtable.directory.demo.offences import demo_offences_load
from roundtable.directory.demo.records import DEFAULT_PROFILES, demo_records_load


class Command(BaseCommand):
    help = "Load the fictional Fenshire demo partnership (idempotent; refuses in production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed",
            type=int,
            default=1,
            help="Picks the invented people; the same seed always gives the same people.",
        )
        parser.add_argument(
            "--profiles",
            type=int,
            default=DEFAULT_PROFILES,
            help="How many invented people (with cases and shares in proportion) to add; "
            "0 loads the directory alone.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        summary = demo_partnership_load(seed=options["seed"])
        created = summary["created"]
        totals = summary["totals"]
        made = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in created.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo partnership ready (seed {summary['seed']}) in "
                f"{time.monotonic() - started:.1f}s. Created: {made}."
            )
        )
        self.stdout.write(
            f"The directory now holds {totals['organisations']} organisations, "
            f"{totals['teams']} teams and {totals['users']} users."
        )
        if options["profiles"] <= 0:
            return
        started = time.monotonic()
        loaded = demo_records_load(seed=options["seed"], profiles=options["profiles"])
        if loaded["skipped"]:
            self.stdout.write("Demo records were already loaded: nothing added.")
        else:
            self._report("Demo records added", started, loaded["records"])
        started = time.monotonic()
        casework = demo_casework_load(seed=options["seed"])
        if casework["skipped"]:
            self.stdout.write("Demo casework was already loaded: nothing added.")
        else:
            self._report("Demo casework added", started, casework["created"])
        started = time.monotonic()
        offences = demo_offences_load(seed=options["seed"])
        if offences["skipped"]:
            self.stdout.write("Demo offences were already loaded: nothing added.")
        else:
            self._report("Demo offences added", started, offences["created"])

    def _report(self, what: str, started: float, counts: dict[str, int]) -> None:
        made = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in counts.items())
        self.stdout.write(
            self.style.SUCCESS(f"{what} in {time.monotonic() - started:.1f}s: {made}.")
        )
