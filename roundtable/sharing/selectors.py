"""Reads for the sharing pages: agreements, shares, requests, glass, transfers, who viewed.

Record pages reach records through ``records.access`` (via ``sharing.kinds``), which asks the
policy; these selectors then read the sharing rows about a record the caller already reached, or
the rows addressed to the caller's own team. Each list has a fixed number of queries (records
are fetched once per kind, never per row). Nothing here writes, and nothing here decides who
sees a record's sections: that is ``sharing.policy``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from roundtable.audit.models import Action, AuditEvent
from roundtable.directory import permissions
from roundtable.directory.models import Organisation, Team, User
from roundtable.sharing import kinds
from roundtable.sharing.models import (
    AccessRequest,
    BreakGlass,
    RequestStatus,
    ShareGrant,
    SharingAgreement,
    Transfer,
    TransferStatus,
)
from roundtable.sharing.services.agreements import can_manage_agreements

#: What "who viewed this record" lists: reads of the record, including in results and exports.
READ_ACTIONS = (Action.VIEW, Action.SEARCH, Action.EXPORT, Action.BREAK_GLASS)


# --- Agreements --------------------------------------------------------------------------------


def agreements_for_admin(user: Any) -> QuerySet[SharingAgreement]:
    """The agreements a partnership admin (their partnership's, and cross ones their
    organisations are party to) or a system administrator (all) may read."""
    agreements = SharingAgreement.objects.select_related("partnership").order_by("title", "pk")
    if permissions.is_system_admin(user):
        return agreements
    organisation = getattr(user, "organisation", None)
    if not permissions.is_partnership_admin(user) or organisation is None:
        return agreements.none()
    partnership_id = organisation.partnership_id
    if partnership_id is None:
        return agreements.none()
    return agreements.filter(
        Q(partnership_id=partnership_id)
        | Q(partnership__isnull=True, parties__organisation__partnership_id=partnership_id)
    ).distinct()


def agreement_for_admin(user: Any, code: Any) -> SharingAgreement:
    """One agreement the user may read, or 404 (the same for missing and out of scope)."""
    agreement = agreements_for_admin(user).filter(code=code).first()
    if agreement is None:
        raise Http404
    return agreement


def may_manage(user: Any, agreement: SharingAgreement) -> bool:
    return can_manage_agreements(user, agreement.partnership_id)


def agreements_with_owner(record: Any) -> list[SharingAgreement]:
    """Agreements in force today, covering the record's kind, with the owner as a party."""
    today = timezone.localdate()
    candidates = (
        SharingAgreement.objects.filter(
            parties__organisation_id=record.owning_organisation_id, starts_on__lte=today
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .prefetch_related("parties")
        .order_by("title", "pk")
        .distinct()
    )
    return [agreement for agreement in candidates if agreement.covers_kind(record.record_kind)]


def agreements_covering(record: Any, organisation_id: int) -> list[SharingAgreement]:
    """The agreements that could carry a share of this record to this organisation."""
    return [
        agreement
        for agreement in agreements_with_owner(record)
        if any(party.organisation_id == organisation_id for party in agreement.parties.all())
    ]


@dataclass(frozen=True)
class Recipients:
    teams: list[Team]
    organisations: list[Organisation]


def share_recipients(record: Any) -> Recipients:
    """Teams and organisations some agreement in force lets this record's owner share with."""
    organisation_ids = {
        party.organisation_id
        for agreement in agreements_with_owner(record)
        for party in agreement.parties.all()
    }
    organisations = list(
        Organisation.objects.filter(pk__in=organisation_ids).order_by("name", "pk")
    )
    teams = list(
        Team.objects.filter(organisation_id__in=organisation_ids, is_active=True)
        .exclude(pk=record.owning_team_id)
        .select_related("organisation")
        .order_by("organisation__name", "name", "pk")
    )
    return Recipients(teams=teams, organisations=organisations)


# --- A record's shares, requests, glass and transfers -----------------------------------------


def _live_grants() -> Q:
    return Q(revoked_at__isnull=True) & (
        Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
    )


def grants_for_record(record: Any) -> list[ShareGrant]:
    """The shares of a record in force now, newest first."""
    return list(
        ShareGrant.objects.filter(
            _live_grants(), record_kind=record.record_kind, record_id=record.pk
        )
        .select_related("team__organisation", "organisation", "agreement", "granted_by")
        .order_by("-created_at", "-pk")
    )


def grant_for_record(record: Any, code: Any) -> ShareGrant:
    """One live share of this record, or 404."""
    grant = (
        ShareGrant.objects.filter(
            _live_grants(), record_kind=record.record_kind, record_id=record.pk, code=code
        )
        .select_related("team", "organisation")
        .first()
    )
    if grant is None:
        raise Http404
    return grant


def glass_for_record(record: Any) -> list[BreakGlass]:
    """Emergency access to a record still running, newest first."""
    return list(
        BreakGlass.objects.filter(
            record_kind=record.record_kind, record_id=record.pk, expires_at__gt=timezone.now()
        )
        .select_related("user", "team__organisation")
        .order_by("-created_at")
    )


def pending_transfer(record: Any) -> Transfer | None:
    return (
        Transfer.objects.filter(
            record_kind=record.record_kind, record_id=record.pk, status=TransferStatus.OFFERED
        )
        .select_related("to_team__organisation")
        .first()
    )


# --- Inboxes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """A sharing row with the record it is about (None if the record has gone)."""

    row: Any
    record: Any

    @property
    def reference(self) -> str:
        return kinds.label_for(self.record) if self.record is not None else ""

    @property
    def slug(self) -> str:
        return kinds.SLUG_BY_KIND[int(self.row.record_kind)]


def _with_records(rows: list[Any]) -> list[Item]:
    records = kinds.records_by_id((row.record_kind, row.record_id) for row in rows)
    return [Item(row, records.get((int(row.record_kind), row.record_id))) for row in rows]


def request_inbox(team_id: int, *, limit: int = 100) -> list[Item]:
    """Pending access requests to a team, oldest first (answer in order)."""
    rows = list(
        AccessRequest.objects.filter(owning_team_id=team_id, status=RequestStatus.PENDING)
        .select_related("requester", "requester_team__organisation")
        .order_by("created_at", "pk")[:limit]
    )
    return _with_records(rows)


def request_for_manager(team_id: int, code: Any) -> AccessRequest:
    """A request addressed to this team (any status), or 404."""
    request = (
        AccessRequest.objects.filter(owning_team_id=team_id, code=code)
        .select_related("requester", "requester_team__organisation", "owning_team")
        .first()
    )
    if request is None:
        raise Http404
    return request


def my_requests(user: Any, *, limit: int = 100) -> list[Item]:
    """The user's own access requests with their answers, newest first."""
    rows = list(
        AccessRequest.objects.filter(requester=user)
        .select_related("requester_team", "owning_team__organisation", "grant")
        .order_by("-created_at", "-pk")[:limit]
    )
    return _with_records(rows)


def pending_request_count(team_id: int) -> int:
    return AccessRequest.objects.filter(
        owning_team_id=team_id, status=RequestStatus.PENDING
    ).count()


def active_glass_for_team(team_id: int, *, limit: int = 20) -> list[Item]:
    """Emergency access running now to records this team owns."""
    rows = list(
        BreakGlass.objects.filter(kinds.owned_by_team(team_id), expires_at__gt=timezone.now())
        .select_related("user", "team__organisation")
        .order_by("-created_at")[:limit]
    )
    return _with_records(rows)


def transfers_for_team(team_id: int) -> tuple[list[Item], list[Item]]:
    """(offers waiting for this team, offers this team made that wait for an answer)."""
    rows = list(
        Transfer.objects.filter(Q(to_team_id=team_id) | Q(from_team_id=team_id))
        .filter(status=TransferStatus.OFFERED)
        .select_related("from_team__organisation", "to_team__organisation", "offered_by")
        .order_by("created_at", "pk")
    )
    items = _with_records(rows)
    incoming = [item for item in items if item.row.to_team_id == team_id]
    outgoing = [item for item in items if item.row.from_team_id == team_id]
    return incoming, outgoing


def transfer_for_team(team_id: int, code: Any) -> Transfer:
    """A transfer this team offered or was offered, or 404."""
    transfer = (
        Transfer.objects.filter(Q(to_team_id=team_id) | Q(from_team_id=team_id), code=code)
        .select_related("from_team__organisation", "to_team__organisation", "offered_by")
        .first()
    )
    if transfer is None:
        raise Http404
    return transfer


# --- Who viewed, what a user looked at ----------------------------------------------------------


@dataclass(frozen=True)
class EventPage:
    events: list[AuditEvent]
    next_before: int | None


def _page(events: QuerySet[AuditEvent], before: int | None, limit: int) -> EventPage:
    if before is not None:
        events = events.filter(id__lt=before)
    rows = list(events.order_by("-id")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return EventPage(events=rows, next_before=rows[-1].pk if more and rows else None)


def who_viewed(record: Any, *, before: int | None, limit: int = 50) -> EventPage:
    """Reads of a record (views, search results, exports, broken glass), newest first."""
    events = AuditEvent.objects.select_related("actor").filter(
        target_type=record._meta.label_lower,
        target_id=str(record.code),
        action__in=READ_ACTIONS,
    )
    return _page(events, before, limit)


def may_see_who_viewed_as_auditor(user: Any, record: Any) -> bool:
    """Auditors of the owning organisation (system administrators who audit: any)."""
    if not permissions.is_auditor(user):
        return False
    if permissions.is_system_admin(user):
        return True
    return bool(user.organisation_id) and user.organisation_id == record.owning_organisation_id


def user_for_auditor(auditor: Any, code: Any) -> User:
    """A user of the auditor's organisation (any, for a system administrator), or 404."""
    users = User.objects.select_related("organisation")
    if not permissions.is_system_admin(auditor):
        if not auditor.organisation_id:
            raise Http404
        users = users.filter(organisation_id=auditor.organisation_id)
    subject = users.filter(code=code).first()
    if subject is None:
        raise Http404
    return subject


def user_activity(subject: User, *, before: int | None, limit: int = 50) -> EventPage:
    """What a user looked at (views, searches, exports, broken glass), newest first."""
    events = AuditEvent.objects.filter(actor_id=subject.pk, action__in=READ_ACTIONS)
    return _page(events, before, limit)
