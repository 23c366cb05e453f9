"""Casework pages: diary, timeline, enforcement, documents and letters."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from roundtable.casework.views import document_urls, letter_urls

app_name = "casework"

urlpatterns: list[URLPattern | URLResolver] = [
    *document_urls.urlpatterns,
    *letter_urls.urlpatterns,
]
