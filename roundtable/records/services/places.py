"""Writes to premises and groups: create, edit (optimistically locked), link people to them.

Each function validates, writes, keeps the access table current and audits in one transaction.
Who may call them is decided before, by ``records.access`` (the owning team edits). A person is
only linked when the actor may at least see their signpost, and the refusal for a hidden person
reads exactly like the one for a mistyped reference. This module never decides who sees what.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record, diff
from roundtable.directory.models import Team, User
from roundtable.records.models import (
    Group,
    GroupMember,
    Premises,
    PremisesLink,
    PremisesRole,
    Profile,
)
from roundtable.records.services.cases import (
    PROFILE_NOT_FOUND,
    audit_snapshot,
    lists_touch,
    lock_for_edit,
    record_touch,
)
from roundtable.records.validation import normalise_postcode
from roundtable.sharing import policy
from roundtable.sharing.services import access_rebuild

PREMISES_AUDITED = (
    "name",
    "kind",
    "line1",
    "line2",
    "town",
    "postcode",
    "licence_number",
    "licence_details",
    "licence_expires_on",
)
GROUP_AUDITED = ("name", "kind", "description")


def _premises_clean(premises: Premises) -> None:
    if premises.postcode:
        try:
            premises.postcode = normalise_postcode(premises.postcode)
        except ValidationError as error:
            raise ValidationError({"postcode": error.messages}) from None
    premises.full_clean()


def _dates_check(from_date: date | None, to_date: date | None) -> None:
    if from_date and to_date and to_date < from_date:
        raise ValidationError({"to_date": ["The end date must be the same as or after the start."]})


@transaction.atomic
def premises_create(*, actor: User, team: Team, **fields: Any) -> Premises:
    """Record premises owned by the actor's team, postcode normalised; audited with its values."""
    premises = Premises(
        owning_team=team, owning_organisation=team.organisation, created_by=actor, **fields
    )
    _premises_clean(premises)
    premises.save()
    access_rebuild(record=premises)
    audit_record(
        action=Action.CREATE,
        target=premises,
        changes={k: [None, v] for k, v in audit_snapshot(premises, PREMISES_AUDITED).items()},
    )
    return premises


@transaction.atomic
def premises_update(
    *, actor: User, premises: Premises, expected_version: int, **fields: Any
) -> Premises:
    """Change premises details; refused when someone else saved first (optimistic locking)."""
    current: Premises = lock_for_edit(Premises, premises.pk, expected_version)
    before = audit_snapshot(current, PREMISES_AUDITED)
    for name, value in fields.items():
        if name not in PREMISES_AUDITED:
            raise ValueError(f"premises_update cannot change {name!r}")
        setattr(current, name, value)
    _premises_clean(current)
    current.version += 1
    current.save()
    lists_touch(current)
    audit_record(
        action=Action.UPDATE,
        target=current,
        changes=diff(before, audit_snapshot(current, PREMISES_AUDITED)),
    )
    return current


@transaction.atomic
def premises_link_add(
    *,
    actor: User,
    viewer: policy.Viewer,
    premises: Premises,
    profile: Profile,
    role: str,
    from_date: date | None = None,
    to_date: date | None = None,
) -> PremisesLink:
    """Link a person to premises as resident, owner, DPS or visitor, with dates."""
    if not policy.can(viewer, policy.Action.SEE_SIGNPOST, cast(policy.Record, profile)):
        raise ValidationError({"profile": [PROFILE_NOT_FOUND]})
    if role not in PremisesRole.values:
        raise ValidationError({"role": ["Choose the person's role at the premises."]})
    _dates_check(from_date, to_date)
    link = PremisesLink.objects.create(
        premises=premises, profile=profile, role=role, from_date=from_date, to_date=to_date
    )
    record_touch(premises)
    audit_record(
        action=Action.UPDATE,
        target=premises,
        sections=["members"],
        changes={"person_linked": [None, {"profile": str(profile.code), "role": role}]},
    )
    return link


@transaction.atomic
def premises_link_remove(*, actor: User, link: PremisesLink, reason: str) -> None:
    """Unlink a person from premises, with the reason kept in the audit log."""
    if not reason.strip():
        raise ValidationError({"reason": ["Give a reason for removing this person."]})
    premises = link.premises
    removed = {"profile": str(link.profile.code), "role": link.role}
    link.delete()
    record_touch(premises)
    audit_record(
        action=Action.UPDATE,
        target=premises,
        sections=["members"],
        changes={"person_unlinked": [removed, None]},
        justification=reason,
    )


@transaction.atomic
def group_create(*, actor: User, team: Team, **fields: Any) -> Group:
    """Record a gang, organised crime group, household or peer group owned by the actor's team."""
    group = Group(
        owning_team=team, owning_organisation=team.organisation, created_by=actor, **fields
    )
    group.full_clean()
    group.save()
    access_rebuild(record=group)
    audit_record(
        action=Action.CREATE,
        target=group,
        changes={k: [None, v] for k, v in audit_snapshot(group, GROUP_AUDITED).items()},
    )
    return group


@transaction.atomic
def group_update(*, actor: User, group: Group, expected_version: int, **fields: Any) -> Group:
    """Change a group's details; refused when someone else saved first (optimistic locking)."""
    current: Group = lock_for_edit(Group, group.pk, expected_version)
    before = audit_snapshot(current, GROUP_AUDITED)
    for name, value in fields.items():
        if name not in GROUP_AUDITED:
            raise ValueError(f"group_update cannot change {name!r}")
        setattr(current, name, value)
    current.full_clean()
    current.version += 1
    current.save()
    lists_touch(current)
    audit_record(
        action=Action.UPDATE,
        target=current,
        changes=diff(before, audit_snapshot(current, GROUP_AUDITED)),
    )
    return current


@transaction.atomic
def group_member_add(
    *,
    actor: User,
    viewer: policy.Viewer,
    group: Group,
    profile: Profile,
    role: str = "",
    from_date: date | None = None,
    to_date: date | None = None,
) -> GroupMember:
    """Add a person to a group with a role (leader, member, ...) and dates."""
    if not policy.can(viewer, policy.Action.SEE_SIGNPOST, cast(policy.Record, profile)):
        raise ValidationError({"profile": [PROFILE_NOT_FOUND]})
    if len(role) > 60:
        raise ValidationError({"role": ["The role must be 60 characters or fewer."]})
    _dates_check(from_date, to_date)
    member = GroupMember.objects.create(
        group=group, profile=profile, role=role.strip(), from_date=from_date, to_date=to_date
    )
    record_touch(group)
    audit_record(
        action=Action.UPDATE,
        target=group,
        sections=["members"],
        changes={"member_added": [None, {"profile": str(profile.code), "role": member.role}]},
    )
    return member


@transaction.atomic
def group_member_remove(*, actor: User, member: GroupMember, reason: str) -> None:
    """Take a person out of a group, with the reason kept in the audit log."""
    if not reason.strip():
        raise ValidationError({"reason": ["Give a reason for removing this person."]})
    group = member.group
    removed = {"profile": str(member.profile.code), "role": member.role}
    member.delete()
    record_touch(group)
    audit_record(
        action=Action.UPDATE,
        target=group,
        sections=["members"],
        changes={"member_removed": [removed, None]},
        justification=reason,
    )
