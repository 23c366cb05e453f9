"""The notification centre: the list (re-checked against the policy), open, mark read, preferences.

Thin. Each notification shown is passed through ``selectors.notifications_visible`` as the page
is drawn, so access revoked since delivery hides it. Opening one marks it read and goes to the
record's own page, which checks access again. Only one's own notifications are ever found.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from roundtable.records.forms.cases import add_service_errors
from roundtable.tasking.forms.alerts import PreferenceForm
from roundtable.tasking.selectors import notifications as selectors
from roundtable.tasking.services import notifications as services

NOTIFICATIONS_PER_PAGE = 25


def _user(request: HttpRequest) -> Any:
    return request.user


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    """The user's notifications they may still see, newest first, 25 a page."""
    raw = request.GET.get("before", "")
    unread_only = request.GET.get("show") == "unread"
    viewers = selectors.viewers_of(_user(request), getattr(request, "teams", []))
    page = selectors.notification_page(
        user=_user(request),
        viewers=viewers,
        before=int(raw) if raw.isdigit() else None,
        unread_only=unread_only,
        limit=NOTIFICATIONS_PER_PAGE,
    )
    context = {"page": page, "unread_only": unread_only, "first": bool(raw)}
    return render(request, "tasking/notifications/list.html", context)


@login_required
@require_GET
def notification_open(request: HttpRequest, code: UUID) -> HttpResponse:
    """Mark one's own notification read and go to its task or record (whose page checks access
    again).

    A GET that writes: it only sets the reader's own read flag, once, and it is the link an
    email carries, which cannot post a form.
    """
    notification = selectors.notification_for_user(_user(request), code)
    if notification is None:
        raise Http404
    services.notification_mark_read(user=_user(request), notification=notification)
    url = selectors.notification_url(notification.event)
    if url is None:
        raise Http404
    return redirect(url)


@login_required
@require_POST
def notification_read(request: HttpRequest, code: UUID) -> HttpResponse:
    """Mark one of one's notifications read."""
    notification = selectors.notification_for_user(_user(request), code)
    if notification is None:
        raise Http404
    services.notification_mark_read(user=_user(request), notification=notification)
    return redirect("tasking:notification_list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    """Mark every one of one's notifications read."""
    count = services.notifications_mark_all_read(user=_user(request))
    messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
    return redirect("tasking:notification_list")


@login_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    """Choose immediate emails, a daily digest or no email."""
    current = services.preference_of(_user(request).pk)
    form = PreferenceForm(request.POST or None, initial={"email_mode": current})
    if request.method == "POST" and form.is_valid():
        try:
            services.notification_preference_set(
                user=_user(request), email_mode=form.cleaned_data["email_mode"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your email choice is saved."))
            return redirect("tasking:notification_list")
    status = 400 if form.errors else 200
    return render(request, "tasking/notifications/preferences.html", {"form": form}, status=status)
