"""Transfers of ownership: offer to another team, accept or reject there, revoke while pending.

A transfer is a record of its own (who, when, why, and a snapshot of both sides), never a field
edit. On acceptance the record's owning team and organisation change, the access table is
rebuilt, pending access requests move to the new owner, and consent is re-confirmed by the
receiving team: a record that holds consent (a profile) gets the status they confirm, found by
its attributes so this module never imports ``records``. Every step is audited as TRANSFER.
Who may offer and answer is checked by the views (owning or receiving team managers).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record
from roundtable.directory.models import Team, User
from roundtable.sharing import kinds
from roundtable.sharing.models import AccessRequest, RequestStatus, Transfer, TransferStatus
from roundtable.sharing.services import access_rebuild
from roundtable.sharing.services.notify import absolute, email_team_managers


def holds_consent(record: Any) -> bool:
    """Does this kind of record keep a consent status (profiles do)?"""
    return hasattr(record, "consent_status") and hasattr(record, "consent_recorded_at")


def consent_choices(record: Any) -> list[tuple[str, str]]:
    """The consent statuses a record's model allows, read from its field (no records import)."""
    if not holds_consent(record):
        return []
    field = type(record)._meta.get_field("consent_status")
    return [(str(value), str(label)) for value, label in field.choices or []]


def _side(team: Team) -> dict[str, Any]:
    return {"team": team.name, "team_id": team.pk, "organisation": team.organisation.name}


def _record_state(record: Any) -> dict[str, Any]:
    state: dict[str, Any] = {"visibility": record.visibility}
    if holds_consent(record):
        state["consent_status"] = record.consent_status
    return state


def _audit(record: Any, transfer: Transfer, step: str, reason: str) -> None:
    audit_record(
        action=Action.TRANSFER,
        target=record,
        justification=reason,
        detail={
            "transfer": str(transfer.code),
            "step": step,
            "from_team": transfer.from_team.name,
            "to_team": transfer.to_team.name,
        },
    )


