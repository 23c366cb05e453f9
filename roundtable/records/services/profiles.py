"""Writes to people: a profile and every detail in its sections, each audited with old -> new.

Every service here is keyword-only and atomic, checks the optimistic-locking version where the
form carried one, bumps the profile's version and moves it up everyone's lists (access touch),
and rebuilds the search keys when a name changes. Services never decide who may call them (the
views ask the policy first) except where the rule is about another record: a relationship may
only point at a person the actor can see. Messages never say who holds a clashing identifier.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record, diff
from roundtable.directory.models import Team, User
from roundtable.records.identifiers import normalise_identifier
from roundtable.records.models import (
    INVERSE_RELATIONSHIP,
    Address,
    AddressKind,
    AliasKind,
    ConsentStatus,
    ContactKind,
    ContactPoint,
    Identifier,
    NameIndexEntry,
    Profile,
    ProfileAlias,
    Relationship,
    RelationshipKind,
    Vehicle,
    WarningKind,
    WarningMarker,
)
from roundtable.records.names import fold, phonetic
from roundtable.records.photos import prepare_photo
from roundtable.records.validation import normalise_postcode, normalise_registration
from roundtable.sharing import policy
from roundtable.sharing.access import access_touch
from roundtable.sharing.sections import RecordKind, Section
from roundtable.sharing.services import access_rebuild

STALE_MESSAGE = "Someone else changed this record while you were working on it."
NOT_FOUND_MESSAGE = "No person was found with that reference. Check it and try again."

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
SENSITIVE_FIELDS = ("ethnicity", "religion", "health_notes", "sexuality")


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


def _check_identity(profile: Profile) -> None:
    """Rules on a person's identity that the model cannot express alone."""
    if profile.date_of_birth is not None and profile.date_of_birth > timezone.localdate():
        raise ValidationError(
            {"date_of_birth": "Date of birth must be today or in the past"}, code="future"
        )


@transaction.atomic
def profile_create(*, actor: User, team: Team, **fields: Any) -> Profile:
    """Create a person owned by the actor's team; indexed for search, audited with its values."""
    profile = Profile(
        owning_team=team, owning_organisation=team.organisation, created_by=actor, **fields
    )
    profile.full_clean()
    _check_identity(profile)
    profile.save()
    name_index_rebuild(profile=profile)
    access_rebuild(record=profile)
    audit_record(
        action=Action.CREATE,
        target=profile,
        sections=[Section.IDENTITY],
        changes={
            key: [None, value] for key, value in snapshot(profile, PROFILE_AUDITED_FIELDS).items()
        },
    )
    _queue_duplicate_check(profile.pk)
    return profile


def _queue_duplicate_check(profile_id: int) -> None:
    """After commit, let a background task record likely duplicate pairs for review."""
    from roundtable.records.services.duplicates import record_duplicate_candidates

    transaction.on_commit(lambda: record_duplicate_candidates.enqueue(profile_id))


def _lock(profile: Profile, expected_version: int | None) -> Profile:
    """The profile's row, locked; refused when the form was read before someone else's save."""
    current = Profile.objects.select_for_update().get(pk=profile.pk)
    if expected_version is not None and current.version != expected_version:
        raise ValidationError(STALE_MESSAGE, code="stale")
    return current


def _changed(current: Profile, caller: Profile, *, fields: tuple[str, ...] = ()) -> None:
    """Save a change to the profile: new version, top of everyone's lists, caller kept in step."""
    current.version += 1
    current.save(update_fields=["version", "updated_at", *fields])
    access_touch(kind=RecordKind.PROFILE, record_id=current.pk, sort_key=current.updated_at)
    caller.version = current.version
    for name in fields:
        setattr(caller, name, getattr(current, name))


def _audit(profile: Profile, section: str, changes: dict[str, Any], **extra: Any) -> None:
    audit_record(action=Action.UPDATE, target=profile, sections=[section], changes=changes, **extra)


