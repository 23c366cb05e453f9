"""The project's URL map plus the custody page under the galleries namespace, for tests run
before the galleries URL list includes ``urls_custody`` (the lead includes it on merge)."""

from __future__ import annotations

from django.urls import include, path

from roundtable.urls import handler400, handler403, handler404, handler500
from roundtable.urls import urlpatterns as base

urlpatterns = [
    *base,
    path("galleries/", include(("roundtable.galleries.urls_custody", "galleries"))),
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
