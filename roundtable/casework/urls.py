"""Casework pages: diary, timeline, enforcement, documents and letters."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from roundtable.casework.views import (
    diary,
    document_urls,
    enforcement_urls,
    letter_urls,
    timeline,
)

app_name = "casework"

# <kind> is the record kind's slug (person, premises, group, case); anything else is a 404.
ENTRY = "<slug:kind>/<uuid:code>/diary/<uuid:entry>/"

urlpatterns: list[URLPattern | URLResolver] = [
    path("<slug:kind>/<uuid:code>/diary/", diary.diary_list, name="diary_list"),
    path("<slug:kind>/<uuid:code>/diary/new/", diary.diary_entry_add, name="diary_entry_add"),
    path(ENTRY, diary.diary_entry, name="diary_entry"),
    path(f"{ENTRY}correct/", diary.diary_entry_correct, name="diary_entry_correct"),
    path(f"{ENTRY}retract/", diary.diary_entry_retract, name="diary_entry_retract"),
    path("case/<uuid:code>/timeline/", timeline.case_timeline_page, name="case_timeline"),
    *document_urls.urlpatterns,
    *letter_urls.urlpatterns,
    *enforcement_urls.urlpatterns,
]
