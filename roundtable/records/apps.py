from __future__ import annotations

from django.apps import AppConfig


class RecordsConfig(AppConfig):
    """Profiles (people), premises, groups, cases and case types, and the person search index."""

    name = "roundtable.records"
    label = "records"
    verbose_name = "Records"
