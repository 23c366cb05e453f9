"""The galleries app: cohorts of people with their own fields, rules and views."""

from __future__ import annotations

from datetime import timedelta

from django.apps import AppConfig


class GalleriesConfig(AppConfig):
    """Galleries (Foreign Nationals, Families, IOM, ...), their memberships and saved views."""

    name = "roundtable.galleries"
    label = "galleries"
    verbose_name = "Galleries"

    def ready(self) -> None:
        # Imported here: the ranking pages load models and views, which need the app registry.
        from roundtable.galleries.rankings import gallery_scope
        from roundtable.risk.views.rankings import register_scope

        register_scope("gallery", gallery_scope)

        from roundtable.galleries.tasks import erase_expired_spells
        from roundtable.tasking import schedule

        # Retention is counted in whole days, so once a day is enough; a missed run is made good
        # by the next one (it erases everything already past its date).
        schedule.register(
            name="galleries.erase_expired_spells",
            every=timedelta(days=1),
            task=erase_expired_spells,
        )
