"""``manage.py import_offences <file.csv> --user <email> --team <team code>``: record the file's
offences as that user acting as that team, exactly as the upload page does: all or nothing.

The file format is in docs/risk.md ("Importing offences from a file"). Problems are printed by
row (they name rows and columns, never a person's details) and the command exits with an error.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from roundtable.audit.context import acting_as
from roundtable.directory.models import Team, User
from roundtable.risk.imports import MAX_BYTES, OffenceImportError
from roundtable.risk.services.imports import offences_import


class Command(BaseCommand):
    help = "Import offences from a CSV file as a user acting as one of their teams (all or none)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The CSV file")
        parser.add_argument("--user", required=True, help="The importing user's email address")
        parser.add_argument("--team", required=True, help="The code of the team to act as")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["user"], is_active=True).first()
        if user is None:
            raise CommandError("No active user has that email address.")
        try:
            team = Team.objects.select_related("organisation").get(
                code=uuid.UUID(options["team"]), is_active=True
            )
        except (ValueError, Team.DoesNotExist):
            raise CommandError("No active team has that code.") from None
        try:
            with Path(options["path"]).open("rb") as handle:
                data = handle.read(MAX_BYTES + 1)
        except OSError as error:
            raise CommandError(f"Cannot read the file: {error.strerror}.") from None
        try:
            with acting_as(user=user, team=team, organisation=team.organisation, channel="command"):
                result = offences_import(actor=user, team=team, data=data)
        except OffenceImportError as refused:
            for problem in refused.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"Nothing was imported: {len(refused.problems):,} problem(s) in the file."
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.offences:,} offences imported for {result.people:,} people in "
                f"{result.categories:,} categories."
            )
        )
