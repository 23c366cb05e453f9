from __future__ import annotations

from django.apps import AppConfig


class SharingConfig(AppConfig):
    """Information sharing agreements, grants, access requests and THE policy."""

    name = "roundtable.sharing"
    label = "sharing"
    verbose_name = "Sharing"
