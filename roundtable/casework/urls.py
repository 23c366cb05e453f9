"""Casework pages: diary, timeline, enforcement, documents, letters and panel meetings."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from roundtable.casework.views import (
    diary,
    document_urls,
    enforcement_urls,
    letter_urls,
    panels,
    timeline,
)

app_name = "casework"

MEETING = "meetings/<uuid:code>/"
ITEM = MEETING + "agenda/<int:item_id>/"

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
    path("meetings/new/", panels.meeting_create, name="meeting_create"),
    path(MEETING, panels.meeting_detail, name="meeting_detail"),
    path(MEETING + "edit/", panels.meeting_edit, name="meeting_edit"),
    path(MEETING + "held/", panels.meeting_held, name="meeting_held"),
    path(MEETING + "close/", panels.meeting_close, name="meeting_close"),
    path(MEETING + "attendees/add/", panels.attendee_add, name="meeting_attendee_add"),
    path(
        MEETING + "attendees/<int:attendee_id>/remove/",
        panels.attendee_remove,
        name="meeting_attendee_remove",
    ),
    path(MEETING + "attendance/", panels.attendance, name="meeting_attendance"),
    path(MEETING + "agenda/add/", panels.agenda_add, name="meeting_agenda_add"),
    path(ITEM + "remove/", panels.agenda_remove, name="meeting_agenda_remove"),
    path(MEETING + "minutes/", panels.minutes_edit, name="meeting_minutes"),
    path(ITEM + "minutes/", panels.minutes_edit, name="meeting_item_minutes"),
    path(MEETING + "decisions/add/", panels.decision_add, name="meeting_decision_add"),
    path(ITEM + "decisions/add/", panels.decision_add, name="meeting_item_decision_add"),
    path(MEETING + "actions/add/", panels.action_add, name="meeting_action_add"),
    path(ITEM + "actions/add/", panels.action_add, name="meeting_item_action_add"),
]
