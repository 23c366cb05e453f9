"""The benchmark's own directory: 40 partnerships, about 500 teams and 10,000 users.

Everything is invented and written in bulk into an empty database: partnerships with six
agencies each (police, council, housing, probation, youth justice, health), 13 teams per
partnership, users spread over the teams (the first of each team manages it) sharing one password
hash, the standard case types of ``records.services.case_type_seeds``, a community safety
agreement per partnership, agreements between neighbouring partnerships' police forces, and
default shares of case types under them. Only for benchmark databases: never run it elsewhere.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.contrib.auth.hashers import make_password

from roundtable.benchmarks.bulk import Writer, uid
from roundtable.benchmarks.plan import (
    AgreementInfo,
    CaseTypeInfo,
    TeamInfo,
    World,
    team_function,
)
from roundtable.customforms.models import FormDefinition, FormVersion
from roundtable.customforms.schema import schema_clean
from roundtable.directory.models import (
    Membership,
    Organisation,
    OrganisationKind,
    Partnership,
    Role,
    Team,
    User,
)
from roundtable.records.models import Case, CaseType, CaseTypeShareDefault
from roundtable.records.services.case_type_seeds import SEED_CASE_TYPES
from roundtable.sharing.models import AgreementParty, LawfulBasis, SharingAgreement
from roundtable.sharing.sections import RecordKind, Section, to_mask

BENCH_PASSWORD = "benchmark only password"  # noqa: S105 -- invented accounts in a throwaway db
ALL_SECTIONS = (1 << 12) - 1


@dataclass(frozen=True)
class AgencySpec:
    kind: str
    label: str
    teams: tuple[tuple[str, float], ...]  # team name, how much of the work it owns
    max_sections: int = ALL_SECTIONS


AGENCIES: tuple[AgencySpec, ...] = (
    AgencySpec(
        OrganisationKind.POLICE,
        "Police",
        (
            ("Anti-Social Behaviour Team", 2.0),
            ("Integrated Offender Management", 1.5),
            ("Neighbourhood Policing Team", 2.0),
            ("Multi-Agency Safeguarding Hub", 1.5),
        ),
    ),
    AgencySpec(
        OrganisationKind.LOCAL_AUTHORITY,
        "District Council",
        (
            ("Community Safety and ASB Team", 1.5),
            ("Housing Options", 1.0),
            ("Licensing Team", 0.5),
        ),
    ),
    AgencySpec(
        OrganisationKind.HOUSING,
        "Homes",
        (("Tenancy Enforcement Team", 1.0), ("Neighbourhood Housing Officers", 1.0)),
    ),
    AgencySpec(
        OrganisationKind.PROBATION,
        "Probation Service",
        (("Offender Management", 1.5), ("Victim Liaison Unit", 0.5)),
    ),
    AgencySpec(
        OrganisationKind.YOUTH_JUSTICE,
        "Youth Justice Service",
        (("Youth Justice Case Management", 1.0),),
    ),
    AgencySpec(
        OrganisationKind.HEALTH,
        "Mental Health Trust",
        (("Community Mental Health Team", 0.5),),
        max_sections=to_mask(
            [Section.IDENTITY, Section.WARNINGS, Section.RISK, Section.SUMMARY, Section.MEMBERS]
        ),
    ),
)

# (case type prefix, agency kind, team name or "" for the whole organisation, sections)
DEFAULT_SHARES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("ASB", OrganisationKind.LOCAL_AUTHORITY, "Community Safety and ASB Team",
     (Section.SUMMARY, Section.MEMBERS, Section.DIARY)),
    ("ASB", OrganisationKind.HOUSING, "", (Section.SUMMARY, Section.MEMBERS)),
    ("IOM", OrganisationKind.PROBATION, "", (Section.SUMMARY, Section.MEMBERS, Section.RISK)),
    ("DA", OrganisationKind.PROBATION, "Victim Liaison Unit", (Section.SUMMARY, Section.MEMBERS)),
    ("GANG", OrganisationKind.YOUTH_JUSTICE, "", (Section.SUMMARY, Section.MEMBERS)),
    ("MASH", OrganisationKind.LOCAL_AUTHORITY, "", (Section.SUMMARY,)),
)  # fmt: skip

TOWN_STEMS = ("Marsh", "Fen", "Brook", "Ash", "Thorn", "Wend", "Coll", "Hart", "Lark", "Mire")
TOWN_ENDS = ("bury", "ton", "mere", "ford", "ham", "stow")
POSTCODE_SECOND = "ABCDFGHKLMNOPRSTUVWXY"


@dataclass(frozen=True)
class DirectorySize:
    partnerships: int = 40
    users: int = 10_000


def build_world(writer: Writer, *, seed: int, size: DirectorySize, now: datetime) -> World:
    """Write the benchmark directory and sharing set-up; returns the generator's World."""
    rng = random.Random(f"world-{seed}")  # noqa: S311 -- invented data

    def code() -> str:
        return uid(rng.getrandbits(128))

    created = now
    partnerships = Partnership.objects.bulk_create(
        Partnership(
            name=f"Benchmark Partnership {number:02d}",
            short_name=f"bench-{number:02d}",
            code=code(),
        )
        for number in range(1, size.partnerships + 1)
    )
    organisations: list[tuple[Organisation, AgencySpec]] = []
    for partnership in partnerships:
        number = partnership.short_name.split("-")[1]
        for spec in AGENCIES:
            organisation = Organisation(
                name=f"Bench {number} {spec.label}",
                short_name=f"B{number}{spec.kind[:3].upper()}",
                kind=spec.kind,
                partnership=partnership,
                code=code(),
            )
            organisations.append((organisation, spec))
    Organisation.objects.bulk_create([organisation for organisation, _ in organisations])
    teams: list[tuple[Team, float]] = []
    for organisation, spec in organisations:
        for name, weight in spec.teams:
            teams.append((Team(organisation=organisation, name=name, code=code()), weight))
    Team.objects.bulk_create([team for team, _ in teams])

    user_start = writer.next_id(User)
    password = make_password(BENCH_PASSWORD)
    stamp = writer.stamp(created)
    members: dict[int, list[int]] = {team.pk: [] for team, _ in teams}
    user_rows, membership_rows = [], []
    for position in range(size.users):
        team, _ = teams[position % len(teams)]
        user_id = user_start + position
        members[team.pk].append(user_id)
        role = Role.TEAM_MANAGER if len(members[team.pk]) == 1 else Role.PRACTITIONER
        user_rows.append(
            (
                user_id,
                code(),
                f"user{position + 1:05d}@{team.organisation.short_name.lower()}.bench.invalid",
                f"Bench User {position + 1:05d}",
                "Practitioner",
                team.organisation_id,
                password,
                1,
                0,
                0,
                stamp,
            )
        )
        membership_rows.append((user_id, team.pk, role, stamp, stamp))
    user_fields = (
        "id",
        "code",
        "email",
        "full_name",
        "job_title",
        "organisation_id",
        "password",
        "is_active",
        "is_staff",
        "is_superuser",
        "date_joined",
    )
    writer.insert(User, user_fields, user_rows)
    writer.insert(
        Membership, ("user_id", "team_id", "role", "created_at", "updated_at"), membership_rows
    )
    writer.reset_sequences([User, Membership])

    agreements = _agreements(partnerships, organisations, code, now.date())
    case_types = _case_types(partnerships, code)
    _default_shares(partnerships, organisations, teams, case_types, agreements)

    team_infos = [
        TeamInfo(
            id=team.pk,
            organisation_id=team.organisation_id,
            partnership_id=team.organisation.partnership_id or 0,
            organisation_kind=team.organisation.kind,
            function=team_function(team.organisation.kind, team.name),
            user_ids=members[team.pk],
            weight=weight,
        )
        for team, weight in teams
    ]
    return World(
        teams=team_infos,
        case_types=case_type_infos([p.pk for p in partnerships]),
        local_agreements={p.pk: agreement_info(agreements[p.pk]) for p in partnerships},
        cross_agreements=[
            agreement_info(agreement)
            for agreement in SharingAgreement.objects.filter(partnership__isnull=True)
        ],
        towns={
            p.pk: [rng.choice(TOWN_STEMS) + rng.choice(TOWN_ENDS) for _ in range(3)]
            for p in partnerships
        },
        postcode_areas={
            p.pk: "Z" + POSTCODE_SECOND[index % len(POSTCODE_SECOND)]
            for index, p in enumerate(partnerships)
        },
    )


