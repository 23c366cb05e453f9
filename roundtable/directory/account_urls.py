"""Account pages Roundtable adds beside allauth's (mounted under /accounts/, before allauth's own,
so the sign-in URL here takes the place of allauth's with the same name)."""

from __future__ import annotations

from django.urls import URLPattern, path

from roundtable.directory import account_views

urlpatterns: list[URLPattern] = [
    path("login/", account_views.login, name="account_login"),
    path("sign-out-everywhere/", account_views.sign_out_everywhere, name="sign_out_everywhere"),
]
