"""Reads of notifications and watches, each checked against the policy when it is read.

A notification was checked when it was delivered, but access changes: a grant revoked since then
must hide it. So the notification centre, the daily digest and the email sender all pass what
they are about to show through ``notifications_visible``, which asks ``sharing.policy`` (in a
fixed number of queries per page: per kind of record, per team of the reader, per section) and
returns only what the reader may still see, with the record's name or title only when the reader
may see its identity or summary. A direct notice about a subject with no record (a task, an ASB
case review) is checked by the subject's own rules (``tasking.notice_subjects``) instead. This
module must never write and never read the access table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from roundtable.directory.models import Membership, User
from roundtable.lib.prepared import PreparedQuery
from roundtable.sharing import kinds, policy
from roundtable.sharing.sections import RecordKind, Section
from roundtable.tasking import notice_subjects
from roundtable.tasking.models import AlertEvent, DeliveryState, Notification, Watch

#: The section that carries a record's name or title (a person's identity, anything's summary).
LABEL_SECTION: dict[int, str] = {
    RecordKind.PROFILE: Section.IDENTITY,
    RecordKind.CASE: Section.SUMMARY,
    RecordKind.PREMISES: Section.SUMMARY,
    RecordKind.GROUP: Section.SUMMARY,
}


@dataclass(frozen=True)
class NotificationItem:
    """A notification the reader may still see, with what they may see of its record."""

    notification: Notification
    record: Any  # None for a direct notice about a subject alone (a task with no record)
    label: str  # the record's name or title, or "" when they may not see it
    reference: str = ""  # the record's reference, or else the subject's


@dataclass(frozen=True)
class WatchItem:
    """A watched record the reader may still see."""

    watch: Watch
    record: Any
    label: str
    reference: str
    slug: str


def viewers_of(user: User, teams: Iterable[Any] | None = None) -> list[policy.Viewer]:
    """A viewer for each of the user's active teams (``teams``: the request's, already loaded).

    Reads here only ask what a team may see, which does not depend on the user's role there, so
    the request's teams are used as they are, without a query for the role.
    """
    if teams is None:
        memberships = Membership.objects.filter(user=user, team__is_active=True).select_related(
            "team__organisation"
        )
        return [policy.viewer_for_user(user, m.team, m.role) for m in memberships]
    return [policy.viewer_for_user(user, team, "practitioner") for team in teams]


def record_label(record: Any) -> str:
    """A record's name or title (personal data: only for readers who may see it)."""
    if int(record.record_kind) == RecordKind.PROFILE:
        return str(record.display_name)
    if int(record.record_kind) == RecordKind.CASE:
        return str(record.title)
    return str(record.name)


#: In ``records_visible``' request, the "section" that means any section at all.
ANY_SECTION = ""


def _visible_ids(
    viewers: Sequence[policy.Viewer], model: Any, ids: set[int], section: str
) -> set[int]:
    """The ids among ``ids`` whose ``section`` (or any section) one of the viewers may see."""
    seen: set[int] = set()
    for viewer in viewers:
        remaining = ids - seen
        if not remaining:
            break
        rows = policy.visible(
            viewer, model.objects.filter(pk__in=remaining), section=section or None
        )
        seen.update(rows.values_list("pk", flat=True))
    return seen


def records_visible(
    viewers: Sequence[policy.Viewer], wanted: dict[int, dict[str, set[int]]]
) -> tuple[dict[tuple[int, int], Any], set[tuple[int, int, str]], set[tuple[int, int]]]:
    """For {kind: {section: ids}}: the records seen, the (kind, id, section) seen, the labelled.

    Queries: per kind, one per section asked and per viewer, one for labels, one for the rows;
    none per record, so a page costs the same however many rows it shows.
    """
    records: dict[tuple[int, int], Any] = {}
    seen: set[tuple[int, int, str]] = set()
    labelled: set[tuple[int, int]] = set()
    for kind, by_section in wanted.items():
        model = kinds.model_for_kind(kind)
        shown: set[int] = set()
        for section, ids in by_section.items():
            visible_ids = _visible_ids(viewers, model, ids, section)
            seen.update((kind, pk, section) for pk in visible_ids)
            shown |= visible_ids
        if not shown:
            continue
        label_ids = _visible_ids(viewers, model, shown, LABEL_SECTION[kind])
        labelled.update((kind, pk) for pk in label_ids)
        related = ["case_type"] if kind == RecordKind.CASE else []
        for record in model.objects.filter(pk__in=shown).select_related(*related):
            records[(kind, record.pk)] = record
    return records, seen, labelled


