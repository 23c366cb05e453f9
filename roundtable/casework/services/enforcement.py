"""Writes to enforcement actions: propose, serve, vary, record a breach, end, expire, flag.

Every function validates (the statutory figures in ``casework.powers``, the partnership's own in
``EnforcementSettings``), writes, and audits against the case in one transaction. User writes take
the acting ``viewer`` and are refused unless ``sharing.policy`` lets it EDIT the case (the owning
team); the background ones (``enforcement_expire_lapsed``, ``enforcement_attention_flag``) run
from ``casework.tasks`` with the task channel. A served action copies the figures it was served
under, so a later settings change never rewrites it. This module must never decide what a reader
sees: that is ``casework.selectors.enforcement`` through the policy.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record
from roundtable.casework import powers
from roundtable.casework.models import (
    BreachResponse,
    EnforcementAction,
    EnforcementBreach,
    EnforcementSettings,
)
from roundtable.casework.powers import EnforcementKind, EnforcementStatus
from roundtable.casework.selectors.enforcement import (
    AttentionDue,
    enforcement_attention_due,
    lapsed_condition,
)
from roundtable.casework.selectors.enforcement import (
    enforcement_settings_for as settings_for,
)
from roundtable.directory.models import Organisation, Team, User
from roundtable.records.models import Case, CaseLink, CaseMember, Premises, Profile
from roundtable.records.services.cases import audit_snapshot, lock_for_edit, record_touch
from roundtable.sharing import policy
from roundtable.tasking.services.alerts import alert_event
from roundtable.tasking.services.tasks import task_create_once

K = EnforcementKind
logger = logging.getLogger(__name__)

# The details each power records, beyond the target, the issuer and the service date. A form
# shows these fields for the kind, and the services refuse any other.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    K.WARNING_LETTER: ("conditions", "expires_on", "review_on"),
    K.ASB_WARNING_NOTICE: ("conditions", "expires_on", "review_on"),
    K.ABC: ("conditions", "review_on", "expires_on"),
    K.CPW: ("problem", "required_change", "deadline", "consequence", "conditions"),
    K.CPN: (
        "conditions",
        "period_months",
        "fixed_penalty_amount",
        "fixed_penalty_early_amount",
        "fixed_penalty_early_days",
        "review_on",
    ),
    K.CIVIL_INJUNCTION: (
        "court",
        "hearing_on",
        "conditions",
        "positive_requirements",
        "expires_on",
        "review_on",
    ),
    K.CBO: (
        "court",
        "hearing_on",
        "conditions",
        "positive_requirements",
        "expires_on",
        "review_on",
    ),
    K.DISPERSAL: ("authorised_by", "duration_hours", "conditions"),
    K.CLOSURE_NOTICE: ("duration_hours", "conditions", "hearing_on"),
    K.CLOSURE_ORDER: ("court", "hearing_on", "period_months", "conditions", "review_on"),
}
TIMED = powers.TIMED
# Powers whose expiry the system computes (the rest take the expiry the court or agency set).
COMPUTED_EXPIRY = frozenset({K.CPW, K.CPN, K.CLOSURE_ORDER, *TIMED})
REQUIRED: dict[str, dict[str, str]] = {
    K.ABC: {
        "conditions": "Enter the terms of the contract.",
        "review_on": "Enter the date the contract will be reviewed.",
    },
    K.CPW: {
        "problem": "Describe the problem the warning is about.",
        "required_change": "Describe the change the warning requires.",
        "deadline": "Enter the deadline for the change.",
    },
    K.CPN: {"conditions": "Enter the requirements of the notice."},
    K.CIVIL_INJUNCTION: {
        "court": "Enter the court that granted the injunction.",
        "conditions": "Enter the terms of the injunction.",
    },
    K.CBO: {
        "court": "Enter the court that made the order.",
        "conditions": "Enter the terms of the order.",
    },
    K.DISPERSAL: {"authorised_by": "Enter the inspector (or above) who authorised dispersal."},
    K.CLOSURE_ORDER: {"court": "Enter the court that made the order."},
}
AUDITED = (
    "kind",
    "status",
    "target_profile",
    "target_premises",
    "issuing_organisation",
    "issuing_team",
    "officer",
    "served_on",
    "served_at",
    "duration_hours",
    "expires_on",
    "expires_at",
    "review_on",
    "deadline",
    "period_months",
    "fixed_penalty_amount",
    "fixed_penalty_early_amount",
    "fixed_penalty_early_days",
    "court",
    "hearing_on",
    "ended_on",
    "varied_on",
)
MAX_PENALTY = Decimal("10000")
MAX_TEXT = 5000
MAX_CPN_MONTHS = 60
TEXT_FIELDS = (
    "conditions",
    "problem",
    "required_change",
    "consequence",
    "positive_requirements",
    "outcome",
)


class Problems:
    """Collects refusals keyed by field, so a form can show every one of them at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def raise_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def _snapshot(action: EnforcementAction) -> dict[str, Any]:
    values = audit_snapshot(action, AUDITED)
    for name in ("fixed_penalty_amount", "fixed_penalty_early_amount"):
        if values[name] is not None:
            values[name] = str(values[name])
    for name in ("served_at", "expires_at"):
        moment = getattr(action, name)
        values[name] = moment.isoformat() if moment is not None else None
    return values


