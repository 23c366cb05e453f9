"""Demo records for Fenshire: agreements, case types and their default shares, then people,
premises, groups, cases and share grants between the demo agencies.

The sharing set-up (case types, five information sharing agreements, default shares of case
types) goes through the real services, as the demo's partnership administrators would make it,
so each step is validated and audited. The records themselves (a few thousand people by default,
up to a million) are written by the benchmark's bulk generator, which writes the access table
exactly as the services would (its tests prove it); the load is audited as one import. The same
seed gives the same people, places and cases (dates are relative to the day of loading), and a
second run adds nothing. It must never run in production (``refuse_in_production``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q

from roundtable.audit import context as audit_context
from roundtable.audit.models import Action, AuditEvent
from roundtable.audit.services import audit_record
from roundtable.benchmarks.bulk import Writer
from roundtable.benchmarks.generator import RecordGenerator, utc_now_to_second
from roundtable.benchmarks.plan import Amounts, TeamInfo, World, team_function
from roundtable.benchmarks.world import agreement_info, case_type_infos
from roundtable.directory.demo import data
from roundtable.directory.demo.builder import refuse_in_production
from roundtable.directory.models import Membership, Organisation, Partnership, Team, User
from roundtable.records.models import CaseType, CaseTypeShareDefault
from roundtable.records.services.case_type_seeds import case_types_seed
from roundtable.records.services.cases import case_type_share_default_add
from roundtable.sharing.models import LawfulBasis, SharingAgreement
from roundtable.sharing.sections import RecordKind, Section, to_mask
from roundtable.sharing.services.agreements import PartyTerms, agreement_create

DEFAULT_PROFILES = 3000
SOURCE = "demo_records"
ALL_SECTIONS = (1 << 12) - 1
LIMITED = to_mask(
    [Section.IDENTITY, Section.WARNINGS, Section.RISK, Section.SUMMARY, Section.MEMBERS]
)

COUNTY = data.COUNTY
EASTMERE = "Eastmere District Council"
YJS = "Fenshire Youth Justice Service"
HEALTH = "Fenshire Mental Health NHS Foundation Trust"
ACADEMY = "Eastmere Academy"
FIRE = "Fenshire Fire and Rescue Service"
VICTIMS = "Fenshire Victims' Voice"
WEST_POLICE = "Westmarch Police"
WEST_COUNCIL = "Westmarch Borough Council"
ALL_KINDS = [int(kind) for kind in RecordKind]


@dataclass(frozen=True)
class AgreementSpec:
    reference: str
    title: str
    partnership: str | None  # a partnership key; None crosses partnerships
    purposes: str
    lawful_basis: str
    record_kinds: list[int]
    parties: tuple[tuple[str, int], ...]  # organisation name, most it may receive


AGREEMENTS: tuple[AgreementSpec, ...] = (
    AgreementSpec(
        "FEN-ISA-CS",
        "Fenshire anti-social behaviour and community safety information sharing agreement",
        "fenshire",
        "Preventing and reducing crime, disorder and anti-social behaviour in Fenshire.",
        LawfulBasis.CDA_1998_S115,
        ALL_KINDS,
        tuple(
            (name, ALL_SECTIONS)
            for name in (
                data.POLICE,
                data.MARSHBURY,
                EASTMERE,
                COUNTY,
                data.HOUSING,
                data.PROBATION,
                YJS,
                FIRE,
                VICTIMS,
            )
        ),
    ),
    AgreementSpec(
        "FEN-ISA-MASH",
        "Fenshire multi-agency safeguarding hub information sharing agreement",
        "fenshire",
        "Safeguarding children and adults at risk through the multi-agency safeguarding hub.",
        LawfulBasis.CHILDREN_ACT_2004,
        ALL_KINDS,
        (
            (data.POLICE, ALL_SECTIONS),
            (COUNTY, ALL_SECTIONS),
            (HEALTH, LIMITED),
            (ACADEMY, LIMITED),
            (data.PROBATION, ALL_SECTIONS),
            (YJS, ALL_SECTIONS),
        ),
    ),
    AgreementSpec(
        "FEN-ISA-IOM",
        "Fenshire integrated offender management information sharing agreement",
        "fenshire",
        "Managing prolific and priority offenders jointly to reduce reoffending.",
        LawfulBasis.DPA_2018_PART_3,
        [int(RecordKind.PROFILE), int(RecordKind.CASE)],
        (
            (data.POLICE, ALL_SECTIONS),
            (data.PROBATION, ALL_SECTIONS),
            (data.PRISON, ALL_SECTIONS),
            (YJS, ALL_SECTIONS),
            (data.HOME_OFFICE, LIMITED),
        ),
    ),
    # The Home Office needs the diary of foreign national offender cases (custody updates), which
    # the IOM agreement does not give it: a narrower agreement for those cases alone.
    AgreementSpec(
        "FEN-ISA-FNO",
        "Fenshire foreign national offenders information sharing agreement",
        "fenshire",
        "Managing foreign national offenders jointly with the Home Office, from custody to release "
        "or removal.",
        LawfulBasis.DPA_2018_PART_3,
        [int(RecordKind.PROFILE), int(RecordKind.CASE)],
        (
            (data.POLICE, ALL_SECTIONS),
            (data.PROBATION, ALL_SECTIONS),
            (data.PRISON, ALL_SECTIONS),
            (data.HOME_OFFICE, ALL_SECTIONS),
        ),
    ),
    AgreementSpec(
        "FEN-WES-ISA",
        "Fenshire and Westmarch cross-border information sharing agreement",
        None,
        "Anti-social behaviour and offenders that cross the Fenshire and Westmarch border.",
        LawfulBasis.CDA_1998_S115,
        [int(RecordKind.PROFILE), int(RecordKind.CASE)],
        (
            (data.POLICE, ALL_SECTIONS),
            (data.MARSHBURY, ALL_SECTIONS),
            (WEST_POLICE, ALL_SECTIONS),
            (WEST_COUNCIL, ALL_SECTIONS),
        ),
    ),
)

# (case type prefix, agreement reference, organisation, team or "" for all of it, sections)
S, M, D, R = Section.SUMMARY, Section.MEMBERS, Section.DIARY, Section.RISK
DEFAULT_SHARES: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("ASB", "FEN-ISA-CS", data.POLICE, "Anti-Social Behaviour Team", (S, M, D)),
    ("ASB", "FEN-ISA-CS", data.MARSHBURY, "Community Safety and ASB Team", (S, M, D)),
    ("ASB", "FEN-ISA-CS", data.HOUSING, "Tenancy Enforcement Team", (S, M)),
    ("PANEL", "FEN-ISA-CS", COUNTY, "Community Safety Partnership Team", (S, M)),
    ("DA", "FEN-ISA-CS", VICTIMS, "Independent Domestic Violence Advisers", (S, M)),
    ("DA", "FEN-ISA-CS", data.POLICE, "Domestic Abuse Investigation Unit", (S, M, R)),
    ("GANG", "FEN-ISA-CS", YJS, "", (S,)),
    ("IOM", "FEN-ISA-IOM", data.PROBATION, "", (S, M, R)),
    ("IOM", "FEN-ISA-IOM", data.PRISON, "Offender Management Unit", (S, M)),
    ("IOM", "FEN-ISA-IOM", data.POLICE, "Integrated Offender Management", (S, M, R)),
    ("FNO", "FEN-ISA-IOM", data.HOME_OFFICE, "Immigration Compliance and Enforcement East", (S, M)),
    ("MASH", "FEN-ISA-MASH", COUNTY, "Children's Services Front Door", (S, M)),
    ("MASH", "FEN-ISA-MASH", data.POLICE, "Multi-Agency Safeguarding Hub", (S, M, R)),
)  # fmt: skip

TOWNS = {"fenshire": ["Marshbury", "Eastmere", "Fenhollow", "Meregate"], "westmarch": ["Westmarch"]}
POSTCODE_AREAS = {"fenshire": "ZF", "westmarch": "ZW"}
PARTNERSHIP_WEIGHTS = {"fenshire": 0.88, "westmarch": 0.12}
# Teams the personas work in own more, so their lists are full.
BUSY_TEAMS = {"Anti-Social Behaviour Team": 3.0, "Community Safety and ASB Team": 2.0}


def _persona(key: str) -> User:
    spec = next(persona for persona in data.PERSONAS if persona.key == key)
    return User.objects.get(email=spec.email)


def _ensure_case_types(partnerships: dict[str, Partnership]) -> int:
    return sum(len(case_types_seed(partnership)) for partnership in partnerships.values())


def _ensure_agreements(
    partnerships: dict[str, Partnership], organisations: dict[str, Organisation], today: date
) -> dict[str, SharingAgreement]:
    """The demo's agreements, created through the agreement service where missing."""
    existing = {
        agreement.reference: agreement
        for agreement in SharingAgreement.objects.filter(
            reference__in=[spec.reference for spec in AGREEMENTS]
        )
    }
    administrators = {"fenshire": _persona("partnership_admin"), None: _persona("sysadmin")}
    for spec in AGREEMENTS:
        if spec.reference in existing:
            continue
        existing[spec.reference] = agreement_create(
            actor=administrators[spec.partnership],
            partnership=partnerships[spec.partnership] if spec.partnership else None,
            parties=[PartyTerms(organisations[name], mask) for name, mask in spec.parties],
            title=spec.title,
            reference=spec.reference,
            purposes=spec.purposes,
            lawful_basis=spec.lawful_basis,
            record_kinds=spec.record_kinds,
            starts_on=date(today.year - 2, 4, 1),
        )
    return existing


