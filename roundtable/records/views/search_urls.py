"""URLs for search pages (owned by the search work; see records/urls.py).

Search, duplicate review and merge history. A duplicate pair is addressed by its two profiles'
codes (first, second in the stored order), so no sequential id appears in a URL.
"""

from __future__ import annotations

from django.urls import URLPattern, path

from roundtable.records.views import search as views

urlpatterns: list[URLPattern] = [
    path("search/", views.search, name="search"),
    path("duplicates/", views.duplicate_list, name="duplicate_list"),
    path(
        "duplicates/<uuid:first>/<uuid:second>/",
        views.duplicate_detail,
        name="duplicate_detail",
    ),
    path(
        "duplicates/<uuid:first>/<uuid:second>/not-duplicate/",
        views.duplicate_not_duplicate,
        name="duplicate_not_duplicate",
    ),
    path(
        "duplicates/<uuid:first>/<uuid:second>/merge/",
        views.duplicate_merge,
        name="duplicate_merge",
    ),
    path("people/<uuid:code>/merges/", views.profile_merges, name="profile_merges"),
]