def _agreements(
    partnerships: list[Partnership],
    organisations: list[tuple[Organisation, AgencySpec]],
    code: object,
    today: date,
) -> dict[int, SharingAgreement]:
    make_code = code  # a callable giving seeded UUIDs
    starts = date(today.year - 3, 4, 1)
    local: dict[int, SharingAgreement] = {}
    rows = []
    for partnership in partnerships:
        agreement = SharingAgreement(
            title="Community safety and anti-social behaviour information sharing agreement",
            reference=f"ISA-{partnership.short_name.upper()}-CS",
            partnership=partnership,
            purposes="Preventing and reducing crime, disorder and anti-social behaviour.",
            lawful_basis=LawfulBasis.CDA_1998_S115,
            record_kinds=[int(kind) for kind in RecordKind],
            starts_on=starts,
            code=make_code(),  # type: ignore[operator]
        )
        local[partnership.pk] = agreement
        rows.append(agreement)
    police = {
        organisation.partnership_id: organisation
        for organisation, spec in organisations
        if spec.kind == OrganisationKind.POLICE
    }
    cross = []
    for first, second in zip(partnerships[0::2], partnerships[1::2], strict=False):
        agreement = SharingAgreement(
            title="Cross-border policing information sharing agreement",
            reference=f"ISA-{first.short_name.upper()}-{second.short_name.upper()}",
            partnership=None,
            purposes="Managing offenders and anti-social behaviour across the border.",
            lawful_basis=LawfulBasis.DPA_2018_PART_3,
            record_kinds=[int(RecordKind.PROFILE), int(RecordKind.CASE)],
            starts_on=starts,
            code=make_code(),  # type: ignore[operator]
        )
        cross.append((agreement, (police[first.pk], police[second.pk])))
        rows.append(agreement)
    SharingAgreement.objects.bulk_create(rows)
    parties = [
        AgreementParty(
            agreement=local[organisation.partnership_id or 0],
            organisation=organisation,
            max_sections=spec.max_sections,
        )
        for organisation, spec in organisations
    ]
    for agreement, forces in cross:
        parties += [
            AgreementParty(agreement=agreement, organisation=force, max_sections=ALL_SECTIONS)
            for force in forces
        ]
    AgreementParty.objects.bulk_create(parties)
    return local


