"""The demo's showcase: the personas, their colleagues, and the people, places and cases their
casework is about, created through the records and sharing services as story steps.

Five cases carry the demo's stories: an ASB case of the police ASB team about a flat at Heron
Court (every stage of enforcement), a council ASB case on Kingfisher Road, the housing provider's
tenancy case on the same flat, and a probation officer's foreign national offender case and IOM
case. Their people are invented (names drawn by the seed from ``data``), their addresses are in
the demo's invented towns with ``ZF`` postcodes, and the shares between agencies cite the demo's
agreements, so each persona sees what the sharing policy lets them and no more.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from roundtable.directory.demo import data
from roundtable.directory.demo.story import Story, fresh
from roundtable.directory.models import Membership, Organisation, Role, Team, User
from roundtable.records.models import CaseType, Gender, MemberRole, PremisesKind
from roundtable.records.services import cases as case_services
from roundtable.records.services.places import premises_create, premises_link_add
from roundtable.records.services.profiles import address_add, profile_create
from roundtable.sharing import policy
from roundtable.sharing.models import SharingAgreement
from roundtable.sharing.sections import Section
from roundtable.sharing.services import grant_create

S, M, D, R = Section.SUMMARY, Section.MEMBERS, Section.DIARY, Section.RISK

# The teams the stories need besides the personas' own: (key, organisation, team).
OTHER_TEAMS = (
    ("police_iom", data.POLICE, "Integrated Offender Management"),
    ("victim_support", "Fenshire Victims' Voice", "Victim and Witness Support"),
)
NATIONALITIES = ("RO", "AL", "LT", "PL", "BR", "VN")
# The demo's given names (``data.FIRST_NAMES``) that the stories' pronouns fit.
FEMALE_NAMES = frozenset((
    "Abigail", "Aisha", "Amara", "Amy", "Anita", "Beth", "Carla", "Chloe", "Claire", "Deepa",
    "Eleanor", "Emma", "Fiona", "Grace", "Hannah", "Isla", "Jade", "Joanne", "Kate", "Laura",
    "Leah", "Lucy", "Megan", "Natalie", "Olivia", "Rachel", "Rosie", "Sarah", "Sophie", "Victoria",
    "Wendy", "Zara",
))  # fmt: skip
MALE_NAMES = frozenset((
    "Aaron", "Adam", "Alan", "Andrew", "Ben", "Callum", "Chris", "Connor", "Daniel", "Ethan",
    "Faisal", "Gareth", "Harry", "Imran", "Jack", "James", "Kieran", "Liam", "Mark", "Mohammed",
    "Neil", "Owen", "Rhys", "Ryan", "Simon", "Stuart", "Tariq",
))  # fmt: skip


@dataclass
class People:
    """The personas and the generated colleagues the stories need, each with their team."""

    users: dict[str, User]
    teams: dict[str, Team]
    organisations: dict[str, Organisation]
    _members: dict[int, list[tuple[User, str]]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> People:
        users = {
            spec.key: User.objects.select_related("organisation").get(email=spec.email)
            for spec in data.PERSONAS
        }
        teams = {
            spec.key: Team.objects.select_related("organisation").get(
                organisation__name=spec.organisation, name=spec.team
            )
            for spec in data.PERSONAS
            if spec.organisation and spec.team
        }
        for key, organisation, name in OTHER_TEAMS:
            teams[key] = Team.objects.select_related("organisation").get(
                organisation__name=organisation, name=name
            )
        organisations = {
            organisation.name: organisation for organisation in Organisation.objects.all()
        }
        return cls(users, teams, organisations)

    def __getitem__(self, key: str) -> User:
        return self.users[key]

    def team(self, key: str) -> Team:
        return self.teams[key]

    def _team_members(self, team: Team) -> list[tuple[User, str]]:
        if team.pk not in self._members:
            personas = {user.pk for user in self.users.values()}
            self._members[team.pk] = [
                (membership.user, membership.role)
                for membership in Membership.objects.filter(team=team, user__is_active=True)
                .select_related("user__organisation")
                .order_by("user_id")
                if membership.user_id not in personas
            ]
        return self._members[team.pk]

    def manager(self, team_key: str) -> User:
        """A generated manager of the team (not a persona)."""
        team = self.teams[team_key]
        return next(user for user, role in self._team_members(team) if role == Role.TEAM_MANAGER)

    def colleague(self, team_key: str, position: int = 0) -> User:
        """A generated practitioner of the team (not a persona)."""
        team = self.teams[team_key]
        practitioners = [
            user for user, role in self._team_members(team) if role != Role.TEAM_MANAGER
        ]
        return practitioners[position % len(practitioners)]

    def who(self, spec: str) -> tuple[User, Team]:
        """``"council"``: a persona; ``"colleague:council"`` or ``"manager:council"``: a generated
        practitioner or manager of that persona's team. Always with the team they act for."""
        kind, _, key = spec.rpartition(":")
        if kind == "colleague":
            return self.colleague(key), self.teams[key]
        if kind == "manager":
            return self.manager(key), self.teams[key]
        return self.users[key], self.teams[key]


