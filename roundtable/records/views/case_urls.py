"""URLs for cases, case types, premises and groups (see records/urls.py; namespace "records")."""

from __future__ import annotations

from django.urls import URLPattern, path

from roundtable.records.views import case_types, cases, places

urlpatterns: list[URLPattern] = [
    path("cases/", cases.my_cases, name="my_cases"),
    path("cases/overdue-reviews/", cases.overdue_reviews, name="overdue_reviews"),
    path("cases/new/", cases.case_create_choose, name="case_create_choose"),
    path("cases/new/<uuid:type_code>/", cases.case_create, name="case_create"),
    path("cases/<uuid:code>/", cases.case_detail, name="case_detail"),
    path("cases/<uuid:code>/edit/", cases.case_edit, name="case_edit"),
    path("cases/<uuid:code>/stage/", cases.case_stage, name="case_stage"),
    path("cases/<uuid:code>/close/", cases.case_close, name="case_close"),
    path("cases/<uuid:code>/risk/", cases.case_rag, name="case_rag"),
    path("cases/<uuid:code>/members/add/", cases.case_member_add, name="case_member_add"),
    path(
        "cases/<uuid:code>/members/<int:member_id>/remove/",
        cases.case_member_remove,
        name="case_member_remove",
    ),
    path("cases/<uuid:code>/links/add/", cases.case_link_add, name="case_link_add"),
    path(
        "cases/<uuid:code>/links/<int:link_id>/remove/",
        cases.case_link_remove,
        name="case_link_remove",
    ),
    path("case-types/", case_types.case_type_list, name="case_type_list"),
    path("case-types/new/", case_types.case_type_create, name="case_type_create"),
    path("case-types/<uuid:code>/", case_types.case_type_detail, name="case_type_detail"),
    path("case-types/<uuid:code>/edit/", case_types.case_type_edit, name="case_type_edit"),
    path(
        "case-types/<uuid:code>/defaults/add/",
        case_types.case_type_default_add,
        name="case_type_default_add",
    ),
    path(
        "case-types/<uuid:code>/defaults/<int:default_id>/remove/",
        case_types.case_type_default_remove,
        name="case_type_default_remove",
    ),
    path("premises/new/", places.premises_create, name="premises_create"),
    path("premises/<uuid:code>/", places.premises_detail, name="premises_detail"),
    path("premises/<uuid:code>/edit/", places.premises_edit, name="premises_edit"),
    path("premises/<uuid:code>/people/add/", places.premises_link_add, name="premises_link_add"),
    path(
        "premises/<uuid:code>/people/<int:link_id>/remove/",
        places.premises_link_remove,
        name="premises_link_remove",
    ),
    path("groups/new/", places.group_create, name="group_create"),
    path("groups/<uuid:code>/", places.group_detail, name="group_detail"),
    path("groups/<uuid:code>/edit/", places.group_edit, name="group_edit"),
    path("groups/<uuid:code>/members/add/", places.group_member_add, name="group_member_add"),
    path(
        "groups/<uuid:code>/members/<int:member_id>/remove/",
        places.group_member_remove,
        name="group_member_remove",
    ),
]
