"""Directory pages: the user's own account, team switching and organisation administration."""

from __future__ import annotations

from django.urls import path

from roundtable.directory import views

app_name = "directory"

urlpatterns = [
    path("account/", views.my_account, name="my_account"),
    path("switch-team/", views.switch_team, name="switch_team"),
    path("organisation/", views.organisation_admin, name="organisation_admin"),
    path("users/<uuid:code>/", views.user_detail, name="user_detail"),
]
