"""Auditor pages."""

from __future__ import annotations

from django.urls import path

from roundtable.audit import views

app_name = "audit"

urlpatterns = [
    path("events/", views.event_list, name="event_list"),
]