def _subjects_visible(rows: list[Notification]) -> tuple[set[tuple[int, str, int]], dict[Any, str]]:
    """For direct notices: the (recipient, kind, id) still visible, and their references.

    One call per kind of subject and recipient (a page is one recipient's), none per row.
    """
    wanted: dict[tuple[int, str], set[int]] = {}
    for row in rows:
        event = row.event
        if not event.has_record and notice_subjects.is_known(event.subject_kind):
            wanted.setdefault((int(row.recipient_id), event.subject_kind), set()).add(
                int(event.subject_id or 0)
            )
    seen: set[tuple[int, str, int]] = set()
    for (user_id, kind), ids in wanted.items():
        visible = notice_subjects.subject_for(kind).visible(user_id, ids)
        seen.update((user_id, kind, subject_id) for subject_id in visible)
    references = notice_subjects.references_of((kind, pk) for _user, kind, pk in seen)
    return seen, references


def _subject_key(row: Notification) -> tuple[int, str, int]:
    event: AlertEvent = row.event
    return (int(row.recipient_id), event.subject_kind, int(event.subject_id or 0))


def notifications_visible(
    viewers: Sequence[policy.Viewer], notifications: Iterable[Notification]
) -> list[NotificationItem]:
    """The notifications the reader may still see, in order: for a record, its event's section
    (by the policy); for a direct notice, its subject (by the subject's own rules)."""
    rows = list(notifications)
    wanted: dict[int, dict[str, set[int]]] = {}
    for row in rows:
        event = row.event
        if event.has_record:
            kind, record_id = event.record_key
            wanted.setdefault(kind, {}).setdefault(event.section, set()).add(record_id)
    records, seen, labelled = records_visible(viewers, wanted) if wanted else ({}, set(), set())
    subjects_seen, references = _subjects_visible(rows)
    items = []
    for row in rows:
        event = row.event
        if not event.has_record:
            key = _subject_key(row)
            if key in subjects_seen:
                reference = references.get((key[1], key[2]), "")
                items.append(
                    NotificationItem(notification=row, record=None, label="", reference=reference)
                )
            continue
        record_key = event.record_key
        if (*record_key, event.section) not in seen or record_key not in records:
            continue
        record = records[record_key]
        label = record_label(record) if record_key in labelled else ""
        items.append(
            NotificationItem(
                notification=row, record=record, label=label, reference=kinds.label_for(record)
            )
        )
    return items


@dataclass(frozen=True)
class NotificationPage:
    """One page of the notification centre, newest first, and the cursor to the next."""

    items: list[NotificationItem]
    next_before: int | None


def notification_page(
    *,
    user: User,
    viewers: Sequence[policy.Viewer],
    before: int | None = None,
    unread_only: bool = False,
    limit: int = 25,
) -> NotificationPage:
    """A page of the user's delivered notifications they may still see (keyset by id)."""
    rows = Notification.objects.filter(recipient=user, state=DeliveryState.SENT).select_related(
        "event"
    )
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    if before is not None:
        rows = rows.filter(pk__lt=before)
    fetched = list(rows.order_by("-pk")[: limit + 1])
    more = len(fetched) > limit
    fetched = fetched[:limit]
    next_before = fetched[-1].pk if more and fetched else None
    return NotificationPage(items=notifications_visible(viewers, fetched), next_before=next_before)