def _ensure_default_shares(
    partnership: Partnership,
    agreements: dict[str, SharingAgreement],
    organisations: dict[str, Organisation],
) -> int:
    """Default shares of Fenshire's case types, added through the case type service if missing."""
    admin = _persona("partnership_admin")
    types = {ct.reference_prefix: ct for ct in CaseType.objects.filter(partnership=partnership)}
    added = 0
    for prefix, reference, organisation_name, team_name, sections in DEFAULT_SHARES:
        case_type = types.get(prefix)
        if case_type is None:
            continue
        organisation = organisations[organisation_name]
        team = Team.objects.get(organisation=organisation, name=team_name) if team_name else None
        already = CaseTypeShareDefault.objects.filter(
            Q(team=team) if team else Q(organisation=organisation, team__isnull=True),
            case_type=case_type,
            agreement=agreements[reference],
        )
        if already.exists():
            continue
        case_type_share_default_add(
            actor=admin,
            case_type=case_type,
            agreement=agreements[reference],
            sections=list(sections),
            team=team,
            organisation=None if team else organisation,
        )
        added += 1
    return added


def demo_world(partnerships: dict[str, Partnership]) -> World:
    """The demo directory as the generator sees it: teams that own records, agreements, types."""
    ids = {partnership.pk: key for key, partnership in partnerships.items()}
    users: dict[int, list[int]] = {}
    for team_id, user_id in (
        Membership.objects.filter(team__organisation__partnership_id__in=ids)
        .order_by("team_id", "user_id")
        .values_list("team_id", "user_id")
    ):
        users.setdefault(team_id, []).append(user_id)
    teams = []
    for team in (
        Team.objects.filter(organisation__partnership_id__in=ids, is_active=True)
        .select_related("organisation")
        .order_by("pk")
    ):
        kind = team.organisation.kind
        weight = BUSY_TEAMS.get(team.name, 1.5 if kind == "police" else 1.0)
        teams.append(
            TeamInfo(
                id=team.pk,
                organisation_id=team.organisation_id,
                partnership_id=int(team.organisation.partnership_id or 0),
                organisation_kind=kind,
                function=team_function(kind, team.name),
                user_ids=users.get(team.pk, []),
                weight=weight,
            )
        )
    local = SharingAgreement.objects.get(reference="FEN-ISA-CS")
    cross = SharingAgreement.objects.get(reference="FEN-WES-ISA")
    return World(
        teams=teams,
        case_types=case_type_infos(list(ids)),
        local_agreements={partnerships["fenshire"].pk: agreement_info(local)},
        cross_agreements=[agreement_info(cross)],
        towns={partnership.pk: TOWNS[key] for key, partnership in partnerships.items()},
        postcode_areas={
            partnership.pk: POSTCODE_AREAS[key] for key, partnership in partnerships.items()
        },
        partnership_weights={
            partnership.pk: PARTNERSHIP_WEIGHTS[key] for key, partnership in partnerships.items()
        },
    )


