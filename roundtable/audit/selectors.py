"""Reading the audit log for auditors: scope first, then filters, newest first, keyset pages.

An auditor sees the events of their own organisation (what its staff did); a system administrator
who also holds the auditor capability sees every event. Nothing here may return an event outside
that scope, and nothing here writes (the search is audited by ``audit.services``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from roundtable.audit.forms import AuditFilters
from roundtable.audit.models import AuditEvent
from roundtable.directory import permissions
from roundtable.directory.models import User


@dataclass(frozen=True)
class EventPage:
    """One page of search results and the cursor of the next (older) page, if there is one."""

    events: list[AuditEvent]
    next_before: int | None


def events_visible_to(user: Any) -> QuerySet[AuditEvent]:
    """Every event the user may read as an auditor (none for anyone else)."""
    if not permissions.is_auditor(user):
        return AuditEvent.objects.none()
    if permissions.is_system_admin(user):
        return AuditEvent.objects.all()
    if user.organisation_id is None:
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(organisation_id=user.organisation_id)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _filtered(user: Any, filters: AuditFilters) -> QuerySet[AuditEvent]:
    events = events_visible_to(user)
    if filters.user_email:
        # By the actor's id, so an event still matches after the person's labels changed.
        people = User.objects.filter(email__iexact=filters.user_email).values("pk")
        events = events.filter(actor_id__in=people)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.date_from:
        events = events.filter(occurred_at__gte=_start_of(filters.date_from))
    if filters.date_to:
        events = events.filter(occurred_at__lt=_start_of(filters.date_to + timedelta(days=1)))
    if filters.target_type:
        events = events.filter(target_type=filters.target_type)
    if filters.target_id:
        events = events.filter(target_id=filters.target_id)
    return events.order_by("-id")


def event_search(*, user: Any, filters: AuditFilters, before: int | None, limit: int) -> EventPage:
    """One page of matching events, newest first, older than event ``before`` when given."""
    events = _filtered(user, filters)
    if before is not None:
        events = events.filter(id__lt=before)
    rows = list(events[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return EventPage(events=rows, next_before=rows[-1].pk if more and rows else None)


def event_export_count(*, user: Any, filters: AuditFilters, cap: int) -> tuple[int, int | None]:
    """(how many events match, up to cap + 1; the newest matching id) for a consistent export."""
    events = _filtered(user, filters)
    newest = events.values_list("id", flat=True).first()
    if newest is None:
        return 0, None
    return events.filter(id__lte=newest)[: cap + 1].count(), newest


def event_export_rows(
    *, user: Any, filters: AuditFilters, newest: int | None
) -> Iterator[AuditEvent]:
    """The matching events up to ``newest``, streamed in chunks (never all in memory)."""
    if newest is None:
        return iter(())
    events = _filtered(user, filters).filter(id__lte=newest)
    return events.iterator(chunk_size=2000)


def event_for_auditor(*, user: Any, event_id: int) -> AuditEvent:
    """One event the auditor may read; 404 when it is outside their scope or does not exist."""
    event = events_visible_to(user).filter(pk=event_id).first()
    if event is None:
        raise Http404
    return event
