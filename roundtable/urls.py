"""The URL map: each app brings its own urls module; the project adds the shell pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from roundtable import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("roundtable.directory.account_urls")),
    path("accounts/", include("allauth.urls")),
    path("directory/", include("roundtable.directory.urls")),
    path("audit/", include("roundtable.audit.urls")),
    path("records/", include("roundtable.records.urls")),
    path("forms/", include("roundtable.customforms.urls")),
    path("sharing/", include("roundtable.sharing.urls")),
    path("casework/", include("roundtable.casework.urls")),
    path("tasks/", include("roundtable.tasking.urls")),
    path("risk/", include("roundtable.risk.urls")),
    path("galleries/", include("roundtable.galleries.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]

handler400 = "roundtable.views.bad_request"
handler403 = "roundtable.views.permission_denied"
handler404 = "roundtable.views.page_not_found"
handler500 = "roundtable.views.server_error"
