"""``manage.py seed_alert_rules --partnership <short_name>``: the standard alert rules.

Idempotent: rules the partnership already has (by name) are left as its administrators made them,
switched off or not. Run it after ``seed_case_types``: the rules name the FNO and MASH types.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from roundtable.audit.context import acting_as
from roundtable.directory.models import Partnership
from roundtable.tasking.services.alerts import alert_rules_seed


class Command(BaseCommand):
    help = "Add the standard alert rules (custody updates, new MASH cases, red cases)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partnership", required=True, help="The partnership's short name")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            partnership = Partnership.objects.get(short_name=options["partnership"])
        except Partnership.DoesNotExist:
            raise CommandError("No partnership has that short name.") from None
        with acting_as(channel="command"):
            added = alert_rules_seed(partnership=partnership)
        self.stdout.write(
            self.style.SUCCESS(f"Added {len(added)} alert rules to {partnership.short_name}.")
        )
