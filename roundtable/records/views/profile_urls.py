"""URLs for profile pages (owned by the profile work; see records/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