@transaction.atomic
def profile_update(
    *, actor: User, profile: Profile, expected_version: int, **fields: Any
) -> Profile:
    """Change a person's details; refused when someone else saved first (optimistic locking)."""
    current = _lock(profile, expected_version)
    before = snapshot(current, PROFILE_AUDITED_FIELDS)
    for name, value in fields.items():
        setattr(current, name, value)
    current.full_clean()
    _check_identity(current)
    current.version += 1
    current.save()
    name_index_rebuild(profile=current)
    access_rebuild(record=current)
    after = snapshot(current, PROFILE_AUDITED_FIELDS)
    audit_record(
        action=Action.UPDATE,
        target=current,
        sections=[Section.IDENTITY],
        changes=diff(before, after),
    )
    _queue_duplicate_check(current.pk)
    return current


# --- identity: aliases, identifiers, consent, photo ----------------------------------------


def _alias_values(alias: ProfileAlias) -> dict[str, str]:
    return {"kind": alias.kind, "given_name": alias.given_name, "family_name": alias.family_name}


def _clean_alias(alias: ProfileAlias) -> None:
    if not (alias.given_name.strip() or alias.family_name.strip()):
        raise ValidationError(
            {"family_name": "Enter the other name: a first name, a last name or both"}
        )
    alias.full_clean(exclude=["profile"])


@transaction.atomic
def alias_add(
    *,
    actor: User,
    profile: Profile,
    given_name: str = "",
    family_name: str = "",
    kind: str = AliasKind.ALIAS,
    expected_version: int | None = None,
) -> ProfileAlias:
    """Record another name the person is known by; it is searchable at once."""
    current = _lock(profile, expected_version)
    alias = ProfileAlias(
        profile=current, kind=kind, given_name=given_name.strip(), family_name=family_name.strip()
    )
    _clean_alias(alias)
    alias.save()
    name_index_rebuild(profile=current)
    _changed(current, profile)
    _audit(current, Section.IDENTITY, {"alias": [None, _alias_values(alias)]})
    return alias


@transaction.atomic
def alias_update(
    *,
    actor: User,
    alias: ProfileAlias,
    given_name: str,
    family_name: str,
    kind: str,
    expected_version: int | None = None,
) -> ProfileAlias:
    """Correct another name of the person."""
    current = _lock(alias.profile, expected_version)
    before = _alias_values(alias)
    alias.kind, alias.given_name, alias.family_name = kind, given_name.strip(), family_name.strip()
    _clean_alias(alias)
    alias.save()
    name_index_rebuild(profile=current)
    _changed(current, alias.profile)
    _audit(current, Section.IDENTITY, {"alias": [before, _alias_values(alias)]})
    return alias


@transaction.atomic
def alias_end(*, actor: User, alias: ProfileAlias, expected_version: int | None = None) -> None:
    """Stop recording a name as one the person uses; it leaves the search index."""
    current = _lock(alias.profile, expected_version)
    before = _alias_values(alias)
    alias.delete()
    name_index_rebuild(profile=current)
    _changed(current, alias.profile)
    _audit(current, Section.IDENTITY, {"alias": [before, None]})


@transaction.atomic
def identifier_add(
    *, actor: User, profile: Profile, kind: str, value: str, expected_version: int | None = None
) -> Identifier:
    """Record an official identifier, checked and normalised; unique per kind across everyone."""
    normalised = normalise_identifier(kind, value)
    current = _lock(profile, expected_version)
    label = Identifier(kind=kind).get_kind_display()
    holder = Identifier.objects.filter(kind=kind, value=normalised).values_list(
        "profile_id", flat=True
    )
    if holder:
        if holder[0] == current.pk:
            raise ValidationError({"value": f"This {label} is already recorded for this person"})
        raise ValidationError(
            {
                "value": f"This {label} is already recorded on another person's record. Search "
                "for it to find that record, or check the number"
            },
            code="duplicate",
        )
    identifier = Identifier(profile=current, kind=kind, value=normalised)
    try:
        with transaction.atomic():
            identifier.save()
    except IntegrityError:  # saved by someone else between the check and now
        raise ValidationError(
            {"value": f"This {label} is already recorded on another person's record"},
            code="duplicate",
        ) from None
    _changed(current, profile)
    _audit(current, Section.IDENTITY, {f"identifier.{kind}": [None, normalised]})
    return identifier