class Showcase:
    """The records the stories create, by name; filled in as the story runs."""

    def __init__(self) -> None:
        self.records: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        return fresh(self.records[name])

    def __setitem__(self, name: str, value: Any) -> None:
        self.records[name] = value


@dataclass(frozen=True)
class PersonSpec:
    """A showcase person: who owns them, how old they are, where they live."""

    key: str
    owner: str  # a persona key (their team owns the record)
    recorded: int  # days ago the record was made
    age_years: int
    address: tuple[str, str, str, str]  # line 1, line 2, town, postcode
    gender: str = Gender.MALE  # the stories' wording follows it ("he", "she")
    foreign: bool = False  # a foreign national: given a nationality


HERON = ("Marsh Lane", "Marshbury", "ZF4 2HQ")
KINGFISHER = ("", "Marshbury", "ZF2 7JD")
FEN_HOUSE = ("Fen House", "3 Mill Road", "Fenhollow", "ZF9 1AB")
PEOPLE = (
    PersonSpec("p1", "practitioner", 210, 24, ("Flat 4, Heron Court", *HERON)),
    PersonSpec("p2", "practitioner", 210, 17, ("12 Reedmace Close", "", "Marshbury", "ZF4 3LP")),
    PersonSpec("v1", "practitioner", 210, 74, ("Flat 6, Heron Court", *HERON), Gender.FEMALE),
    PersonSpec("v2", "council", 230, 41, ("31 Kingfisher Road", *KINGFISHER), Gender.FEMALE),
    PersonSpec("p3", "council", 230, 36, ("29 Kingfisher Road", *KINGFISHER)),
    PersonSpec("f1", "probation", 140, 31, FEN_HOUSE, foreign=True),
    PersonSpec("p4", "probation", 100, 28, ("27 Sedge Way", "", "Eastmere", "ZF6 4NT")),
)


