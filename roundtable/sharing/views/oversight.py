"""Oversight pages: "who viewed this record" and "what did this user look at".

Who viewed a record: its owning team's managers and the auditors of its owning organisation.
What a user looked at: auditors, for users of their own organisation. No result is shown until
the reader picks one of the four purposes the law allows (DPA 2018 s.62), and every page read is
itself audited. Lists are keyset paginated with a fixed number of queries.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

from roundtable.audit.forms import PurposeForm
from roundtable.directory import permissions
from roundtable.sharing import kinds, selectors
from roundtable.sharing.policy import Action
from roundtable.sharing.services.oversight import user_activity_read, who_viewed_read
from roundtable.sharing.views.common import PAGE_SIZE, positive_int, record_url


def _record_for_oversight(request: HttpRequest, kind: str, code: str) -> Any:
    """The record, for an auditor of its organisation or (else) a manager of its owning team."""
    if permissions.is_auditor(request.user):
        record = kinds.record_by_code(kind, code)
        if record is not None and selectors.may_see_who_viewed_as_auditor(request.user, record):
            return record
    return kinds.reach(request, kind, code, action=Action.MANAGE_ACCESS).record


def _queries(request: HttpRequest, next_before: int | None) -> dict[str, str]:
    base = request.GET.copy()
    base.pop("before", None)
    older = base.copy()
    if next_before:
        older["before"] = str(next_before)
    return {"query": base.urlencode(), "older_query": older.urlencode()}


def _sections_label(event: Any) -> str:
    return ", ".join(str(section) for section in event.sections) or "Signpost only"


@login_required
def who_viewed(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """Who looked at this record, which sections, as which team, when: newest first."""
    record = _record_for_oversight(request, kind, code)
    form = PurposeForm(request.GET or None)
    context: dict[str, Any] = {
        "form": form,
        "record": record,
        "reference": kinds.label_for(record),
        "record_url": record_url(record),
        "shown": False,
        "is_auditor": permissions.is_auditor(request.user),
        "auditor_organisation_id": getattr(request.user, "organisation_id", None),
    }
    if form.is_bound and form.is_valid():
        before = positive_int(request.GET.get("before"))
        page = selectors.who_viewed(record, before=before, limit=PAGE_SIZE)
        who_viewed_read(
            purpose=form.cleaned_data["purpose"],
            record=record,
            result_count=len(page.events),
            before=before,
        )
        context |= {
            "shown": True,
            "page": page,
            "before": before,
            "rows": [(event, _sections_label(event)) for event in page.events],
            **_queries(request, page.next_before),
        }
    return render(request, "sharing/who_viewed.html", context)


@login_required
def user_activity(request: HttpRequest, code: str) -> HttpResponse:
    """What one user of the auditor's organisation looked at: newest first."""
    if not permissions.is_auditor(request.user):
        raise PermissionDenied
    subject = selectors.user_for_auditor(request.user, code)
    form = PurposeForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "subject": subject, "shown": False}
    if form.is_bound and form.is_valid():
        before = positive_int(request.GET.get("before"))
        page = selectors.user_activity(subject, before=before, limit=PAGE_SIZE)
        user_activity_read(
            purpose=form.cleaned_data["purpose"],
            subject=subject,
            result_count=len(page.events),
            before=before,
        )
        context |= {
            "shown": True,
            "page": page,
            "before": before,
            "rows": [(event, _sections_label(event)) for event in page.events],
            **_queries(request, page.next_before),
        }
    purpose_query = QueryDict(mutable=True)
    if form.is_bound and form.is_valid():
        purpose_query["purpose"] = form.cleaned_data["purpose"]
    context["purpose_query"] = purpose_query.urlencode()
    return render(request, "sharing/user_activity.html", context)
