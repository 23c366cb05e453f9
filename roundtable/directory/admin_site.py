"""The Django admin site, for system administrators only.

Organisation admins (SPOCs) manage their own organisation through the app's pages; the Django
admin gives whole-system access, so only ``permissions.is_system_admin`` may reach it. Signed-in
people without that capability get 403, never the admin's own sign-in form, and nobody signs in
through the admin: its form would skip the second factor, so it hands over to allauth's sign-in.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Any, TypeVar, cast

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse

from roundtable.directory import permissions

_ViewType = TypeVar("_ViewType", bound=Callable[..., HttpResponseBase])


class RoundtableAdminSite(admin.AdminSite):
    """The admin site, open to active system admins only."""

    site_header = "Roundtable system administration"
    site_title = "Roundtable system administration"
    index_title = "System administration"

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active) and permissions.is_system_admin(request.user)

    def admin_view(self, view: _ViewType, cacheable: bool = False) -> _ViewType:
        inner = super().admin_view(view, cacheable)

        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            # Signed in but not a system admin: a plain refusal, not a second sign-in form.
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return cast(_ViewType, update_wrapper(guarded, view))

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.user.is_authenticated:
            if not self.has_permission(request):
                raise PermissionDenied
            return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return redirect_to_login(next_url, reverse("account_login"))
