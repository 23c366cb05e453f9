"""Auditor pages: search, one event, CSV export."""

from __future__ import annotations

from django.urls import path

from roundtable.audit import views

app_name = "audit"

urlpatterns = [
    path("events/", views.event_list, name="event_list"),
    path("events/export.csv", views.event_export, name="event_export"),
    path("events/<int:event_id>/", views.event_detail, name="event_detail"),
]