def unread_notifications(user_id: int) -> QuerySet[Notification]:
    """The user's delivered, unread notifications (the partial index on unread ones serves it)."""
    return Notification.objects.filter(
        recipient_id=user_id, state=DeliveryState.SENT, read_at__isnull=True
    )


def unread_count(user: User) -> int:
    """How many delivered notifications the user has not read (one indexed count)."""
    return unread_notifications(int(user.pk)).count()


def notification_for_user(user: User, code: Any) -> Notification | None:
    """One of the user's own delivered notifications by code, or None."""
    return (
        Notification.objects.filter(recipient=user, state=DeliveryState.SENT, code=code)
        .select_related("event")
        .first()
    )


@dataclass(frozen=True)
class WatchPage:
    items: list[WatchItem]
    next_before: int | None


def watch_page(
    *, user: User, viewers: Sequence[policy.Viewer], before: int | None = None, limit: int = 25
) -> WatchPage:
    """A page of the records the user watches and may still see (any section), newest first."""
    rows = Watch.objects.filter(user=user)
    if before is not None:
        rows = rows.filter(pk__lt=before)
    fetched = list(rows.order_by("-pk")[: limit + 1])
    more = len(fetched) > limit
    fetched = fetched[:limit]
    wanted: dict[int, dict[str, set[int]]] = {}
    for watch in fetched:
        wanted.setdefault(int(watch.record_kind), {}).setdefault(ANY_SECTION, set()).add(
            int(watch.record_id)
        )
    records, _seen, labelled = records_visible(viewers, wanted)
    items = []
    for watch in fetched:
        key = (int(watch.record_kind), int(watch.record_id))
        if key not in records:
            continue
        record = records[key]
        items.append(
            WatchItem(
                watch=watch,
                record=record,
                label=record_label(record) if key in labelled else "",
                reference=kinds.label_for(record),
                slug=kinds.slug_for(record),
            )
        )
    return WatchPage(items=items, next_before=fetched[-1].pk if more and fetched else None)


def _watch(user: int, kind: int, record: int) -> QuerySet[Watch]:
    return Watch.objects.filter(user_id=user, record_kind=kind, record_id=record).order_by("pk")[:1]


#: Asked on every record's page (the watch button): compiled once per process (lib/prepared.py).
_WATCH = PreparedQuery(_watch, user=-7_602_001, kind=32_101, record=-7_602_003)


def watch_of(user: User, record: Any) -> Watch | None:
    """The user's watch of a record, or None."""
    found = _WATCH.objects(user=user.pk, kind=int(record.record_kind), record=record.pk)
    return found[0] if found else None


def watch_by_record_code(user: User, slug: str, code: Any) -> Watch | None:
    """The user's watch of the record with this kind and code, or None (no policy needed: the
    user set it up, and only their own watch is found)."""
    kind = kinds.kind_for_slug(slug)
    record_ids = kinds.model_for_kind(kind).objects.filter(code=code).values("pk")
    return Watch.objects.filter(user=user, record_kind=kind, record_id__in=record_ids).first()


def notification_url(event: AlertEvent) -> str | None:
    """Where a notification opens: its subject's page (a task), else its record's page. The page
    itself checks access again."""
    if event.subject_kind and notice_subjects.is_known(event.subject_kind):
        return notice_subjects.subject_for(event.subject_kind).url(int(event.subject_id or 0))
    if event.has_record:
        return record_url(*event.record_key)
    return None


def record_url(kind: int, record_id: int) -> str | None:
    """The page address of a record, from its code alone (the page itself checks access)."""
    model = kinds.model_for_kind(kind)
    code = model.objects.filter(pk=record_id).values_list("code", flat=True).first()
    if code is None:
        return None
    return reverse(f"records:{model.__name__.lower()}_detail", kwargs={"code": code})


def record_url_by_code(slug: str, code: Any) -> str:
    """The page address of a record of a kind, by its code."""
    model = kinds.model_for_kind(kinds.kind_for_slug(slug))
    return reverse(f"records:{model.__name__.lower()}_detail", kwargs={"code": code})
