"""Directory pages: the user's own account, team switching, organisation administration and
the invitation link. Administration pages are addressed by public codes, never database ids."""

from __future__ import annotations

from django.urls import path

from roundtable.directory import views

app_name = "directory"

urlpatterns = [
    path("account/", views.my_account, name="my_account"),
    path("switch-team/", views.switch_team, name="switch_team"),
    # Organisation administration (SPOCs for their own organisation; system admins for any).
    path("organisation/", views.organisation_admin, name="organisation_admin"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<uuid:code>/", views.organisation_users, name="organisation_users"),
    path("organisations/<uuid:code>/invite/", views.user_invite, name="user_invite"),
    path("organisations/<uuid:code>/teams/", views.team_list, name="team_list"),
    path("organisations/<uuid:code>/teams/new/", views.team_create, name="team_create"),
    path("teams/<uuid:code>/", views.team_detail, name="team_detail"),
    path("teams/<uuid:code>/edit/", views.team_edit, name="team_edit"),
    path("teams/<uuid:code>/deactivate/", views.team_deactivate, name="team_deactivate"),
    path("users/<uuid:code>/", views.user_detail, name="user_detail"),
    path("users/<uuid:code>/edit/", views.user_edit, name="user_edit"),
    path("users/<uuid:code>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("users/<uuid:code>/reactivate/", views.user_reactivate, name="user_reactivate"),
    path(
        "users/<uuid:code>/resend-invitation/",
        views.user_invitation_resend,
        name="user_invitation_resend",
    ),
    path("users/<uuid:code>/unlock/", views.user_unlock, name="user_unlock"),
    path("users/<uuid:code>/capabilities/", views.user_capabilities, name="user_capabilities"),
    path("users/<uuid:code>/teams/add/", views.membership_add, name="membership_add"),
    path(
        "users/<uuid:code>/teams/<uuid:team_code>/role/",
        views.membership_role,
        name="membership_role",
    ),
    path(
        "users/<uuid:code>/teams/<uuid:team_code>/remove/",
        views.membership_remove,
        name="membership_remove",
    ),
    # The link in an invitation email; used signed out.
    path("invitation/<str:uidb64>/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
