"""The galleries app: cohorts of people with their own fields, rules and views."""

from __future__ import annotations

from django.apps import AppConfig


class GalleriesConfig(AppConfig):
    """Galleries (Foreign Nationals, Families, IOM, ...), their memberships and saved views."""

    name = "roundtable.galleries"
    label = "galleries"
    verbose_name = "Galleries"
