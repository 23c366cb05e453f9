"""Writes to cases: open a case with its reference, owner and agreement-default shares."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record
from roundtable.directory.models import Team, User
from roundtable.records.models import Case, CaseType, ReferenceCounter
from roundtable.sharing.services import access_rebuild


def reference_allocate(*, prefix: str, year: int) -> str:
    """The next reference for a prefix and year, e.g. ASB-2026-000123 (caller's transaction)."""
    counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(
        prefix=prefix, year=year
    )
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{prefix}-{year}-{counter.last_number:06d}"


@transaction.atomic
def case_create(
    *,
    actor: User,
    team: Team,
    case_type: CaseType,
    title: str,
    opened_on: date | None = None,
    **fields: Any,
) -> Case:
    """Open a case of a type, owned by the actor's team, shared by the type's agreement defaults."""
    if not case_type.is_active:
        raise ValidationError("This case type is no longer in use.")
    opened = opened_on or timezone.localdate()
    case = Case(
        case_type=case_type,
        title=title,
        opened_on=opened,
        owning_team=team,
        owning_organisation=team.organisation,
        created_by=actor,
        stage=(case_type.stages[0] if case_type.stages else ""),
        reference="pending",
        **fields,
    )
    case.full_clean(exclude=["reference"])
    case.reference = reference_allocate(prefix=case_type.reference_prefix, year=opened.year)
    case.save()
    access_rebuild(record=case)
    audit_record(
        action=Action.CREATE,
        target=case,
        changes={
            "case_type": [None, case_type.name],
            "title": [None, title],
            "stage": [None, case.stage],
        },
    )
    return case
