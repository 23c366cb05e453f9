"""Writes to a partnership's offence classification: add a category, rename or retire one.

Only the partnership's admins change it (``can_manage_harm_models``). A category's code never
changes once created, because harm weights and imports name categories by code; a category that
is no longer used is retired (``is_active`` off), never deleted, so old offences keep their
category. Every change is audited. Categories are not personal data.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record, diff
from roundtable.directory.models import Partnership, User
from roundtable.records.services.cases import lock_for_edit
from roundtable.risk.models import OffenceCategory
from roundtable.risk.services.harm import NOT_ADMIN, can_manage_harm_models

FIELDS = ("code", "name", "group", "is_active")


def _snapshot(category: OffenceCategory) -> dict[str, Any]:
    return {name: getattr(category, name) for name in FIELDS}


def _check(name: str, group: str) -> tuple[str, str]:
    problems: dict[str, list[str]] = {}
    if not name.strip():
        problems["name"] = ["Enter the category's name."]
    if not group.strip():
        problems["group"] = ["Enter the group the category belongs to."]
    if problems:
        raise ValidationError(problems)
    return name.strip(), group.strip()


@transaction.atomic
def offence_category_create(
    *,
    actor: User | None,
    partnership: Partnership,
    code: str,
    name: str,
    group: str,
    is_sample: bool = False,
) -> OffenceCategory:
    """Add a category to the partnership's classification; its code is unique there."""
    if actor is not None and not can_manage_harm_models(actor, partnership.pk):
        raise ValidationError(NOT_ADMIN)
    name, group = _check(name, group)
    code = code.strip()
    if OffenceCategory.objects.filter(partnership=partnership, code=code).exists():
        raise ValidationError({"code": [f"The classification already has a category {code}."]})
    category = OffenceCategory(
        partnership=partnership, code=code, name=name, group=group, is_sample=is_sample
    )
    category.full_clean()
    category.save(force_insert=True)
    audit_record(
        action=Action.CREATE,
        target=category,
        actor=actor,
        changes={key: [None, value] for key, value in _snapshot(category).items()},
    )
    return category


@transaction.atomic
def offence_category_update(
    *,
    actor: User,
    category: OffenceCategory,
    expected_version: int,
    name: str,
    group: str,
    is_active: bool,
) -> OffenceCategory:
    """Rename, regroup, retire or bring back a category (never its code); refuses a stale form."""
    if not can_manage_harm_models(actor, category.partnership_id):
        raise ValidationError(NOT_ADMIN)
    current: OffenceCategory = lock_for_edit(OffenceCategory, category.pk, expected_version)
    before = _snapshot(current)
    current.name, current.group = _check(name, group)
    current.is_active = is_active
    changes = diff(before, _snapshot(current))
    if not changes:
        return current
    current.version += 1
    current.full_clean()
    current.save(update_fields=["name", "group", "is_active", "version", "updated_at"])
    audit_record(action=Action.UPDATE, target=current, actor=actor, changes=changes)
    return current
