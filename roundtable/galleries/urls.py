"""Gallery pages: the list, a gallery, its members, saved views, exports, and administration."""

from __future__ import annotations

from django.urls import path

from roundtable.galleries.urls_custody import urlpatterns as custody_patterns
from roundtable.galleries.views import admin, galleries, memberships

app_name = "galleries"

urlpatterns = [
    *custody_patterns,
    path("", galleries.gallery_list, name="gallery_list"),
    path("manage/", admin.definition_list, name="definition_list"),
    path("manage/new/", admin.definition_create, name="definition_create"),
    path("manage/<uuid:code>/", admin.definition_detail, name="definition_detail"),
    path("manage/<uuid:code>/edit/", admin.definition_edit, name="definition_edit"),
    path(
        "manage/<uuid:code>/<str:active>/",
        admin.definition_set_active,
        name="definition_set_active",
    ),
    path("members/<uuid:code>/", memberships.membership_detail, name="membership_detail"),
    path("members/<uuid:code>/edit/", memberships.membership_edit, name="membership_edit"),
    path("members/<uuid:code>/answers/", memberships.membership_answers, name="membership_answers"),
    path("members/<uuid:code>/remove/", memberships.membership_remove, name="membership_remove"),
    path("<uuid:code>/", galleries.gallery_detail, name="gallery_detail"),
    path("<uuid:code>/purpose/", galleries.gallery_purpose, name="gallery_purpose"),
    path("<uuid:code>/export.<str:file_format>", galleries.gallery_export, name="gallery_export"),
    path("<uuid:code>/views/", galleries.saved_view_save, name="saved_view_save"),
    path("<uuid:code>/views/<int:view_id>/", galleries.saved_view_apply, name="saved_view_apply"),
    path(
        "<uuid:code>/views/<int:view_id>/delete/",
        galleries.saved_view_delete,
        name="saved_view_delete",
    ),
    path("<uuid:code>/add/", memberships.member_search, name="member_search"),
    path("<uuid:code>/add/<uuid:person>/", memberships.member_add, name="member_add"),
]
