"""Directory views: thin; rules live in permissions and services."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from roundtable.directory import permissions
from roundtable.directory.services import acting
from roundtable.directory.forms import SwitchTeamForm
from roundtable.directory.models import User


@login_required
def my_account(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own account: teams, capabilities, security settings."""
    return render(request, "directory/my_account.html", {"teams": request.teams})  # type: ignore[attr-defined]


@login_required
def switch_team(request: HttpRequest) -> HttpResponse:
    """Choose which of one's teams to act as; the choice is audited."""
    form = SwitchTeamForm(request.POST or None, teams=request.teams)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        acting.acting_team_switch(request=request, team=form.cleaned_data["team"])
        return redirect("home")
    return render(request, "directory/switch_team.html", {"form": form})


@login_required
def organisation_admin(request: HttpRequest) -> HttpResponse:
    """The SPOC's overview of their organisation."""
    if not permissions.is_organisation_admin(request.user):
        raise PermissionDenied
    return render(request, "directory/organisation_admin.html", {})


@login_required
def user_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One member of staff, for those who administer them."""
    other = get_object_or_404(User.objects.select_related("organisation"), code=code)
    if not permissions.can_administer_user(request.user, other):
        raise PermissionDenied
    return render(request, "directory/user_detail.html", {"other": other})
