"""Writes to case types and cases: set up types, open, edit, move, close and link cases.

Every function here validates, writes, keeps the access table current and audits in one
transaction. Who may call them is decided before (``records.access`` for record pages and
``directory.permissions`` for case type administration); the services check again where a rule
is about the data itself (a profile the actor cannot even see a signpost of is never added to a
case). This module must never decide who sees a record: that is ``sharing.policy``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from roundtable.audit.models import Action
from roundtable.audit.services import audit_record, diff
from roundtable.customforms import selectors as form_selectors
from roundtable.customforms import services as form_services
from roundtable.customforms.models import FormDefinition, FormVersion
from roundtable.customforms.schema import schema_problems
from roundtable.customforms.validation import FormValuesInvalid, form_values_clean
from roundtable.directory import permissions
from roundtable.directory.models import Organisation, Partnership, Team, User
from roundtable.records.models import (
    Case,
    CaseLink,
    CaseMember,
    CaseStatus,
    CaseType,
    CaseTypeShareDefault,
    Group,
    MemberRole,
    Premises,
    Profile,
    Rag,
    ReferenceCounter,
    StageChange,
)
from roundtable.sharing import access, policy
from roundtable.sharing.models import AccessLevel, AgreementParty, SharingAgreement
from roundtable.sharing.sections import SECTIONS_BY_KIND, RecordKind, describe, from_mask, to_mask
from roundtable.sharing.services import access_rebuild
from roundtable.tasking.services.alerts import alert_event

STALE_MESSAGE = "Someone else changed this record while you were working on it."
PREFIX = re.compile(r"^[A-Z]{2,8}$")
CASE_SECTIONS = frozenset(str(section) for section in SECTIONS_BY_KIND[RecordKind.CASE])


class StaleRecord(Exception):  # noqa: N818  (a state the caller handles, not a failure)
    """The record changed since the form was read; ``current`` holds it as it is now."""

    def __init__(self, current: models.Model) -> None:
        super().__init__(STALE_MESSAGE)
        self.current = current


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(getattr(value, "code", value.pk))
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    return str(value)


def audit_snapshot(instance: models.Model, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: _jsonable(getattr(instance, name)) for name in names}


def lock_for_edit(model: type[Any], pk: int, expected_version: int) -> Any:
    """The row locked for update, or StaleRecord when it moved on since the form was read."""
    current = model.objects.select_for_update().get(pk=pk)
    if current.version != expected_version:
        raise StaleRecord(current)
    return current


def lists_touch(record: Any) -> None:
    """Move a record to the top of everyone's lists: its rows take its new change time."""
    access.access_touch(
        kind=int(record.record_kind), record_id=record.pk, sort_key=record.updated_at
    )


# --- Case types -------------------------------------------------------------------------------

CASE_TYPE_AUDITED = (
    "name",
    "reference_prefix",
    "description",
    "stages",
    "access_level",
    "organisation_sections",
    "review_interval_days",
    "retention_years",
    "is_family",
    "is_active",
)


def _stages_problems(stages: Any) -> list[str]:
    if not isinstance(stages, list) or not stages:
        return ["Give at least one workflow stage."]
    cleaned = [stage.strip() for stage in stages if isinstance(stage, str)]
    if len(cleaned) != len(stages) or not all(cleaned):
        return ["Each workflow stage needs a name."]
    if any(len(stage) > 80 for stage in cleaned):
        return ["Each workflow stage name must be 80 characters or fewer."]
    if len({stage.lower() for stage in cleaned}) != len(cleaned):
        return ["Each workflow stage must appear once."]
    return []


def _case_type_validate(case_type: CaseType, field_schema: Any = None) -> None:
    errors: dict[str, list[str]] = {}
    if field_schema is not None:
        problems = schema_problems(field_schema, record_kind=RecordKind.CASE)
        if problems:
            errors["field_schema"] = problems
    if not PREFIX.match(case_type.reference_prefix or ""):
        errors["reference_prefix"] = [
            "The reference prefix must be 2 to 8 capital letters, A to Z."
        ]
    stage_problems = _stages_problems(case_type.stages)
    if stage_problems:
        errors["stages"] = stage_problems
    if case_type.access_level not in AccessLevel.values:
        errors["access_level"] = ["Choose open, audited, protected or closed."]
    if case_type.review_interval_days < 1:
        errors["review_interval_days"] = ["The review interval must be at least 1 day."]
    if case_type.retention_years < 1:
        errors["retention_years"] = ["The retention period must be at least 1 year."]
    clash = CaseType.objects.filter(partnership_id=case_type.partnership_id).exclude(
        pk=case_type.pk
    )
    if clash.filter(reference_prefix=case_type.reference_prefix).exists():
        errors.setdefault("reference_prefix", []).append(
            "Another case type in this partnership already uses this prefix."
        )
    if clash.filter(name__iexact=case_type.name).exists():
        errors["name"] = ["Another case type in this partnership already has this name."]
    if errors:
        raise ValidationError(errors)
    case_type.full_clean(exclude=["partnership"], validate_unique=False)