def already_loaded() -> bool:
    """Whether a demo records load has run here (recorded in the audit log, which is kept)."""
    return AuditEvent.objects.filter(action=Action.IMPORT, detail__source=SOURCE).exists()


@transaction.atomic
def demo_records_load(*, seed: int, profiles: int = DEFAULT_PROFILES) -> dict[str, Any]:
    """Add the demo's sharing set-up and records (idempotent); returns what was created."""
    refuse_in_production()
    partnerships = {
        key: Partnership.objects.get(short_name=key) for key in ("fenshire", "westmarch")
    }
    organisations = {organisation.name: organisation for organisation in Organisation.objects.all()}
    sysadmin = _persona("sysadmin")
    with audit_context.acting_as(user=sysadmin, channel="command"):
        created: dict[str, Any] = {"case_types": _ensure_case_types(partnerships)}
        today = utc_now_to_second().date()
        agreements = _ensure_agreements(partnerships, organisations, today)
        created["default_shares"] = _ensure_default_shares(
            partnerships["fenshire"], agreements, organisations
        )
        if already_loaded():
            return {"seed": seed, "created": created, "records": {}, "skipped": True}
        writer = Writer()
        generated = RecordGenerator(
            writer=writer,
            world=demo_world(partnerships),
            amounts=Amounts.for_profiles(profiles),
            seed=seed,
            now=utc_now_to_second(),
        ).run()
        records = dict(generated.counts)
        audit_record(
            action=Action.IMPORT,
            target=partnerships["fenshire"],
            detail={"source": SOURCE, "seed": seed, "profiles": profiles, "created": records},
        )
    return {"seed": seed, "created": created, "records": records, "skipped": False}


__all__ = ["DEFAULT_PROFILES", "demo_records_load"]
