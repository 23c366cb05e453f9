"""Captures who is acting and from where for every event written while a request runs."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from roundtable.audit import context as audit_context


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address: the first X-Forwarded-For hop only when behind a trusted proxy."""
    if getattr(settings, "BEHIND_PROXY", False):
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR")


class AuditContextMiddleware:
    """Installs an ``AuditContext`` for the request; services read it when they audit."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user if request.user.is_authenticated else None
        team = getattr(request, "acting_team", None)
        context = audit_context.AuditContext(
            user=user,
            team=team,
            organisation=team.organisation if team else getattr(user, "organisation", None),
            ip_address=client_ip(request),
            user_agent=request.headers.get("User-Agent", "")[:300],
            request_id=getattr(request, "request_id", ""),
            channel="web",
        )
        token = audit_context.set_for_request(context)
        try:
            return self.get_response(request)
        finally:
            audit_context.reset(token)
