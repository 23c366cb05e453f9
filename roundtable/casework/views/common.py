"""What the casework pages share: the acting user and team, purposes, and the form page.

Nothing here decides access: views ask ``records.access`` or a casework selector first.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from roundtable.directory.models import Team, User
from roundtable.records import purpose as purpose_rules
from roundtable.records.access import Reached


def actor_and_team(request: HttpRequest) -> tuple[User, Team]:
    """The signed-in user and the team they act as; nobody writes without a team."""
    team = getattr(request, "acting_team", None)
    if team is None:
        raise PermissionDenied
    return request.user, team  # type: ignore[return-value]


def stated_purpose(request: HttpRequest, reached: Reached[Any]) -> tuple[str, HttpResponse | None]:
    """The purpose this reader stated for the record, or a redirect to the page that asks it.

    Records at the "audited" access level ask readers outside the owning team why they need the
    record before showing anything; its documents are no different.
    """
    if not purpose_rules.needs_purpose(reached):
        return "", None
    purpose = purpose_rules.remembered_purpose(request, reached)
    if purpose:
        return purpose, None
    return "", redirect(reached.record.get_absolute_url())


def put_errors(form: Form, error: ValidationError, *, default_field: str | None = None) -> None:
    """A service's refusal next to the fields it names; the rest on ``default_field`` or on top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.error_dict.items():
            target = field if field in form.fields else default_field
            for message in messages:
                form.add_error(target, message)
    else:
        form.add_error(default_field, error.messages)


def form_page(
    request: HttpRequest,
    form: Form,
    *,
    title: str,
    caption: str,
    submit: str,
    back: str,
    multipart: bool = False,
    conflict_values: list[tuple[str, str]] | None = None,
    intro: str = "",
    extra: dict[str, Any] | None = None,
    status: int | None = None,
) -> HttpResponse:
    """A GOV.UK question page for one casework form; 409 with a conflict, 400 with errors."""
    context = {
        "form": form,
        "title": title,
        "caption": caption,
        "submit": submit,
        "back": back,
        "multipart": multipart,
        "conflict_values": conflict_values,
        "intro": intro,
        **(extra or {}),
    }
    if status is None:
        status = 409 if conflict_values is not None else (400 if form.errors else 200)
    return render(request, "casework/form_page.html", context, status=status)
