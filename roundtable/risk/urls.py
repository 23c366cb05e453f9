"""Risk pages: offences, scores and patterns of a person; rankings; the admin's harm models."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from roundtable.risk.views import admin, imports, offences, person, rankings

app_name = "risk"

PERSON = "person/<uuid:code>/"
OFFENCE = PERSON + "offences/<uuid:offence>/"
RANKING = "rankings/<slug:scope>/<str:key>/"

urlpatterns: list[URLPattern | URLResolver] = [
    path("offences/import/", imports.offence_import, name="offence_import"),
    path(PERSON + "offences/", offences.offence_list, name="offence_list"),
    path(PERSON + "offences/new/", offences.offence_add, name="offence_add"),
    path(OFFENCE + "edit/", offences.offence_edit, name="offence_edit"),
    path(OFFENCE + "remove/", offences.offence_remove, name="offence_remove"),
    path(PERSON + "harm/", person.person_harm, name="person_harm"),
    path(PERSON + "pattern/", person.person_pattern, name="person_pattern"),
    path("rankings/", rankings.ranking_index, name="ranking_index"),
    path(RANKING, rankings.ranking, name="ranking"),
    path(RANKING + "pattern/", rankings.ranking_pattern, name="ranking_pattern"),
    path(RANKING + "override/<uuid:person>/", rankings.override_add, name="override_add"),
    path(RANKING + "overrides/<uuid:override>/end/", rankings.override_end, name="override_end"),
    path("admin/", admin.harm_admin, name="harm_admin"),
    path("admin/categories/new/", admin.category_add, name="category_add"),
    path("admin/categories/<int:pk>/", admin.category_edit, name="category_edit"),
    path("admin/models/new/<slug:kind>/", admin.model_publish, name="model_publish"),
    path("models/<uuid:code>/", admin.model_detail, name="model_detail"),
]
