"""Demo households: relatives of three showcase people, so each family view shows something.

- **Reedmace Close** (the police ASB team's 17-year-old from the Heron Court case): his mother
  and younger sister, recorded by the council, which shares the mother's identity and
  relationships with the police ASB team; the sister stays a signpost to the police.
- **Kingfisher Road** (the council's complainant): her partner and their two children, all the
  council's, and a Supporting Families case the council opens from her family view.
- **Sedge Way** (probation's IOM subject): his partner, expecting, and their toddler, recorded
  by probation.

Everything goes through the services as story steps (relationships, shares and the family case
included), after the showcase people exist. Names are invented, drawn by the seed; each
household shares its anchor's family name.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from roundtable.directory.demo import data
from roundtable.directory.demo.cast import FEMALE_NAMES, MALE_NAMES, People, Showcase
from roundtable.directory.demo.story import Story
from roundtable.records.models import Gender, RelationshipKind
from roundtable.records.selectors.families import family_case_types
from roundtable.records.services.families import family_case_open
from roundtable.records.services.profiles import address_add, profile_create, relationship_add
from roundtable.sharing import policy
from roundtable.sharing.models import SharingAgreement
from roundtable.sharing.sections import Section
from roundtable.sharing.services import grant_create

K = RelationshipKind


@dataclass(frozen=True)
class Relative:
    """A relative of a showcase person: key, owner (persona), age, gender, and the kind of
    relationship as recorded on the relative's own record (``mother`` PARENT_OF the anchor)."""

    key: str
    owner: str
    age_years: int
    gender: str
    kind: str


HOUSEHOLDS: tuple[tuple[str, int, tuple[Relative, ...]], ...] = (
    (
        "p2",
        200,
        (
            Relative("p2_mother", "council", 44, Gender.FEMALE, K.PARENT_OF),
            Relative("p2_sister", "council", 9, Gender.FEMALE, K.SIBLING),
        ),
    ),
    (
        "v2",
        220,
        (
            Relative("v2_partner", "council", 43, Gender.MALE, K.PARTNER),
            Relative("v2_son", "council", 12, Gender.MALE, K.CHILD_OF),
            Relative("v2_daughter", "council", 7, Gender.FEMALE, K.CHILD_OF),
        ),
    ),
    (
        "p4",
        95,
        (
            Relative("p4_partner", "probation", 26, Gender.FEMALE, K.PARTNER),
            Relative("p4_child", "probation", 2, Gender.MALE, K.CHILD_OF),
        ),
    ),
)


class FamilyStories:
    """Schedules the households, the police's share of one mother, and one family case."""

    def __init__(self, story: Story, people: People, show: Showcase, rng: random.Random) -> None:
        self.story, self.people, self.show, self.rng = story, people, show, rng

    def plan(self) -> None:
        s = self.story
        for anchor, days_ago, relatives in HOUSEHOLDS:
            for index, relative in enumerate(relatives):
                actor = self.people[relative.owner]
                team = self.people.team(relative.owner)
                s.add(
                    s.at(days_ago, f"12:{10 + index:02d}"),
                    self._relative(anchor, relative, self._given(relative.gender)),
                    actor=actor,
                    team=team,
                    what=relative.key,
                )
        # The mother's partner at Kingfisher Road is the children's father too.
        council, council_team = self.people["council"], self.people.team("council")
        s.add(s.at(219, "09:00"), self._father(), actor=council, team=council_team)
        s.add(s.at(199, "15:00"), self._share_mother(), actor=council, team=council_team)
        s.add(s.at(60, "10:30"), self._family_case(), actor=council, team=council_team)

    def _given(self, gender: str) -> str:
        names = FEMALE_NAMES if gender == Gender.FEMALE else MALE_NAMES
        given = [name for name in data.FIRST_NAMES if name in names]
        return given[self.rng.randrange(len(given))]

    def _relative(self, anchor: str, relative: Relative, given: str) -> Any:
        story, show, people = self.story, self.show, self.people

        def create() -> None:
            actor, team = people[relative.owner], people.team(relative.owner)
            person = show[anchor]
            born = story.today - timedelta(days=relative.age_years * 365 + 60)
            created = profile_create(
                actor=actor,
                team=team,
                given_name=given,
                family_name=person.family_name,
                gender=relative.gender,
                date_of_birth=born,
            )
            home = person.addresses.order_by("-from_date", "-pk").first()
            if home is not None:
                address_add(
                    actor=actor,
                    profile=created,
                    line1=home.line1,
                    line2=home.line2,
                    town=home.town,
                    postcode=home.postcode,
                    from_date=home.from_date,
                )
            relationship_add(
                actor=actor,
                viewer=policy.viewer_for_user(actor, team),
                profile=created,
                other_code=person.code,
                kind=relative.kind,
            )
            show[relative.key] = created

        return create

    def _father(self) -> Any:
        def relate() -> None:
            actor, team = self.people["council"], self.people.team("council")
            for child in ("v2_son", "v2_daughter"):
                relationship_add(
                    actor=actor,
                    viewer=policy.viewer_for_user(actor, team),
                    profile=self.show["v2_partner"],
                    other_code=self.show[child].code,
                    kind=K.PARENT_OF,
                )

        return relate

    def _share_mother(self) -> Any:
        def share() -> None:
            grant_create(
                actor=self.people["council"],
                record=self.show["p2_mother"],
                agreement=SharingAgreement.objects.get(reference="FEN-ISA-CS"),
                sections=[Section.IDENTITY, Section.CONTACT, Section.RELATIONSHIPS],
                team=self.people.team("practitioner"),
                reason="Parent of a young person in the Heron Court ASB case.",
            )

        return share

    def _family_case(self) -> Any:
        def open_case() -> None:
            actor, team = self.people["council"], self.people.team("council")
            types = family_case_types(partnership_id=team.organisation.partnership_id)
            if not types:
                return
            family_type = types[0]
            family_case_open(
                actor=actor,
                team=team,
                case_type=family_type,
                centre=self.show["v2"],
                member_codes=[
                    str(self.show[key].code) for key in ("v2_partner", "v2_son", "v2_daughter")
                ],
                title="Whole-family support, Kingfisher Road",
                summary="Family affected by the neighbour dispute: school attendance has "
                "dropped and the parents are under strain. Whole-family assessment agreed.",
                lead_practitioner=actor,
            )

        return open_case