def _audit(
    action: EnforcementAction,
    *,
    event: str,
    before: dict[str, Any] | None,
    justification: str = "",
    extra: dict[str, Any] | None = None,
) -> None:
    """One event on the case (so the case's history is whole), naming the action by its code."""
    audit_record(
        action=Action.CREATE if before is None else Action.UPDATE,
        target=action.case,
        sections=["summary"],
        changes={f"enforcement_{event}": [before, _snapshot(action)]},
        detail={"enforcement_action": str(action.code), "kind": action.kind, **(extra or {})},
        justification=justification,
    )


def _a(action: EnforcementAction) -> str:
    """'A community protection warning', 'An ASB warning notice': to start a sentence."""
    text = powers.with_article(powers.lower_first(str(action.get_kind_display())))
    return text[:1].upper() + text[1:]


def _require_edit(viewer: policy.Viewer, case: Case) -> None:
    if not policy.can(viewer, policy.Action.EDIT, cast(policy.Record, case)):
        raise PermissionDenied


# --- Validation -------------------------------------------------------------------------------


def _check_target(action: EnforcementAction, problems: Problems) -> None:
    if action.target_profile_id is not None:
        if action.kind not in powers.FOR_PERSON:
            problems.add("target", f"{_a(action)} is not for a person.")
        elif not CaseMember.objects.filter(
            case_id=action.case_id, profile_id=action.target_profile_id
        ).exists():
            problems.add("target", "Choose a person who is a member of this case.")
    elif action.target_premises_id is not None:
        if action.kind not in powers.FOR_PREMISES:
            problems.add("target", f"{_a(action)} is not for premises.")
        elif not CaseLink.objects.filter(
            case_id=action.case_id, premises_id=action.target_premises_id
        ).exists():
            problems.add("target", "Choose premises linked to this case.")
    else:
        problems.add("target", "Choose the person or premises this action is about.")


def _check_issuer(action: EnforcementAction, case: Case, problems: Problems) -> None:
    organisation: Organisation = action.issuing_organisation
    partnership_id = case.case_type.partnership_id
    if not organisation.is_active or organisation.partnership_id not in (None, partnership_id):
        problems.add("issuing_organisation", "Choose an agency of this case's partnership.")
        return
    team = action.issuing_team
    if team is not None and team.organisation_id != organisation.pk:
        problems.add("issuing_team", "Choose a team of the issuing agency.")
    officer = action.officer
    if officer is not None and (
        not officer.is_active or officer.organisation_id != organisation.pk
    ):
        problems.add("officer", "Choose an officer of the issuing agency.")


def _check_text(action: EnforcementAction, problems: Problems) -> None:
    for name, message in REQUIRED.get(action.kind, {}).items():
        value = getattr(action, name)
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.add(name, message)
    for name in TEXT_FIELDS:
        if len(getattr(action, name)) > MAX_TEXT:
            problems.add(name, f"This must be {MAX_TEXT:,} characters or fewer.")


