"""Writes to forms: create a definition, change its draft, publish a version, store answers.

Definitions and versions are partnership administration: every service here that changes one
checks the actor is a partnership admin of the definition's partnership (``actor=None`` is the
system: data migrations, seeds and owners' own services), validates, writes and audits in one
transaction. Answers are written by the service of the record they belong to (``case_create``
...), which validates them first with ``validation.form_values_clean`` and audits them in the
record's own event; ``form_values_save`` only stores what it is given, with its score and
promoted columns. Nothing here decides who sees an answer: that is ``sharing.policy``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record
from roundtable.customforms.models import FormDefinition, FormValues, FormVersion
from roundtable.customforms.promotion import column_values, promotion_plan, promotion_problems
from roundtable.customforms.schema import SchemaInvalid, schema_clean
from roundtable.customforms.scoring import score
from roundtable.directory import permissions
from roundtable.directory.models import Partnership, User
from roundtable.sharing.sections import RecordKind

OWNER = re.compile(r"^[a-z_]{2,30}:[A-Za-z0-9-]{1,48}$")
STALE_MESSAGE = "Someone else changed this form while you were working on it."
BACKFILL_BATCH = 500


class StaleDefinition(Exception):  # noqa: N818  (a state the caller handles, not a failure)
    """The definition changed since the page was read; ``current`` holds it as it is now."""

    def __init__(self, current: FormDefinition) -> None:
        super().__init__(STALE_MESSAGE)
        self.current = current


def _require_partnership_admin(actor: User | None, partnership_id: int) -> None:
    if actor is None:
        return  # the system: a data migration, a seed, or an owner's own audited service
    organisation = actor.organisation
    if not (
        permissions.is_partnership_admin(actor)
        and organisation is not None
        and organisation.partnership_id == partnership_id
    ):
        raise PermissionDenied


def _schema(raw: Any, record_kind: int) -> dict[str, Any]:
    try:
        return schema_clean(raw, record_kind=record_kind)
    except SchemaInvalid as invalid:
        raise ValidationError({"schema": invalid.problems}) from None


def _lock(definition: FormDefinition, expected_version: int) -> FormDefinition:
    current = FormDefinition.objects.select_for_update().get(pk=definition.pk)
    if current.version != expected_version:
        raise StaleDefinition(current)
    return current


@transaction.atomic
def form_definition_create(
    *,
    actor: User | None,
    partnership: Partnership,
    owner: str,
    name: str,
    record_kind: int,
    schema: Any = None,
    publish: bool = False,
) -> FormDefinition:
    """A new form for an owner ("case_type:<code>", ...); ``publish`` makes its schema version 1."""
    _require_partnership_admin(actor, partnership.pk)
    if not OWNER.match(owner):
        raise ValueError(f"form owner {owner!r} must look like 'case_type:<code>'")
    if record_kind not in RecordKind.values:
        raise ValueError(f"unknown record kind {record_kind!r}")
    if FormDefinition.objects.filter(partnership=partnership, owner=owner).exists():
        raise ValidationError({"owner": ["This already has a form."]})
    definition = FormDefinition(
        partnership=partnership,
        owner=owner,
        name=name.strip()[:120],
        record_kind=record_kind,
        draft_schema=_schema(schema if schema is not None else [], record_kind),
    )
    definition.full_clean()
    definition.save()
    audit_record(
        action=Action.CREATE,
        target=definition,
        changes={"owner": [None, owner], "draft_schema": [None, definition.draft_schema]},
    )
    if publish and definition.draft_schema["fields"]:
        _publish(actor, definition)
    return definition


@transaction.atomic
def form_definition_rename(*, definition: FormDefinition, name: str) -> FormDefinition:
    """Follow the owner's new name (the owner's own service audits the rename)."""
    definition.name = name.strip()[:120]
    definition.full_clean()
    definition.save(update_fields=["name", "updated_at"])
    return definition


@transaction.atomic
def form_draft_update(
    *, actor: User | None, definition: FormDefinition, schema: Any, expected_version: int
) -> FormDefinition:
    """Replace a definition's draft with a checked schema; published versions are untouched."""
    _require_partnership_admin(actor, definition.partnership_id)
    current = _lock(definition, expected_version)
    clean = _schema(schema, current.record_kind)
    problems = promotion_problems(current.promoted, clean)
    if problems:
        raise ValidationError({"schema": problems})
    before = current.draft_schema
    current.draft_schema = clean
    current.version += 1
    current.save(update_fields=["draft_schema", "version", "updated_at"])
    if before != clean:
        audit_record(
            action=Action.UPDATE, target=current, changes={"draft_schema": [before, clean]}
        )
    return current


