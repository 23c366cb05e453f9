"""Writes to the diary: record an entry, correct it, retract it. There is no delete.

Each function validates, writes and audits in one transaction, and refuses anything the policy
does not allow the actor's team (``sharing.policy``, asked through a viewer built for the actor
and team given). A correction never overwrites without trace: the values it replaces are kept as
a ``DiaryRevision`` with who, when and why. A retraction keeps the entry and says who retracted
it, when and why. Entries are never deleted: a deleted entry would be a silent change to what an
agency said happened, and partners may have acted on it. This module must never decide which
sections a viewer sees (the policy does) and never write an audit event outside its transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record, diff
from roundtable.casework.models import DiaryEntry, DiaryEntryType, DiaryRevision
from roundtable.casework.models.diary import (
    BODY_MAX_LENGTH,
    FIELD_FOR_KIND,
    REASON_MAX_LENGTH,
)
from roundtable.casework.selectors.diary import is_amender
from roundtable.directory.models import Team, User
from roundtable.records.models import Profile
from roundtable.records.services.cases import StaleRecord, record_touch
from roundtable.sharing import policy
from roundtable.sharing.sections import SECTIONS_BY_KIND, Section
from roundtable.tasking.services.alerts import alert_event

#: How far ahead of the server's clock an entry's time may be (a phone's clock running fast).
FUTURE_TOLERANCE = timedelta(minutes=5)

NOT_ALLOWED = "You cannot write in this section of this record."
LINKED_NOT_FOUND = "Choose people whose records you can see."
NOT_YOURS = (
    "Only the team that recorded this entry, or the managers of the team that owns the record, "
    "can correct or retract it."
)
ALREADY_RETRACTED = "This entry has been retracted: it cannot be changed any more."


def _viewer(actor: User, team: Team) -> policy.Viewer:
    """The actor working as the team: refused when they are not a member of it."""
    viewer = policy.viewer_for_user(actor, team)
    if viewer.team_id is None:
        raise ValidationError("You are not a member of that team.")
    return viewer


def _check_type(entry_type: str) -> None:
    if entry_type not in DiaryEntryType.values:
        raise ValidationError({"entry_type": ["Choose what kind of entry this is."]})


def _check_body(body: str) -> str:
    text = body.strip()
    if not text:
        raise ValidationError({"body": ["Enter what happened."]})
    if len(text) > BODY_MAX_LENGTH:
        raise ValidationError(
            {"body": [f"What happened must be {BODY_MAX_LENGTH:,} characters or fewer."]}
        )
    return text


def _check_occurred_at(occurred_at: datetime) -> None:
    if timezone.is_naive(occurred_at):
        raise ValueError("occurred_at must be an aware datetime")
    if occurred_at > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError({"occurred_at": ["The time it happened cannot be in the future."]})


def _check_reason(reason: str, *, field: str, missing: str) -> str:
    text = reason.strip()
    if not text:
        raise ValidationError({field: [missing]})
    if len(text) > REASON_MAX_LENGTH:
        raise ValidationError(
            {field: [f"The reason must be {REASON_MAX_LENGTH:,} characters or fewer."]}
        )
    return text


def _check_linked(viewer: policy.Viewer, record: Any, people: list[Profile]) -> list[Profile]:
    """The people to link: each one the author can identify (sees their identity section)."""
    if isinstance(record, Profile) and any(person.pk == record.pk for person in people):
        raise ValidationError(
            {"linked_profiles": ["The entry is already on this person's record."]}
        )
    ids = {person.pk for person in people}
    if not ids:
        return []
    seen = set(
        policy.visible(
            viewer, Profile.objects.filter(pk__in=ids), section=Section.IDENTITY
        ).values_list("pk", flat=True)
    )
    if seen != ids:
        # The same words whichever person failed: a hidden person must stay undiscoverable.
        raise ValidationError({"linked_profiles": [LINKED_NOT_FOUND]})
    return list({person.pk: person for person in people}.values())


def _snapshot(entry: DiaryEntry) -> dict[str, Any]:
    return {
        "entry_type": entry.entry_type,
        "occurred_at": entry.occurred_at.isoformat(),
        "body": entry.body,
    }


@transaction.atomic
def diary_entry_create(
    *,
    actor: User,
    team: Team,
    record: Any,
    entry_type: str,
    occurred_at: datetime,
    body: str,
    section: str = Section.DIARY,
    linked_profiles: Iterable[Profile] = (),
) -> DiaryEntry:
    """Record a diary entry on a record, in a section of it the actor's team may see; those who
    may see that section and watch the record, or whom an alert rule names, are told."""
    viewer = _viewer(actor, team)
    kind = int(record.record_kind)
    if section not in SECTIONS_BY_KIND[kind]:
        raise ValidationError({"section": ["Choose a section of this record."]})
    if not policy.can(viewer, policy.Action.VIEW, cast(policy.Record, record), section):
        raise ValidationError({"section": [NOT_ALLOWED]})
    _check_type(entry_type)
    text = _check_body(body)
    _check_occurred_at(occurred_at)
    people = _check_linked(viewer, record, list(linked_profiles))
    entry = DiaryEntry(
        entry_type=entry_type,
        occurred_at=occurred_at,
        body=text,
        section=section,
        recorded_by=actor,
        team=team,
        organisation=team.organisation,
        created_at=timezone.now(),
        **{FIELD_FOR_KIND[kind]: record},
    )
    entry.full_clean()
    entry.save(force_insert=True)
    entry.linked_profiles.set(people)
    record_touch(record)
    audit_record(
        action=Action.CREATE,
        target=record,
        sections=[section],
        actor=actor,
        changes={
            **{key: [None, value] for key, value in _snapshot(entry).items()},
            "section": [None, section],
            "linked_profiles": [None, sorted(str(person.code) for person in people)],
        },
        detail={"diary_entry": str(entry.code)},
    )
    # Those who see the entry's section of the record hear of it (watchers, alert rules such as
    # "custody update on a foreign national"); the type is a code, never the entry's words.
    alert_event(
        event="diary.created",
        record=record,
        actor=actor,
        team=team,
        section=section,
        detail={"entry_type": entry_type},
    )
    return entry


def _lock(entry: DiaryEntry, expected_version: int) -> DiaryEntry:
    """The entry locked for the change, or StaleRecord when it moved on since it was read."""
    # Lock the entry's row only: PostgreSQL cannot lock the nullable side of the record joins.
    current = (
        DiaryEntry.objects.select_for_update(of=("self",))
        .select_related("profile", "premises", "group", "case")
        .get(pk=entry.pk)
    )
    if current.version != expected_version:
        raise StaleRecord(current)
    return current


def _check_amend(viewer: policy.Viewer, entry: DiaryEntry) -> None:
    if entry.is_retracted:
        raise ValidationError(ALREADY_RETRACTED)
    if not is_amender(viewer, entry):
        raise ValidationError(NOT_YOURS)


@transaction.atomic
def diary_entry_correct(
    *,
    actor: User,
    team: Team,
    entry: DiaryEntry,
    expected_version: int,
    reason: str,
    body: str | None = None,
    entry_type: str | None = None,
    occurred_at: datetime | None = None,
) -> DiaryEntry:
    """Correct an entry's text, type or time; the values replaced are kept as a revision."""
    viewer = _viewer(actor, team)
    current = _lock(entry, expected_version)
    _check_amend(viewer, current)
    why = _check_reason(reason, field="reason", missing="Give a reason for the correction.")
    before = _snapshot(current)
    revision = DiaryRevision(
        entry=current,
        version=current.version,
        entry_type=current.entry_type,
        occurred_at=current.occurred_at,
        body=current.body,
        corrected_by=actor,
        corrected_by_team=team,
        corrected_at=timezone.now(),
        reason=why,
    )
    if entry_type is not None:
        _check_type(entry_type)
        current.entry_type = entry_type
    if body is not None:
        current.body = _check_body(body)
    if occurred_at is not None:
        _check_occurred_at(occurred_at)
        current.occurred_at = occurred_at
    changes = diff(before, _snapshot(current))
    if not changes:
        raise ValidationError("Nothing was changed: change the entry, or go back.")
    revision.full_clean()
    revision.save(force_insert=True)
    current.version += 1
    current.corrected_at = revision.corrected_at
    current.full_clean()
    current.save(update_fields=["entry_type", "body", "occurred_at", "version", "corrected_at"])
    record_touch(current.record)
    audit_record(
        action=Action.UPDATE,
        target=current.record,
        sections=[current.section],
        actor=actor,
        changes=changes,
        justification=why,
        detail={"diary_entry": str(current.code), "correction": current.version},
    )
    return current


@transaction.atomic
def diary_entry_retract(
    *, actor: User, team: Team, entry: DiaryEntry, expected_version: int, reason: str
) -> DiaryEntry:
    """Retract an entry: it stays on the record, marked retracted, with who, when and why."""
    viewer = _viewer(actor, team)
    current = _lock(entry, expected_version)
    _check_amend(viewer, current)
    why = _check_reason(reason, field="reason", missing="Give a reason for retracting the entry.")
    current.retracted_at = timezone.now()
    current.retracted_by = actor
    current.retracted_by_team = team
    current.retraction_reason = why
    current.version += 1
    current.full_clean()
    current.save(
        update_fields=[
            "retracted_at",
            "retracted_by",
            "retracted_by_team",
            "retraction_reason",
            "version",
        ]
    )
    record_touch(current.record)
    audit_record(
        action=Action.UPDATE,
        target=current.record,
        sections=[current.section],
        actor=actor,
        changes={"retracted": [False, True]},
        justification=why,
        detail={"diary_entry": str(current.code), "retraction": True},
    )
    return current
