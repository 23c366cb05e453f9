"""The bulk record generator shared by ``make bench`` and the demo: people, places and cases.

Given a ``plan.World`` (teams, their users, case types, agreements: built by the benchmark or
found in the demo directory) and a seed, it invents profiles with their search keys, aliases,
identifiers, addresses and warnings, premises and groups, and cases with members, then share
grants (``benchmarks.grants``), and writes them with ``bulk.Writer``. Services are bypassed for
speed (a million people through ``profile_create`` would take hours), so this module must write
exactly the rows the services would: the access rows come from the model methods the services
read (``organisation_sections()``, ``agreement_defaults()``) and the search keys from
``records.names``; ``benchmarks/tests`` compare records with ``sharing.access.expected_rows``.
Times are whole seconds since 1970 (UTC) until written. Only for invented data: it never audits,
and it must never be pointed at real records.
"""

from __future__ import annotations

import json
import random
from bisect import bisect
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from roundtable.benchmarks.bulk import Writer, uid
from roundtable.benchmarks.names import NameBook
from roundtable.benchmarks.plan import (
    CASE_TYPES_BY_FUNCTION,
    Amounts,
    CaseTypeInfo,
    TeamInfo,
    World,
)
from roundtable.customforms.models import FormValues
from roundtable.records.identifiers import nhs_check_digit, pnc_check_letter
from roundtable.records.models import (
    Address,
    AddressKind,
    AliasKind,
    Case,
    CaseLink,
    CaseMember,
    CaseStatus,
    ConsentStatus,
    Gender,
    Group,
    GroupKind,
    GroupMember,
    Identifier,
    IdentifierKind,
    MemberRole,
    NameIndexEntry,
    Premises,
    PremisesKind,
    PremisesLink,
    PremisesRole,
    Profile,
    ProfileAlias,
    Rag,
    ReferenceCounter,
    WarningKind,
    WarningMarker,
)
from roundtable.sharing.access import DefaultShare
from roundtable.sharing.models import AccessEntry, AccessSource, PrincipalKind, Visibility
from roundtable.sharing.sections import RecordKind, full_mask

DAY = 86400
YEAR = 365 * DAY
_EPOCH = date(1970, 1, 1)

TOPICS = (
    "Noise and shouting late at night",
    "Harassment of neighbours on a shared landing",
    "Suspected drug dealing from an address",
    "Criminal damage to communal doors",
    "Intimidation outside a parade of shops",
    "Youths gathering and fires in a park",
    "Repeated calls about a vulnerable tenant",
    "Threatening messages to a former partner",
    "Fly-tipping and rubbish in a back alley",
    "Dangerous dogs on an estate",
    "Begging and rough sleeping near a station",
    "Disorder after closing time",
    "Missing episodes and concerns about exploitation",
    "Verbal abuse of a family on the street",
    "Cuckooing concerns at a flat",
)
STREET_ENDS = ("Road", "Street", "Lane", "Close", "Avenue", "Way", "Court", "Gardens", "Row")
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
GENDERS = (Gender.FEMALE, Gender.MALE, Gender.FEMALE, Gender.MALE, Gender.NOT_KNOWN)
CONSENTS = (ConsentStatus.NOT_SOUGHT, ConsentStatus.GIVEN, ConsentStatus.NOT_REQUIRED)
ACCESS_FIELDS = (
    "record_kind",
    "record_id",
    "principal_kind",
    "principal_id",
    "sections",
    "source",
    "source_id",
    "expires_at",
    "sort_key",
)
SHARED_FIELDS = (
    "id",
    "code",
    "created_at",
    "updated_at",
    "owning_team_id",
    "owning_organisation_id",
    "visibility",
    "created_by_id",
)
STAMPS = ("created_at", "updated_at")


@dataclass
class Generated:
    """What a run wrote: counts per table, and the id ranges of the records it made."""

    counts: Counter[str] = field(default_factory=Counter)
    profile_ids: range = range(0)
    case_ids: range = range(0)
    premises_ids: range = range(0)
    group_ids: range = range(0)
    grant_ids: range = range(0)


def epoch(moment: datetime) -> int:
    return int(moment.astimezone(UTC).timestamp())


def _cumulative(weights: list[float]) -> tuple[list[float], float]:
    result, total = [], 0.0
    for weight in weights:
        total += weight
        result.append(total)
    return result, total