def _publish(actor: User | None, definition: FormDefinition) -> FormVersion:
    clean = _schema(definition.draft_schema, definition.record_kind)
    previous = definition.current_version
    if previous is not None and previous.schema == clean:
        raise ValidationError(
            {"schema": [f"The draft is the same as version {previous.number}: nothing to publish."]}
        )
    problems = promotion_problems(definition.promoted, clean)
    if problems:
        raise ValidationError({"schema": problems})
    number = (previous.number if previous is not None else 0) + 1
    version = FormVersion.objects.create(
        definition=definition, number=number, schema=clean, created_by=actor
    )
    before_promoted = dict(definition.promoted)
    definition.promoted = promotion_plan(before_promoted, clean)
    definition.current_version = version
    definition.draft_schema = clean
    definition.version += 1
    definition.save(
        update_fields=["current_version", "promoted", "draft_schema", "version", "updated_at"]
    )
    added = {
        key: column for key, column in definition.promoted.items() if key not in before_promoted
    }
    if added:
        _backfill(definition, added)
    audit_record(
        action=Action.UPDATE,
        target=definition,
        changes={
            "published_version": [previous.number if previous else None, number],
            **({"promoted": [before_promoted, definition.promoted]} if added else {}),
        },
        detail={"schema": clean},
    )
    return version


@transaction.atomic
def form_version_publish(
    *, actor: User | None, definition: FormDefinition, expected_version: int
) -> FormVersion:
    """Freeze the draft as the next version; new answers use it, old ones keep theirs."""
    _require_partnership_admin(actor, definition.partnership_id)
    current = _lock(definition, expected_version)
    return _publish(actor, current)


def _backfill(definition: FormDefinition, added: Mapping[str, str]) -> None:
    """Fill newly promoted columns on the rows already written (any version with that key)."""
    schemas = dict(FormVersion.objects.filter(definition=definition).values_list("id", "schema"))
    rows = FormValues.objects.filter(definition=definition).only("id", "form_version", "values")
    batch: list[FormValues] = []
    columns = sorted(set(added.values()))
    for row in rows.iterator(chunk_size=BACKFILL_BATCH):
        computed = column_values(added, schemas[row.form_version_id], row.values)
        for column in columns:
            setattr(row, column, computed[column])
        batch.append(row)
        if len(batch) >= BACKFILL_BATCH:
            FormValues.objects.bulk_update(batch, columns)
            batch = []
    if batch:
        FormValues.objects.bulk_update(batch, columns)


@transaction.atomic
def form_values_save(
    *,
    definition: FormDefinition,
    version: FormVersion,
    record_kind: int,
    record_id: int,
    values: Mapping[str, Any],
) -> FormValues | None:
    """Store one record's clean answers with their version, score and promoted columns.

    The caller cleaned ``values`` with ``form_values_clean`` for this version and audits the
    change in its record's own event. No row is made for a record with no answers yet.
    """
    if version.definition_id != definition.pk or record_kind != definition.record_kind:
        raise ValueError("answers must be stored with a version of their own definition")
    row = (
        FormValues.objects.select_for_update()
        .filter(definition=definition, record_kind=record_kind, record_id=record_id)
        .first()
    )
    if row is None and not values:
        return None
    result = score(version.schema, values)
    fields: dict[str, Any] = {
        "form_version": version,
        "values": dict(values),
        "score": result.score if result else None,
        "level": (result.level or "") if result else "",
        **column_values(definition.promoted, version.schema, values),
    }
    if row is None:
        row = FormValues(
            definition=definition, record_kind=record_kind, record_id=record_id, **fields
        )
        row.full_clean()
        row.save()
        return row
    for name, value in fields.items():
        setattr(row, name, value)
    row.full_clean()
    row.save()
    return row
