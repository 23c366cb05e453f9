"""Writes to gallery memberships: add a person, change their status, record answers, remove them.

Only a gallery's managing teams write, and only about people whose gallery section the policy
shows them. Each function checks, writes and audits (the person as target, the gallery's section)
in one transaction; a change refuses a stale version. Nothing is deleted here: a removal keeps
the spell, its reason and its answers until the gallery's retention ends.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import date
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record, diff
from roundtable.customforms import services as form_services
from roundtable.customforms.models import FormDefinition, FormVersion
from roundtable.customforms.selectors import form_values_for
from roundtable.customforms.validation import FormValuesInvalid, form_values_clean
from roundtable.directory.models import Team, User
from roundtable.galleries import access
from roundtable.galleries.models import (
    REASON_MAX_LENGTH,
    Gallery,
    GalleryMembership,
    MembershipState,
)
from roundtable.records.models import Profile
from roundtable.sharing import policy
from roundtable.sharing.sections import RecordKind
from roundtable.tasking.services.alerts import alert_event

STALE_MESSAGE = "Someone else changed this membership while you were working on it."
NOT_MANAGER = "Only the gallery's managing teams can add, change or remove its members."
NOT_VISIBLE = "Choose a person whose record your team can see."
ALREADY_MEMBER = "This person is already a current member of the gallery."
NOT_CURRENT = "This person has already been removed from the gallery."


class StaleMembership(Exception):  # noqa: N818  (a state the caller handles, not a failure)
    """The membership changed since the form was read; ``current`` holds it as it is now."""

    def __init__(self, current: GalleryMembership) -> None:
        super().__init__(STALE_MESSAGE)
        self.current = current


def _viewer(actor: User, team: Team) -> policy.Viewer:
    viewer = policy.viewer_for_user(actor, team)
    if viewer.team_id is None:
        raise ValidationError("You are not a member of that team.")
    return viewer


def _require_manager(viewer: policy.Viewer, gallery: Gallery) -> None:
    if not gallery.is_active or not access.is_manager(viewer, gallery):
        raise ValidationError(NOT_MANAGER)


def _sees(viewer: policy.Viewer, gallery: Gallery, profile: Profile) -> bool:
    return policy.can(
        viewer, policy.Action.VIEW, cast(policy.Record, profile), section=gallery.section
    )


def _reason(raw: str, key: str, label: str) -> str:
    text = raw.strip()
    if not text:
        raise ValidationError({key: [f"Enter the reason {label}."]})
    if len(text) > REASON_MAX_LENGTH:
        raise ValidationError(
            {key: [f"The reason must be {REASON_MAX_LENGTH} characters or fewer."]}
        )
    return text


def _status(gallery: Gallery, status: str) -> str:
    status = status.strip()
    if gallery.statuses and status not in gallery.statuses:
        raise ValidationError({"status": ["Choose one of the gallery's statuses."]})
    if not gallery.statuses and status:
        raise ValidationError({"status": ["This gallery has no statuses."]})
    return status


def _not_future(value: date, key: str, label: str) -> date:
    if value > timezone.localdate():
        raise ValidationError({key: [f"The date {label} cannot be in the future."]})
    return value


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _alert(event: str, actor: User, team: Team, spell: GalleryMembership) -> None:
    """Tell those who may see the gallery's section of the person (alert rules, watchers)."""
    gallery = spell.gallery
    alert_event(
        event=event,
        record=spell.profile,
        actor=actor,
        team=team,
        section=gallery.section,
        detail={"gallery": gallery.slug[:40].strip("-_") or "gallery"},
        gallery=gallery,
    )


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _snapshot(spell: GalleryMembership) -> dict[str, Any]:
    return {
        "state": spell.state,
        "status": spell.status,
        "added_on": _iso(spell.added_on),
        "reason_added": spell.reason_added,
        "review_on": _iso(spell.review_on),
        "removed_on": _iso(spell.removed_on),
        "reason_removed": spell.reason_removed,
    }


