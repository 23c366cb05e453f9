"""``manage.py seed_galleries <short_name>``: the standard galleries and their alert rules.

Idempotent: galleries the partnership already has (by address name) are left as its
administrators made them. Then adds the standard alert rules it lacks, which name the Foreign
Nationals gallery (``tasking.services.alerts.alert_rules_seed``). Prints counts only.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from roundtable.audit.context import acting_as
from roundtable.directory.models import Partnership
from roundtable.galleries.seeds import galleries_seed
from roundtable.tasking.services.alerts import alert_rules_seed


class Command(BaseCommand):
    help = "Add the standard galleries (Foreign Nationals, Families, IOM cohort, ...)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("partnership", help="The partnership's short name")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            partnership = Partnership.objects.get(short_name=options["partnership"])
        except Partnership.DoesNotExist:
            raise CommandError("No partnership has that short name.") from None
        with acting_as(channel="command"), transaction.atomic():
            added = galleries_seed(partnership)
            rules = alert_rules_seed(partnership=partnership)
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {len(added)} galleries and {len(rules)} alert rules to "
                f"{partnership.short_name}."
            )
        )
