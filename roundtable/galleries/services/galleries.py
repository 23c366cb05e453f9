"""Writes to gallery definitions: create, change and close a gallery. Partnership admins only.

Each function checks, writes and audits in one transaction; a change refuses a stale version.
A gallery's fields are a ``customforms`` definition made with the gallery (owner
``gallery:<code>``, record kind Person) and edited on the forms pages like any other form.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record, diff
from roundtable.customforms import services as form_services
from roundtable.directory import permissions
from roundtable.directory.models import Partnership, Team, User
from roundtable.galleries.models import Gallery, GalleryAccess
from roundtable.sharing.models import AccessLevel
from roundtable.sharing.sections import SECTIONS_BY_KIND, RecordKind

STALE_MESSAGE = "Someone else changed this gallery while you were working on it."
MAX_STATUSES = 12


class StaleGallery(Exception):  # noqa: N818  (a state the caller handles, not a failure)
    """The gallery changed since the form was read; ``current`` holds it as it is now."""

    def __init__(self, current: Gallery) -> None:
        super().__init__(STALE_MESSAGE)
        self.current = current


@dataclass(frozen=True)
class GalleryDetails:
    """What a gallery definition says; checked by ``_check``."""

    name: str
    purpose: str
    eligibility: str = ""
    access: str = GalleryAccess.TEAMS
    access_level: str = AccessLevel.OPEN
    section: str = "risk"
    statuses: tuple[str, ...] = ()
    retention_months: int = 24
    managing_teams: tuple[Team, ...] = ()
    viewer_teams: tuple[Team, ...] = field(default_factory=tuple)


def _require_admin(actor: User | None, partnership: Partnership) -> None:
    if actor is None:
        return  # the system: a seed or a data migration
    organisation = actor.organisation
    if not (
        permissions.is_partnership_admin(actor)
        and organisation is not None
        and organisation.partnership_id == partnership.pk
    ):
        raise PermissionDenied


def _statuses(raw: Iterable[str]) -> list[str]:
    result: list[str] = []
    for item in raw:
        text = " ".join(str(item).split())
        if text and text not in result:
            result.append(text[:60])
    return result


def _check(
    partnership: Partnership, details: GalleryDetails, *, exclude: int | None = None
) -> dict[str, Any]:
    """The definition's checked values, or ValidationError naming every problem."""
    errors: dict[str, list[str]] = {}
    name = " ".join(details.name.split())
    if not name:
        errors["name"] = ["Enter the gallery's name."]
    elif len(name) > 120:
        errors["name"] = ["The name must be 120 characters or fewer."]
    purpose = details.purpose.strip()
    if not purpose:
        errors["purpose"] = ["Enter what the gallery is for."]
    elif len(purpose) > 2000:
        errors["purpose"] = ["The purpose must be 2,000 characters or fewer."]
    if len(details.eligibility) > 2000:
        errors["eligibility"] = ["The eligibility notes must be 2,000 characters or fewer."]
    if details.access not in GalleryAccess.values:
        errors["access"] = ["Choose who may open the gallery."]
    if details.access_level not in (AccessLevel.OPEN, AccessLevel.AUDITED):
        errors["access_level"] = ["Choose open or audited."]
    if details.section not in SECTIONS_BY_KIND[RecordKind.PROFILE]:
        errors["section"] = ["Choose the section of a person's record that membership belongs to."]
    statuses = _statuses(details.statuses)
    if len(statuses) > MAX_STATUSES:
        errors["statuses"] = [f"A gallery can have at most {MAX_STATUSES} statuses."]
    if not 1 <= details.retention_months <= 240:
        errors["retention_months"] = ["Keep removed members for between 1 and 240 months."]
    teams = list(details.managing_teams)
    if not teams:
        errors["managing_teams"] = ["Choose at least one team to manage the gallery."]
    for team in [*teams, *details.viewer_teams]:
        if not team.is_active:
            errors.setdefault("managing_teams", []).append(f"{team.name} is no longer active.")
    taken = Gallery.objects.filter(partnership=partnership, name__iexact=name)
    slug = slugify(name)[:60] or "gallery"
    slug_taken = Gallery.objects.filter(partnership=partnership, slug=slug)
    if exclude is not None:
        taken, slug_taken = taken.exclude(pk=exclude), slug_taken.exclude(pk=exclude)
    if name and (taken.exists() or slug_taken.exists()):
        errors["name"] = ["Your partnership already has a gallery with this name."]
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "slug": slug,
        "purpose": purpose,
        "eligibility": details.eligibility.strip(),
        "access": details.access,
        "access_level": details.access_level,
        "section": details.section,
        "statuses": statuses,
        "retention_months": details.retention_months,
    }