class CastStories:
    """Schedules the showcase people, premises, cases and shares onto the story."""

    def __init__(self, story: Story, people: People, show: Showcase, rng: random.Random) -> None:
        self.story, self.people, self.show, self.rng = story, people, show, rng
        self.agreements = {
            agreement.reference: agreement for agreement in SharingAgreement.objects.all()
        }
        self.case_types = {
            case_type.reference_prefix: case_type
            for case_type in CaseType.objects.filter(partnership__short_name=data.FENSHIRE.key)
        }

    def plan(self) -> None:
        s = self.story
        names = self._names()
        for index, spec in enumerate(PEOPLE):
            owner = self.people[spec.owner]
            s.add(
                s.at(spec.recorded, f"09:{10 + index:02d}"),
                self._person(spec, names[index], owner, self.people.team(spec.owner)),
                actor=owner,
                team=self.people.team(spec.owner),
                what=" ".join(names[index]),
            )
        self._asb_case()
        self._council_case()
        self._housing_case()
        self._offender_cases()

    def _names(self) -> list[tuple[str, str, str]]:
        """Invented (given, family, gender) for each showcase person, drawn by the seed."""
        taken = {persona.full_name for persona in data.PERSONAS}
        chosen: list[tuple[str, str, str]] = []
        for spec in PEOPLE:
            names = FEMALE_NAMES if spec.gender == Gender.FEMALE else MALE_NAMES
            given_names = [name for name in data.FIRST_NAMES if name in names]
            while True:
                given = given_names[self.rng.randrange(len(given_names))]
                family = data.LAST_NAMES[self.rng.randrange(len(data.LAST_NAMES))]
                if f"{given} {family}" not in taken:
                    break
            taken.add(f"{given} {family}")
            chosen.append((given, family, spec.gender))
        return chosen

    def _person(self, spec: PersonSpec, name: tuple[str, str, str], actor: User, team: Team) -> Any:
        born = self.story.today - timedelta(
            days=spec.age_years * 365 + 40 + self.rng.randrange(300)
        )
        nationality = NATIONALITIES[self.rng.randrange(len(NATIONALITIES))] if spec.foreign else ""

        def create() -> None:
            person = profile_create(
                actor=actor,
                team=team,
                given_name=name[0],
                family_name=name[1],
                gender=name[2],
                date_of_birth=born,
                nationality=nationality,
            )
            line1, line2, town, postcode = spec.address
            address_add(
                actor=actor,
                profile=person,
                line1=line1,
                line2=line2,
                town=town,
                postcode=postcode,
                from_date=self.story.today - timedelta(days=400),
            )
            self.show[spec.key] = person

        return create

    # --- cases ---------------------------------------------------------------------------------

    def _open(
        self,
        key: str,
        *,
        persona: str,
        prefix: str,
        title: str,
        summary: str,
        opened: date,
        members: tuple[tuple[str, str], ...],
        fields: dict[str, Any] | None = None,
    ) -> Any:
        actor, team = self.people[persona], self.people.team(persona)

        def create() -> None:
            case = case_services.case_create(
                actor=actor,
                team=team,
                case_type=self.case_types[prefix],
                title=title,
                summary=summary,
                opened_on=opened,
                lead_practitioner=actor,
                fields=fields or {},
            )
            viewer = policy.viewer_for_user(actor, team)
            for person, role in members:
                case_services.case_member_add(
                    actor=actor, viewer=viewer, case=case, profile=self.show[person], role=role
                )
            self.show[key] = case

        return create

    def _share(
        self, record: str, persona: str, to_team: Team, sections: Sequence[str], agreement: str
    ) -> Any:
        def share() -> None:
            grant_create(
                actor=self.people[persona],
                record=self.show[record],
                agreement=self.agreements[agreement],
                sections=list(sections),
                team=to_team,
                reason="Shared for joint casework under the partnership agreement.",
            )

        return share

    def _asb_case(self) -> None:
        s, jess, asb = self.story, self.people["practitioner"], self.people.team("practitioner")
        s.add(
            s.at(210, "09:40"),
            self._open(
                "case_a",
                persona="practitioner",
                prefix="ASB",
                title="Drug dealing and intimidation at Heron Court",
                summary="Reports from residents of Heron Court of drug dealing from a flat, "
                "visitors at all hours and intimidation of older neighbours on the stairs.",
                opened=s.day(-210),
                members=(
                    ("p1", MemberRole.PERPETRATOR),
                    ("p2", MemberRole.PERPETRATOR),
                    ("v1", MemberRole.VICTIM),
                ),
                fields={"incident_count": 14},
            ),
            actor=jess,
            team=asb,
        )
        s.add(s.at(210, "10:05"), self._flat(jess, asb), actor=jess, team=asb)
        housing, council = self.people.team("housing"), self.people.team("council")
        for minute, (record, to_team, sections) in enumerate(
            (
                ("p1", housing, [Section.IDENTITY, Section.CONTACT, Section.WARNINGS]),
                ("flat", housing, [S, M, D]),
                ("flat", council, [S, M, D]),
                ("v1", council, [Section.IDENTITY]),
            )
        ):
            s.add(
                s.at(209, f"11:{minute:02d}"),
                self._share(record, "practitioner", to_team, sections, "FEN-ISA-CS"),
                actor=jess,
                team=asb,
            )

    def _flat(self, actor: User, team: Team) -> Any:
        def create() -> None:
            flat = premises_create(
                actor=actor,
                team=team,
                name="Flat 4, Heron Court",
                kind=PremisesKind.RESIDENCE,
                line1="Flat 4, Heron Court",
                line2="Marsh Lane",
                town="Marshbury",
                postcode="ZF4 2HQ",
            )
            viewer = policy.viewer_for_user(actor, team)
            premises_link_add(
                actor=actor, viewer=viewer, premises=flat, profile=self.show["p1"], role="resident"
            )
            case_services.case_link_add(
                actor=actor, viewer=viewer, case=self.show["case_a"], premises=flat
            )
            self.show["flat"] = flat

        return create

    def _council_case(self) -> None:
        s, priya, council = self.story, self.people["council"], self.people.team("council")
        s.add(
            s.at(230, "10:00"),
            self._open(
                "case_b",
                persona="council",
                prefix="ASB",
                title="Noise nuisance and verbal abuse, Kingfisher Road",
                summary="Loud music most nights and verbal abuse of the family next door, "
                "reported to the council, the police and the housing provider.",
                opened=s.day(-230),
                members=(("p3", MemberRole.PERPETRATOR), ("v2", MemberRole.COMPLAINANT)),
                fields={"incident_count": 9},
            ),
            actor=priya,
            team=council,
        )

    def _housing_case(self) -> None:
        s, marcus, housing = self.story, self.people["housing"], self.people.team("housing")
        s.add(
            s.at(120, "14:00"),
            self._open(
                "case_c",
                persona="housing",
                prefix="ASB",
                title="Tenancy breach: nuisance from Flat 4, Heron Court",
                summary="Breach of tenancy conditions (nuisance and use of the flat for drug "
                "dealing). Working with the police ASB team on their case.",
                opened=s.day(-120),
                members=(("p1", MemberRole.PERPETRATOR),),
            ),
            actor=marcus,
            team=housing,
        )

        def link() -> None:
            case_services.case_link_add(
                actor=marcus,
                viewer=policy.viewer_for_user(marcus, housing),
                case=self.show["case_c"],
                premises=self.show["flat"],
            )

        s.add(s.at(120, "14:05"), link, actor=marcus, team=housing)

    def _offender_cases(self) -> None:
        s, helen, probation = self.story, self.people["probation"], self.people.team("probation")
        s.add(
            s.at(140, "11:00"),
            self._open(
                "case_d",
                persona="probation",
                prefix="FNO",
                title="Foreign national offender: release planning",
                summary="Serving a sentence at HMP Fenhollow. Home Office considering "
                "deportation; release and licence plan to be agreed between agencies.",
                opened=s.day(-140),
                members=(("f1", MemberRole.SUBJECT),),
                fields={"home_office_reference": "FNO/FEN/0417"},
            ),
            actor=helen,
            team=probation,
        )
        prison, home_office = self.people.team("prison"), self.people.team("immigration")
        shares = (
            ("case_d", prison, [S, M, D, R], "FEN-ISA-IOM"),
            ("case_d", home_office, [S, M, D, R], "FEN-ISA-FNO"),
            ("f1", prison, [Section.IDENTITY, Section.WARNINGS, Section.DIARY], "FEN-ISA-IOM"),
            ("f1", home_office, [Section.IDENTITY], "FEN-ISA-FNO"),
        )
        for minute, (record, to_team, sections, agreement) in enumerate(shares):
            s.add(
                s.at(140, f"11:{10 + minute:02d}"),
                self._share(record, "probation", to_team, sections, agreement),
                actor=helen,
                team=probation,
            )
        s.add(
            s.at(100, "15:00"),
            self._open(
                "case_e",
                persona="probation",
                prefix="IOM",
                title="Integrated offender management: burglary and shop theft",
                summary="Prolific acquisitive offending linked to drug use. On licence; "
                "managed jointly with the police IOM team.",
                opened=s.day(-100),
                members=(("p4", MemberRole.SUBJECT),),
                fields={"cohort": "Fixed"},
            ),
            actor=helen,
            team=probation,
        )
        # Shared with the police ASB team for the complex case panel (not with the council).
        s.add(
            s.at(10, "16:00"),
            self._share(
                "case_e", "probation", self.people.team("practitioner"), [S, M, D], "FEN-ISA-IOM"
            ),
            actor=helen,
            team=probation,
        )