@transaction.atomic
def identifier_remove(
    *, actor: User, identifier: Identifier, expected_version: int | None = None
) -> None:
    """Remove an identifier recorded in error."""
    current = _lock(identifier.profile, expected_version)
    kind, value = identifier.kind, identifier.value
    identifier.delete()
    _changed(current, identifier.profile)
    _audit(current, Section.IDENTITY, {f"identifier.{kind}": [value, None]})


@transaction.atomic
def consent_record(
    *, actor: User, profile: Profile, status: str, expected_version: int | None = None
) -> Profile:
    """Record the person's consent status now (re-confirmed when ownership moves)."""
    if status not in ConsentStatus.values:
        raise ValidationError({"consent_status": "Choose the consent status from the list"})
    current = _lock(profile, expected_version)
    before = [current.consent_status, _jsonable(current.consent_recorded_at)]
    current.consent_status = status
    current.consent_recorded_at = timezone.now()
    _changed(current, profile, fields=("consent_status", "consent_recorded_at"))
    after = [current.consent_status, _jsonable(current.consent_recorded_at)]
    _audit(
        current,
        Section.IDENTITY,
        {"consent_status": [before[0], after[0]], "consent_recorded_at": [before[1], after[1]]},
    )
    return current


@transaction.atomic
def photo_set(
    *, actor: User, profile: Profile, data: bytes, expected_version: int | None = None
) -> Profile:
    """Store a checked, re-encoded photo and its thumbnail; old files go once this commits."""
    prepared = prepare_photo(data=data)
    current = _lock(profile, expected_version)
    old_files = [f for f in (current.photo, current.photo_thumbnail) if f]
    old_names = [f.name for f in old_files]
    current.photo.save(prepared.photo.name or "photo", prepared.photo, save=False)
    current.photo_thumbnail.save(prepared.thumbnail.name or "thumb", prepared.thumbnail, save=False)
    _changed(current, profile, fields=("photo", "photo_thumbnail"))
    storage = current.photo.storage
    transaction.on_commit(lambda: [storage.delete(name) for name in old_names])
    _audit(
        current,
        Section.IDENTITY,
        {"photo": [old_names[0] if old_names else None, current.photo.name]},
    )
    return current


# --- contact: addresses, phone numbers and emails, vehicles ---------------------------------


def _address_values(address: Address) -> dict[str, Any]:
    return snapshot(address, ("kind", "line1", "line2", "town", "postcode", "from_date", "to_date"))


def _clean_address(address: Address) -> None:
    if address.kind == AddressKind.NO_FIXED_ABODE:
        address.line1 = address.line2 = address.postcode = ""
    else:
        if not address.line1.strip():
            raise ValidationError({"line1": "Enter the first line of the address"})
        if address.postcode:
            try:
                address.postcode = normalise_postcode(address.postcode)
            except ValidationError as error:
                raise ValidationError({"postcode": error.messages}) from None
    today = timezone.localdate()
    if address.from_date and address.from_date > today:
        raise ValidationError({"from_date": "The date they moved in must be today or earlier"})
    if address.to_date and address.from_date and address.to_date < address.from_date:
        raise ValidationError({"to_date": "The date they left must be after they moved in"})
    address.full_clean(exclude=["profile"])