def _check_penalty(action: EnforcementAction, problems: Problems) -> None:
    full, early = action.fixed_penalty_amount, action.fixed_penalty_early_amount
    if full is None or early is None or action.fixed_penalty_early_days is None:
        problems.add("fixed_penalty_amount", "Enter the fixed penalty and its early payment.")
        return
    if not Decimal("0") < full <= MAX_PENALTY:
        problems.add("fixed_penalty_amount", "The fixed penalty must be more than £0.")
    if not Decimal("0") < early:
        problems.add("fixed_penalty_early_amount", "The early payment must be more than £0.")
    elif early >= full:
        problems.add(
            "fixed_penalty_early_amount", "The early payment must be less than the fixed penalty."
        )
    if not 1 <= action.fixed_penalty_early_days <= 90:
        problems.add("fixed_penalty_early_days", "The early payment period must be 1 to 90 days.")


def _age(action: EnforcementAction, on: date) -> int | None:
    profile: Profile | None = action.target_profile
    if profile is None or profile.date_of_birth is None:
        return None
    return powers.age_on(profile.date_of_birth, on)


def _check_ages(action: EnforcementAction, on: date, problems: Problems) -> None:
    """The minimum ages of the Act (DOMAIN.md C1), checked on the service date (or today)."""
    age = _age(action, on)
    if age is None:
        return
    if action.kind in (K.CPW, K.CPN) and age < powers.MIN_AGE_CPW_CPN:
        problems.add(
            "target",
            f"{_a(action)} is only for people aged {powers.MIN_AGE_CPW_CPN} or over.",
        )
    if action.kind == K.CIVIL_INJUNCTION and age < powers.MIN_AGE_INJUNCTION:
        problems.add(
            "target",
            f"A civil injunction is only for people aged {powers.MIN_AGE_INJUNCTION} or over.",
        )


def _check_court_order_length(action: EnforcementAction, served: date, problems: Problems) -> None:
    """Injunction and CBO lengths (2014 Act s.1(6), s.25) and the youth CBO review (s.28)."""
    age = _age(action, served)
    youth = age is not None and age < powers.ADULT_AGE
    expires = action.expires_on
    if action.kind == K.CIVIL_INJUNCTION and youth:
        if expires is None:
            problems.add("expires_on", "An injunction on someone under 18 must have an end date.")
        elif expires > powers.add_months(served, powers.YOUTH_INJUNCTION_MAX_MONTHS):
            problems.add("expires_on", "An injunction on someone under 18 lasts 12 months at most.")
    if action.kind != K.CBO:
        return
    if youth:
        low = powers.add_months(served, powers.CBO_YOUTH_MIN_MONTHS)
        high = powers.add_months(served, powers.CBO_YOUTH_MAX_MONTHS)
        if expires is None or not low <= expires <= high:
            problems.add("expires_on", "A CBO on someone under 18 must last between 1 and 3 years.")
        if action.review_on is None:
            problems.add("review_on", "A CBO on someone under 18 needs a review date.")
    elif expires is not None and expires < powers.add_months(served, powers.CBO_ADULT_MIN_MONTHS):
        problems.add(
            "expires_on",
            "A CBO on an adult lasts at least 2 years: enter a later date, or none for an order "
            "until further order.",
        )


def _check_period(action: EnforcementAction, *, extending: bool, problems: Problems) -> None:
    months = action.period_months
    if action.kind == K.CPN:
        if months is None or not 1 <= months <= MAX_CPN_MONTHS:
            problems.add("period_months", f"The period must be 1 to {MAX_CPN_MONTHS} months.")
    elif action.kind == K.CLOSURE_ORDER:
        most = (
            powers.CLOSURE_ORDER_EXTENDED_MAX_MONTHS
            if extending
            else powers.CLOSURE_ORDER_MAX_MONTHS
        )
        if months is None or not 1 <= months <= most:
            problems.add(
                "period_months",
                "A closure order lasts 3 months at most; an extension can bring it to 6 in all."
                if not extending
                else "A closure order lasts 6 months at most in all.",
            )


