from __future__ import annotations

from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    """Partnerships, organisations, teams, users, memberships and capabilities."""

    name = "roundtable.directory"
    label = "directory"
    verbose_name = "Directory"

    def ready(self) -> None:
        from roundtable.directory import receivers  # noqa: F401  (connects the signal receivers)
