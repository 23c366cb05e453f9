from __future__ import annotations

from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    """Diary entries, the case timeline, enforcement actions, documents and letters."""

    name = "roundtable.casework"
    label = "casework"
    verbose_name = "Casework"