def _check_hours(action: EnforcementAction, problems: Problems) -> None:
    if action.kind not in TIMED:
        return
    most = (
        powers.DISPERSAL_MAX_HOURS
        if action.kind == K.DISPERSAL
        else powers.CLOSURE_NOTICE_MAX_HOURS
    )
    if action.duration_hours is None or not 1 <= action.duration_hours <= most:
        problems.add(
            "duration_hours",
            f"{_a(action)} lasts {most} hours at most.",
        )


def _apply_dates(
    action: EnforcementAction, settings: EnforcementSettings, problems: Problems
) -> None:
    """Work out the expiry from the service date, where the law or the partnership sets it."""
    served = action.served_on
    if action.kind in TIMED and action.served_at is not None and action.duration_hours:
        action.served_on = timezone.localdate(action.served_at)
        action.expires_at = action.served_at + timedelta(hours=action.duration_hours)
        action.expires_on = timezone.localdate(action.expires_at)
        return
    if served is None:
        return
    if action.kind == K.CPW:
        # The CPW expires after the partnership's period (6 months by default, DOMAIN.md C1),
        # as it stood when the warning was served.
        if action.period_months is None:
            action.period_months = settings.cpw_months
        action.expires_on = powers.add_months(served, action.period_months)
    elif action.kind in (K.CPN, K.CLOSURE_ORDER) and action.period_months:
        action.expires_on = powers.add_months(served, action.period_months)


def _check_dates(action: EnforcementAction, today: date, problems: Problems) -> None:
    served = action.served_on
    if action.kind in TIMED and action.status != EnforcementStatus.PROPOSED:
        # Keyed to the date's field: a form asks for the date and the time side by side.
        if action.served_at is None:
            problems.add("served_on", "Enter the date and time it was served.")
        elif action.served_at > timezone.now():
            problems.add("served_on", "The time served cannot be in the future.")
    if served is not None and action.kind not in TIMED:
        if served > today:
            problems.add("served_on", "The date served cannot be in the future.")
        if action.expires_on is not None and action.expires_on <= served:
            problems.add("expires_on", "The expiry date must be after the date served.")
        if action.review_on is not None and action.review_on <= served:
            problems.add("review_on", "The review date must be after the date served.")
    if action.kind == K.CPW and action.deadline is not None:
        start = served or today
        if action.deadline <= start:
            problems.add(
                "deadline",
                "The deadline must be after the date served."
                if served
                else "The deadline must be in the future.",
            )
        elif action.expires_on is not None and action.deadline >= action.expires_on:
            problems.add("deadline", "The deadline must come before the warning expires.")


def _validate(
    action: EnforcementAction,
    settings: EnforcementSettings,
    *,
    extending: bool = False,
) -> None:
    today = timezone.localdate()
    problems = Problems()
    _check_target(action, problems)
    _check_issuer(action, action.case, problems)
    _check_text(action, problems)
    _check_period(action, extending=extending, problems=problems)
    _check_hours(action, problems)
    if action.kind == K.CPN:
        _check_penalty(action, problems)
    _apply_dates(action, settings, problems)
    _check_dates(action, today, problems)
    _check_ages(action, action.served_on or today, problems)
    if action.served_on is not None:
        _check_court_order_length(action, action.served_on, problems)
    problems.raise_any()
    action.full_clean(exclude=["case", "recorded_by"])


def _details(kind: str, details: dict[str, Any]) -> dict[str, Any]:
    allowed = set(KIND_FIELDS[kind])
    unknown = sorted(set(details) - allowed)
    if unknown:
        raise ValueError(f"A {kind} does not record {', '.join(unknown)}")
    return {
        name: (value.strip() if isinstance(value, str) else value)
        for name, value in details.items()
    }


