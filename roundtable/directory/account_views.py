"""Account pages Roundtable adds to allauth's: the sign-in page's "why you were signed out" notice
and "sign out everywhere". Thin: the rules live in the middleware and ``services.sessions``.
"""

from __future__ import annotations

from typing import Any

from allauth.account.views import LoginView as AllauthLoginView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from roundtable.directory.services.sessions import user_sign_out_everywhere


def _minutes_text(minutes: int) -> str:
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour" if hours == 1 else f"{hours} hours"
    return f"{minutes} minute" if minutes == 1 else f"{minutes} minutes"


class LoginView(AllauthLoginView):  # type: ignore[misc]
    """allauth's sign-in, saying why the last session ended when a timeout ended it."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        reason = self.request.GET.get("ended")
        if reason == "idle":
            idle = _minutes_text(int(settings.IDLE_TIMEOUT.total_seconds() // 60))
            context["session_ended"] = (
                f"You were signed out because you had not used Roundtable for {idle}. "
                "Sign in again to carry on."
            )
        elif reason == "absolute":
            limit = _minutes_text(int(settings.ABSOLUTE_TIMEOUT.total_seconds() // 60))
            context["session_ended"] = (
                f"You were signed out because you had been signed in for {limit}, "
                "the longest a session can last. Sign in again to carry on."
            )
        return context


login = LoginView.as_view()


@login_required
@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    """End every session of the signed-in user, on this device and all others."""
    user_sign_out_everywhere(actor=request.user, user=request.user)  # type: ignore[arg-type]
    logout(request)
    messages.success(
        request, "You have been signed out on every device. Sign in again to carry on."
    )
    return redirect("account_login")