def access_rows(
    *,
    kind: int,
    record_id: int,
    team: TeamInfo,
    visibility: str,
    organisation_sections: int,
    defaults: list[DefaultShare],
    sort_key: str,
) -> list[tuple[Any, ...]]:
    """The rows ``sharing.services.access_rebuild`` writes for a record (owner, organisation,
    agreement defaults), in ``ACCESS_FIELDS`` order."""
    mask = full_mask(kind)
    owner = PrincipalKind.TEAM, team.id, mask, AccessSource.OWNER, None, None, sort_key
    rows: list[tuple[Any, ...]] = [(kind, record_id, *owner)]
    if visibility != Visibility.NORMAL:
        return rows
    if organisation_sections:
        organisation = (
            PrincipalKind.ORGANISATION,
            team.organisation_id,
            organisation_sections & mask,
            AccessSource.ORGANISATION_DEFAULT,
            None,
        )
        rows.append((kind, record_id, *organisation, None, sort_key))
    for default in defaults:
        share = (default.principal_kind, default.principal_id, default.sections & mask)
        source = (AccessSource.AGREEMENT_DEFAULT, default.source_id, None, sort_key)
        rows.append((kind, record_id, *share, *source))
    return rows


class RecordGenerator:
    """Invents and writes records for a world; call ``run`` once."""

    def __init__(
        self,
        *,
        writer: Writer,
        world: World,
        amounts: Amounts,
        seed: int,
        now: datetime,
        names: NameBook | None = None,
    ) -> None:
        self.writer = writer
        self.world = world
        self.amounts = amounts
        self.rng = random.Random(f"records-{seed}")  # noqa: S311 -- invented data
        self.names = names or NameBook.for_seed(seed)
        self.now = epoch(now)
        self.today = self.now // DAY
        self.result = Generated()
        self.partnership_ids = sorted({team.partnership_id for team in world.teams})
        # Bigger and smaller partnerships, as in life, unless the world says how big.
        weights = [
            world.partnership_weights.get(pk) or 0.5 + self.rng.random()
            for pk in self.partnership_ids
        ]
        self.partnership_pick = _cumulative(weights)
        self.team_picks: dict[int, tuple[list[TeamInfo], list[float], float]] = {}
        for partnership_id in self.partnership_ids:
            teams = world.teams_in(partnership_id)
            self.team_picks[partnership_id] = (teams, *_cumulative([t.weight for t in teams]))
        self.team_index = {team.id: position for position, team in enumerate(world.teams)}
        self.profile_org_sections = Profile().organisation_sections()
        self.profile_defaults = Profile().agreement_defaults()
        # Per generated record: owning team (index into world.teams), last change, visibility.
        self.profile_team: list[int] = []
        self.profile_updated: list[int] = []
        self.profile_visibility: list[str] = []
        self.profiles_by_partnership: dict[int, list[int]] = defaultdict(list)
        self.case_team: list[int] = []
        self.case_updated: list[int] = []
        self.case_visibility: list[str] = []

    # -- shared choices

    def _below(self, count: int) -> int:
        return int(self.rng.random() * count)

    def _partnership(self) -> int:
        cumulative, total = self.partnership_pick
        return self.partnership_ids[bisect(cumulative, self.rng.random() * total)]

    def _team(self, partnership_id: int) -> TeamInfo:
        teams, cumulative, total = self.team_picks[partnership_id]
        return teams[bisect(cumulative, self.rng.random() * total)]

    def _creator(self, team: TeamInfo) -> int | None:
        return team.user_ids[self._below(len(team.user_ids))] if team.user_ids else None

    def _before_now(self, span: int) -> int:
        return self.now - 60 - self._below(span)

    def _after(self, start: int) -> int:
        return start + self._below(max(self.now - start, 1))

    def _visibility(self, restricted: float, hidden: float) -> str:
        roll = self.rng.random()
        if roll < hidden:
            return Visibility.HIDDEN
        if roll < hidden + restricted:
            return Visibility.RESTRICTED
        return Visibility.NORMAL

    def _street(self) -> str:
        surname = self.names.surnames[self.names.draw_surnames(self.rng, 1)[0]]
        return f"{surname} {STREET_ENDS[self._below(len(STREET_ENDS))]}"

    def _postcode(self, partnership_id: int) -> str:
        area = self.world.postcode_areas.get(partnership_id, "ZA")
        letters = INWARD_LETTERS
        first, second = letters[self._below(len(letters))], letters[self._below(len(letters))]
        return f"{area}{1 + self._below(29)} {self._below(10)}{first}{second}"

    def _town(self, partnership_id: int) -> str:
        towns = self.world.towns.get(partnership_id) or ["Newtown"]
        return towns[self._below(len(towns))]

    # -- profiles

    def write_profiles(self) -> None:
        count = self.amounts.profiles
        start = self.writer.next_id(Profile)
        self.result.profile_ids = range(start, start + count)
        self._surname_of = self.names.draw_surnames(self.rng, count)
        self._given_of = self.names.draw_given(self.rng, count)
        self._born: list[int] = []  # days since 1970
        fields = (
            *SHARED_FIELDS,
            "given_name",
            "family_name",
            "date_of_birth",
            "date_of_birth_estimated",
            "gender",
            "consent_status",
        )
        self.result.counts["profiles"] = self.writer.insert(Profile, fields, self._profile_rows())

    def _profile_rows(self) -> Iterator[tuple[Any, ...]]:
        at, rng, names = self.writer.at, self.rng, self.names
        for position, profile_id in enumerate(self.result.profile_ids):
            partnership_id = self._partnership()
            team = self._team(partnership_id)
            self.profile_team.append(self.team_index[team.id])
            self.profiles_by_partnership[partnership_id].append(profile_id)
            created = self._before_now(6 * YEAR)
            updated = self._after(created)
            self.profile_updated.append(updated)
            visibility = self._visibility(0.01, 0.002)
            self.profile_visibility.append(visibility)
            born = self.today - 10 * 365 - self._below(80 * 365)
            self._born.append(born)
            yield (
                profile_id,
                uid(rng.getrandbits(128)),
                at(created),
                at(updated),
                team.id,
                team.organisation_id,
                visibility,
                self._creator(team),
                names.given_names[self._given_of[position]],
                names.surnames[self._surname_of[position]],
                self.writer.day(born),
                int(rng.random() < 0.03),
                GENDERS[self._below(len(GENDERS))],
                CONSENTS[self._below(len(CONSENTS))],
            )

    def write_profile_details(self) -> None:
        """Search keys, aliases, identifiers, addresses and warnings of the new profiles."""
        rows: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        taken = set(
            Identifier.objects.filter(kind__in=[IdentifierKind.PNC, IdentifierKind.NHS])
            .values_list("kind", "value")
            .iterator()
        )
        for position, profile_id in enumerate(self.result.profile_ids):
            self._details(position, profile_id, rows, taken)
        insert, counts = self.writer.insert, self.result.counts
        index_fields = (
            "profile_id",
            "is_alias",
            "family_key",
            "given_key",
            "family_phonetic",
            "given_phonetic",
            "date_of_birth",
            "birth_year",
        )
        counts["name_index_entries"] = insert(NameIndexEntry, index_fields, rows["index"])
        alias_fields = ("profile_id", "kind", "given_name", "family_name", *STAMPS)
        counts["aliases"] = insert(ProfileAlias, alias_fields, rows["alias"])
        identifier_fields = ("profile_id", "kind", "value", *STAMPS)
        counts["identifiers"] = insert(Identifier, identifier_fields, rows["identifier"])
        address_fields = ("profile_id", "kind", "line1", "town", "postcode", "from_date")
        counts["addresses"] = insert(Address, (*address_fields, *STAMPS), rows["address"])
        warning_fields = ("profile_id", "kind", "notes", "review_date", "raised_by_team_id")
        counts["warning_markers"] = insert(
            WarningMarker, (*warning_fields, "is_active", *STAMPS), rows["warning"]
        )

    def _details(
        self,
        position: int,
        profile_id: int,
        rows: dict[str, list[tuple[Any, ...]]],
        taken: set[tuple[str, str]],
    ) -> None:
        rng, names = self.rng, self.names
        family_key, family_sound = names.surname_keys[self._surname_of[position]]
        given_key, given_sound = names.given_keys[self._given_of[position]]
        born = self._born[position]
        dob = self.writer.day(born)
        year = int(dob[:4])
        rows["index"].append(
            (profile_id, 0, family_key, given_key, family_sound, given_sound, dob, year)
        )
        moment = self.writer.at(self.profile_updated[position])
        if rng.random() < 0.08:
            # name_index_rebuild indexes an alias with the profile's own name where it has none.
            if rng.random() < 0.5:  # a previous surname
                other = names.draw_surnames(rng, 1)[0]
                alias = (AliasKind.PREVIOUS, "", names.surnames[other])
                family_key, family_sound = names.surname_keys[other]
            else:  # a nickname
                other = names.draw_given(rng, 1)[0]
                alias = (AliasKind.NICKNAME, names.given_names[other], "")
                given_key, given_sound = names.given_keys[other]
            rows["alias"].append((profile_id, *alias, moment, moment))
            rows["index"].append(
                (profile_id, 1, family_key, given_key, family_sound, given_sound, dob, year)
            )
        if rng.random() < 0.3:
            short_year = f"{(year + 18) % 100:02d}"
            serial = f"{profile_id % 10_000_000:07d}"
            value = f"{short_year}/{serial}{pnc_check_letter(short_year, serial)}"
            if (IdentifierKind.PNC, value) not in taken:
                rows["identifier"].append((profile_id, IdentifierKind.PNC, value, moment, moment))
        if rng.random() < 0.15:
            first_nine = f"{400_000_000 + profile_id % 500_000_000:09d}"
            check = nhs_check_digit(first_nine)
            value = f"{first_nine}{check}"
            if check is not None and (IdentifierKind.NHS, value) not in taken:
                rows["identifier"].append((profile_id, IdentifierKind.NHS, value, moment, moment))
        team = self.world.teams[self.profile_team[position]]
        if rng.random() < 0.35:
            since = max(self.today - 30 - self._below(20 * 365), born)
            line1 = f"{1 + self._below(240)} {self._street()}"
            town, postcode = self._town(team.partnership_id), self._postcode(team.partnership_id)
            place = (AddressKind.HOME, line1, town, postcode, self.writer.day(since))
            rows["address"].append((profile_id, *place, moment, moment))
        if rng.random() < 0.05:
            review = self.writer.day(self.today - 30 + self._below(395))
            kind = WarningKind.values[self._below(len(WarningKind.values))]
            warning = (kind, "", review, team.id, 1)
            rows["warning"].append((profile_id, *warning, moment, moment))

    def write_profile_access(self) -> None:
        def rows() -> Iterator[tuple[Any, ...]]:
            for position, profile_id in enumerate(self.result.profile_ids):
                yield from access_rows(
                    kind=RecordKind.PROFILE,
                    record_id=profile_id,
                    team=self.world.teams[self.profile_team[position]],
                    visibility=self.profile_visibility[position],
                    organisation_sections=self.profile_org_sections,
                    defaults=self.profile_defaults,
                    sort_key=self.writer.at(self.profile_updated[position]),
                )

        inserted = self.writer.insert(AccessEntry, ACCESS_FIELDS, rows())
        self.result.counts["access_entries"] += inserted

    # -- premises and groups

    def write_places(self) -> None:
        """Premises and groups, each owned by a team, with linked people and access rows."""
        self.result.premises_ids = self._write_places(Premises, self.amounts.premises)
        self.result.group_ids = self._write_places(Group, self.amounts.groups)

    def _premises_values(self, partnership_id: int) -> tuple[Any, ...]:
        kinds: tuple[PremisesKind, ...] = (
            PremisesKind.RESIDENCE,
            PremisesKind.RESIDENCE,
            PremisesKind.LICENSED,
            PremisesKind.BUSINESS,
            PremisesKind.PUBLIC_SPACE,
        )
        kind = kinds[self._below(len(kinds))]
        street = self._street()
        line1 = f"{1 + self._below(300)} {street}"
        word = street.split(" ")[0]
        name = {
            PremisesKind.RESIDENCE: line1,
            PremisesKind.LICENSED: f"The {word} Arms",
            PremisesKind.BUSINESS: f"{word} Stores",
            PremisesKind.PUBLIC_SPACE: f"{word} Park",
        }[kind]
        licence = f"LN/{self._below(10**6):06d}" if kind == PremisesKind.LICENSED else ""
        town, postcode = self._town(partnership_id), self._postcode(partnership_id)
        return (name, kind, line1, town, postcode, licence)

    def _group_values(self, partnership_id: int) -> tuple[Any, ...]:
        kinds = (GroupKind.HOUSEHOLD, GroupKind.PEER_GROUP, GroupKind.GANG, GroupKind.OCG)
        kind = kinds[self._below(len(kinds))]
        word = self.names.surnames[self.names.draw_surnames(self.rng, 1)[0]]
        name = {
            GroupKind.HOUSEHOLD: f"{word} household",
            GroupKind.PEER_GROUP: f"{word} Road peer group",
            GroupKind.GANG: f"{word} Boys",
            GroupKind.OCG: f"{word} supply line",
        }[kind]
        return (name, kind, "")

    def _write_places(self, model: type[Premises] | type[Group], count: int) -> range:
        if count <= 0:
            return range(0)
        start = self.writer.next_id(model)
        ids = range(start, start + count)
        places, links, access = [], [], []
        is_premises = model is Premises
        org_sections = model().organisation_sections()
        defaults = model().agreement_defaults()
        for record_id in ids:
            partnership_id = self._partnership()
            team = self._team(partnership_id)
            created = self._before_now(6 * YEAR)
            moment = self.writer.at(self._after(created))
            visibility = self._visibility(0.01, 0.0)
            code = uid(self.rng.getrandbits(128))
            base: tuple[Any, ...] = (
                record_id,
                code,
                self.writer.at(created),
                moment,
                team.id,
                team.organisation_id,
                visibility,
                self._creator(team),
            )
            make = self._premises_values if is_premises else self._group_values
            places.append((*base, *make(partnership_id)))
            people = self.profiles_by_partnership.get(partnership_id) or []
            for profile_id in set(self.rng.sample(people, min(len(people), 3))):
                role = PremisesRole.values[self._below(4)] if is_premises else "member"
                links.append((record_id, profile_id, role, moment, moment))
            access += access_rows(
                kind=model.record_kind,
                record_id=record_id,
                team=team,
                visibility=visibility,
                organisation_sections=org_sections,
                defaults=defaults,
                sort_key=moment,
            )
        insert, counts = self.writer.insert, self.result.counts
        if is_premises:
            fields = ("name", "kind", "line1", "town", "postcode", "licence_number")
            counts["premises"] = insert(model, (*SHARED_FIELDS, *fields), places)
            link_fields = ("premises_id", "profile_id", "role", *STAMPS)
            counts["premises_links"] = insert(PremisesLink, link_fields, links)
        else:
            counts["groups"] = insert(
                model, (*SHARED_FIELDS, "name", "kind", "description"), places
            )
            member_fields = ("group_id", "profile_id", "role", *STAMPS)
            counts["group_members"] = insert(GroupMember, member_fields, links)
        counts["access_entries"] += insert(AccessEntry, ACCESS_FIELDS, access)
        return ids

    # -- cases

    def _case_fields(self, case_type: CaseTypeInfo) -> dict[str, Any]:
        """Per-type answers that pass the type's form (required choices always filled)."""
        values: dict[str, Any] = {}
        for spec in case_type.field_schema:
            kind = spec.get("type")
            if kind == "choice":
                choices = spec["choices"]
                values[spec["key"]] = choices[self._below(len(choices))]["value"]
            elif kind == "yes_no" and self.rng.random() < 0.5:
                values[spec["key"]] = self.rng.random() < 0.3
            elif kind == "number" and self.rng.random() < 0.5:
                values[spec["key"]] = 1 + self._below(29)
        return values

    def _case_type(self, team: TeamInfo) -> CaseTypeInfo:
        types = self.world.case_types[team.partnership_id]
        wanted = [prefix for prefix in CASE_TYPES_BY_FUNCTION[team.function] if prefix in types]
        if wanted:
            return types[wanted[self._below(len(wanted))]]
        choices = sorted(types)
        return types[choices[self._below(len(choices))]]

    def write_cases(self) -> None:
        count = self.amounts.cases
        if count <= 0:
            return
        start = self.writer.next_id(Case)
        self.result.case_ids = range(start, start + count)
        counters = {
            (prefix, year): number
            for prefix, year, number in ReferenceCounter.objects.values_list(
                "prefix", "year", "last_number"
            )
        }
        rows: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        for case_id in self.result.case_ids:
            self._case(case_id, counters, rows)
        fields = (
            *SHARED_FIELDS,
            "case_type_id",
            "reference",
            "title",
            "summary",
            "status",
            "outcome",
            "stage",
            "rag",
            "lead_practitioner_id",
            "opened_on",
            "closed_on",
            "review_date",
        )
        insert, counts = self.writer.insert, self.result.counts
        counts["cases"] = insert(Case, fields, rows["case"])
        answer_fields = (
            "definition_id",
            "form_version_id",
            "record_kind",
            "record_id",
            "values",
            *STAMPS,
        )
        counts["case_answers"] = insert(FormValues, answer_fields, rows["answers"])
        member_fields = ("case_id", "profile_id", "role", *STAMPS)
        counts["case_members"] = insert(CaseMember, member_fields, rows["member"])
        link_fields = ("case_id", "premises_id", "group_id", *STAMPS)
        counts["case_links"] = insert(CaseLink, link_fields, rows["link"])
        counts["access_entries"] += insert(AccessEntry, ACCESS_FIELDS, rows["access"])
        self._save_counters(counters)

    def _case(
        self,
        case_id: int,
        counters: dict[tuple[str, int], int],
        rows: dict[str, list[tuple[Any, ...]]],
    ) -> None:
        rng, at, day = self.rng, self.writer.at, self.writer.day
        partnership_id = self._partnership()
        team = self._team(partnership_id)
        case_type = self._case_type(team)
        created = self._before_now(5 * YEAR)
        updated = self._after(created)
        self.case_team.append(self.team_index[team.id])
        self.case_updated.append(updated)
        opened = created // DAY
        opened_text = day(opened)
        closed = rng.random() < 0.4
        stages = case_type.stages
        open_stages = stages[:-1] or stages
        stage = stages[-1] if closed else open_stages[self._below(len(open_stages))]
        key = (case_type.prefix, int(opened_text[:4]))
        counters[key] = counters.get(key, 0) + 1
        visibility = self._visibility(0.01, 0.0)
        self.case_visibility.append(visibility)
        moment = at(updated)
        review = day(opened + case_type.review_days * (1 + self._below(7)))
        rows["case"].append(
            (
                case_id,
                uid(rng.getrandbits(128)),
                at(created),
                moment,
                team.id,
                team.organisation_id,
                visibility,
                self._creator(team),
                case_type.id,
                f"{case_type.prefix}-{key[1]}-{counters[key]:06d}",
                TOPICS[self._below(len(TOPICS))],
                "Opened after reports from partner agencies.",
                CaseStatus.CLOSED if closed else CaseStatus.OPEN,
                "Resolved" if closed else "",
                stage,
                Rag.values[self._below(len(Rag.values))],
                self._creator(team),
                opened_text,
                day(updated // DAY) if closed else None,
                review,
            )
        )
        answers = self._case_fields(case_type)
        if answers and case_type.form_version_id is not None:
            rows["answers"].append(
                (
                    case_type.form_id,
                    case_type.form_version_id,
                    int(RecordKind.CASE),
                    case_id,
                    json.dumps(answers),
                    moment,
                    moment,
                )
            )
        people = self.profiles_by_partnership.get(partnership_id) or []
        for profile_id in rng.sample(people, min(len(people), 1 + self._below(3))):
            role = MemberRole.values[self._below(len(MemberRole.values))]
            rows["member"].append((case_id, profile_id, role, moment, moment))
        premises, groups = self.result.premises_ids, self.result.group_ids
        roll = rng.random()
        if len(premises) and roll < 0.15:
            place = premises[self._below(len(premises))]
            rows["link"].append((case_id, place, None, moment, moment))
        elif len(groups) and roll < 0.2:
            group = groups[self._below(len(groups))]
            rows["link"].append((case_id, None, group, moment, moment))
        rows["access"] += access_rows(
            kind=RecordKind.CASE,
            record_id=case_id,
            team=team,
            visibility=visibility,
            organisation_sections=case_type.organisation_sections,
            defaults=case_type.defaults,
            sort_key=moment,
        )

    def _save_counters(self, counters: dict[tuple[str, int], int]) -> None:
        """Move the reference counters on, so the next case opened takes the next number."""
        existing = {(row.prefix, row.year): row for row in ReferenceCounter.objects.all()}
        new = []
        for (prefix, year), number in sorted(counters.items()):
            row = existing.get((prefix, year))
            if row is None:
                new.append(ReferenceCounter(prefix=prefix, year=year, last_number=number))
            elif row.last_number != number:
                row.last_number = number
                row.save(update_fields=["last_number"])
        ReferenceCounter.objects.bulk_create(new)

    def run(self) -> Generated:
        """Write everything, in dependency order; returns counts and id ranges."""
        from roundtable.benchmarks.grants import write_grants

        self.write_profiles()
        self.write_profile_details()
        self.write_profile_access()
        self.write_places()
        self.write_cases()
        write_grants(self)
        self.writer.reset_sequences([Profile, Premises, Group, Case])
        return self.result


def utc_now_to_second() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
