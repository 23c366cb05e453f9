"""Maintenance of the access table. Called only by services, inside their transactions.

Each function rewrites the rows of one source of access (the owner, one grant, one agreement
default, one answered request, one broken glass) so the table always equals what a from-scratch
recomputation would give; ``expected_rows`` is that recomputation, used by tests and repairs.
Nothing here decides access: that is ``sharing.policy``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from roundtable.sharing.models import (
    AccessEntry,
    AccessSource,
    BreakGlass,
    PrincipalKind,
    ShareGrant,
    Visibility,
)
from roundtable.sharing.sections import RecordKind, full_mask


@dataclass(frozen=True)
class DefaultShare:
    """An agreement default the records layer supplies (case type defaults), ready to apply."""

    principal_kind: int
    principal_id: int
    sections: int
    source_id: int


def _rows_for(kind: int, record_id: int) -> Q:
    return Q(record_kind=kind, record_id=record_id)


def access_set_owner(
    *,
    kind: int,
    record_id: int,
    team_id: int,
    organisation_id: int,
    organisation_sections: int,
    visibility: str,
    sort_key: datetime,
) -> None:
    """(Re)write the owner's rows: the owning team sees everything; its organisation a default."""
    AccessEntry.objects.filter(
        _rows_for(kind, record_id),
        source__in=[AccessSource.OWNER, AccessSource.ORGANISATION_DEFAULT],
    ).delete()
    rows = [
        AccessEntry(
            record_kind=kind,
            record_id=record_id,
            principal_kind=PrincipalKind.TEAM,
            principal_id=team_id,
            sections=full_mask(kind),
            source=AccessSource.OWNER,
            sort_key=sort_key,
        )
    ]
    if organisation_sections and visibility == Visibility.NORMAL:
        rows.append(
            AccessEntry(
                record_kind=kind,
                record_id=record_id,
                principal_kind=PrincipalKind.ORGANISATION,
                principal_id=organisation_id,
                sections=organisation_sections & full_mask(kind),
                source=AccessSource.ORGANISATION_DEFAULT,
                sort_key=sort_key,
            )
        )
    AccessEntry.objects.bulk_create(rows)


def access_set_defaults(
    *,
    kind: int,
    record_id: int,
    defaults: Iterable[DefaultShare],
    visibility: str,
    sort_key: datetime,
) -> None:
    """(Re)write the agreement-default rows; restricted and hidden records get none."""
    AccessEntry.objects.filter(
        _rows_for(kind, record_id), source=AccessSource.AGREEMENT_DEFAULT
    ).delete()
    if visibility != Visibility.NORMAL:
        return
    AccessEntry.objects.bulk_create(
        AccessEntry(
            record_kind=kind,
            record_id=record_id,
            principal_kind=default.principal_kind,
            principal_id=default.principal_id,
            sections=default.sections & full_mask(kind),
            source=AccessSource.AGREEMENT_DEFAULT,
            source_id=default.source_id,
            sort_key=sort_key,
        )
        for default in defaults
    )


def access_add_grant(*, grant: ShareGrant, sort_key: datetime) -> None:
    """Add the row for a new grant (or a granted access request)."""
    AccessEntry.objects.create(
        record_kind=grant.record_kind,
        record_id=grant.record_id,
        principal_kind=grant.principal_kind,
        principal_id=grant.principal_id,
        sections=grant.sections,
        source=grant.origin,
        source_id=grant.pk,
        expires_at=grant.expires_at,
        sort_key=sort_key,
    )


def access_add_break_glass(*, glass: BreakGlass, sort_key: datetime) -> None:
    """Add the short-lived row for a broken glass: the user's team sees the whole record."""
    AccessEntry.objects.create(
        record_kind=glass.record_kind,
        record_id=glass.record_id,
        principal_kind=PrincipalKind.TEAM,
        principal_id=glass.team_id,
        sections=full_mask(glass.record_kind),
        source=AccessSource.BREAK_GLASS,
        source_id=glass.pk,
        expires_at=glass.expires_at,
        sort_key=sort_key,
    )


def access_remove_source(*, source: int, source_id: int) -> int:
    """Remove the rows of one grant, request or glass; returns how many went."""
    deleted, _ = AccessEntry.objects.filter(source=source, source_id=source_id).delete()
    return deleted


def access_touch(*, kind: int, record_id: int, sort_key: datetime) -> None:
    """Move a record to the top of everyone's lists after a change."""
    AccessEntry.objects.filter(_rows_for(kind, record_id)).update(sort_key=sort_key)


def access_sweep_expired(*, now: datetime | None = None) -> int:
    """Delete expired rows (reads already ignore them); keeps the table small."""
    deleted, _ = AccessEntry.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


def expected_rows(
    *,
    kind: int,
    record_id: int,
    team_id: int,
    organisation_id: int,
    organisation_sections: int,
    visibility: str,
    defaults: Iterable[DefaultShare],
) -> set[tuple[int, int, int, int, int | None]]:
    """What the table should hold for a record, recomputed from scratch (for tests and repair).

    Rows are (principal_kind, principal_id, sections, source, source_id), live rows only.
    """
    now = timezone.now()
    rows: set[tuple[int, int, int, int, int | None]] = {
        (PrincipalKind.TEAM, team_id, full_mask(kind), AccessSource.OWNER, None)
    }
    if organisation_sections and visibility == Visibility.NORMAL:
        rows.add(
            (
                PrincipalKind.ORGANISATION,
                organisation_id,
                organisation_sections & full_mask(kind),
                AccessSource.ORGANISATION_DEFAULT,
                None,
            )
        )
    if visibility == Visibility.NORMAL:
        for default in defaults:
            rows.add(
                (
                    default.principal_kind,
                    default.principal_id,
                    default.sections & full_mask(kind),
                    AccessSource.AGREEMENT_DEFAULT,
                    default.source_id,
                )
            )
    live = Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    for grant in ShareGrant.objects.filter(
        live, record_kind=kind, record_id=record_id, revoked_at__isnull=True
    ):
        rows.add((grant.principal_kind, grant.principal_id, grant.sections, grant.origin, grant.pk))
    for glass in BreakGlass.objects.filter(
        record_kind=kind, record_id=record_id, expires_at__gt=now
    ):
        rows.add(
            (PrincipalKind.TEAM, glass.team_id, full_mask(kind), AccessSource.BREAK_GLASS, glass.pk)
        )
    return rows


def actual_rows(*, kind: int, record_id: int) -> set[tuple[int, int, int, int, int | None]]:
    """What the table holds for a record now (live rows only), in ``expected_rows``' shape."""
    now = timezone.now()
    return set(
        AccessEntry.objects.filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now),
            record_kind=kind,
            record_id=record_id,
        ).values_list("principal_kind", "principal_id", "sections", "source", "source_id")
    )


__all__ = [
    "DefaultShare",
    "RecordKind",
    "access_add_break_glass",
    "access_add_grant",
    "access_remove_source",
    "access_set_defaults",
    "access_set_owner",
    "access_sweep_expired",
    "access_touch",
    "actual_rows",
    "expected_rows",
]
