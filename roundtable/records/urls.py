"""Record pages. Each subject keeps its own URL list, views module and templates folder."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from roundtable.records.views import case_urls, profile_urls, search_urls

app_name = "records"

urlpatterns: list[URLPattern | URLResolver] = [
    *profile_urls.urlpatterns,
    *search_urls.urlpatterns,
    *case_urls.urlpatterns,
]
