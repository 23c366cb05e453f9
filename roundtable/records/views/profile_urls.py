"""URLs for people's pages (see records/urls.py): /records/people/..."""

from __future__ import annotations

from django.urls import URLPattern, path

from roundtable.records.views import families, profiles

urlpatterns: list[URLPattern] = [
    path("people/new/", profiles.profile_create, name="profile_create"),
    path("people/<uuid:code>/", profiles.profile_detail, name="profile_detail"),
    path("people/<uuid:code>/edit/", profiles.profile_edit, name="profile_edit"),
    path("people/<uuid:code>/family/", families.profile_family, name="profile_family"),
    path(
        "people/<uuid:code>/family/case/",
        families.profile_family_case,
        name="profile_family_case",
    ),
    path("people/<uuid:code>/edit/<slug:part>/", profiles.profile_edit, name="profile_edit_part"),
    path(
        "people/<uuid:code>/photo/upload/",
        profiles.profile_photo_upload,
        name="profile_photo_upload",
    ),
    path(
        "people/<uuid:code>/photo/<str:size>/",
        profiles.profile_photo,
        name="profile_photo",
    ),
    path("people/<uuid:code>/add/<slug:item>/", profiles.profile_item_add, name="profile_item_add"),
    path(
        "people/<uuid:code>/<slug:item>/<int:pk>/end/",
        profiles.profile_item_end,
        name="profile_item_end",
    ),
    path(
        "people/<uuid:code>/warning/<int:pk>/review/",
        profiles.profile_warning_review,
        name="profile_warning_review",
    ),
]
