"""``manage.py seed_risk [--partnership <short_name>]``: the SAMPLE offence classification and
harm models a partnership lacks (every partnership when none is named).

Idempotent: categories already there (by code) and model kinds already published are left as
they are, so an administrator's loaded CHI table or weights are never replaced by the sample.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from roundtable.audit.context import acting_as
from roundtable.directory.models import Partnership
from roundtable.risk.services.seeds import risk_seed_partnership


class Command(BaseCommand):
    help = "Add the sample offence categories and sample CHI and RFG models partnerships lack."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partnership", help="A partnership's short name (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        partnerships = Partnership.objects.order_by("short_name")
        if options["partnership"]:
            partnerships = partnerships.filter(short_name=options["partnership"])
            if not partnerships.exists():
                raise CommandError("No partnership has that short name.")
        with acting_as(channel="command"):
            for partnership in partnerships:
                counts = risk_seed_partnership(partnership=partnership)
                self.stdout.write(
                    self.style.SUCCESS(
                        f"{partnership.short_name}: {counts['categories']} categories and "
                        f"{counts['models']} sample models added."
                    )
                )