@transaction.atomic
def transfer_offer(*, actor: User, record: Any, to_team: Team, reason: str) -> Transfer:
    """Offer a record to another team; one pending offer per record at a time."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the record should move to this team."})
    if not to_team.is_active:
        raise ValidationError({"to_team": "Choose a team that is still active."})
    if to_team.pk == record.owning_team_id:
        raise ValidationError({"to_team": "Your team owns this record already."})
    pending = Transfer.objects.select_for_update().filter(
        record_kind=record.record_kind, record_id=record.pk, status=TransferStatus.OFFERED
    )
    if pending.exists():
        raise ValidationError(
            "This record has already been offered to a team. Revoke that offer first."
        )
    from_team = record.owning_team
    transfer = Transfer(
        record_kind=record.record_kind,
        record_id=record.pk,
        from_team=from_team,
        to_team=to_team,
        reason=reason.strip(),
        offered_by=actor,
        snapshot={
            "offered": {
                "from": _side(from_team),
                "to": _side(to_team),
                "record": _record_state(record),
                "at": timezone.now().isoformat(),
            }
        },
    )
    transfer.full_clean()
    transfer.save()
    _audit(record, transfer, "offered", transfer.reason)
    email_team_managers(
        team_id=to_team.pk,
        template="transfer",
        context={
            "reference": kinds.label_for(record),
            "link": absolute(reverse("sharing:transfer_detail", kwargs={"code": transfer.code})),
        },
    )
    return transfer


def _lock_offered(transfer: Transfer) -> Transfer:
    current = (
        Transfer.objects.select_for_update()
        .select_related("from_team__organisation", "to_team__organisation")
        .get(pk=transfer.pk)
    )
    if current.status != TransferStatus.OFFERED:
        raise ValidationError("This transfer has already been answered or revoked.")
    return current


def _answer(current: Transfer, actor: User, status: str, reason: str) -> None:
    current.status = status
    current.answered_by = actor
    current.answered_at = timezone.now()
    current.answer_reason = reason.strip()


@transaction.atomic
def transfer_accept(
    *,
    actor: User,
    transfer: Transfer,
    record: Any,
    consent_confirmed: bool,
    consent_status: str = "",
    reason: str = "",
) -> Transfer:
    """Take ownership: the record moves to the receiving team, whose manager re-confirms consent."""
    current = _lock_offered(transfer)
    if not consent_confirmed:
        raise ValidationError(
            {"consent_confirmed": "Confirm that you have checked consent for this record."}
        )
    model = type(record)
    locked = model.objects.select_for_update().get(pk=record.pk)
    if locked.owning_team_id != current.from_team_id:
        raise ValidationError("This record has changed owner since the offer was made.")
    before = {"team": current.from_team.name, "organisation": current.from_team.organisation.name}
    fields = ["owning_team", "owning_organisation", "version", "updated_at"]
    changes: dict[str, list[Any]] = {
        "owning_team": [before["team"], current.to_team.name],
        "owning_organisation": [before["organisation"], current.to_team.organisation.name],
    }
    if holds_consent(locked):
        allowed = {value for value, _label in consent_choices(locked)}
        if consent_status not in allowed:
            raise ValidationError({"consent_status": "Select the person's consent status."})
        changes["consent_status"] = [locked.consent_status, consent_status]
        locked.consent_status = consent_status
        locked.consent_recorded_at = timezone.now()
        fields += ["consent_status", "consent_recorded_at"]
    locked.owning_team = current.to_team
    locked.owning_organisation = current.to_team.organisation
    locked.version += 1
    locked.save(update_fields=fields)
    access_rebuild(record=locked)
    # Questions to the old owner about this record are now for the new owner to answer.
    AccessRequest.objects.filter(
        record_kind=locked.record_kind, record_id=locked.pk, status=RequestStatus.PENDING
    ).update(owning_team=current.to_team, updated_at=timezone.now())
    _answer(current, actor, TransferStatus.ACCEPTED, reason)
    current.consent_reconfirmed = True
    current.snapshot = {
        **current.snapshot,
        "accepted": {
            "from": _side(current.from_team),
            "to": _side(current.to_team),
            "record_before": _record_state(record),
            "record_after": _record_state(locked),
            "at": current.answered_at.isoformat() if current.answered_at else None,
        },
    }
    current.save(
        update_fields=[
            "status",
            "answered_by",
            "answered_at",
            "answer_reason",
            "consent_reconfirmed",
            "snapshot",
            "updated_at",
        ]
    )
    audit_record(
        action=Action.TRANSFER,
        target=locked,
        changes=changes,
        justification=current.answer_reason or current.reason,
        detail={"transfer": str(current.code), "step": "accepted", "consent_reconfirmed": True},
    )
    for name in ("owning_team", "owning_organisation", "version", "updated_at"):
        setattr(record, name, getattr(locked, name))
    if holds_consent(locked):
        record.consent_status = locked.consent_status
        record.consent_recorded_at = locked.consent_recorded_at
    return current


@transaction.atomic
def transfer_reject(*, actor: User, transfer: Transfer, record: Any, reason: str) -> Transfer:
    """Turn an offer down, with a reason; the record stays where it is."""
    if not reason.strip():
        raise ValidationError({"reason": "Give a reason for rejecting the transfer."})
    current = _lock_offered(transfer)
    _answer(current, actor, TransferStatus.REJECTED, reason)
    current.snapshot = {**current.snapshot, "rejected": {"record": _record_state(record)}}
    current.save(
        update_fields=[
            "status",
            "answered_by",
            "answered_at",
            "answer_reason",
            "snapshot",
            "updated_at",
        ]
    )
    _audit(record, current, "rejected", current.answer_reason)
    return current


@transaction.atomic
def transfer_revoke(*, actor: User, transfer: Transfer, record: Any, reason: str) -> Transfer:
    """Withdraw a pending offer (the offering team's managers)."""
    if not reason.strip():
        raise ValidationError({"reason": "Give a reason for revoking the offer."})
    current = _lock_offered(transfer)
    _answer(current, actor, TransferStatus.REVOKED, reason)
    current.save(
        update_fields=["status", "answered_by", "answered_at", "answer_reason", "updated_at"]
    )
    _audit(record, current, "revoked", current.answer_reason)
    return current
