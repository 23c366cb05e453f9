"""Tasking pages: tasks, queues, watches, alert rules and the notification centre."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "tasking"

urlpatterns: list[URLPattern | URLResolver] = []
