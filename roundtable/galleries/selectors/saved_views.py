"""Reads of saved views: a user's own views of a gallery and those shared with their team."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from roundtable.galleries.models import Gallery, SavedView
from roundtable.sharing import policy


def saved_views_for(user: Any, viewer: policy.Viewer, gallery: Gallery) -> QuerySet[SavedView]:
    """The gallery's views the user saved, and those shared with their acting team, by name."""
    condition = Q(owner_id=user.pk)
    if viewer.team_id is not None:
        condition |= Q(team_id=viewer.team_id)
    return (
        SavedView.objects.filter(condition, gallery=gallery)
        .select_related("owner")
        .order_by("name", "pk")
    )
