"""Account pages Roundtable adds beside allauth's (mounted under /accounts/)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