def _snapshot(gallery: Gallery) -> dict[str, Any]:
    return {
        "name": gallery.name,
        "purpose": gallery.purpose,
        "eligibility": gallery.eligibility,
        "access": gallery.access,
        "access_level": gallery.access_level,
        "section": gallery.section,
        "statuses": list(gallery.statuses),
        "retention_months": gallery.retention_months,
        "managing_teams": sorted(gallery.managing_teams.values_list("name", flat=True)),
        "viewer_teams": sorted(gallery.viewer_teams.values_list("name", flat=True)),
        "is_active": gallery.is_active,
    }


@transaction.atomic
def gallery_create(
    *,
    actor: User | None,
    partnership: Partnership,
    details: GalleryDetails,
    fields: Any = None,
) -> Gallery:
    """A new gallery with its (optionally published) form; ``fields`` is a forms-engine schema."""
    _require_admin(actor, partnership)
    values = _check(partnership, details)
    gallery = Gallery(partnership=partnership, created_by=actor, **values)
    gallery.full_clean(exclude=["form"])
    gallery.save()
    gallery.managing_teams.set(details.managing_teams)
    gallery.viewer_teams.set(details.viewer_teams)
    definition = form_services.form_definition_create(
        actor=actor,
        partnership=partnership,
        owner=gallery.form_owner,
        name=gallery.name,
        record_kind=RecordKind.PROFILE,
        schema=fields,
        publish=fields is not None,
    )
    gallery.form = definition
    gallery.save(update_fields=["form"])
    audit_record(action=Action.CREATE, target=gallery, changes=diff({}, _snapshot(gallery)))
    return gallery


@transaction.atomic
def gallery_update(
    *, actor: User | None, gallery: Gallery, details: GalleryDetails, expected_version: int
) -> Gallery:
    """Change a gallery's definition; refuses a stale version with ``StaleGallery``."""
    _require_admin(actor, gallery.partnership)
    current = Gallery.objects.select_for_update().get(pk=gallery.pk)
    if current.version != expected_version:
        raise StaleGallery(current)
    values = _check(current.partnership, details, exclude=current.pk)
    before = _snapshot(current)
    for name, value in values.items():
        if name != "slug":  # the address stays as it was made: saved links keep working
            setattr(current, name, value)
    current.version += 1
    current.save()
    current.managing_teams.set(details.managing_teams)
    current.viewer_teams.set(details.viewer_teams)
    if current.form is not None and current.name != before["name"]:
        form_services.form_definition_rename(definition=current.form, name=current.name)
    audit_record(action=Action.UPDATE, target=current, changes=diff(before, _snapshot(current)))
    return current


@transaction.atomic
def gallery_set_active(
    *, actor: User | None, gallery: Gallery, active: bool, expected_version: int
) -> Gallery:
    """Close a gallery (nobody can open it; memberships are kept) or open it again."""
    _require_admin(actor, gallery.partnership)
    current = Gallery.objects.select_for_update().get(pk=gallery.pk)
    if current.version != expected_version:
        raise StaleGallery(current)
    if current.is_active != active:
        current.is_active = active
        current.version += 1
        current.save(update_fields=["is_active", "version", "updated_at"])
        audit_record(
            action=Action.REACTIVATE if active else Action.DEACTIVATE,
            target=current,
            changes={"is_active": [not active, active]},
        )
    return current
