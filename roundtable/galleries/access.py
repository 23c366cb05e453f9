"""Who may open a gallery, manage it, or add people to it: the gallery's own rules.

A gallery is a list of people, so opening it is only the first gate: each member is then shown
only when ``sharing.policy`` shows the viewer the gallery's section of that person
(``galleries.selectors``). These rules decide nothing about any person's record.
"""

from __future__ import annotations

from roundtable.galleries.models import Gallery, GalleryAccess
from roundtable.sharing import policy


def may_open(viewer: policy.Viewer, gallery: Gallery) -> bool:
    """May the viewer's acting team open the gallery's page (and know it exists)?"""
    if viewer.team_id is None or not gallery.is_active:
        return False
    if is_manager(viewer, gallery) or _named(viewer, gallery):
        return True
    return (
        gallery.access == GalleryAccess.PARTNERSHIP
        and viewer.partnership_id is not None
        and viewer.partnership_id == gallery.partnership_id
    )


def remember_team(gallery: Gallery, team_id: int, *, manages: bool, named: bool) -> None:
    """Keep on this gallery object whether a team manages it or is named as a viewer, as read
    with the gallery itself (``selectors.galleries.gallery_for``), so the rules below ask nothing
    more for that team."""
    gallery._team_access = (team_id, manages, named)  # type: ignore[attr-defined]


def _remembered(viewer: policy.Viewer, gallery: Gallery) -> tuple[bool, bool] | None:
    known = getattr(gallery, "_team_access", None)
    if known is None or known[0] != viewer.team_id:
        return None
    return known[1], known[2]


def is_manager(viewer: policy.Viewer, gallery: Gallery) -> bool:
    """Is the viewer's acting team one of the gallery's managing teams?"""
    if viewer.team_id is None:
        return False
    known = _remembered(viewer, gallery)
    if known is not None:
        return known[0]
    ids = getattr(gallery, "_managing_ids", None)
    if ids is None:
        ids = frozenset(gallery.managing_teams.values_list("pk", flat=True))
        gallery._managing_ids = ids  # type: ignore[attr-defined]
    return viewer.team_id in ids


def _named(viewer: policy.Viewer, gallery: Gallery) -> bool:
    known = _remembered(viewer, gallery)
    if known is not None:
        return known[1]
    ids = getattr(gallery, "_viewer_ids", None)
    if ids is None:
        ids = frozenset(gallery.viewer_teams.values_list("pk", flat=True))
        gallery._viewer_ids = ids  # type: ignore[attr-defined]
    return viewer.team_id in ids


def needs_purpose(viewer: policy.Viewer, gallery: Gallery) -> bool:
    """At the "audited" level, a team outside the managers states why it opens the gallery."""
    return gallery.access_level == "audited" and not is_manager(viewer, gallery)
