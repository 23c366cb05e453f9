"""Test helpers for galleries: a gallery made through the service, and its people. All invented."""

from __future__ import annotations

from datetime import date
from typing import Any

from roundtable.directory.models import Team, User
from roundtable.galleries.models import Gallery, GalleryAccess, GalleryMembership
from roundtable.galleries.services.galleries import GalleryDetails, gallery_create
from roundtable.galleries.services.memberships import membership_add, membership_remove
from roundtable.records.models import Profile
from roundtable.risk.tests.risk_helpers import partnership_of, person, share, team_of

__all__ = ["add", "gallery", "partnership_of", "person", "remove", "share", "team_of"]

#: A small form: a promoted status text, a choice, a date and one answer in the sensitive section.
FIELDS: list[dict[str, Any]] = [
    {"key": "nationality", "label": "Nationality", "type": "country", "section": "identity"},
    {
        "key": "custody",
        "label": "Custody status",
        "type": "choice",
        "section": "risk",
        "choices": [
            {"value": "in_custody", "label": "In custody"},
            {"value": "community", "label": "In the community"},
        ],
    },
    {"key": "notified_on", "label": "Home Office notified", "type": "date", "section": "risk"},
    {"key": "health", "label": "Health needs", "type": "text", "section": "sensitive"},
]


def gallery(
    manager: User,
    name: str = "Foreign Nationals",
    *,
    access: str = GalleryAccess.TEAMS,
    section: str = "risk",
    statuses: tuple[str, ...] = ("In custody", "In the community"),
    viewer_teams: tuple[Team, ...] = (),
    fields: Any = FIELDS,
    **extra: Any,
) -> Gallery:
    """A gallery managed by the user's team, made by the system (as a seed would)."""
    details = GalleryDetails(
        name=name,
        purpose="Managing foreign national offenders with the Home Office.",
        access=access,
        section=section,
        statuses=statuses,
        managing_teams=(team_of(manager),),
        viewer_teams=viewer_teams,
        **extra,
    )
    return gallery_create(
        actor=None, partnership=partnership_of(manager), details=details, fields=fields
    )


def add(
    manager: User,
    chosen: Gallery,
    profile: Profile,
    *,
    status: str = "In custody",
    answers: dict[str, Any] | None = None,
    added_on: date = date(2026, 1, 5),
) -> GalleryMembership:
    """Add a person through the service, acting as the manager's team."""
    return membership_add(
        actor=manager,
        team=team_of(manager),
        gallery=chosen,
        profile=profile,
        added_on=added_on,
        reason="Meets the eligibility: convicted, not a British citizen.",
        status=status,
        answers=answers,
    )


def remove(
    manager: User, spell: GalleryMembership, *, on: date, reason: str = "Left the area."
) -> GalleryMembership:
    """End a spell through the service, acting as the manager's team."""
    return membership_remove(
        actor=manager,
        team=team_of(manager),
        spell=spell,
        removed_on=on,
        reason=reason,
        expected_version=spell.version,
    )