def _lock(spell: GalleryMembership, expected_version: int) -> GalleryMembership:
    current = (
        GalleryMembership.objects.select_for_update()
        .select_related("gallery", "profile")
        .get(pk=spell.pk)
    )
    if current.version != expected_version:
        raise StaleMembership(current)
    return current


@transaction.atomic
def membership_add(
    *,
    actor: User,
    team: Team,
    gallery: Gallery,
    profile: Profile,
    added_on: date,
    reason: str,
    status: str = "",
    review_on: date | None = None,
    answers: Mapping[str, Any] | None = None,
) -> GalleryMembership:
    """Add a person to a gallery, with their first answers to its fields when given."""
    viewer = _viewer(actor, team)
    _require_manager(viewer, gallery)
    if not _sees(viewer, gallery, profile):
        raise ValidationError({"profile": [NOT_VISIBLE]})
    spell = GalleryMembership(
        gallery=gallery,
        profile=profile,
        status=_status(gallery, status),
        added_on=_not_future(added_on, "added_on", "they were added"),
        reason_added=_reason(reason, "reason_added", "for adding them"),
        review_on=review_on,
        added_by=actor,
        added_by_team=team,
    )
    if review_on is not None and review_on < added_on:
        raise ValidationError(
            {"review_on": ["The review date must be on or after the date added."]}
        )
    if GalleryMembership.objects.filter(
        gallery=gallery, profile=profile, state=MembershipState.CURRENT
    ).exists():
        raise ValidationError({"profile": [ALREADY_MEMBER]})
    version, values = _answers_clean(viewer, gallery, profile, answers or {})
    try:
        with transaction.atomic():
            spell.save()
    except IntegrityError:  # a colleague added them at the same moment
        raise ValidationError({"profile": [ALREADY_MEMBER]}) from None
    changes = diff({}, _snapshot(spell))
    if version is not None and values:
        _answers_store(gallery, version, profile, values)
        changes["answers"] = [None, sorted(values)]
    audit_record(
        action=Action.CREATE,
        target=profile,
        sections=[gallery.section],
        changes=changes,
        detail={"gallery": str(gallery.code), "membership": str(spell.code)},
    )
    _alert("gallery.member_added", actor, team, spell)
    return spell


@transaction.atomic
def membership_update(
    *,
    actor: User,
    team: Team,
    spell: GalleryMembership,
    status: str,
    review_on: date | None,
    expected_version: int,
) -> GalleryMembership:
    """Move a current member to another status, or set their review date."""
    viewer = _viewer(actor, team)
    current = _lock(spell, expected_version)
    _require_manager(viewer, current.gallery)
    if not _sees(viewer, current.gallery, current.profile):
        raise ValidationError(NOT_VISIBLE)
    if not current.is_current:
        raise ValidationError(NOT_CURRENT)
    if review_on is not None and review_on < current.added_on:
        raise ValidationError(
            {"review_on": ["The review date must be on or after the date added."]}
        )
    before = _snapshot(current)
    current.status = _status(current.gallery, status)
    current.review_on = review_on
    current.version += 1
    current.save()
    changes = diff(before, _snapshot(current))
    if changes:
        audit_record(
            action=Action.UPDATE,
            target=current.profile,
            sections=[current.gallery.section],
            changes=changes,
            detail={"gallery": str(current.gallery.code), "membership": str(current.code)},
        )
    return current


@transaction.atomic
def membership_remove(
    *,
    actor: User,
    team: Team,
    spell: GalleryMembership,
    removed_on: date,
    reason: str,
    expected_version: int,
) -> GalleryMembership:
    """End a person's spell with a reason and a date; kept until the gallery's retention ends."""
    viewer = _viewer(actor, team)
    current = _lock(spell, expected_version)
    _require_manager(viewer, current.gallery)
    if not _sees(viewer, current.gallery, current.profile):
        raise ValidationError(NOT_VISIBLE)
    if not current.is_current:
        raise ValidationError(NOT_CURRENT)
    removed_on = _not_future(removed_on, "removed_on", "they were removed")
    if removed_on < current.added_on:
        raise ValidationError(
            {"removed_on": ["The date removed must be on or after the date added."]}
        )
    before = _snapshot(current)
    current.state = MembershipState.REMOVED
    current.removed_on = removed_on
    current.reason_removed = _reason(reason, "reason_removed", "for removing them")
    current.removed_by = actor
    current.removed_by_team = team
    current.retain_until = add_months(removed_on, current.gallery.retention_months)
    current.version += 1
    current.save()
    audit_record(
        action=Action.UPDATE,
        target=current.profile,
        sections=[current.gallery.section],
        changes=diff(before, _snapshot(current)),
        detail={"gallery": str(current.gallery.code), "membership": str(current.code)},
    )
    _alert("gallery.member_removed", actor, team, current)
    return current