@transaction.atomic
def address_add(
    *,
    actor: User,
    profile: Profile,
    kind: str = AddressKind.HOME,
    line1: str = "",
    line2: str = "",
    town: str = "",
    postcode: str = "",
    from_date: date | None = None,
    to_date: date | None = None,
    expected_version: int | None = None,
) -> Address:
    """Add an address to the history; a new current address ends the one before it."""
    current = _lock(profile, expected_version)
    address = Address(
        profile=current,
        kind=kind,
        line1=line1.strip(),
        line2=line2.strip(),
        town=town.strip(),
        postcode=postcode.strip(),
        from_date=from_date or (None if to_date else timezone.localdate()),
        to_date=to_date,
    )
    _clean_address(address)
    changes: dict[str, Any] = {"address": [None, _address_values(address)]}
    if address.to_date is None:
        previous = list(Address.objects.filter(profile=current, to_date__isnull=True))
        for old in previous:
            if old.from_date and address.from_date and old.from_date > address.from_date:
                raise ValidationError(
                    {
                        "from_date": "The new address must start on or after the current one, "
                        f"which started on {old.from_date:%-d %B %Y}"
                    }
                )
        for old in previous:
            old.to_date = address.from_date
            old.save(update_fields=["to_date", "updated_at"])
            changes[f"address.{old.pk}.to_date"] = [None, _jsonable(old.to_date)]
    address.save()
    _changed(current, profile)
    _audit(current, Section.CONTACT, changes)
    return address


@transaction.atomic
def address_end(
    *,
    actor: User,
    address: Address,
    to_date: date | None = None,
    expected_version: int | None = None,
) -> Address:
    """Record that the person no longer lives at an address."""
    current = _lock(address.profile, expected_version)
    if address.to_date is not None:
        raise ValidationError("This address has already ended")
    address.to_date = to_date or timezone.localdate()
    if address.from_date and address.to_date < address.from_date:
        raise ValidationError({"to_date": "The date they left must be after they moved in"})
    address.save(update_fields=["to_date", "updated_at"])
    _changed(current, address.profile)
    _audit(
        current,
        Section.CONTACT,
        {f"address.{address.pk}.to_date": [None, _jsonable(address.to_date)]},
    )
    return address


_PHONE = re.compile(r"\+?\d{10,15}")


def _normalise_contact(kind: str, value: str) -> str:
    if kind == ContactKind.PHONE:
        compact = re.sub(r"[\s\-()]", "", value)
        if not _PHONE.fullmatch(compact):
            raise ValidationError(
                {
                    "value": "Enter a phone number, like 01632 960 001, 07700 900 982 "
                    "or +44 808 157 0192"
                }
            )
        return compact
    if kind == ContactKind.EMAIL:
        email = value.strip()
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(
                {"value": "Enter an email address in the correct format, like name@example.com"}
            ) from None
        return email
    raise ValidationError({"kind": "Choose phone or email"})


@transaction.atomic
def contact_add(
    *,
    actor: User,
    profile: Profile,
    kind: str,
    value: str,
    label: str = "",
    safe_to_contact: bool = True,
    expected_version: int | None = None,
) -> ContactPoint:
    """Record a phone number or email address, and whether it is safe to use."""
    normalised = _normalise_contact(kind, value)
    current = _lock(profile, expected_version)
    if ContactPoint.objects.filter(profile=current, kind=kind, value=normalised).exists():
        raise ValidationError({"value": "This is already recorded for this person"})
    point = ContactPoint(
        profile=current,
        kind=kind,
        value=normalised,
        label=label.strip(),
        safe_to_contact=safe_to_contact,
    )
    point.full_clean(exclude=["profile"])
    point.save()
    _changed(current, profile)
    values = snapshot(point, ("kind", "value", "label", "safe_to_contact"))
    _audit(current, Section.CONTACT, {"contact": [None, values]})
    return point


