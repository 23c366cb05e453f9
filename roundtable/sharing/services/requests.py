"""Access requests: someone who sees a signpost asks; the owning team's managers answer.

A granted request becomes a ShareGrant (origin ACCESS_REQUEST) under an agreement the manager
chooses, so it obeys every rule a share does (``agreement_problem``). Both the ask and the answer
are audited; the asker is told by email (a reference and a link, no personal data) and on their
"My access requests" page. Who may ask or answer is the policy's decision, taken by the views
(REQUEST_ACCESS, MANAGE_ACCESS); these services check only what the request itself must satisfy.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record
from roundtable.directory.models import Team, User
from roundtable.sharing import kinds
from roundtable.sharing.models import (
    AccessRequest,
    AccessSource,
    RequestStatus,
    SharingAgreement,
)
from roundtable.sharing.sections import SECTIONS_BY_KIND, from_mask, to_mask
from roundtable.sharing.services import grant_create
from roundtable.sharing.services.notify import absolute, email_team_managers, email_user


def _check_sections(record: Any, sections: list[str]) -> int:
    allowed = {str(section) for section in SECTIONS_BY_KIND[int(record.record_kind)]}
    if not sections or any(section not in allowed for section in sections):
        raise ValidationError({"sections": "Choose at least one section of this record."})
    return to_mask(sections)


@transaction.atomic
def access_request_create(
    *, actor: User, team: Team, record: Any, sections: list[str], reason: str
) -> AccessRequest:
    """Ask the owning team for sections of a record; one pending request per record and team."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why your team needs this information."})
    mask = _check_sections(record, sections)
    if team.pk == record.owning_team_id:
        raise ValidationError("Your team owns this record already.")
    pending = AccessRequest.objects.select_for_update().filter(
        record_kind=record.record_kind,
        record_id=record.pk,
        requester_team=team,
        status=RequestStatus.PENDING,
    )
    if pending.exists():
        raise ValidationError(
            "Your team has already asked for access to this record. "
            "Wait for that answer before asking again."
        )
    request = AccessRequest(
        record_kind=record.record_kind,
        record_id=record.pk,
        requester=actor,
        requester_team=team,
        owning_team_id=record.owning_team_id,
        sections=mask,
        reason=reason.strip(),
    )
    request.full_clean()
    request.save()
    audit_record(
        action=Action.ACCESS_REQUEST,
        target=record,
        sections=sections,
        justification=request.reason,
        detail={"request": str(request.code), "requester_team": team.name},
    )
    email_team_managers(
        team_id=record.owning_team_id,
        template="access_request",
        context={
            "reference": kinds.label_for(record),
            "team": team.name,
            "link": absolute(reverse("sharing:request_answer", kwargs={"code": request.code})),
        },
    )
    return request


def _lock_pending(request: AccessRequest) -> AccessRequest:
    current = AccessRequest.objects.select_for_update().get(pk=request.pk)
    if current.status != RequestStatus.PENDING:
        raise ValidationError("This request has already been answered.")
    return current


def _tell_asker(request: AccessRequest, record: Any, outcome: str) -> None:
    email_user(
        user_id=request.requester_id,
        template="access_answer",
        context={
            "reference": kinds.label_for(record),
            "outcome": outcome,
            "link": absolute(reverse("sharing:my_requests")),
        },
    )


@transaction.atomic
def access_request_grant(
    *,
    actor: User,
    request: AccessRequest,
    record: Any,
    agreement: SharingAgreement,
    sections: list[str],
    reason: str,
    expires_at: datetime | None = None,
) -> AccessRequest:
    """Grant a request (all or some of the sections asked for) under an agreement, with a reason."""
    current = _lock_pending(request)
    mask = _check_sections(record, sections)
    if mask & ~current.sections:
        raise ValidationError({"sections": "Choose only sections that were asked for."})
    # grant_create checks the agreement (agreement_problem), the dates, and writes the SHARE event.
    grant = grant_create(
        actor=actor,
        record=record,
        agreement=agreement,
        sections=sections,
        team=current.requester_team,
        expires_at=expires_at,
        reason=reason,
        origin=AccessSource.ACCESS_REQUEST,
    )
    current.status = RequestStatus.GRANTED
    current.answered_by = actor
    current.answered_at = timezone.now()
    current.answer_reason = reason.strip()
    current.grant = grant
    current.save(
        update_fields=[
            "status",
            "answered_by",
            "answered_at",
            "answer_reason",
            "grant",
            "updated_at",
        ]
    )
    audit_record(
        action=Action.ACCESS_ANSWER,
        target=record,
        sections=sections,
        justification=current.answer_reason,
        detail={
            "request": str(current.code),
            "answer": RequestStatus.GRANTED,
            "grant": str(grant.code),
            "agreement": agreement.reference,
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
    _tell_asker(current, record, "granted")
    return current


@transaction.atomic
def access_request_refuse(
    *, actor: User, request: AccessRequest, record: Any, reason: str
) -> AccessRequest:
    """Refuse a request, with a reason the asker will read."""
    if not reason.strip():
        raise ValidationError({"reason": "Give a reason for refusing, so the asker understands."})
    current = _lock_pending(request)
    current.status = RequestStatus.REFUSED
    current.answered_by = actor
    current.answered_at = timezone.now()
    current.answer_reason = reason.strip()
    current.save(
        update_fields=["status", "answered_by", "answered_at", "answer_reason", "updated_at"]
    )
    audit_record(
        action=Action.ACCESS_ANSWER,
        target=record,
        sections=[str(section) for section in from_mask(current.sections)],
        justification=current.answer_reason,
        detail={"request": str(current.code), "answer": RequestStatus.REFUSED},
    )
    _tell_asker(current, record, "refused")
    return current
