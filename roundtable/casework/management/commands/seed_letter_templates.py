"""``manage.py seed_letter_templates --partnership <short_name>``: the standard letter templates.

Idempotent: templates the partnership already has (by name) are left untouched, so an
administrator's changes are never undone by running it again.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from roundtable.audit.context import acting_as
from roundtable.casework.services.letter_seeds import letter_templates_seed
from roundtable.directory.models import Partnership


class Command(BaseCommand):
    help = "Add the standard letter templates (Home Office, CPW, ABC, ...) a partnership lacks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partnership", required=True, help="The partnership's short name")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            partnership = Partnership.objects.get(short_name=options["partnership"])
        except Partnership.DoesNotExist:
            raise CommandError("No partnership has that short name.") from None
        with acting_as(channel="command"):
            added = letter_templates_seed(partnership)
        self.stdout.write(
            self.style.SUCCESS(f"Added {len(added)} letter templates to {partnership.short_name}.")
        )
