"""Writes to a partnership's casework settings: enforcement figures and the case review threshold.

Only a partnership admin of that partnership may change them. A partnership that has set nothing
uses the defaults in ``casework.powers``; the first save creates its row. Each save is
optimistically locked (``version``) and audited with the old and new values.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record, diff
from roundtable.casework import powers
from roundtable.casework.models import CaseReviewSettings, EnforcementSettings
from roundtable.directory import permissions
from roundtable.directory.models import Partnership, User
from roundtable.records.services.cases import StaleRecord, audit_snapshot

S = TypeVar("S", EnforcementSettings, CaseReviewSettings)

ENFORCEMENT_FIELDS = (
    "cpw_months",
    "cpn_months",
    "fixed_penalty_amount",
    "fixed_penalty_early_amount",
    "fixed_penalty_early_days",
    "attention_lead_days",
)
CASE_REVIEW_FIELDS = (
    "threshold",
    "window_months",
    "report_within_months",
    "lead_team",
    "lead_user",
)


def require_partnership_admin(actor: User, partnership_id: int) -> None:
    """Refuse anyone but a partnership admin of this partnership."""
    organisation = actor.organisation
    if not (
        permissions.is_partnership_admin(actor)
        and organisation is not None
        and organisation.partnership_id == partnership_id
    ):
        raise PermissionDenied


def _locked(model: type[S], partnership: Partnership, expected_version: int) -> S:
    row, _created = model.objects.select_for_update().get_or_create(partnership=partnership)
    if row.version != expected_version:
        raise StaleRecord(row)
    return row


def _save(row: models.Model, names: tuple[str, ...], fields: dict[str, Any]) -> None:
    before = _audited(row, names)
    for name, value in fields.items():
        if name not in names:
            raise ValueError(f"Settings have no field {name!r}")
        setattr(row, name, value)
    row.full_clean(exclude=["partnership"])
    row.version += 1  # type: ignore[attr-defined]
    row.save()
    audit_record(action=Action.UPDATE, target=row, changes=diff(before, _audited(row, names)))


def _audited(row: models.Model, names: tuple[str, ...]) -> dict[str, Any]:
    values = audit_snapshot(row, names)
    return {
        name: str(value) if isinstance(value, Decimal) else value for name, value in values.items()
    }


@transaction.atomic
def enforcement_settings_update(
    *, actor: User, partnership: Partnership, expected_version: int, **fields: Any
) -> EnforcementSettings:
    """Change a partnership's CPW and CPN periods, fixed penalty and task lead time."""
    require_partnership_admin(actor, partnership.pk)
    row = _locked(EnforcementSettings, partnership, expected_version)
    errors: dict[str, list[str]] = {}
    if not 1 <= fields.get("cpw_months", row.cpw_months) <= 24:
        errors["cpw_months"] = ["The warning period must be 1 to 24 months."]
    if not 1 <= fields.get("cpn_months", row.cpn_months) <= 60:
        errors["cpn_months"] = ["The notice period must be 1 to 60 months."]
    full = fields.get("fixed_penalty_amount", row.fixed_penalty_amount)
    early = fields.get("fixed_penalty_early_amount", row.fixed_penalty_early_amount)
    if not Decimal("0") < full <= Decimal("10000"):
        errors["fixed_penalty_amount"] = ["The fixed penalty must be more than £0."]
    if not Decimal("0") < early:
        errors["fixed_penalty_early_amount"] = ["The early payment must be more than £0."]
    elif early >= full:
        errors["fixed_penalty_early_amount"] = [
            "The early payment must be less than the fixed penalty."
        ]
    if not 1 <= fields.get("fixed_penalty_early_days", row.fixed_penalty_early_days) <= 90:
        errors["fixed_penalty_early_days"] = ["The early payment period must be 1 to 90 days."]
    lead = fields.get("attention_lead_days", row.attention_lead_days)
    if not 1 <= lead <= powers.MAX_ATTENTION_LEAD_DAYS:
        errors["attention_lead_days"] = [
            f"The lead time must be 1 to {powers.MAX_ATTENTION_LEAD_DAYS} days."
        ]
    if errors:
        raise ValidationError(errors)
    _save(row, ENFORCEMENT_FIELDS, fields)
    return row


@transaction.atomic
def case_review_settings_update(
    *, actor: User, partnership: Partnership, expected_version: int, **fields: Any
) -> CaseReviewSettings:
    """Change a partnership's Community Trigger threshold, window, reporting period and lead."""
    require_partnership_admin(actor, partnership.pk)
    row = _locked(CaseReviewSettings, partnership, expected_version)
    errors: dict[str, list[str]] = {}
    window = fields.get("window_months", row.window_months)
    if not 1 <= fields.get("threshold", row.threshold) <= 20:
        errors["threshold"] = ["The threshold must be 1 to 20 complaints."]
    if not 1 <= window <= 24:
        errors["window_months"] = ["The window must be 1 to 24 months."]
    within = fields.get("report_within_months", row.report_within_months)
    if not 1 <= within <= 12:
        errors["report_within_months"] = ["The reporting period must be 1 to 12 months."]
    elif within > window:
        errors["report_within_months"] = ["The reporting period cannot be longer than the window."]
    team = fields.get("lead_team", row.lead_team)
    if team is not None and (
        not team.is_active or team.organisation.partnership_id != partnership.pk
    ):
        errors["lead_team"] = ["Choose an active team of this partnership."]
    user = fields.get("lead_user", row.lead_user)
    if user is not None and (
        not user.is_active
        or user.organisation is None
        or user.organisation.partnership_id != partnership.pk
    ):
        errors["lead_user"] = ["Choose an active member of staff of this partnership."]
    if errors:
        raise ValidationError(errors)
    _save(row, CASE_REVIEW_FIELDS, fields)
    return row