def _require_partnership_admin(actor: User, partnership_id: int) -> None:
    organisation = actor.organisation
    if not (
        permissions.is_partnership_admin(actor)
        and organisation is not None
        and organisation.partnership_id == partnership_id
    ):
        raise PermissionDenied


def _case_sections_mask(sections: list[str]) -> int:
    unknown = [section for section in sections if section not in CASE_SECTIONS]
    if unknown:
        raise ValidationError({"organisation_sections": ["Choose sections that cases have."]})
    return to_mask(sections)


@transaction.atomic
def case_type_create(
    *,
    actor: User,
    partnership: Partnership,
    name: str,
    reference_prefix: str,
    stages: list[str],
    access_level: str = AccessLevel.OPEN,
    organisation_sections: list[str] | None = None,
    description: str = "",
    review_interval_days: int = 28,
    retention_years: int = 6,
    field_schema: Any = None,
    is_family: bool = False,
) -> CaseType:
    """Set up a new case type for the actor's own partnership (partnership admins only).

    The type's own fields are a configurable form (``customforms``) made with it; a non-empty
    ``field_schema`` is checked and published as its version 1, later changes are new versions.
    """
    _require_partnership_admin(actor, partnership.pk)
    case_type = CaseType(
        partnership=partnership,
        name=name.strip(),
        reference_prefix=reference_prefix.strip().upper(),
        description=description,
        stages=[stage.strip() if isinstance(stage, str) else stage for stage in stages],
        access_level=access_level,
        organisation_sections=_case_sections_mask(organisation_sections or []),
        review_interval_days=review_interval_days,
        retention_years=retention_years,
        is_family=is_family,
    )
    _case_type_validate(case_type, field_schema if field_schema is not None else [])
    case_type.save()
    case_type.form = form_services.form_definition_create(
        actor=actor,
        partnership=partnership,
        owner=f"case_type:{case_type.code}",
        name=case_type.name,
        record_kind=RecordKind.CASE,
        schema=field_schema or [],
        publish=True,
    )
    case_type.save(update_fields=["form"])
    audit_record(
        action=Action.CREATE,
        target=case_type,
        changes={key: [None, value] for key, value in _case_type_audit(case_type).items()},
    )
    return case_type


def _case_type_audit(case_type: CaseType) -> dict[str, Any]:
    values = audit_snapshot(case_type, CASE_TYPE_AUDITED)
    values["organisation_sections"] = sorted(
        str(section) for section in from_mask(case_type.organisation_sections, RecordKind.CASE)
    )
    return values


@transaction.atomic
def case_type_update(
    *, actor: User, case_type: CaseType, expected_version: int, **fields: Any
) -> CaseType:
    """Change a case type; refused when someone else saved first. Applies to its open cases."""
    _require_partnership_admin(actor, case_type.partnership_id)
    current: CaseType = lock_for_edit(CaseType, case_type.pk, expected_version)
    before = _case_type_audit(current)
    if "organisation_sections" in fields:
        fields["organisation_sections"] = _case_sections_mask(fields["organisation_sections"])
    if "reference_prefix" in fields:
        fields["reference_prefix"] = str(fields["reference_prefix"]).strip().upper()
    if "stages" in fields:
        fields["stages"] = [s.strip() if isinstance(s, str) else s for s in fields["stages"]]
    for name, value in fields.items():
        if name not in CASE_TYPE_AUDITED:
            raise ValueError(f"case_type_update cannot change {name!r}")
        setattr(current, name, value)
    _case_type_validate(current)
    current.version += 1
    current.save()
    changes = diff(before, _case_type_audit(current))
    if "name" in changes and current.form is not None:
        form_services.form_definition_rename(definition=current.form, name=current.name)
    if "organisation_sections" in changes:
        # What colleagues in the owning organisation see is stored per case in the access table.
        _case_type_cases_rebuild(current)
    audit_record(action=Action.UPDATE, target=current, changes=changes)
    return current


