"""Importing offences from a CSV file, acting as a team: all or nothing.

The file is read and resolved by ``risk.imports`` (people only where the team sees their
offending), then recorded by ``offences_record_many`` (the checks, rows and audit event of
recording each offence one by one, and each person rescored once). One more audit event records
the import itself (``Action.IMPORT``, the team as target) with its counts: never the file's
content or name, which may hold personal data. Any problem anywhere: ``OffenceImportError``
with every problem named by row, and nothing is written.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record
from roundtable.directory.models import Team, User
from roundtable.risk.imports import OffenceImportError, read_rows, resolve
from roundtable.risk.services.offences import offences_record_many


@dataclass(frozen=True)
class ImportResult:
    offences: int
    people: int
    categories: int


def offences_import(*, actor: User, team: Team, data: bytes) -> ImportResult:
    """Record every offence of the file as the actor acting as the team, or none of them."""
    if not actor.memberships.filter(team=team).exists():
        raise OffenceImportError(["You are not a member of that team."])
    rows = read_rows(data)
    with transaction.atomic():
        resolved = resolve(rows, actor=actor, team=team)
        try:
            offences_record_many(entries=resolved.entries, numbers=resolved.numbers)
        except ValidationError as error:
            raise OffenceImportError(list(error.messages)) from None
        audit_record(
            action=Action.IMPORT,
            target=team,
            actor=actor,
            result_count=len(resolved.entries),
            detail={
                "import": "offences",
                "rows": len(resolved.entries),
                "people": resolved.people,
                "categories": resolved.categories,
                "sha256": hashlib.sha256(data).hexdigest(),
            },
        )
    return ImportResult(len(resolved.entries), resolved.people, resolved.categories)
