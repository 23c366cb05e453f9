"""Information sharing agreements: create, change and end them, and lapse what they carried.

Who manages an agreement: a partnership admin for their own partnership's agreements; an
agreement that crosses partnerships (no partnership) only a system administrator, because no one
partnership's admin may bind another's organisations (a two-signature workflow for partnership
admins of both sides is a later step). Every party of a partnership agreement belongs to that
partnership or is national.

When an agreement stops carrying a share (it ends, or a change drops a party, a record kind or a
section), the grants made under it lapse at once: each is ended like a revocation, its access
rows removed, and an UNSHARE event records why. Case-type default shares under the agreement are
rebuilt from the records' current state. ``agreements_lapse_ended`` does the same for agreements
that reached their end date on their own (a daily task).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record
from roundtable.directory import permissions
from roundtable.directory.models import Organisation, Partnership, User
from roundtable.sharing import access, kinds
from roundtable.sharing.models import AgreementParty, ShareGrant, SharingAgreement
from roundtable.sharing.sections import RecordKind, describe, from_mask
from roundtable.sharing.services import access_rebuild

AGREEMENT_FIELDS = (
    "title",
    "reference",
    "purposes",
    "lawful_basis",
    "record_kinds",
    "starts_on",
    "ends_on",
    "dpia_reference",
)


@dataclass(frozen=True)
class PartyTerms:
    """One party of an agreement and the most it may receive (a sections bitmask)."""

    organisation: Organisation
    max_sections: int


def can_manage_agreements(user: Any, partnership_id: int | None) -> bool:
    """May this user create, change or end agreements of this partnership (None: cross)?"""
    if permissions.is_system_admin(user):
        return True
    if partnership_id is None or not permissions.is_partnership_admin(user):
        return False
    organisation = getattr(user, "organisation", None)
    return organisation is not None and organisation.partnership_id == partnership_id


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _snapshot(agreement: SharingAgreement, parties: list[PartyTerms]) -> dict[str, Any]:
    values = {name: _jsonable(getattr(agreement, name)) for name in AGREEMENT_FIELDS}
    values["parties"] = sorted(
        f"{party.organisation.name}: {describe(from_mask(party.max_sections))}" for party in parties
    )
    return values


def _check(
    *,
    actor: User,
    partnership: Partnership | None,
    values: dict[str, Any],
    parties: list[PartyTerms],
    agreement_pk: int | None,
) -> None:
    if not can_manage_agreements(actor, partnership.pk if partnership else None):
        raise PermissionDenied
    errors: dict[str, str] = {}
    starts, ends = values.get("starts_on"), values.get("ends_on")
    if starts and ends and ends <= starts:
        errors["ends_on"] = "The end date must be after the start date."
    kinds_covered = [int(kind) for kind in values.get("record_kinds") or []]
    if not kinds_covered or any(kind not in RecordKind.values for kind in kinds_covered):
        errors["record_kinds"] = "Choose the kinds of record this agreement covers."
    reference_taken = SharingAgreement.objects.filter(reference__iexact=values["reference"])
    if agreement_pk is not None:
        reference_taken = reference_taken.exclude(pk=agreement_pk)
    if reference_taken.exists():
        errors["reference"] = "Another agreement already has this reference."
    organisations = [party.organisation.pk for party in parties]
    if len(set(organisations)) < 2 or len(set(organisations)) != len(organisations):
        errors["parties"] = "Name at least two different organisations as parties."
    elif any(party.max_sections <= 0 for party in parties):
        errors["parties"] = "Choose at least one section each party may receive."
    elif partnership is not None and any(
        party.organisation.partnership_id not in (None, partnership.pk) for party in parties
    ):
        errors["parties"] = (
            "Every party must belong to this partnership or be national. For organisations "
            "of other partnerships, ask a system administrator for a cross-partnership agreement."
        )
    if errors:
        raise ValidationError(errors)


def _write_parties(agreement: SharingAgreement, parties: list[PartyTerms]) -> None:
    AgreementParty.objects.filter(agreement=agreement).delete()
    AgreementParty.objects.bulk_create(
        AgreementParty(
            agreement=agreement, organisation=party.organisation, max_sections=party.max_sections
        )
        for party in parties
    )


@transaction.atomic
def agreement_create(
    *,
    actor: User,
    partnership: Partnership | None,
    parties: list[PartyTerms],
    **values: Any,
) -> SharingAgreement:
    """Record a new agreement with its parties; audited with every value."""
    _check(actor=actor, partnership=partnership, values=values, parties=parties, agreement_pk=None)
    agreement = SharingAgreement(partnership=partnership, created_by=actor, **values)
    agreement.full_clean()
    agreement.save()
    _write_parties(agreement, parties)
    audit_record(
        action=Action.CREATE,
        target=agreement,
        changes={
            key: [None, value] for key, value in _snapshot(agreement, parties).items() if value
        },
    )
    return agreement


def agreement_parties(agreement: SharingAgreement) -> list[PartyTerms]:
    """The parties of an agreement as they stand."""
    return [
        PartyTerms(party.organisation, party.max_sections)
        for party in agreement.parties.select_related("organisation").order_by("organisation__name")
    ]


@transaction.atomic
def agreement_update(
    *,
    actor: User,
    agreement: SharingAgreement,
    expected_version: int,
    parties: list[PartyTerms],
    reason: str = "",
    **values: Any,
) -> SharingAgreement:
    """Change an agreement; a stale form is refused; shares it no longer carries lapse."""
    current = SharingAgreement.objects.select_for_update().get(pk=agreement.pk)
    _check(
        actor=actor,
        partnership=current.partnership,
        values=values,
        parties=parties,
        agreement_pk=current.pk,
    )
    if current.version != expected_version:
        raise ValidationError(
            "Someone else changed this agreement while you were working on it.", code="stale"
        )
    before = _snapshot(current, agreement_parties(current))
    for name, value in values.items():
        setattr(current, name, value)
    current.version += 1
    # Agreements loaded from elsewhere (fixtures, imports) may have no recorded creator.
    current.full_clean(exclude=["created_by"])
    current.save()
    _write_parties(current, parties)
    after = _snapshot(current, parties)
    lapsed = _lapse_grants(
        actor=actor, agreement=current, why=f"Agreement {current.reference} changed"
    )
    _rebuild_defaults(current)
    audit_record(
        action=Action.UPDATE,
        target=current,
        changes={key: [before[key], after[key]] for key in after if before[key] != after[key]},
        justification=reason,
        detail={"grants_lapsed": lapsed},
    )
    return current


@transaction.atomic
def agreement_end(
    *, actor: User, agreement: SharingAgreement, expected_version: int, reason: str
) -> int:
    """End an agreement today: no new shares, and every share made under it lapses now."""
    if not reason.strip():
        raise ValidationError({"reason": "Give a reason for ending the agreement."})
    current = SharingAgreement.objects.select_for_update().get(pk=agreement.pk)
    if not can_manage_agreements(actor, current.partnership_id):
        raise PermissionDenied
    if current.version != expected_version:
        raise ValidationError(
            "Someone else changed this agreement while you were working on it.", code="stale"
        )
    # The end date is the last day in force: yesterday, so nothing can be shared under it today.
    last_day = timezone.localdate() - timedelta(days=1)
    if current.ends_on is not None and current.ends_on <= last_day:
        raise ValidationError("This agreement has already ended.")
    if current.starts_on > last_day:
        raise ValidationError(
            "This agreement came into force today or has not started yet, so it cannot be "
            "ended today. Change its start date instead."
        )
    old_end = current.ends_on
    current.ends_on = last_day
    current.version += 1
    current.save(update_fields=["ends_on", "version", "updated_at"])
    lapsed = _lapse_grants(
        actor=actor, agreement=current, why=f"Agreement {current.reference} ended: {reason.strip()}"
    )
    _rebuild_defaults(current)
    audit_record(
        action=Action.UPDATE,
        target=current,
        changes={"ends_on": [_jsonable(old_end), last_day.isoformat()]},
        justification=reason.strip(),
        detail={"ended": True, "grants_lapsed": lapsed},
    )
    return lapsed


def _carries(
    agreement: SharingAgreement,
    parties: dict[int, int],
    grant: ShareGrant,
    owner_organisation_id: int,
    today: date,
) -> bool:
    """Whether the agreement still carries the grant (agreement_problem's rules, in memory)."""
    recipient = grant.team.organisation_id if grant.team is not None else grant.organisation_id
    return (
        agreement.is_active_on(today)
        and agreement.covers_kind(grant.record_kind)
        and owner_organisation_id in parties
        and recipient in parties
        and not grant.sections & ~parties[recipient]
    )


def _lapse_grants(*, actor: User | None, agreement: SharingAgreement, why: str) -> int:
    """End the live grants this agreement no longer carries, each audited; returns how many."""
    now = timezone.now()
    grants = list(
        ShareGrant.objects.select_related("team")
        .filter(agreement=agreement, revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .order_by("pk")
    )
    if not grants:
        return 0
    parties = dict(agreement.parties.values_list("organisation_id", "max_sections"))
    records = kinds.records_by_id((grant.record_kind, grant.record_id) for grant in grants)
    today = timezone.localdate()
    lapsed = 0
    for grant in grants:
        record = records.get((grant.record_kind, grant.record_id))
        if record is not None and _carries(
            agreement, parties, grant, record.owning_organisation_id, today
        ):
            continue
        grant.revoked_at = now
        grant.revoked_by = actor
        grant.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
        access.access_remove_source(source=grant.origin, source_id=grant.pk)
        audit_record(
            action=Action.UNSHARE,
            target=record,
            sections=[str(section) for section in from_mask(grant.sections)],
            recipients=[
                {"kind": grant.get_principal_kind_display().lower(), "id": grant.principal_id}
            ],
            justification=why,
            detail={
                "grant": str(grant.code),
                "lapsed": "agreement",
                "agreement": agreement.reference,
            },
        )
        lapsed += 1
    return lapsed


def _rebuild_defaults(agreement: SharingAgreement) -> None:
    """Rewrite the access rows of every case whose type shares by default under this agreement."""
    cases = kinds.model_for_kind(RecordKind.CASE).objects.select_related("case_type")
    for case in cases.filter(case_type__share_defaults__agreement=agreement).distinct():
        access_rebuild(record=case)


@transaction.atomic
def agreements_lapse_ended(*, today: date | None = None) -> int:
    """Lapse the shares of agreements whose end date has passed (daily task); returns how many."""
    today = today or timezone.localdate()
    # Agreements that ended with shares still open, and (for their default shares) any that
    # ended in the past week, so a missed run is caught up; rebuilding is idempotent.
    recent = today - timedelta(days=7)
    ended = SharingAgreement.objects.filter(ends_on__lt=today).filter(
        Q(grants__revoked_at__isnull=True) | Q(ends_on__gte=recent)
    )
    total = 0
    for agreement in ended.distinct().order_by("pk"):
        total += _lapse_grants(
            actor=None, agreement=agreement, why=f"Agreement {agreement.reference} ended"
        )
        _rebuild_defaults(agreement)
    return total
