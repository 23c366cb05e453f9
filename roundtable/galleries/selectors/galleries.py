"""Reads of galleries and their members, always through the gallery's rules and the policy."""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from django.db.models import Exists, OuterRef, Q, QuerySet

from roundtable.galleries import access
from roundtable.galleries.models import Gallery, GalleryAccess, GalleryMembership, MembershipState
from roundtable.lib.prepared import PreparedQuery
from roundtable.sharing import policy
from roundtable.sharing.sections import BIT, RecordKind


def galleries_for(viewer: policy.Viewer) -> QuerySet[Gallery]:
    """The active galleries the viewer's acting team may open, by name."""
    if viewer.team_id is None:
        return Gallery.objects.none()
    return _openable(viewer.team_id, viewer.partnership_id)


def _openable(team: int, partnership: int | None) -> QuerySet[Gallery]:
    """The rule behind ``galleries_for``: managed by the team, naming it, or open to its
    partnership; active; by name."""
    condition = Q(managing_teams=team) | Q(viewer_teams=team)
    if partnership is not None:
        condition |= Q(access=GalleryAccess.PARTNERSHIP, partnership_id=partnership)
    ids = Gallery.objects.filter(condition, is_active=True).values("pk")
    return Gallery.objects.filter(pk__in=ids).order_by("name")


def _openable_with_managed(team: int, partnership: int | None) -> QuerySet[Gallery]:
    """``_openable`` with "does the team manage it", loading only what the card shows."""
    managed = Gallery.objects.filter(pk=OuterRef("pk"), managing_teams=team)
    return (
        _openable(team, partnership)
        .annotate(managed=Exists(managed))
        .only("id", "code", "name", "section")
    )


#: ``galleries_for`` with "does the team manage it", compiled once per process (lib/prepared.py):
#: the ORM took longer to build and compile it (about 1.3 ms) than the database took to answer,
#: on every person's page.
_OPENABLE_WITH_MANAGED = PreparedQuery(
    _openable_with_managed, team=-7_401_001, partnership=-7_401_002
)


def _card_galleries(viewer: policy.Viewer, team: int) -> dict[int, Gallery]:
    """The galleries the viewer may open, each with ``managed``, by id. Only the card's fields
    are loaded; any other is read from the database if something asks for it."""
    if viewer.partnership_id is None:  # a different shape of query: the ORM's own way
        found = list(_openable_with_managed(team, None))
    else:
        found = _OPENABLE_WITH_MANAGED.objects(team=team, partnership=viewer.partnership_id)
    return {gallery.pk: gallery for gallery in found}


def _gallery_query(code: UUID, team: int) -> QuerySet[Gallery]:
    """The gallery with this code, its partnership and current form, and whether the team
    manages it or is named as a viewer."""
    return (
        Gallery.objects.select_related("partnership", "form__current_version")
        .filter(code=code)
        .annotate(
            team_manages=Exists(
                Gallery.managing_teams.through.objects.filter(
                    gallery_id=OuterRef("pk"), team_id=team
                )
            ),
            team_named=Exists(
                Gallery.viewer_teams.through.objects.filter(gallery_id=OuterRef("pk"), team_id=team)
            ),
        )
        .order_by("pk")[:1]
    )


#: Every gallery page and gallery ranking reads its gallery this way: compiled once per process
#: (lib/prepared.py), where the ORM took longer to build the three-table join with its two
#: EXISTS than the database took to answer it.
_GALLERY_FOR_TEAM = PreparedQuery(
    _gallery_query, code=UUID("00000000-0000-4000-8000-00000000f0a1"), team=-7_401_004
)


def gallery_for(viewer: policy.Viewer, code: UUID | str) -> Gallery | None:
    """The gallery with this code if the viewer may open it; None otherwise (the caller 404s).

    One query: the gallery, its partnership and current form, and whether the viewer's acting
    team manages it or is named as a viewer (``access`` then asks nothing more)."""
    team = viewer.team_id
    if team is None:  # no acting team opens any gallery (``access.may_open``)
        return None
    try:
        key = code if isinstance(code, UUID) else UUID(str(code))
    except ValueError:
        return None
    found = _GALLERY_FOR_TEAM.objects(code=key, team=team)
    if not found:
        return None
    gallery: Gallery = found[0]
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


#: The person's spells in every gallery, for the card (compiled once, as above).
_SPELLS = PreparedQuery(
    lambda profile: GalleryMembership.objects.filter(profile_id=profile).order_by(
        "gallery__name", "-added_on"
    ),
    profile=-7_401_003,
)


def person_galleries(
    viewer: policy.Viewer, profile: Any
) -> tuple[list[GalleryMembership], list[Gallery]]:
    """For the person's page: their spells in galleries the viewer may open and whose section
    they see of this person, and the galleries the viewer's team manages that they could be
    added to. Two queries; the person's section mask comes from the policy's per-request cache
    (the page has just asked it)."""
    mask = policy.section_mask(viewer, cast(policy.Record, profile))
    if not mask or viewer.team_id is None:
        return [], []
    openable = _card_galleries(viewer, viewer.team_id)
    spells = [
        spell
        for spell in _SPELLS.objects(profile=profile.pk)
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