def _defaults(kind: str, settings: EnforcementSettings, details: dict[str, Any]) -> None:
    """The partnership's figures for the details the person left empty."""
    if kind == K.CPN:
        details.setdefault("period_months", None)
        if details["period_months"] is None:
            details["period_months"] = settings.cpn_months
        for name in (
            "fixed_penalty_amount",
            "fixed_penalty_early_amount",
            "fixed_penalty_early_days",
        ):
            if details.get(name) is None:
                details[name] = getattr(settings, name)
    if kind == K.CLOSURE_ORDER and details.get("period_months") is None:
        details["period_months"] = powers.CLOSURE_ORDER_MAX_MONTHS
    if kind in TIMED and details.get("duration_hours") is None:
        details["duration_hours"] = (
            powers.DISPERSAL_MAX_HOURS
            if kind == K.DISPERSAL
            else powers.CLOSURE_NOTICE_DEFAULT_HOURS
        )


# --- User writes ------------------------------------------------------------------------------


@transaction.atomic
def enforcement_create(
    *,
    actor: User,
    viewer: policy.Viewer,
    case: Case,
    kind: str,
    issuing_organisation: Organisation,
    target_profile: Profile | None = None,
    target_premises: Premises | None = None,
    issuing_team: Team | None = None,
    officer: User | None = None,
    served_on: date | None = None,
    served_at: datetime | None = None,
    **details: Any,
) -> EnforcementAction:
    """Record an action on a case: proposed, or already served when a service date is given."""
    _require_edit(viewer, case)
    if kind not in EnforcementKind.values:
        raise ValidationError({"kind": ["Choose a kind of enforcement action."]})
    settings = settings_for(case.case_type.partnership_id)
    values = _details(kind, details)
    _defaults(kind, settings, values)
    served = served_on is not None or served_at is not None
    action = EnforcementAction(
        case=case,
        kind=kind,
        target_profile=target_profile,
        target_premises=target_premises,
        issuing_organisation=issuing_organisation,
        issuing_team=issuing_team,
        officer=officer,
        recorded_by=actor,
        served_on=served_on,
        served_at=served_at,
        status=EnforcementStatus.SERVED if served else EnforcementStatus.PROPOSED,
        proposed_at=None if served else timezone.now(),
        **values,
    )
    _validate(action, settings)
    action.save()
    record_touch(case)
    _audit(action, event="added", before=None)
    return action


def _locked(action: EnforcementAction, expected_version: int) -> EnforcementAction:
    current: EnforcementAction = lock_for_edit(EnforcementAction, action.pk, expected_version)
    current.case = action.case
    return current


@transaction.atomic
def enforcement_serve(
    *,
    actor: User,
    viewer: policy.Viewer,
    action: EnforcementAction,
    expected_version: int,
    served_on: date | None = None,
    served_at: datetime | None = None,
) -> EnforcementAction:
    """Record that a proposed action was served; its expiry is worked out from that date."""
    _require_edit(viewer, action.case)
    current = _locked(action, expected_version)
    if current.status != EnforcementStatus.PROPOSED:
        raise ValidationError("Only a proposed action can be served.")
    if current.kind in TIMED:
        if served_at is None:
            raise ValidationError({"served_on": ["Enter the date and time it was served."]})
    elif served_on is None:
        raise ValidationError({"served_on": ["Enter the date it was served."]})
    before = _snapshot(current)
    current.served_on, current.served_at = served_on, served_at
    current.status = EnforcementStatus.SERVED
    _validate(current, settings_for(current.case.case_type.partnership_id))
    current.version += 1
    current.save()
    record_touch(current.case)
    _audit(current, event="served", before=before)
    return current


@transaction.atomic
def enforcement_update(
    *,
    actor: User,
    viewer: policy.Viewer,
    action: EnforcementAction,
    expected_version: int,
    reason: str = "",
    **details: Any,
) -> EnforcementAction:
    """Change a proposed action, or vary one in force (with a reason); refused when stale."""
    _require_edit(viewer, action.case)
    current = _locked(action, expected_version)
    if current.status not in (EnforcementStatus.PROPOSED, *powers.IN_FORCE_STATUSES):
        raise ValidationError("An action that has ended cannot be changed.")
    varying = current.status != EnforcementStatus.PROPOSED
    if varying and not reason.strip():
        raise ValidationError({"reason": ["Give the reason for the variation."]})
    values = _details(current.kind, details)
    before = _snapshot(current)
    for name, value in values.items():
        setattr(current, name, value)
    if varying:
        current.varied_on = timezone.localdate()
    _validate(current, settings_for(current.case.case_type.partnership_id), extending=varying)
    after = _snapshot(current)
    if (after["expires_on"], after["expires_at"]) != (before["expires_on"], before["expires_at"]):
        current.expiry_flagged_on = None
    if after["review_on"] != before["review_on"]:
        current.review_flagged_on = None
    current.version += 1
    current.save()
    record_touch(current.case)
    _audit(current, event="varied" if varying else "changed", before=before, justification=reason)
    return current


