"""Every write that moves access: grants, revocations, visibility. Each audits in its transaction.

These services work on any record that satisfies ``sharing.policy.Record`` plus the records
layer's ``organisation_sections()`` and ``agreement_defaults()``; they never import ``records``.
Every change here rewrites the access table rows it affects before the transaction commits.

The workflows built on these live beside them: ``agreements`` (create, change, end, lapse),
``requests`` (access requests and answers), ``glass`` (break the glass), ``transfers``
(ownership offers and answers) and ``notify`` (the emails they send, without personal data).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record
from roundtable.directory.models import Organisation, Team, User
from roundtable.sharing import access
from roundtable.sharing.models import (
    AccessSource,
    AgreementParty,
    PrincipalKind,
    ShareGrant,
    SharingAgreement,
    Visibility,
)
from roundtable.sharing.sections import SECTIONS_BY_KIND, from_mask, to_mask


def access_rebuild(*, record: Any) -> None:
    """Rewrite a record's owner and agreement-default rows from its current state."""
    kind = int(record.record_kind)
    access.access_set_owner(
        kind=kind,
        record_id=record.pk,
        team_id=record.owning_team_id,
        organisation_id=record.owning_organisation_id,
        organisation_sections=record.organisation_sections(),
        visibility=record.visibility,
        sort_key=record.updated_at,
    )
    access.access_set_defaults(
        kind=kind,
        record_id=record.pk,
        defaults=record.agreement_defaults(),
        visibility=record.visibility,
        sort_key=record.updated_at,
    )


def agreement_problem(
    *, agreement: SharingAgreement, record: Any, organisation: Organisation, sections: int
) -> str | None:
    """Why this agreement cannot carry this share, in words for the sharer; None when it can."""
    today = timezone.localdate()
    if not agreement.is_active_on(today):
        return f"Agreement {agreement.reference} is not in force today."
    if not agreement.covers_kind(int(record.record_kind)):
        return f"Agreement {agreement.reference} does not cover this kind of record."
    parties = {
        party.organisation_id: party
        for party in AgreementParty.objects.filter(
            agreement=agreement,
            organisation_id__in=[record.owning_organisation_id, organisation.pk],
        )
    }
    if record.owning_organisation_id not in parties:
        return f"Your organisation is not a party to agreement {agreement.reference}."
    recipient = parties.get(organisation.pk)
    if recipient is None:
        return f"{organisation.name} is not a party to agreement {agreement.reference}."
    beyond = sections & ~recipient.max_sections
    if beyond:
        names = ", ".join(sorted(str(section.label) for section in from_mask(beyond)))
        who = organisation.name
        return f"Agreement {agreement.reference} does not allow {who} to receive: {names}."
    return None


@transaction.atomic
def grant_create(
    *,
    actor: User,
    record: Any,
    agreement: SharingAgreement,
    sections: list[str],
    team: Team | None = None,
    organisation: Organisation | None = None,
    expires_at: datetime | None = None,
    reason: str = "",
    origin: int = AccessSource.GRANT,
) -> ShareGrant:
    """Share sections of a record with a team or organisation, citing an active agreement."""
    if (team is None) == (organisation is None):
        raise ValidationError("Choose either a team or a whole organisation to share with.")
    allowed = {str(section) for section in SECTIONS_BY_KIND[int(record.record_kind)]}
    unknown = [section for section in sections if section not in allowed]
    if not sections or unknown:
        raise ValidationError("Choose at least one section of this record to share.")
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError("The end of the share must be in the future.")
    recipient_org = team.organisation if team is not None else organisation
    if recipient_org is None:  # unreachable: exactly one of team and organisation is set above
        raise ValidationError("Choose either a team or a whole organisation to share with.")
    mask = to_mask(sections)
    problem = agreement_problem(
        agreement=agreement, record=record, organisation=recipient_org, sections=mask
    )
    if problem:
        raise ValidationError(problem)
    grant = ShareGrant(
        record_kind=record.record_kind,
        record_id=record.pk,
        principal_kind=PrincipalKind.TEAM if team is not None else PrincipalKind.ORGANISATION,
        team=team,
        organisation=organisation,
        sections=mask,
        agreement=agreement,
        reason=reason,
        origin=origin,
        granted_by=actor,
        expires_at=expires_at,
    )
    grant.full_clean()
    grant.save()
    access.access_add_grant(grant=grant, sort_key=record.updated_at)
    recipient_label = team.name if team is not None else recipient_org.name
    audit_record(
        action=Action.SHARE,
        target=record,
        sections=sections,
        recipients=[
            {
                "kind": "team" if team is not None else "organisation",
                "id": (team or recipient_org).pk,
                "name": recipient_label,
                "organisation": recipient_org.name,
            }
        ],
        detail={
            "grant": str(grant.code),
            "agreement": agreement.reference,
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
        justification=reason,
    )
    return grant


@transaction.atomic
def grant_revoke(*, actor: User, grant: ShareGrant, record: Any, reason: str = "") -> None:
    """End a grant now; its access ends with this transaction."""
    if grant.revoked_at is not None:
        raise ValidationError("This share has already been ended.")
    grant.revoked_at = timezone.now()
    grant.revoked_by = actor
    grant.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    access.access_remove_source(source=grant.origin, source_id=grant.pk)
    audit_record(
        action=Action.UNSHARE,
        target=record,
        sections=[str(section) for section in from_mask(grant.sections)],
        recipients=[{"kind": grant.get_principal_kind_display().lower(), "id": grant.principal_id}],
        detail={"grant": str(grant.code)},
        justification=reason,
    )


@transaction.atomic
def record_set_visibility(
    *, actor: User, record: Any, visibility: str, expected_version: int, reason: str
) -> None:
    """Make a record normal, restricted (signpost only) or hidden; defaults follow at once."""
    if visibility not in Visibility.values:
        raise ValidationError("Choose normal, restricted or hidden.")
    if not reason.strip():
        raise ValidationError("Give a reason for changing who can see this record.")
    model = type(record)
    current = model.objects.select_for_update().get(pk=record.pk)
    if current.version != expected_version:
        raise ValidationError("Someone else changed this record while you were working on it.")
    old = current.visibility
    current.visibility = visibility
    current.version += 1
    current.save(update_fields=["visibility", "version", "updated_at"])
    access_rebuild(record=current)
    record.visibility, record.version = current.visibility, current.version
    audit_record(
        action=Action.UPDATE,
        target=current,
        changes={"visibility": [old, visibility]},
        justification=reason,
    )
