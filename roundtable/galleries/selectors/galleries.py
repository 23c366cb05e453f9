"""Reads of galleries and their members, always through the gallery's rules and the policy."""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from django.db.models import Exists, OuterRef, Q, QuerySet

from roundtable.galleries import access
from roundtable.galleries.models import Gallery, GalleryAccess, GalleryMembership, MembershipState
from roundtable.sharing import policy
from roundtable.sharing.sections import BIT, RecordKind


def galleries_for(viewer: policy.Viewer) -> QuerySet[Gallery]:
    """The active galleries the viewer's acting team may open, by name."""
    if viewer.team_id is None:
        return Gallery.objects.none()
    condition = Q(managing_teams=viewer.team_id) | Q(viewer_teams=viewer.team_id)
    if viewer.partnership_id is not None:
        condition |= Q(access=GalleryAccess.PARTNERSHIP, partnership_id=viewer.partnership_id)
    ids = Gallery.objects.filter(condition, is_active=True).values("pk")
    return Gallery.objects.filter(pk__in=ids).order_by("name")


def gallery_for(viewer: policy.Viewer, code: UUID | str) -> Gallery | None:
    """The gallery with this code if the viewer may open it; None otherwise (the caller 404s).

    One query: the gallery, its partnership and current form, and whether the viewer's acting
    team manages it or is named as a viewer (``access`` then asks nothing more)."""
    rows = Gallery.objects.select_related("partnership", "form__current_version").filter(code=code)
    team = viewer.team_id
    if team is not None:
        rows = rows.annotate(
            team_manages=Exists(
                Gallery.managing_teams.through.objects.filter(
                    gallery_id=OuterRef("pk"), team_id=team
                )
            ),
            team_named=Exists(
                Gallery.viewer_teams.through.objects.filter(gallery_id=OuterRef("pk"), team_id=team)
            ),
        )
    gallery = rows.first()
    if gallery is None:
        return None
    if team is not None:
        access.remember_team(
            gallery,
            team,
            manages=getattr(gallery, "team_manages", False),
            named=getattr(gallery, "team_named", False),
        )
    return gallery if access.may_open(viewer, gallery) else None


def members(
    viewer: policy.Viewer, gallery: Gallery, *, state: str | None = MembershipState.CURRENT
) -> QuerySet[GalleryMembership]:
    """The gallery's spells whose person the viewer may see the gallery's section of.

    The caller has already checked ``access.may_open``; this filters each person through the
    policy, so a count or an export of the result never includes anyone the viewer cannot see.
    """
    rows = GalleryMembership.objects.filter(gallery=gallery)
    if state is not None:
        rows = rows.filter(state=state)
    return policy.visible_through(
        viewer, rows, kind=RecordKind.PROFILE, field="profile_id", section=gallery.section
    )


def person_galleries(
    viewer: policy.Viewer, profile: Any
) -> tuple[list[GalleryMembership], list[Gallery]]:
    """For the person's page: their spells in galleries the viewer may open and whose section
    they see of this person, and the galleries the viewer's team manages that they could be
    added to. Two queries; the person's section mask comes from the policy's per-request cache
    (the page has just asked it)."""
    mask = policy.section_mask(viewer, cast(policy.Record, profile))
    if not mask:
        return [], []
    managed = Gallery.objects.filter(pk=OuterRef("pk"), managing_teams=viewer.team_id)
    openable: dict[int, Gallery] = {
        gallery.pk: gallery for gallery in galleries_for(viewer).annotate(managed=Exists(managed))
    }
    spells = [
        spell
        for spell in GalleryMembership.objects.filter(profile_id=profile.pk).order_by(
            "gallery__name", "-added_on"
        )
        if spell.gallery_id in openable
        and mask & BIT[openable[spell.gallery_id].section]
        # A removed spell is the managing teams' alone, as on the gallery page (``spell_for``).
        and (spell.is_current or getattr(openable[spell.gallery_id], "managed", False))
    ]
    for spell in spells:
        spell.gallery = openable[spell.gallery_id]
    current = {spell.gallery_id for spell in spells if spell.is_current}
    addable = [
        gallery
        for gallery in openable.values()
        if getattr(gallery, "managed", False)
        and gallery.pk not in current
        and mask & BIT[gallery.section]
    ]
    return spells, addable