@transaction.atomic
def enforcement_breach_record(
    *,
    actor: User,
    viewer: policy.Viewer,
    action: EnforcementAction,
    expected_version: int,
    occurred_on: date,
    description: str,
    reported_by: str,
    response: str,
    response_notes: str = "",
) -> EnforcementBreach:
    """Record a breach of an action in force, and what was done about it."""
    _require_edit(viewer, action.case)
    current = _locked(action, expected_version)
    if current.status not in powers.IN_FORCE_STATUSES:
        raise ValidationError("Only an action in force can be breached.")
    problems = Problems()
    assert current.served_on is not None  # noqa: S101  (in force implies served: a DB constraint)
    if occurred_on > timezone.localdate():
        problems.add("occurred_on", "The date of the breach cannot be in the future.")
    elif occurred_on < current.served_on:
        problems.add("occurred_on", "The breach cannot come before the action was served.")
    elif current.expires_on is not None and current.kind not in TIMED:
        if occurred_on >= current.expires_on:
            problems.add("occurred_on", "The breach must fall before the action expired.")
    elif current.expires_on is not None and occurred_on > current.expires_on:
        problems.add("occurred_on", "The breach must fall before the action expired.")
    if not description.strip():
        problems.add("description", "Describe the breach.")
    if not reported_by.strip():
        problems.add("reported_by", "Say who reported the breach.")
    if response not in BreachResponse.values:
        problems.add("response", "Choose what was done about the breach.")
    elif response == BreachResponse.FIXED_PENALTY and current.kind != K.CPN:
        problems.add(
            "response", "A fixed penalty notice can only follow a community protection notice."
        )
    problems.raise_any()
    breach = EnforcementBreach(
        action=current,
        occurred_on=occurred_on,
        description=description.strip(),
        reported_by=reported_by.strip(),
        response=response,
        response_notes=response_notes.strip(),
        recorded_by=actor,
    )
    breach.full_clean(exclude=["action", "recorded_by"])
    breach.save()
    before = _snapshot(current)
    current.status = EnforcementStatus.BREACHED
    current.version += 1
    current.save(update_fields=["status", "version", "updated_at"])
    record_touch(current.case)
    _audit(
        current,
        event="breached",
        before=before,
        extra={"breach": breach.pk, "occurred_on": occurred_on.isoformat(), "response": response},
    )
    return breach


@transaction.atomic
def enforcement_end(
    *,
    actor: User,
    viewer: policy.Viewer,
    action: EnforcementAction,
    expected_version: int,
    status: str,
    outcome: str,
    ended_on: date | None = None,
) -> EnforcementAction:
    """Discharge an action in force, or withdraw one, with its outcome."""
    _require_edit(viewer, action.case)
    current = _locked(action, expected_version)
    ended = ended_on or timezone.localdate()
    problems = Problems()
    if status == EnforcementStatus.DISCHARGED:
        if current.status not in powers.IN_FORCE_STATUSES:
            problems.add("status", "Only an action in force can be discharged.")
    elif status == EnforcementStatus.WITHDRAWN:
        if current.status in powers.ENDED_STATUSES:
            problems.add("status", "This action has already ended.")
    else:
        problems.add("status", "Choose discharged or withdrawn.")
    if not outcome.strip():
        problems.add("outcome", "Enter the outcome.")
    if ended > timezone.localdate():
        problems.add("ended_on", "The date cannot be in the future.")
    elif current.served_on is not None and ended < current.served_on:
        problems.add("ended_on", "The action cannot end before it was served.")
    problems.raise_any()
    before = _snapshot(current)
    current.status, current.outcome, current.ended_on = status, outcome.strip(), ended
    current.version += 1
    current.save(update_fields=["status", "outcome", "ended_on", "version", "updated_at"])
    record_touch(current.case)
    _audit(current, event=str(status), before=before, justification=outcome.strip())
    return current