@transaction.atomic
def contact_remove(
    *, actor: User, contact: ContactPoint, expected_version: int | None = None
) -> None:
    """Remove a phone number or email address that is wrong or no longer used."""
    current = _lock(contact.profile, expected_version)
    values = snapshot(contact, ("kind", "value", "label", "safe_to_contact"))
    contact.delete()
    _changed(current, contact.profile)
    _audit(current, Section.CONTACT, {"contact": [values, None]})


@transaction.atomic
def vehicle_add(
    *,
    actor: User,
    profile: Profile,
    registration: str,
    description: str = "",
    expected_version: int | None = None,
) -> Vehicle:
    """Link a vehicle to the person by its registration mark."""
    try:
        mark = normalise_registration(registration)
    except ValidationError as error:
        raise ValidationError({"registration": error.messages}) from None
    current = _lock(profile, expected_version)
    if Vehicle.objects.filter(profile=current, registration=mark).exists():
        raise ValidationError({"registration": "This vehicle is already linked to this person"})
    vehicle = Vehicle(profile=current, registration=mark, description=description.strip())
    vehicle.full_clean(exclude=["profile"])
    vehicle.save()
    _changed(current, profile)
    _audit(
        current,
        Section.CONTACT,
        {"vehicle": [None, {"registration": mark, "description": vehicle.description}]},
    )
    return vehicle


@transaction.atomic
def vehicle_remove(*, actor: User, vehicle: Vehicle, expected_version: int | None = None) -> None:
    """Unlink a vehicle from the person."""
    current = _lock(vehicle.profile, expected_version)
    values = {"registration": vehicle.registration, "description": vehicle.description}
    vehicle.delete()
    _changed(current, vehicle.profile)
    _audit(current, Section.CONTACT, {"vehicle": [values, None]})


# --- sensitive (special category) data ------------------------------------------------------


@transaction.atomic
def sensitive_update(
    *, actor: User, profile: Profile, expected_version: int, **fields: str
) -> Profile:
    """Change the special-category details (ethnicity, religion, health, sexuality)."""
    unknown = set(fields) - set(SENSITIVE_FIELDS)
    if unknown:
        raise ValueError(f"Not sensitive fields: {sorted(unknown)}")
    current = _lock(profile, expected_version)
    before = snapshot(current, SENSITIVE_FIELDS)
    for name, value in fields.items():
        setattr(current, name, value.strip())
    current.full_clean()
    _changed(current, profile, fields=tuple(fields))
    _audit(current, Section.SENSITIVE, diff(before, snapshot(current, SENSITIVE_FIELDS)))
    return current


# --- warnings ---------------------------------------------------------------------------------


def _warning_values(warning: WarningMarker) -> dict[str, Any]:
    return snapshot(warning, ("kind", "notes", "review_date", "is_active"))


def _check_review_date(review_date: date | None) -> date:
    if review_date is None:
        raise ValidationError({"review_date": "Enter the date this warning must be reviewed by"})
    if review_date < timezone.localdate():
        raise ValidationError({"review_date": "The review date must be today or in the future"})
    return review_date


@transaction.atomic
def warning_add(
    *,
    actor: User,
    team: Team,
    profile: Profile,
    kind: str,
    review_date: date | None,
    notes: str = "",
    expected_version: int | None = None,
) -> WarningMarker:
    """Raise a warning marker for the actor's team, to be reviewed by a date."""
    if kind not in WarningKind.values:
        raise ValidationError({"kind": "Choose the kind of warning from the list"})
    review = _check_review_date(review_date)
    current = _lock(profile, expected_version)
    warning = WarningMarker(
        profile=current,
        kind=kind,
        notes=notes.strip(),
        review_date=review,
        raised_by_team=team,
    )
    warning.full_clean(exclude=["profile", "raised_by_team"])
    warning.save()
    _changed(current, profile)
    _audit(current, Section.WARNINGS, {"warning": [None, _warning_values(warning)]})
    return warning


