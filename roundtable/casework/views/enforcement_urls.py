"""URLs for enforcement, ASB complaints, case reviews and their settings (namespace "casework")."""

from __future__ import annotations

from django.urls import URLPattern, path

from roundtable.casework.views import case_review, enforcement, settings

urlpatterns: list[URLPattern] = [
    path(
        "cases/<uuid:code>/enforcement/",
        enforcement.enforcement_ladder,
        name="enforcement_ladder",
    ),
    path(
        "cases/<uuid:code>/enforcement/add/",
        enforcement.enforcement_choose,
        name="enforcement_choose",
    ),
    path(
        "cases/<uuid:code>/enforcement/add/<str:kind>/",
        enforcement.enforcement_add,
        name="enforcement_add",
    ),
    path(
        "cases/<uuid:code>/enforcement/<uuid:action_code>/",
        enforcement.enforcement_detail,
        name="enforcement_detail",
    ),
    path(
        "cases/<uuid:code>/enforcement/<uuid:action_code>/serve/",
        enforcement.enforcement_serve,
        name="enforcement_serve",
    ),
    path(
        "cases/<uuid:code>/enforcement/<uuid:action_code>/change/",
        enforcement.enforcement_change,
        name="enforcement_change",
    ),
    path(
        "cases/<uuid:code>/enforcement/<uuid:action_code>/breach/",
        enforcement.enforcement_breach,
        name="enforcement_breach",
    ),
    path(
        "cases/<uuid:code>/enforcement/<uuid:action_code>/end/",
        enforcement.enforcement_end,
        name="enforcement_end",
    ),
    path(
        "cases/<uuid:code>/complaints/add/",
        case_review.case_complaint_add,
        name="case_complaint_add",
    ),
    path("people/<uuid:code>/complaints/", case_review.victim_complaints, name="victim_complaints"),
    path(
        "people/<uuid:code>/complaints/add/",
        case_review.victim_complaint_add,
        name="victim_complaint_add",
    ),
    path("case-reviews/", case_review.case_review_list, name="case_review_list"),
    path("case-reviews/<uuid:code>/", case_review.case_review_detail, name="case_review_detail"),
    path("settings/", settings.settings_index, name="settings"),
    path(
        "settings/enforcement/",
        settings.enforcement_settings_edit,
        name="enforcement_settings",
    ),
    path(
        "settings/case-review/",
        settings.case_review_settings_edit,
        name="case_review_settings",
    ),
]
