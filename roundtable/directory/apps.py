from __future__ import annotations

from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    """Partnerships, organisations, teams, users, memberships and capabilities."""

    name = "roundtable.directory"
    label = "directory"
    verbose_name = "Directory"