# --- Answers to the gallery's fields ------------------------------------------------------------


def gallery_form_version(gallery: Gallery) -> FormVersion | None:
    """The gallery's current published version (None while its form has none)."""
    if gallery.form_id is None:
        return None
    definition = FormDefinition.objects.select_related("current_version").get(pk=gallery.form_id)
    version = definition.current_version
    if version is not None:
        version.definition = definition
    return version


def _writable(viewer: policy.Viewer, profile: Profile) -> list[str]:
    return [str(section) for section in policy.sections(viewer, cast(policy.Record, profile))]


def _answers_clean(
    viewer: policy.Viewer,
    gallery: Gallery,
    profile: Profile,
    payload: Mapping[str, Any],
    existing: Mapping[str, Any] | None = None,
) -> tuple[FormVersion | None, dict[str, Any]]:
    version = gallery_form_version(gallery)
    try:
        values = form_values_clean(
            version=version,
            payload=dict(payload),
            viewer=viewer,
            writable_sections=_writable(viewer, profile),
            existing=existing,
        )
    except FormValuesInvalid as invalid:
        raise ValidationError(
            {
                ("fields" if key == "__all__" else f"field_{key}"): messages
                for key, messages in invalid.errors.items()
            }
        ) from None
    return version, values


def _answers_store(
    gallery: Gallery, version: FormVersion, profile: Profile, values: Mapping[str, Any]
) -> None:
    form_services.form_values_save(
        definition=version.definition,
        version=version,
        record_kind=RecordKind.PROFILE,
        record_id=profile.pk,
        values=values,
    )


def member_answers(gallery: Gallery, profile_id: int) -> dict[str, Any]:
    """A member's stored answers to the gallery's fields (empty when none); the caller masks."""
    row = form_values_for(
        definition_id=gallery.form_id, record_kind=RecordKind.PROFILE, record_id=profile_id
    )
    return dict(row.values) if row is not None else {}


@transaction.atomic
def membership_answers_save(
    *,
    actor: User,
    team: Team,
    spell: GalleryMembership,
    payload: Mapping[str, Any],
    expected_version: int,
) -> GalleryMembership:
    """Record a current member's answers to the gallery's fields (sections the team sees only).

    Answers in sections the team cannot see keep their stored values and may not be sent; the
    spell's version moves on, so two people editing the answers at once cannot overwrite each
    other.
    """
    viewer = _viewer(actor, team)
    current = _lock(spell, expected_version)
    _require_manager(viewer, current.gallery)
    if not _sees(viewer, current.gallery, current.profile):
        raise ValidationError(NOT_VISIBLE)
    if not current.is_current:
        raise ValidationError(NOT_CURRENT)
    before = member_answers(current.gallery, current.profile_id)
    version, values = _answers_clean(viewer, current.gallery, current.profile, payload, before)
    if version is None:
        raise ValidationError("This gallery has no published fields yet.")
    _answers_store(current.gallery, version, current.profile, values)
    current.version += 1
    current.save(update_fields=["version", "updated_at"])
    changed = sorted(key for key in set(before) | set(values) if before.get(key) != values.get(key))
    audit_record(
        action=Action.UPDATE,
        target=current.profile,
        sections=[current.gallery.section],
        # Which answers changed, never what they say: the answers are the person's data.
        changes={"answers_changed": [None, changed]} if changed else {},
        detail={"gallery": str(current.gallery.code), "membership": str(current.code)},
    )
    return current
