from __future__ import annotations

from django.apps import AppConfig


class SharingConfig(AppConfig):
    """Information sharing agreements, grants, access requests and THE policy."""

    name = "roundtable.sharing"
    label = "sharing"
    verbose_name = "Sharing"

    def ready(self) -> None:
        from roundtable.lib import lookups

        lookups.register()  # ``__in_ids``, for filters by ``policy.visible_ids``