# --- Background work --------------------------------------------------------------------------


@transaction.atomic
def enforcement_expire_lapsed(*, now: datetime | None = None) -> int:
    """Mark actions in force whose expiry has passed as expired; returns how many."""
    now = now or timezone.now()
    lapsed = (
        EnforcementAction.objects.select_for_update(of=("self",))
        .filter(lapsed_condition(now))
        .select_related("case")
        .order_by("pk")
    )
    count = 0
    for action in lapsed:
        before = _snapshot(action)
        action.status = EnforcementStatus.EXPIRED
        action.ended_on = action.expires_on
        action.version += 1
        action.save(update_fields=["status", "ended_on", "version", "updated_at"])
        _audit(action, event="expired", before=before)
        count += 1
    return count


@transaction.atomic
def enforcement_attention_flag(*, on: date | None = None) -> list[AttentionDue]:
    """Flag every expiry and review coming up within its partnership's lead time, raising a task
    for each (once: a flagged date is not flagged again unless it changes).

    Each date is flagged in its own savepoint with its task, so one that cannot have its task
    (a case owned by a team since closed) is left unflagged, logged by the action's code, and
    tried again next time, without holding up the others. Returns the dates flagged.
    """
    day = on or timezone.localdate()
    flagged: list[AttentionDue] = []
    for item in enforcement_attention_due(on=day):
        try:
            with transaction.atomic():
                if _attention_flag_one(item, day):
                    flagged.append(item)
        except ValidationError:
            logger.warning(
                "no task for the %s of enforcement action %s", item.reason, item.action.code
            )
    return flagged


def _attention_flag_one(item: AttentionDue, day: date) -> bool:
    field = "expiry_flagged_on" if item.reason == "expiry" else "review_flagged_on"
    updated = EnforcementAction.objects.filter(pk=item.action.pk, **{field: None}).update(
        **{field: day}
    )
    if not updated:
        return False  # another run flagged it first
    audit_record(
        action=Action.UPDATE,
        target=item.action.case,
        sections=["summary"],
        changes={field: [None, day.isoformat()]},
        detail={
            "enforcement_action": str(item.action.code),
            "kind": item.action.kind,
            "due_on": item.due_on.isoformat(),
        },
    )
    attention_task_create(item)
    return True


def attention_source(item: AttentionDue) -> tuple[str, str]:
    """The (source, source_key) of an attention task: one live task per action, reason and date."""
    source = "enforcement-expiry" if item.reason == "expiry" else "enforcement-review"
    return source, f"{item.action.pk}:{item.due_on.isoformat()}"


def attention_task_create(item: AttentionDue) -> None:
    """Raise the task for an expiry or review that needs attention, and the "enforcement action
    due" alert, in the flagging transaction.

    Roundtable sets the task itself (no actor) as the case's owning team, for that team, given to
    the officer when they are in it. The title names the power, the case reference and the date,
    never the person or the premises. Idempotent: a second call for the same action, reason and
    date finds the live task and makes none. The alert tells the case's watchers and the teams
    alert rules name, among those who see the case's summary (where enforcement is shown).
    """
    case = item.action.case
    source, source_key = attention_source(item)
    _task, created = task_create_once(
        actor=None,
        team=case.owning_team,
        title=item.title,
        due_on=item.due_on,
        record=case,
        assignee_team=case.owning_team,
        assignee_user=item.assignee,
        priority="high" if item.reason == "expiry" else "normal",
        description=item.description,
        source=source,
        source_key=source_key,
    )
    if created:
        alert_event(
            event="enforcement.due",
            record=case,
            actor=None,
            team=case.owning_team,
            section="summary",
            detail={"action_type": str(item.action.kind)},
        )
