"""Casework pages: diary, timeline, enforcement, documents and letters."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "casework"

urlpatterns: list[URLPattern | URLResolver] = []