def share_default_problem(
    *, case_type: CaseType, agreement: SharingAgreement, organisation: Organisation, sections: int
) -> str | None:
    """Why an agreement cannot carry this default share of a case type; None when it can.

    The same tests as ``sharing.services.agreement_problem`` for a single share, made for a type
    whose cases any organisation of the partnership may own: the agreement must be in force,
    cover cases, belong to this partnership (or cross partnerships) and let the recipient
    receive every section named.
    """
    if agreement.partnership_id not in (None, case_type.partnership_id):
        return f"Agreement {agreement.reference} belongs to another partnership."
    if agreement.ends_on is not None and agreement.ends_on < timezone.localdate():
        return f"Agreement {agreement.reference} has ended."
    if not agreement.covers_kind(RecordKind.CASE):
        return f"Agreement {agreement.reference} does not cover cases."
    party = AgreementParty.objects.filter(agreement=agreement, organisation=organisation).first()
    if party is None:
        return f"{organisation.name} is not a party to agreement {agreement.reference}."
    beyond = sections & ~party.max_sections
    if beyond:
        names = describe(from_mask(beyond, RecordKind.CASE))
        return (
            f"Agreement {agreement.reference} does not allow {organisation.name} to receive: "
            f"{names}."
        )
    return None


def _case_type_cases_rebuild(case_type: CaseType) -> None:
    """Rewrite the owner and default rows of every case of a type after its sharing changed.

    Done in the same transaction so no case is left with the old scope. A type with very many
    cases would want this in batches in a background task (ADR 0004 consequences).
    """
    for case in Case.objects.filter(case_type=case_type).select_related("case_type").iterator():
        access_rebuild(record=case)


@transaction.atomic
def case_type_share_default_add(
    *,
    actor: User,
    case_type: CaseType,
    agreement: SharingAgreement,
    sections: list[str],
    team: Team | None = None,
    organisation: Organisation | None = None,
) -> CaseTypeShareDefault:
    """Share new and existing cases of a type with a team or organisation under an agreement."""
    _require_partnership_admin(actor, case_type.partnership_id)
    if (team is None) == (organisation is None):
        raise ValidationError({"recipient": ["Choose a team or a whole organisation."]})
    if not sections or any(section not in CASE_SECTIONS for section in sections):
        raise ValidationError({"sections": ["Choose at least one section of a case to share."]})
    recipient = team.organisation if team is not None else organisation
    if recipient is None:  # unreachable: exactly one of team and organisation is set above
        raise ValidationError({"recipient": ["Choose a team or a whole organisation."]})
    mask = to_mask(sections)
    problem = share_default_problem(
        case_type=case_type, agreement=agreement, organisation=recipient, sections=mask
    )
    if problem:
        raise ValidationError({"agreement": [problem]})
    default = CaseTypeShareDefault.objects.create(
        case_type=case_type,
        agreement=agreement,
        team=team,
        organisation=organisation,
        sections=mask,
    )
    _case_type_cases_rebuild(case_type)
    audit_record(
        action=Action.SHARE,
        target=case_type,
        sections=sections,
        recipients=[
            {
                "kind": "team" if team is not None else "organisation",
                "id": (team or recipient).pk,
                "name": (team or recipient).name,
                "organisation": recipient.name,
            }
        ],
        detail={"agreement": agreement.reference, "default": default.pk},
    )
    return default


@transaction.atomic
def case_type_share_default_remove(
    *, actor: User, default: CaseTypeShareDefault, reason: str = ""
) -> None:
    """Stop sharing a type's cases by default with a team or organisation; access ends now."""
    case_type = default.case_type
    _require_partnership_admin(actor, case_type.partnership_id)
    sections = [str(section) for section in from_mask(default.sections, RecordKind.CASE)]
    recipient = default.team or default.organisation
    default_id = default.pk
    default.delete()
    _case_type_cases_rebuild(case_type)
    audit_record(
        action=Action.UNSHARE,
        target=case_type,
        sections=sections,
        recipients=[{"name": str(recipient), "id": recipient.pk if recipient else None}],
        detail={"default": default_id},
        justification=reason,
    )


# --- Per-type field values (the case type's form) ------------------------------------------