@transaction.atomic
def warning_review(
    *,
    actor: User,
    warning: WarningMarker,
    review_date: date | None,
    notes: str,
    expected_version: int | None = None,
) -> WarningMarker:
    """Record a review of a warning: its next review date and any change to its notes."""
    review = _check_review_date(review_date)
    current = _lock(warning.profile, expected_version)
    before = _warning_values(warning)
    warning.review_date, warning.notes = review, notes.strip()
    warning.full_clean(exclude=["profile", "raised_by_team"])
    warning.save(update_fields=["review_date", "notes", "updated_at"])
    _changed(current, warning.profile)
    _audit(current, Section.WARNINGS, {"warning": [before, _warning_values(warning)]})
    return warning


@transaction.atomic
def warning_end(
    *, actor: User, warning: WarningMarker, expected_version: int | None = None
) -> WarningMarker:
    """Stop showing a warning as active; it stays in the record's history."""
    current = _lock(warning.profile, expected_version)
    if not warning.is_active:
        raise ValidationError("This warning has already ended")
    before = _warning_values(warning)
    warning.is_active = False
    warning.save(update_fields=["is_active", "updated_at"])
    _changed(current, warning.profile)
    _audit(current, Section.WARNINGS, {"warning": [before, _warning_values(warning)]})
    return warning


# --- relationships ----------------------------------------------------------------------------


def _relationship_target(viewer: policy.Viewer, other_code: Any) -> Profile:
    """The other person, only if the actor may see at least their signpost; else 'not found'."""
    refused = ValidationError({"other": NOT_FOUND_MESSAGE}, code="not_found")
    try:
        other = Profile.objects.get(code=other_code)
    except (Profile.DoesNotExist, ValueError, ValidationError):
        raise refused from None
    if not policy.can(viewer, policy.Action.SEE_SIGNPOST, cast(policy.Record, other)):
        raise refused
    return other


@transaction.atomic
def relationship_add(
    *,
    actor: User,
    viewer: policy.Viewer,
    profile: Profile,
    other_code: Any,
    kind: str,
    notes: str = "",
    expected_version: int | None = None,
) -> Relationship:
    """Record a typed relationship; the other person's record shows the inverse kind."""
    if kind not in RelationshipKind.values:
        raise ValidationError({"kind": "Choose the kind of relationship from the list"})
    other = _relationship_target(viewer, other_code)
    if other.pk == profile.pk:
        raise ValidationError({"other": "A person cannot have a relationship with themselves"})
    current = _lock(profile, expected_version)
    inverse = INVERSE_RELATIONSHIP[kind]
    clash = Relationship.objects.filter(
        Q(from_profile=current, to_profile=other, kind=kind)
        | Q(from_profile=other, to_profile=current, kind=inverse)
    )
    if clash.exists():
        raise ValidationError({"kind": "This relationship is already recorded"})
    relationship = Relationship(
        from_profile=current, to_profile=other, kind=kind, notes=notes.strip()
    )
    relationship.full_clean(exclude=["from_profile", "to_profile"])
    relationship.save()
    _changed(current, profile)
    values = {"other": str(other.code), "kind": kind, "notes": relationship.notes}
    _audit(current, Section.RELATIONSHIPS, {"relationship": [None, values]})
    return relationship


@transaction.atomic
def relationship_end(
    *,
    actor: User,
    relationship: Relationship,
    profile: Profile,
    expected_version: int | None = None,
) -> None:
    """Remove a relationship recorded in error or no longer true (from either person's record)."""
    if profile.pk not in (relationship.from_profile_id, relationship.to_profile_id):
        raise ValidationError("This relationship is not on this person's record")
    current = _lock(profile, expected_version)
    values = {
        "from": str(relationship.from_profile.code),
        "to": str(relationship.to_profile.code),
        "kind": relationship.kind,
    }
    relationship.delete()
    _changed(current, profile)
    _audit(current, Section.RELATIONSHIPS, {"relationship": [values, None]})
