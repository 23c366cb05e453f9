"""Writes to people: create and update profiles, keep their search keys current, audit each."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record
from roundtable.directory.models import Team, User
from roundtable.records.models import (
    NameIndexEntry,
    Profile,
)
from roundtable.records.names import fold, phonetic
from roundtable.sharing.services import access_rebuild

PROFILE_AUDITED_FIELDS = (
    "given_name",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "date_of_birth_estimated",
    "gender",
    "nationality",
    "languages",
    "interpreter_needed",
    "consent_status",
    "visibility",
)


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def snapshot(instance: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """The named fields of a record as JSON-ready values, for audit diffs."""
    return {name: _jsonable(getattr(instance, name)) for name in fields}


def name_index_rebuild(*, profile: Profile) -> None:
    """Rewrite a profile's search keys: its own name and every alias."""
    NameIndexEntry.objects.filter(profile=profile).delete()
    names = [(profile.given_name, profile.family_name, False)]
    names += [
        (alias.given_name or profile.given_name, alias.family_name or profile.family_name, True)
        for alias in profile.aliases.all()
    ]
    dob = profile.date_of_birth
    NameIndexEntry.objects.bulk_create(
        NameIndexEntry(
            profile=profile,
            is_alias=is_alias,
            family_key=fold(family),
            given_key=fold(given),
            family_phonetic=phonetic(family),
            given_phonetic=phonetic(given),
            date_of_birth=dob,
            birth_year=dob.year if dob else None,
        )
        for given, family, is_alias in names
    )


@transaction.atomic
def profile_create(*, actor: User, team: Team, **fields: Any) -> Profile:
    """Create a person owned by the actor's team; indexed for search, audited with its values."""
    profile = Profile(
        owning_team=team, owning_organisation=team.organisation, created_by=actor, **fields
    )
    profile.full_clean()
    profile.save()
    name_index_rebuild(profile=profile)
    access_rebuild(record=profile)
    audit_record(
        action=Action.CREATE,
        target=profile,
        changes={
            key: [None, value] for key, value in snapshot(profile, PROFILE_AUDITED_FIELDS).items()
        },
    )
    return profile


@transaction.atomic
def profile_update(
    *, actor: User, profile: Profile, expected_version: int, **fields: Any
) -> Profile:
    """Change a person's details; refused when someone else saved first (optimistic locking)."""
    current = Profile.objects.select_for_update().get(pk=profile.pk)
    if current.version != expected_version:
        raise ValidationError(
            "Someone else changed this record while you were working on it.", code="stale"
        )
    before = snapshot(current, PROFILE_AUDITED_FIELDS)
    for name, value in fields.items():
        setattr(current, name, value)
    current.full_clean()
    current.version += 1
    current.save()
    name_index_rebuild(profile=current)
    access_rebuild(record=current)
    after = snapshot(current, PROFILE_AUDITED_FIELDS)
    from roundtable.audit.services import diff

    audit_record(action=Action.UPDATE, target=current, changes=diff(before, after))
    return current