def case_type_form_version(case_type: CaseType) -> FormVersion | None:
    """The version of its form a case of this type answers now (None: the type has no fields).

    Read afresh: an administrator may have published a new version since ``case_type`` was
    loaded, and answers must be checked against the version they will be stored with.
    """
    if case_type.form_id is None:
        return None
    definition = FormDefinition.objects.select_related("current_version").get(pk=case_type.form_id)
    version = definition.current_version
    if version is not None:
        version.definition = definition  # the same fresh row: its promoted columns are current
    return version


def case_fields_clean(
    *,
    case_type: CaseType,
    payload: Any,
    viewer: policy.Viewer,
) -> tuple[FormVersion | None, dict[str, Any]]:
    """A case's per-type answers checked by the forms engine against the type's current version.

    Errors are keyed ``field_<key>`` (``fields`` for keys the form does not have), so nothing
    that does not fit the schema is ever stored.
    """
    version = case_type_form_version(case_type)
    try:
        values = form_values_clean(version=version, payload=payload or {}, viewer=viewer)
    except FormValuesInvalid as invalid:
        raise ValidationError(
            {
                ("fields" if key == "__all__" else f"field_{key}"): messages
                for key, messages in invalid.errors.items()
            }
        ) from None
    return version, values


def case_field_values(case: Case) -> dict[str, Any]:
    """A case's stored per-type answers (empty when it has none)."""
    row = form_selectors.form_values_for(
        definition_id=case.case_type.form_id, record_kind=RecordKind.CASE, record_id=case.pk
    )
    return dict(row.values) if row is not None else {}


def _case_fields_store(case: Case, version: FormVersion | None, values: Mapping[str, Any]) -> None:
    if version is None:
        return
    form_services.form_values_save(
        definition=version.definition,
        version=version,
        record_kind=RecordKind.CASE,
        record_id=case.pk,
        values=values,
    )


# --- Cases ------------------------------------------------------------------------------------

CASE_AUDITED = (
    "title",
    "summary",
    "lead_practitioner",
    "review_date",
    "stage",
    "status",
    "outcome",
    "closed_on",
    "rag",
)
CASE_EDITABLE = ("title", "summary", "lead_practitioner", "review_date")


def reference_allocate(*, prefix: str, year: int) -> str:
    """The next reference for a prefix and year, e.g. ASB-2026-000123 (caller's transaction)."""
    # select_for_update holds the counter row until the caller's transaction ends, so two
    # openings of the same type queue here and take consecutive numbers; the unique constraint
    # on Case.reference is the last line of defence.
    counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(
        prefix=prefix, year=year
    )
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{prefix}-{year}-{counter.last_number:06d}"


def _lead_check(team_id: int, lead: User | None) -> None:
    if lead is not None and not lead.memberships.filter(team_id=team_id).exists():
        raise ValidationError(
            {"lead_practitioner": ["Choose a lead practitioner from the owning team."]}
        )


@transaction.atomic
def case_create(
    *,
    actor: User,
    team: Team,
    case_type: CaseType,
    title: str,
    opened_on: date | None = None,
    **fields: Any,
) -> Case:
    """Open a case of a type, owned by the actor's team, shared by the type's agreement defaults."""
    if not case_type.is_active:
        raise ValidationError("This case type is no longer in use.")
    partnership_id = team.organisation.partnership_id
    if partnership_id is not None and case_type.partnership_id != partnership_id:
        raise ValidationError({"case_type": ["Choose a case type of your partnership."]})
    opened = opened_on or timezone.localdate()
    version, values = case_fields_clean(
        case_type=case_type,
        payload=fields.pop("fields", None),
        viewer=policy.viewer_for_user(actor, team),
    )
    _lead_check(team.pk, fields.get("lead_practitioner"))
    fields.setdefault("review_date", opened + timedelta(days=case_type.review_interval_days))
    if fields["review_date"] is None:
        fields["review_date"] = opened + timedelta(days=case_type.review_interval_days)
    case = Case(
        case_type=case_type,
        title=title,
        opened_on=opened,
        owning_team=team,
        owning_organisation=team.organisation,
        created_by=actor,
        stage=(case_type.stages[0] if case_type.stages else ""),
        reference="pending",
        **fields,
    )
    case.full_clean(exclude=["reference"])
    case.reference = reference_allocate(prefix=case_type.reference_prefix, year=opened.year)
    case.save()
    _case_fields_store(case, version, values)
    access_rebuild(record=case)
    audit_record(
        action=Action.CREATE,
        target=case,
        changes={
            "case_type": [None, case_type.name],
            **{key: [None, value] for key, value in audit_snapshot(case, CASE_AUDITED).items()},
            **(
                {"fields": [None, values], "form_version": [None, version.number]}
                if values and version is not None
                else {}
            ),
        },
    )
    alert_event(
        event="case.created",
        record=case,
        actor=actor,
        team=team,
        section="summary",
        case_type=case_type,
    )
    return case


