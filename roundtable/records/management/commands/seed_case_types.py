"""``manage.py seed_case_types --partnership <short_name>``: the standard case types.

Idempotent: types the partnership already has (by prefix or name) are left untouched, so an
administrator's changes are never undone by running it again.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from roundtable.audit.context import acting_as
from roundtable.directory.models import Partnership
from roundtable.records.services.case_type_seeds import case_types_seed


class Command(BaseCommand):
    help = "Add the standard case types (ASB, IOM, MASH, ...) that a partnership does not have."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partnership", required=True, help="The partnership's short name")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            partnership = Partnership.objects.get(short_name=options["partnership"])
        except Partnership.DoesNotExist:
            raise CommandError("No partnership has that short name.") from None
        with acting_as(channel="command"):
            added = case_types_seed(partnership)
        self.stdout.write(
            self.style.SUCCESS(f"Added {len(added)} case types to {partnership.short_name}.")
        )
