"""The header's notification badge: the signed-in user's unread count, counted only if shown.

The count is one of the shell's figures (``directory.context_processors.shell_figures``): one
query for all of them, run when the template first reads one and never again in that request.
It counts delivered, unread notifications; the notification centre re-checks each against the
policy before showing it.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.http import HttpRequest

from roundtable.directory.context_processors import shell_figures


class UnreadBadge:
    """``badge.count``: the user's unread notifications, counted on first use."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    @cached_property
    def count(self) -> int:
        return shell_figures(self.request).unread_notifications


def notifications(request: HttpRequest) -> dict[str, Any]:
    """Adds ``notification_badge`` (or None when nobody is signed in) to every template."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"notification_badge": None}
    return {"notification_badge": UnreadBadge(request)}
