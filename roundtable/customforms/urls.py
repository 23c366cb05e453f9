"""Form administration pages, mounted at /forms/ (partnership admins only)."""

from __future__ import annotations

from django.urls import URLPattern, path

from roundtable.customforms import views

app_name = "customforms"

FORM = "<uuid:code>/"

urlpatterns: list[URLPattern] = [
    path("", views.definition_list, name="definition_list"),
    path(FORM, views.definition_detail, name="definition_detail"),
    path(FORM + "draft/", views.draft_edit, name="draft_edit"),
    path(FORM + "draft/questions/new/", views.question_add, name="question_add"),
    path(
        FORM + "draft/questions/<slug:key>/remove/", views.question_remove, name="question_remove"
    ),
    path(FORM + "publish/", views.version_publish, name="version_publish"),
    path(FORM + "versions/<int:number>/", views.version_detail, name="version_detail"),
]
