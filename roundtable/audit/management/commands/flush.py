"""Django's ``flush``, taught that the audit tables are append-only.

pytest-django's transactional tests (``live_server``, browser journeys) empty the test database
with ``flush`` after each test, and the append-only triggers would refuse it. This command lifts
the triggers for the flush's own transaction, and only in the test and development environments:
in demo and production it refuses, because emptying the audit log is never lawful there.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.flush import Command as DjangoFlushCommand
from django.db import DEFAULT_DB_ALIAS

from roundtable.audit import triggers


class Command(DjangoFlushCommand):
    help = (
        "Removes ALL DATA from the database, the audit log included (test and development "
        "environments only)."
    )

    def handle(self, **options: Any) -> None:
        if settings.ENVIRONMENT not in triggers.SUSPENDABLE_ENVIRONMENTS:
            raise CommandError(
                "flush would delete the audit log, which is append-only. It is refused in the "
                f"{settings.ENVIRONMENT} environment; it runs only when ROUNDTABLE_ENV is test "
                "or development."
            )
        with triggers.suspended(options.get("database", DEFAULT_DB_ALIAS)):
            super().handle(**options)
