"""Small helpers the sharing views share. Nothing here decides access to a record."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from roundtable.directory.models import Team, User
from roundtable.sharing import kinds

PAGE_SIZE = 50


def signed_in(request: HttpRequest) -> User:
    """The signed-in user (every sharing view is behind login_required)."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def acting_team(request: HttpRequest) -> Team:
    """The team the user is working as; 403 for someone who is not working as a team."""
    team = getattr(request, "acting_team", None)
    if not isinstance(team, Team):
        raise PermissionDenied
    return team


def acting_team_id(request: HttpRequest) -> int:
    """The acting team's id; 403 for someone who is not working as a team."""
    team = getattr(request, "acting_team", None)
    if team is None:
        raise PermissionDenied
    return int(team.pk)


def require_acting_manager(request: HttpRequest) -> int:
    """The acting team's id when the user manages it; otherwise 403."""
    team_id = acting_team_id(request)
    if getattr(request, "acting_role", None) != "team_manager":
        raise PermissionDenied
    return team_id


def record_url(record: Any) -> str:
    """The record's own page, or home while that page is not built yet."""
    try:
        return str(record.get_absolute_url())
    except NoReverseMatch:
        return reverse("home")


def sharing_url(record: Any) -> str:
    return reverse(
        "sharing:record_sharing", kwargs={"kind": kinds.slug_for(record), "code": record.code}
    )


def positive_int(value: str | None) -> int | None:
    if value and value.isdigit() and 0 < int(value) < 2**62:
        return int(value)
    return None
