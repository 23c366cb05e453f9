"""Factories for agreements and the records that test sharing. All names invented."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from roundtable.customforms.services import form_definition_create
from roundtable.directory.models import Organisation, Team, User
from roundtable.records.models import Case, CaseType, Profile
from roundtable.records.services import cases as case_services
from roundtable.records.services import profiles as profile_services
from roundtable.sharing.models import AgreementParty, LawfulBasis, SharingAgreement
from roundtable.sharing.sections import SECTIONS_BY_KIND, RecordKind, to_mask


def agreement_between(
    *organisations: Organisation,
    reference: str = "ISA-TEST-001",
    kinds: tuple[int, ...] = (
        RecordKind.PROFILE,
        RecordKind.CASE,
        RecordKind.PREMISES,
        RecordKind.GROUP,
    ),
    max_sections: int | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> SharingAgreement:
    """An active agreement between the organisations, allowing every section unless told."""
    agreement = SharingAgreement.objects.create(
        title=f"Test agreement {reference}",
        reference=reference,
        partnership=organisations[0].partnership,
        purposes="Preventing and reducing anti-social behaviour and crime (test).",
        lawful_basis=LawfulBasis.CDA_1998_S115,
        record_kinds=[int(kind) for kind in kinds],
        starts_on=starts_on or timezone.localdate() - timedelta(days=30),
        ends_on=ends_on,
    )
    everything = 0
    for kind in kinds:
        everything |= to_mask(SECTIONS_BY_KIND[kind])
    for organisation in organisations:
        AgreementParty.objects.create(
            agreement=agreement,
            organisation=organisation,
            max_sections=everything if max_sections is None else max_sections,
        )
    return agreement


def profile_for(user: User, team: Team, **fields: object) -> Profile:
    """A profile owned by ``team``, created through the service as ``user``."""
    values: dict[str, object] = {
        "given_name": "Jordan",
        "family_name": "Testperson",
        "date_of_birth": date(1990, 4, 1),
    }
    values.update(fields)
    return profile_services.profile_create(actor=user, team=team, **values)


def case_type_for(
    partnership, name: str = "Anti-social behaviour", prefix: str = "ASB", **fields: object
) -> CaseType:
    """A case type; ``field_schema`` (a forms-engine schema) becomes version 1 of its form."""
    schema = fields.pop("field_schema", None)
    values: dict[str, object] = {"stages": ["Report", "Risk assessment", "Warning", "Closed"]}
    values.update(fields)
    case_type = CaseType.objects.create(
        partnership=partnership, name=name, reference_prefix=prefix, **values
    )
    case_type.form = form_definition_create(
        actor=None,
        partnership=partnership,
        owner=f"case_type:{case_type.code}",
        name=name,
        record_kind=RecordKind.CASE,
        schema=schema or [],
        publish=True,
    )
    case_type.save(update_fields=["form"])
    return case_type


def case_for(
    user: User, team: Team, case_type: CaseType, title: str = "Noise and threats, Test Street"
) -> Case:
    return case_services.case_create(actor=user, team=team, case_type=case_type, title=title)
