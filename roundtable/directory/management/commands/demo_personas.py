"""``manage.py demo_personas [--codes]``: the demo's named sign-ins and their one-time codes.

Without options it makes sure each persona exists with the published demo password and an
enrolled authenticator, then prints how to sign in as each. With ``--codes`` (``make otp``) it
prints each persona's current six-digit code. Refuses to run in production.

Printing names and email addresses here is deliberate and allowed: these are invented demo
accounts on ``.example`` domains, not personal data, and this is the newcomer's way in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from roundtable.directory.demo import data
from roundtable.directory.demo.personas import current_codes, demo_personas_ensure


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(row: tuple[str, ...]) -> str:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        return "  ".join(cells).rstrip()

    return [line(header), line(tuple("-" * width for width in widths)), *map(line, rows)]


def _role(persona: data.PersonaSpec) -> str:
    """The capability a persona shows off, else their role in their team."""
    if persona.capabilities:
        return str(persona.capabilities[0].label)
    return str(persona.role.label)


class Command(BaseCommand):
    help = "Ensure the demo personas can sign in (password + authenticator) and print how."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--codes",
            action="store_true",
            help="Print each persona's current one-time code instead (what `make otp` runs).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["codes"]:
            self._print_codes()
        else:
            self._ensure_and_print()

    def _ensure_and_print(self) -> None:
        summary = demo_personas_ensure()
        enrolled = summary["created"].get("authenticators", 0)
        rows = [
            (p.persona, _role(p), p.email, data.DEMO_PASSWORD, "make otp") for p in data.PERSONAS
        ]
        header = ("Persona", "Role", "Email", "Password", "Code")
        site = settings.SITE_URL
        lines = [
            "",
            f"Demo personas are ready ({enrolled} authenticators enrolled by this run). "
            f"Sign in at {site}/",
            "",
            *_table(header, rows),
            "",
            "Every persona has an authenticator enrolled, so sign-in asks for a six-digit code.",
            "Get the current codes from another terminal with:  make otp",
            "(or: ROUNDTABLE_ENV=demo .venv/bin/python manage.py demo_personas --codes)",
            "Any other demo account uses the same password and enrols its own authenticator "
            "at first sign-in.",
            "",
        ]
        self.stdout.write("\n".join(lines))

    def _print_codes(self) -> None:
        codes, remaining = current_codes()
        if all(entry.code is None for entry in codes):
            raise CommandError(
                "No demo persona has an authenticator yet. Run `make demo` (or "
                "`manage.py demo_partnership` then `manage.py demo_personas`) first."
            )
        rows = [
            (entry.persona.persona, entry.persona.email, entry.code or "not enrolled")
            for entry in codes
        ]
        lines = [
            *_table(("Persona", "Email", "Code"), rows),
            "",
            f"These codes change in {remaining} seconds; each works once. Run `make otp` again "
            "for fresh ones.",
        ]
        self.stdout.write("\n".join(lines))
