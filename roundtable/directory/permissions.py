"""Organisation-level capabilities: who may administer, audit or run the system.

These rules decide what staff may do to the directory and the audit log; the rules for personal
data records live in ``sharing.policy`` and nowhere else. A user's capabilities are read once and
cached on the user object for the rest of the request.
"""

from __future__ import annotations

from typing import Any

from roundtable.directory.models import Capability, Organisation, User


def capabilities(user: Any) -> frozenset[str]:
    """The set of capability codes the user holds (empty for anonymous or inactive users)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached: frozenset[str] | None = getattr(user, "_capability_cache", None)
    if cached is None:
        cached = frozenset(user.capability_grants.values_list("capability", flat=True))
        user._capability_cache = cached
    return cached


def is_system_admin(user: Any) -> bool:
    return Capability.SYSTEM_ADMIN in capabilities(user) and bool(user.is_staff)


def is_organisation_admin(user: Any) -> bool:
    return Capability.ORGANISATION_ADMIN in capabilities(user) and user.organisation_id is not None


def is_partnership_admin(user: Any) -> bool:
    return Capability.PARTNERSHIP_ADMIN in capabilities(user)


def is_auditor(user: Any) -> bool:
    return Capability.AUDITOR in capabilities(user)


def can_administer_organisation(user: Any, organisation: Organisation) -> bool:
    """SPOCs administer their own organisation only; system admins administer any."""
    if is_system_admin(user):
        return True
    return is_organisation_admin(user) and user.organisation_id == organisation.pk


def can_administer_user(user: Any, other: User) -> bool:
    """May ``user`` invite, deactivate, move or change the role of ``other``?"""
    if other.organisation is None:
        return is_system_admin(user)
    return can_administer_organisation(user, other.organisation)
