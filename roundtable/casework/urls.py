"""Casework pages: diary, timeline, enforcement, documents, letters and panel meetings."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from roundtable.casework.views import panels

app_name = "casework"

MEETING = "meetings/<uuid:code>/"
ITEM = MEETING + "agenda/<int:item_id>/"

urlpatterns: list[URLPattern | URLResolver] = [
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
