"""``manage.py audit_verify``: check the audit log's hashes and hash chain and report what is wrong.

Prints plain lines (ids and kinds of problem, never personal data) and exits 0 when the log is
intact, 1 when anything was altered, deleted or inserted. It reads only and must never repair.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from roundtable.audit.verification import report_lines, verify_audit_log


class Command(BaseCommand):
    help = (
        "Recompute every audit event's hash and every seal's digest and link; name each altered, "
        "deleted or inserted event. Exit status 0 when intact, 1 otherwise."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_audit_log()
        for line in report_lines(result):
            self.stdout.write(line)
        if not result.ok:
            raise CommandError(
                f"Audit log verification failed with {len(result.problems)} problems.",
                returncode=1,
            )
