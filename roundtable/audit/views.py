"""Auditor pages: search the log, open one event, export a search as CSV.

Only users with the auditor capability reach them (others get 403). Every search, view and export
is itself audited with its purpose, filters and row count. Views here must never show an event
outside the auditor's scope (``audit.selectors`` decides) or any result before a purpose is chosen.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import UTC
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from roundtable.audit import selectors, services
from roundtable.audit.forms import AuditSearchForm, PurposeForm
from roundtable.audit.hashing import canonical_json
from roundtable.audit.models import AuditEvent
from roundtable.directory import permissions

PAGE_SIZE = 50
EXPORT_CAP = 100_000
CSV_HEADER = [
    "Event id",
    "When (UTC)",
    "Who",
    "Team",
    "Organisation",
    "Action",
    "Outcome",
    "Channel",
    "Record type",
    "Record reference",
    "Record",
    "Sections",
    "Changes",
    "Search terms",
    "Result count",
    "Recipients",
    "Justification",
    "IP address",
    "Request id",
]
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _require_auditor(request: HttpRequest) -> None:
    if not permissions.is_auditor(request.user):
        raise PermissionDenied


def _query_without(query: QueryDict, *names: str) -> QueryDict:
    copy = query.copy()
    for name in names:
        copy.pop(name, None)
    return copy


def _positive_int(value: str | None) -> int | None:
    if value and value.isdigit() and int(value) > 0:
        return int(value)
    return None


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    """Search the audit log (after choosing a purpose) and page through the results."""
    _require_auditor(request)
    form = AuditSearchForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "searched": False}
    if form.is_bound and form.is_valid():
        before = _positive_int(request.GET.get("before"))
        filters = form.filters()
        page = selectors.event_search(
            user=request.user, filters=filters, before=before, limit=PAGE_SIZE
        )
        terms = filters.as_terms() | ({"before": str(before)} if before else {})
        services.audit_log_search(
            purpose=form.cleaned_data["purpose"], terms=terms, result_count=len(page.events)
        )
        base_query = _query_without(request.GET, "before")
        older_query = base_query.copy()
        if page.next_before:
            older_query["before"] = str(page.next_before)
        context.update(
            searched=True,
            page=page,
            before=before,
            query=base_query.urlencode(),
            older_query=older_query.urlencode(),
        )
        purpose_query = QueryDict(mutable=True)
        purpose_query["purpose"] = form.cleaned_data["purpose"]
        context["purpose_query"] = purpose_query.urlencode()
    return render(request, "audit/event_list.html", context)


@login_required
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    """One event in full, once the auditor has said why they are looking."""
    _require_auditor(request)
    event = selectors.event_for_auditor(user=request.user, event_id=event_id)
    form = PurposeForm(request.GET or None)
    shown = form.is_bound and form.is_valid()
    if shown:
        services.audit_log_view(purpose=form.cleaned_data["purpose"], event=event)
    return render(
        request,
        "audit/event_detail.html",
        {
            "form": form,
            "event": event if shown else None,
            "event_id": event_id,
            "changes": _change_rows(event.changes) if shown else [],
        },
    )


def _change_rows(changes: Any) -> list[dict[str, str]]:
    """{field: [old, new]} as table rows; anything else under a key is shown whole as "after"."""
    if not isinstance(changes, dict):
        return []
    rows = []
    for name, value in sorted(changes.items()):
        if isinstance(value, list) and len(value) == 2:
            before, after = value
        else:
            before, after = None, value
        rows.append({"field": name, "before": _display(before), "after": _display(after)})
    return rows


def _display(value: Any) -> str:
    if value is None:
        return ""
    return canonical_json(value) if isinstance(value, dict | list) else str(value)


def csv_cell(value: Any) -> str:
    """A value as a CSV cell a spreadsheet will show as text, never run as a formula."""
    if value is None:
        return ""
    if isinstance(value, dict | list):
        text = canonical_json(value) if value else ""
    else:
        text = str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def _csv_row(event: AuditEvent) -> list[str]:
    values: list[Any] = [
        event.pk,
        event.occurred_at.astimezone(UTC).isoformat(),
        event.actor_label,
        event.team_label,
        event.organisation_label,
        event.action,
        event.outcome,
        event.channel,
        event.target_type,
        event.target_id,
        event.target_label,
        event.sections,
        event.changes,
        event.search_terms,
        event.result_count,
        event.recipients,
        event.justification,
        event.ip_address,
        event.request_id,
    ]
    return [csv_cell(value) for value in values]


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(["OFFICIAL-SENSITIVE"])
    yield writer.writerow(CSV_HEADER)
    for event in events:
        yield writer.writerow(_csv_row(event))


@login_required
def event_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Stream the current search as CSV (up to EXPORT_CAP rows); the export is audited first."""
    _require_auditor(request)
    form = AuditSearchForm(request.GET)
    if not form.is_valid():
        return render(request, "audit/event_list.html", {"form": form, "searched": False})
    filters = form.filters()
    count, newest = selectors.event_export_count(user=request.user, filters=filters, cap=EXPORT_CAP)
    if count > EXPORT_CAP:
        form.add_error(
            None,
            _(
                "This search finds more than 100,000 events, too many for one export. "
                "Narrow it, for example with a shorter date range, and export each part."
            ),
        )
        return render(request, "audit/event_list.html", {"form": form, "searched": False})
    with transaction.atomic():
        # Recorded before a single row leaves, so even an interrupted download is on the record.
        services.audit_log_export(
            purpose=form.cleaned_data["purpose"], terms=filters.as_terms(), row_count=count
        )
    rows = selectors.event_export_rows(user=request.user, filters=filters, newest=newest)
    response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response
