"""``manage.py create_system_admin``: the first system administrator of a new installation.

The password is read from the environment variable named by --password-env, or asked for twice
without echo; it is never accepted on the command line, where it would land in shell history.
"""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from roundtable.directory.services.bootstrap import system_admin_bootstrap


class Command(BaseCommand):
    help = "Create a system administrator, or promote a user; MFA is enrolled at first sign-in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", required=True, help="Full name")
        parser.add_argument(
            "--password-env",
            help="Read the password from this environment variable instead of asking for it.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password = self._password(options.get("password_env"))
        try:
            _user, created = system_admin_bootstrap(
                email=options["email"], full_name=options["name"], password=password
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(
                ("Created" if created else "Promoted")
                + " the system administrator. Sign in and enrol a second factor to continue."
            )
        )

    def _password(self, variable: str | None) -> str:
        if variable:
            value = os.environ.get(variable, "")
            if not value:
                raise CommandError(f"The environment variable {variable} is empty or not set.")
            return value
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords did not match.")
        return first
