"""Middleware for signed-in staff: session timeouts, MFA enrolment and the acting team.

Order matters and is set in settings.MIDDLEWARE: timeouts first (an expired session must not be
used for anything), then MFA enrolment, then the acting team that the audit context reads.
None of these may log who the user is; the session-expiry event goes to the audit log.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from roundtable.directory.models import Membership
from roundtable.directory.services.sessions import ExpiryReason, session_expire
from roundtable.lib.prepared import PreparedQuery

ACTING_TEAM_SESSION_KEY = "roundtable_acting_team_id"
SIGNED_IN_AT_SESSION_KEY = "roundtable_signed_in_at"
#: Set once this session has seen the user holds a second factor, so the check costs no query on
#: every later request; cleared when the user removes an authenticator (``receivers``).
MFA_ENROLLED_SESSION_KEY = "roundtable_mfa_enrolled"
LAST_ACTIVITY_SESSION_KEY = "roundtable_last_activity"
#: Last activity is rewritten at most this often (seconds), so reading a page does not always
#: cost a session write; idle time is measured to within this much.
ACTIVITY_RESOLUTION_SECONDS = 60

#: Pages a signed-in user without a second factor may still reach: enrolment itself, the
#: password check allauth may ask for before enrolment, and signing out.
MFA_ENROLMENT_URL_NAMES = frozenset(
    {
        "mfa_activate_totp",
        "mfa_add_webauthn",
        "account_reauthenticate",
        "mfa_reauthenticate",
        "account_logout",
        "healthz",
    }
)
SECOND_FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect that also works for htmx requests, which would otherwise swap in the page."""
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def _expiry_reason(session: SessionBase, now: float) -> ExpiryReason | None:
    """'absolute' or 'idle' when the session has run out, else None."""
    signed_in_at = session.get(SIGNED_IN_AT_SESSION_KEY)
    last_activity = session.get(LAST_ACTIVITY_SESSION_KEY)
    if signed_in_at is not None and now - signed_in_at >= settings.ABSOLUTE_TIMEOUT.total_seconds():
        return "absolute"
    if last_activity is not None and now - last_activity >= settings.IDLE_TIMEOUT.total_seconds():
        return "idle"
    return None


def _record_activity(session: SessionBase, now: float) -> None:
    session.setdefault(SIGNED_IN_AT_SESSION_KEY, now)
    last_activity = session.get(LAST_ACTIVITY_SESSION_KEY)
    if last_activity is None or now - last_activity >= ACTIVITY_RESOLUTION_SECONDS:
        session[LAST_ACTIVITY_SESSION_KEY] = now


class SessionTimeoutMiddleware:
    """Signs a user out after ``IDLE_TIMEOUT`` without a request or ``ABSOLUTE_TIMEOUT`` in all.

    The sign-in time and the last activity live in the session. An expired session is signed out,
    audited as ``SESSION_EXPIRED`` and sent to the sign-in page, which says why.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            reason = _expiry_reason(request.session, now)
            if reason is not None:
                session_expire(request=request, user=request.user, reason=reason)
                return _redirect(request, self._sign_in_url(request, reason))
            _record_activity(request.session, now)
        response = self.get_response(request)
        if request.user.is_authenticated and SIGNED_IN_AT_SESSION_KEY not in request.session:
            # The user signed in during this request: their clocks start now.
            _record_activity(request.session, timezone.now().timestamp())
        return response

    @staticmethod
    def _sign_in_url(request: HttpRequest, reason: ExpiryReason) -> str:
        query: dict[str, str] = {"ended": reason}
        if request.method == "GET" and not request.headers.get("HX-Request"):
            query["next"] = request.get_full_path()
        return f"{reverse('account_login')}?{urlencode(query)}"


class RequireMFAMiddleware:
    """Sends a signed-in user with no authenticator app or security key to enrol one first.

    Every account must have a second factor; the first sign-in ends on the enrolment page, and
    no other page opens until enrolment is done (signing out always works). Once a session has
    seen a second factor it remembers so in the session, so later requests cost no query.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.session.get(MFA_ENROLLED_SESSION_KEY)
            and not self._is_exempt(request)
        ):
            enrolled = Authenticator.objects.filter(
                user_id=user.pk, type__in=SECOND_FACTOR_TYPES
            ).exists()
            if not enrolled:
                return _redirect(request, reverse("mfa_activate_totp"))
            request.session[MFA_ENROLLED_SESSION_KEY] = True
        return self.get_response(request)

    @staticmethod
    def _is_exempt(request: HttpRequest) -> bool:
        if request.path_info.startswith(str(settings.STATIC_URL)):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.url_name in MFA_ENROLMENT_URL_NAMES


def _memberships(user: int) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user_id=user, team__is_active=True)
        .select_related("team__organisation__partnership")
        .order_by("team__name")
    )


#: Every signed-in request reads the user's teams: compiled once per process (lib/prepared.py),
#: where the ORM took about 1 ms a request to build and compile this four-table join.
_MEMBERSHIPS = PreparedQuery(_memberships, user=-7_601_001)


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
            memberships: list[Membership] = _MEMBERSHIPS.objects(user=user.pk)
            request.teams = [membership.team for membership in memberships]  # type: ignore[attr-defined]
            chosen_id = request.session.get(ACTING_TEAM_SESSION_KEY)
            acting = next((m for m in memberships if m.team_id == chosen_id), None)
            if acting is None and memberships:
                acting = memberships[0]
            if acting is not None:
                request.acting_team = acting.team  # type: ignore[attr-defined]
                request.acting_role = acting.role  # type: ignore[attr-defined]
        return self.get_response(request)