def _case_save(
    current: Case,
    before: dict[str, Any],
    names: list[str],
    extra_changes: Mapping[str, Any] | None = None,
    **audit: Any,
) -> Case:
    current.version += 1
    current.save(update_fields=[*names, "version", "updated_at"])
    lists_touch(current)
    audit_record(
        action=Action.UPDATE,
        target=current,
        changes={**diff(before, audit_snapshot(current, CASE_AUDITED)), **(extra_changes or {})},
        **audit,
    )
    return current


@transaction.atomic
def case_update(*, actor: User, case: Case, expected_version: int, **fields: Any) -> Case:
    """Change a case's title, summary, lead, review date or per-type fields (optimistic lock).

    Per-type answers (``fields``) are checked against the type's current form version and
    stored with it; answers to questions that version no longer asks leave the case (the audit
    event keeps them).
    """
    current: Case = lock_for_edit(Case, case.pk, expected_version)
    before = audit_snapshot(current, CASE_AUDITED)
    changes: dict[str, Any] = {}
    if "fields" in fields:
        stored = form_selectors.form_values_for(
            definition_id=current.case_type.form_id,
            record_kind=RecordKind.CASE,
            record_id=current.pk,
        )
        version, values = case_fields_clean(
            case_type=current.case_type,
            payload=fields.pop("fields"),
            viewer=policy.viewer_for_user(actor, current.owning_team),
        )
        old_values = dict(stored.values) if stored is not None else {}
        old_number = stored.form_version.number if stored is not None else None
        if values != old_values:
            changes["fields"] = [old_values, values]
        if values and version is not None and version.number != old_number:
            changes["form_version"] = [old_number, version.number]
        if changes:
            _case_fields_store(current, version, values)
    for name, value in fields.items():
        if name not in CASE_EDITABLE:
            raise ValueError(f"case_update cannot change {name!r}")
        setattr(current, name, value)
    if "lead_practitioner" in fields:
        _lead_check(current.owning_team_id, fields["lead_practitioner"])
    current.full_clean()
    return _case_save(current, before, list(fields), changes)


@transaction.atomic
def case_stage_change(
    *, actor: User, case: Case, to_stage: str, expected_version: int, note: str = ""
) -> StageChange:
    """Move a case to another stage of its type's workflow, with a note; kept in its history."""
    current: Case = lock_for_edit(Case, case.pk, expected_version)
    if to_stage not in current.case_type.stages:
        raise ValidationError({"to_stage": ["Choose a stage of this case type's workflow."]})
    if to_stage == current.stage:
        raise ValidationError({"to_stage": ["The case is already at this stage."]})
    if len(note) > 300:
        raise ValidationError({"note": ["The note must be 300 characters or fewer."]})
    before = audit_snapshot(current, CASE_AUDITED)
    change = StageChange.objects.create(
        case=current,
        from_stage=current.stage,
        to_stage=to_stage,
        changed_by=actor,
        changed_at=timezone.now(),
        note=note,
    )
    current.stage = to_stage
    _case_save(current, before, ["stage"], justification=note)
    # Stage names are the partnership's own words: the alert carries none of them.
    alert_event(
        event="case.stage_changed", record=current, actor=actor, team=None, section="summary"
    )
    return change


@transaction.atomic
def case_close(
    *,
    actor: User,
    case: Case,
    outcome: str,
    expected_version: int,
    closed_on: date | None = None,
) -> Case:
    """Close an open case with its outcome, on a day no earlier than it opened."""
    current: Case = lock_for_edit(Case, case.pk, expected_version)
    if current.status == CaseStatus.CLOSED:
        raise ValidationError("This case is already closed.")
    if not outcome.strip():
        raise ValidationError({"outcome": ["Enter the outcome of the case."]})
    closed = closed_on or timezone.localdate()
    if closed < current.opened_on:
        raise ValidationError({"closed_on": ["The case cannot close before it opened."]})
    if closed > timezone.localdate():
        raise ValidationError({"closed_on": ["The closing date cannot be in the future."]})
    before = audit_snapshot(current, CASE_AUDITED)
    current.status, current.outcome, current.closed_on = CaseStatus.CLOSED, outcome.strip(), closed
    current.full_clean()
    saved = _case_save(current, before, ["status", "outcome", "closed_on"])
    alert_event(event="case.closed", record=saved, actor=actor, team=None, section="summary")
    return saved


