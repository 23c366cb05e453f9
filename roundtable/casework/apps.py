from __future__ import annotations

from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    """Diary entries, the case timeline, enforcement actions, documents and letters."""

    name = "roundtable.casework"
    label = "casework"
    verbose_name = "Casework"

    def ready(self) -> None:
        from roundtable.casework import timeline
        from roundtable.casework.selectors.timeline import diary_items, stage_items

        timeline.register_source("diary", diary_items)
        timeline.register_source("stage", stage_items)

        from roundtable.casework.selectors.documents import case_document_items

        timeline.register_source("document", case_document_items)
