"""Break the glass: emergency access to a whole record for a few hours, with a reason.

The policy decides who may (``Action.BREAK_GLASS``: not the owner, not hidden, access level not
closed); this service opens the access, audits it as BREAK_GLASS so it stands out in the log, and
alerts the owning team's managers by email (a reference and a link only). Access lapses on its
own: the access-table row carries ``expires_at`` and the policy ignores it afterwards.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record
from roundtable.directory.models import Team, User
from roundtable.sharing import access, kinds
from roundtable.sharing.models import BreakGlass
from roundtable.sharing.sections import SECTIONS_BY_KIND
from roundtable.sharing.services.notify import absolute, email_team_managers


@transaction.atomic
def break_glass_open(*, actor: User, team: Team, record: Any, reason: str) -> BreakGlass:
    """Open a record to the actor's team for ROUNDTABLE_BREAK_GLASS_HOURS; owners are alerted."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why you need to see this record now."})
    now = timezone.now()
    active = BreakGlass.objects.filter(
        record_kind=record.record_kind, record_id=record.pk, team=team, expires_at__gt=now
    ).first()
    if active is not None:
        until = date_format(timezone.localtime(active.expires_at), "j F Y H:i")
        raise ValidationError(
            f"Your team already has emergency access to this record until {until}."
        )
    glass = BreakGlass(
        record_kind=record.record_kind,
        record_id=record.pk,
        user=actor,
        team=team,
        reason=reason.strip(),
        expires_at=now + timedelta(hours=settings.BREAK_GLASS_HOURS),
    )
    glass.full_clean()
    glass.save()
    access.access_add_break_glass(glass=glass, sort_key=record.updated_at)
    audit_record(
        action=Action.BREAK_GLASS,
        target=record,
        sections=[str(section) for section in SECTIONS_BY_KIND[int(record.record_kind)]],
        justification=glass.reason,
        detail={
            "break_glass": str(glass.code),
            "expires_at": glass.expires_at.isoformat(),
            "owning_team": record.owning_team_id,
        },
    )
    email_team_managers(
        team_id=record.owning_team_id,
        template="break_glass",
        context={
            "reference": kinds.label_for(record),
            "until": date_format(timezone.localtime(glass.expires_at), "j F Y H:i"),
            "link": absolute(
                reverse(
                    "sharing:record_sharing",
                    kwargs={"kind": kinds.slug_for(record), "code": record.code},
                )
            ),
        },
    )
    return glass