def _case_types(partnerships: list[Partnership], code: object) -> list[CaseType]:
    rows = []
    schemas = []
    for partnership in partnerships:
        for spec in SEED_CASE_TYPES:
            values = dict(spec)
            values["organisation_sections"] = to_mask(values["organisation_sections"])
            schemas.append(schema_clean(values.pop("field_schema"), record_kind=RecordKind.CASE))
            rows.append(CaseType(partnership=partnership, code=code(), **values))  # type: ignore[operator]
    case_types = CaseType.objects.bulk_create(rows)
    _case_type_forms(case_types, schemas, code)
    return case_types


def _case_type_forms(case_types: list[CaseType], schemas: list[Any], code: object) -> None:
    """Each type's form, its seed fields published as version 1 (as ``case_types_seed`` does)."""
    definitions = FormDefinition.objects.bulk_create(
        FormDefinition(
            partnership_id=case_type.partnership_id,
            code=code(),  # type: ignore[operator]
            owner=f"case_type:{case_type.code}",
            name=case_type.name,
            record_kind=RecordKind.CASE,
            draft_schema=schema,
        )
        for case_type, schema in zip(case_types, schemas, strict=True)
    )
    versions = FormVersion.objects.bulk_create(
        FormVersion(definition=definition, number=1, schema=definition.draft_schema)
        for definition in definitions
        if definition.draft_schema["fields"]
    )
    by_definition = {version.definition_id: version for version in versions}
    for definition in definitions:
        definition.current_version = by_definition.get(definition.pk)
    FormDefinition.objects.bulk_update(definitions, ["current_version"])
    for case_type, definition in zip(case_types, definitions, strict=True):
        case_type.form = definition
    CaseType.objects.bulk_update(case_types, ["form"])


def _default_shares(
    partnerships: list[Partnership],
    organisations: list[tuple[Organisation, AgencySpec]],
    teams: list[tuple[Team, float]],
    case_types: list[CaseType],
    agreements: dict[int, SharingAgreement],
) -> None:
    types = {(ct.partnership_id, ct.reference_prefix): ct for ct in case_types}
    orgs = {(o.partnership_id, spec.kind): o for o, spec in organisations}
    team_by = {(t.organisation_id, t.name): t for t, _ in teams}
    rows = []
    for partnership in partnerships:
        for prefix, kind, team_name, sections in DEFAULT_SHARES:
            organisation = orgs[(partnership.pk, kind)]
            team = team_by[(organisation.pk, team_name)] if team_name else None
            rows.append(
                CaseTypeShareDefault(
                    case_type=types[(partnership.pk, prefix)],
                    agreement=agreements[partnership.pk],
                    team=team,
                    organisation=None if team else organisation,
                    sections=to_mask(sections),
                )
            )
    CaseTypeShareDefault.objects.bulk_create(rows)


def agreement_info(agreement: SharingAgreement) -> AgreementInfo:
    """What grants need to know about an agreement: parties, their limits, the kinds covered."""
    parties = dict(
        AgreementParty.objects.filter(agreement=agreement).values_list(
            "organisation_id", "max_sections"
        )
    )
    return AgreementInfo(
        id=agreement.pk,
        party_max={int(org): int(mask) for org, mask in parties.items()},
        kinds=frozenset(int(kind) for kind in agreement.record_kinds),
    )


def case_type_infos(partnership_ids: list[int]) -> dict[int, dict[str, CaseTypeInfo]]:
    """Each partnership's case types, with the access rows' inputs taken from ``Case`` itself."""
    result: dict[int, dict[str, CaseTypeInfo]] = {pk: {} for pk in partnership_ids}
    types = CaseType.objects.filter(partnership_id__in=partnership_ids, is_active=True)
    for case_type in types.select_related("form__current_version"):
        probe = Case(case_type=case_type)
        version = case_type.form.current_version if case_type.form else None
        result[case_type.partnership_id][case_type.reference_prefix] = CaseTypeInfo(
            id=case_type.pk,
            prefix=case_type.reference_prefix,
            name=case_type.name,
            stages=list(case_type.stages),
            field_schema=list(version.schema["fields"]) if version else [],
            review_days=case_type.review_interval_days,
            organisation_sections=probe.organisation_sections(),
            defaults=probe.agreement_defaults(),
            form_id=case_type.form_id,
            form_version_id=version.pk if version else None,
        )
    return result


def utc_midnight(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
