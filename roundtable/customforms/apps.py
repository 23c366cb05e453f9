from __future__ import annotations

from django.apps import AppConfig


class CustomformsConfig(AppConfig):
    """Configurable forms: versioned field schemas, their values, validation, rendering, scoring."""

    name = "roundtable.customforms"
    label = "customforms"
    verbose_name = "Configurable forms"
