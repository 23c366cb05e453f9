from __future__ import annotations

from datetime import timedelta

from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    """Diary entries, the case timeline, enforcement actions, documents and letters."""

    name = "roundtable.casework"
    label = "casework"
    verbose_name = "Casework"

    def ready(self) -> None:
        from roundtable.casework import timeline
        from roundtable.casework.selectors.documents import case_document_items
        from roundtable.casework.selectors.timeline import diary_items, stage_items

        timeline.register_source("diary", diary_items)
        timeline.register_source("stage", stage_items)
        timeline.register_source("document", case_document_items)
        register_enforcement()
        register_case_review_notices()


def register_enforcement() -> None:
    """Enforcement's periodic task and its source for the case timeline."""
    from roundtable.casework import timeline
    from roundtable.casework.selectors.enforcement import enforcement_timeline
    from roundtable.casework.tasks import enforcement_attention
    from roundtable.tasking import schedule

    # Hourly: idempotent (a flagged date is not flagged twice), and an expiry at midnight is
    # marked within the hour whenever the scheduler was (re)started.
    schedule.register(
        name="casework.enforcement_attention", every=timedelta(hours=1), task=enforcement_attention
    )
    timeline.register_source("enforcement", enforcement_timeline)


def register_case_review_notices() -> None:
    """ASB case reviews as a subject of notices: read by the lead and the partnership admins."""
    from roundtable.casework.selectors import case_review
    from roundtable.tasking import notice_subjects

    notice_subjects.register(
        notice_subjects.NoticeSubject(
            kind="case_review",
            readers=case_review.case_review_readers,
            visible=case_review.case_reviews_visible_to,
            references=case_review.case_review_references,
            url=case_review.case_review_url,
        )
    )