@transaction.atomic
def case_set_rag(
    *, actor: User, case: Case, rag: str, expected_version: int, note: str = ""
) -> Case:
    """Set a case's red, amber or green risk rating, with an optional reason."""
    current: Case = lock_for_edit(Case, case.pk, expected_version)
    if rag not in Rag.values:
        raise ValidationError({"rag": ["Choose red, amber, green or not assessed."]})
    before = audit_snapshot(current, CASE_AUDITED)
    changed = current.rag != rag
    current.rag = rag
    saved = _case_save(current, before, ["rag"], justification=note)
    if changed:
        alert_event(
            event="case.risk_changed",
            record=saved,
            actor=actor,
            team=None,
            section="risk",
            detail={"rag": rag},
        )
    return saved


def record_touch(record: Any) -> None:
    record.save(update_fields=["updated_at"])
    lists_touch(record)


@transaction.atomic
def case_member_add(
    *, actor: User, viewer: policy.Viewer, case: Case, profile: Profile, role: str
) -> CaseMember:
    """Add a person to a case in a role; only someone the actor may at least see a signpost of."""
    if not policy.can(viewer, policy.Action.SEE_SIGNPOST, cast(policy.Record, profile)):
        # Same words as a mistyped reference: a hidden person must stay undiscoverable.
        raise ValidationError({"profile": [PROFILE_NOT_FOUND]})
    if role not in MemberRole.values:
        raise ValidationError({"role": ["Choose the person's role in the case."]})
    if CaseMember.objects.filter(case=case, profile=profile, role=role).exists():
        raise ValidationError({"role": ["This person is already in the case in this role."]})
    member = CaseMember.objects.create(case=case, profile=profile, role=role)
    record_touch(case)
    audit_record(
        action=Action.UPDATE,
        target=case,
        sections=["members"],
        changes={"member_added": [None, {"profile": str(profile.code), "role": role}]},
    )
    return member


PROFILE_NOT_FOUND = "No person with that reference was found. Check the reference and try again."


@transaction.atomic
def case_member_remove(*, actor: User, member: CaseMember, reason: str) -> None:
    """Take a person out of a case in one role, with the reason kept in the audit log."""
    if not reason.strip():
        raise ValidationError({"reason": ["Give a reason for removing this person from the case."]})
    case = member.case
    removed = {"profile": str(member.profile.code), "role": member.role}
    member.delete()
    record_touch(case)
    audit_record(
        action=Action.UPDATE,
        target=case,
        sections=["members"],
        changes={"member_removed": [removed, None]},
        justification=reason,
    )


@transaction.atomic
def case_link_add(
    *,
    actor: User,
    viewer: policy.Viewer,
    case: Case,
    premises: Premises | None = None,
    group: Group | None = None,
) -> CaseLink:
    """Link premises or a group to a case; only one the actor may at least see a signpost of."""
    target = premises if premises is not None else group
    if target is None or (premises is not None and group is not None):
        raise ValidationError({"target": ["Choose premises or a group to link."]})
    if not policy.can(viewer, policy.Action.SEE_SIGNPOST, cast(policy.Record, target)):
        raise ValidationError({"target": [LINK_NOT_FOUND]})
    if CaseLink.objects.filter(case=case, premises=premises, group=group).exists():
        raise ValidationError({"target": ["This is already linked to the case."]})
    link = CaseLink.objects.create(case=case, premises=premises, group=group)
    record_touch(case)
    kind = "premises" if premises is not None else "group"
    audit_record(
        action=Action.UPDATE,
        target=case,
        sections=["members"],
        changes={"link_added": [None, {kind: str(target.code)}]},
    )
    return link


LINK_NOT_FOUND = "Nothing with that reference was found. Check the reference and try again."


@transaction.atomic
def case_link_remove(*, actor: User, link: CaseLink, reason: str) -> None:
    """Unlink premises or a group from a case, with the reason kept in the audit log."""
    if not reason.strip():
        raise ValidationError({"reason": ["Give a reason for removing this link."]})
    case = link.case
    target = link.premises or link.group
    kind = "premises" if link.premises_id else "group"
    link.delete()
    record_touch(case)
    audit_record(
        action=Action.UPDATE,
        target=case,
        sections=["members"],
        changes={"link_removed": [{kind: str(target.code) if target else None}, None]},
        justification=reason,
    )
