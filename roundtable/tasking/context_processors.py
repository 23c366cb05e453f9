"""The header's notification badge: the signed-in user's unread count, counted only if shown.

One indexed count query (the partial index on unread notifications), run when the template
first reads it and never again in that request. It counts delivered, unread notifications; the
notification centre re-checks each against the policy before showing it.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.http import HttpRequest


class UnreadBadge:
    """``badge.count``: the user's unread notifications, counted on first use."""

    def __init__(self, user: Any) -> None:
        self.user = user

    @cached_property
    def count(self) -> int:
        from roundtable.tasking.selectors.notifications import unread_count  # at call time

        return unread_count(self.user)


def notifications(request: HttpRequest) -> dict[str, Any]:
    """Adds ``notification_badge`` (or None when nobody is signed in) to every template."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"notification_badge": None}
    return {"notification_badge": UnreadBadge(user)}
