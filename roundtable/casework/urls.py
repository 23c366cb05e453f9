"""Casework pages: diary, timeline, enforcement, documents and letters."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from roundtable.casework.views import enforcement_urls

app_name = "casework"

urlpatterns: list[URLPattern | URLResolver] = [
    *enforcement_urls.urlpatterns,
]
