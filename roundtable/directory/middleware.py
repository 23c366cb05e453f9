"""Middleware for signed-in staff: session timeouts, MFA enrolment and the acting team.

Order matters and is set in settings.MIDDLEWARE: timeouts first (an expired session must not be
used for anything), then MFA enrolment, then the acting team that the audit context reads.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from roundtable.directory.models import Membership

ACTING_TEAM_SESSION_KEY = "roundtable_acting_team_id"


class SessionTimeoutMiddleware:
    """Placeholder until the authentication work lands: passes every request through."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)


class RequireMFAMiddleware:
    """Placeholder until the authentication work lands: passes every request through."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)


class ActingTeamMiddleware:
    """Resolves the team the user is acting as (chosen in the session, else their first team).

    Sets ``request.teams`` (the user's active memberships' teams, with organisations) and
    ``request.acting_team`` once per request, so the policy and the audit log never query again.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.teams = []  # type: ignore[attr-defined]
        request.acting_team = None  # type: ignore[attr-defined]
        request.acting_role = None  # type: ignore[attr-defined]
        user = request.user
        if user.is_authenticated:
            memberships = list(
                Membership.objects.filter(user=user, team__is_active=True)
                .select_related("team__organisation__partnership")
                .order_by("team__name")
            )
            request.teams = [membership.team for membership in memberships]  # type: ignore[attr-defined]
            chosen_id = request.session.get(ACTING_TEAM_SESSION_KEY)
            acting = next((m for m in memberships if m.team_id == chosen_id), None)
            if acting is None and memberships:
                acting = memberships[0]
            if acting is not None:
                request.acting_team = acting.team  # type: ignore[attr-defined]
                request.acting_role = acting.role  # type: ignore[attr-defined]
        return self.get_response(request)
