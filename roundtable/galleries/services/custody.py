"""Custody updates recorded by prison staff on a gallery member, in one transaction.

``custody_update_record`` writes, or writes nothing: a diary entry of type ``custody_update`` on
the person through casework's diary service (which tells, through the alert rules, everyone who
may see the person's diary: the seeded "custody update on a foreign national" rules; no second
alert is raised here), then the member's custody answers. Those answers are the one write to a
gallery's answers that does not need a managing team: ``galleries.custody`` decides who may make
it, only the custody fields change (every other answer is kept as stored), and it is audited on
the person in the gallery's section, saying it came from a custody update.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record
from roundtable.casework.models import DiaryEntry, DiaryEntryType
from roundtable.casework.services.diary import diary_entry_create
from roundtable.customforms.schema import field_map
from roundtable.customforms.validation import value_fits
from roundtable.directory.models import Team, User
from roundtable.galleries import custody
from roundtable.galleries.models import GalleryMembership
from roundtable.galleries.seeds import (
    CUSTODY_DATE,
    CUSTODY_ESTABLISHMENT,
    CUSTODY_RELEASE,
    CUSTODY_STATUS,
)
from roundtable.galleries.services.memberships import (
    NOT_CURRENT,
    _answers_store,
    _lock,
    _viewer,
    gallery_form_version,
    member_answers,
)
from roundtable.sharing.sections import Section

NOT_ALLOWED = "Your team cannot record custody updates for this person."
NO_CUSTODY = "This gallery does not take custody updates."
ESTABLISHMENT_MAX = 120
NOTE_MAX = 2000


@dataclass(frozen=True)
class CustodyUpdate:
    """What a custody update says, before it is checked."""

    status: str
    establishment: str
    on: date
    expected_release: date | None = None
    note: str = ""


def _check(update: CustodyUpdate) -> CustodyUpdate:
    """The update with its text tidied, or ValidationError naming every problem."""
    errors: dict[str, list[str]] = {}
    if update.status not in custody.STATUS_LABELS:
        errors["status"] = ["Choose the custody status."]
    establishment = " ".join(update.establishment.split())
    if not establishment:
        errors["establishment"] = ["Enter the establishment."]
    elif len(establishment) > ESTABLISHMENT_MAX:
        errors["establishment"] = [
            f"The establishment must be {ESTABLISHMENT_MAX} characters or fewer."
        ]
    if update.on > timezone.localdate():
        errors["on"] = ["The date of the custody status cannot be in the future."]
    if update.expected_release is not None:
        if update.status == "released":
            errors["expected_release"] = ["Leave the expected release date empty on release."]
        elif update.expected_release < update.on:
            errors["expected_release"] = [
                "The expected release date must be on or after the date of the custody status."
            ]
    note = update.note.strip()
    if len(note) > NOTE_MAX:
        errors["note"] = [f"The note must be {NOTE_MAX:,} characters or fewer."]
    if errors:
        raise ValidationError(errors)
    return CustodyUpdate(update.status, establishment, update.on, update.expected_release, note)


def _body(update: CustodyUpdate) -> str:
    parts = [
        f"Custody update: {custody.status_label(update.status)}, {update.establishment}, "
        f"on {update.on:%d %B %Y}."
    ]
    if update.expected_release is not None:
        parts.append(f"Expected release: {update.expected_release:%d %B %Y}.")
    if update.note:
        parts.append(update.note)
    return " ".join(parts)


def _occurred_at(on: date) -> datetime:
    if on == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.combine(on, time(12, 0)))


@transaction.atomic
def custody_update_record(
    *,
    actor: User,
    team: Team,
    spell: GalleryMembership,
    update: CustodyUpdate,
    expected_version: int,
) -> tuple[GalleryMembership, DiaryEntry]:
    """Record a custody update on a current member: a diary entry and their custody answers.

    Refuses a team ``galleries.custody`` does not allow, a gallery without custody fields, a
    removed member, a stale version (``StaleMembership``) and bad input, writing nothing.
    """
    viewer = _viewer(actor, team)
    current = _lock(spell, expected_version)
    gallery, profile = current.gallery, current.profile
    if not custody.may_record_custody(viewer, gallery, profile):
        raise ValidationError(NOT_ALLOWED)
    if not current.is_current:
        raise ValidationError(NOT_CURRENT)
    version = gallery_form_version(gallery)
    fields = custody.custody_fields_of(version)
    if version is None or not fields:
        raise ValidationError(NO_CUSTODY)
    checked = _check(update)
    wanted: dict[str, Any] = {
        CUSTODY_STATUS: checked.status,
        CUSTODY_ESTABLISHMENT: checked.establishment,
        CUSTODY_DATE: checked.on.isoformat(),
        CUSTODY_RELEASE: (
            checked.expected_release.isoformat() if checked.expected_release else None
        ),
    }
    for key, value in wanted.items():
        if key in fields and value is not None and not value_fits(fields[key], value):
            raise ValidationError(
                {"fields": [f"The gallery's field {fields[key]['label']} cannot hold this."]}
            )
    entry = diary_entry_create(
        actor=actor,
        team=team,
        record=profile,
        entry_type=DiaryEntryType.CUSTODY_UPDATE,
        occurred_at=_occurred_at(checked.on),
        body=_body(checked),
        section=Section.DIARY,
    )
    # Every other answer is kept as stored (this team may not see or change them); answers to
    # questions the current version no longer asks are dropped, as on any save.
    schema_fields = field_map(version.schema)
    before = member_answers(gallery, profile.pk)
    values = {
        key: value
        for key, value in before.items()
        if key in schema_fields and value_fits(schema_fields[key], value)
    }
    for key, value in wanted.items():
        if key not in fields:
            continue
        if value is None:
            values.pop(key, None)
        else:
            values[key] = value
    _answers_store(gallery, version, profile, values)
    current.version += 1
    current.save(update_fields=["version", "updated_at"])
    changed = sorted(key for key in fields if before.get(key) != values.get(key))
    audit_record(
        action=Action.UPDATE,
        target=profile,
        sections=[gallery.section],
        # Which answers changed, never what they say; the diary entry holds the update itself.
        changes={"answers_changed": [None, changed]} if changed else {},
        detail={
            "gallery": str(gallery.code),
            "membership": str(current.code),
            "custody_update": str(entry.code),
        },
    )
    return current, entry
