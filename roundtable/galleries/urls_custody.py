"""The custody-update page's address, included by the galleries URL list (names: custody_*)."""

from __future__ import annotations

from django.urls import URLPattern, path

from roundtable.galleries.views.custody import custody_update

urlpatterns: list[URLPattern] = [
    path("members/<uuid:code>/custody/", custody_update, name="custody_update"),
]
