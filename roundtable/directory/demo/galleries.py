"""Demo galleries for Fenshire: members added, letters served and custody updates recorded, as
story steps through the galleries services.

The galleries themselves are seeded with the partnership's other standards (``casework._seeds``,
``galleries.seeds``). This fills them: about 12 foreign nationals managed by the police IOM team
with the Home Office (letters served, Home Office responses, officer visits and breaches, and
custody updates by the prison's offender management unit, which the gallery's alert rules tell
the Home Office and every team that sees the diary about), 6 families with their plans and
headline needs, an IOM cohort of about 30 across Fixed, Flex and Free, and a few members in each
other gallery. Members are people the managing team owns, in cases of the gallery's kind where
there are some (their offending), and the showcase's foreign national and IOM subject. Every
answer is invented wording; dates are relative to the day of loading.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from typing import Any

from roundtable.directory.demo import data
from roundtable.directory.demo.cast import People, Showcase
from roundtable.directory.demo.story import Story, fresh
from roundtable.directory.models import Partnership, Team, User
from roundtable.galleries.models import Gallery, GalleryMembership, MembershipState
from roundtable.galleries.seeds import HEADLINES, SPECS, partnership_teams, pick
from roundtable.galleries.services.custody import CustodyUpdate, custody_update_record
from roundtable.galleries.services.memberships import (
    member_answers,
    membership_add,
    membership_answers_save,
    membership_remove,
)
from roundtable.records.models import CaseMember, Profile
from roundtable.sharing.models import SharingAgreement
from roundtable.sharing.sections import Section
from roundtable.sharing.services import grant_create

FOREIGN_NATIONALS = 12
FAMILIES = 6
IOM = 30
OTHERS = 3
ESTABLISHMENTS = ("HMP Fenhollow", "HMP Fenhollow", "HMP Fenhollow", "HMP Westmarch Park")
NATIONALITIES = ("RO", "AL", "LT", "PL", "BR", "VN")
STATUSES = ("settled", "pre_settled", "limited_leave", "overstayer", "no_status", "asylum_claim")
RESPONSES = ("awaited", "deportation_considered", "deportation_order", "no_action", "detention")
CONDITIONS = (
    "Not to enter Marshbury town centre between 22:00 and 06:00; to report any change of address.",
    "To keep the peace and be of good behaviour; not to contact the victims of the burglaries.",
    "To engage with the drug service and attend every appointment offered.",
)
BREACHES = (
    "Seen in the town centre after 22:00 on two occasions.",
    "Missed two drug service appointments without a reason.",
)
PLANS = (
    "Lead practitioner to visit weekly. School attendance plan agreed with the academy; "
    "housing options referral for the rent arrears; parenting course from next month.",
    "Domestic abuse safety plan with the IDVA; family group conference booked; budgeting "
    "support from the money advice service.",
    "Drug service referral for the father; early years place for the youngest; mediation "
    "between the older children and their mother.",
)
FOREIGN = "foreign-nationals"


def _gallery(slug: str) -> Gallery:
    return Gallery.objects.get(partnership__short_name=data.FENSHIRE.key, slug=slug)


def _spell(slug: str, profile_id: int) -> GalleryMembership:
    return GalleryMembership.objects.select_related("gallery", "profile").get(
        gallery__partnership__short_name=data.FENSHIRE.key,
        gallery__slug=slug,
        profile_id=profile_id,
        state=MembershipState.CURRENT,
    )


def _person(pk: int) -> Callable[[], Profile]:
    """The generated person with this id, read when the step runs."""

    def read() -> Profile:
        return Profile.objects.get(pk=pk)

    return read


def _iso(day: date) -> str:
    return day.isoformat()


class GalleryStories:
    """Schedules the demo galleries' members onto the story (written when the story runs)."""

    def __init__(self, story: Story, people: People, show: Showcase, rng: random.Random) -> None:
        self.story, self.people, self.show, self.rng = story, people, show, rng
        self.taken: set[int] = set()
        self.agreement: SharingAgreement | None = None
        self.teams = {
            (team.organisation.name, team.name): team
            for team in Team.objects.select_related("organisation").filter(
                organisation__partnership__short_name=data.FENSHIRE.key
            )
        }

    def plan(self) -> None:
        self._foreign_nationals()
        self._families()
        self._iom()
        self._others()

    # --- helpers -------------------------------------------------------------------------------

    def _team(self, organisation: str, name: str) -> Team:
        return self.teams[(organisation, name)]

    def _owned(self, team: Team, prefixes: Sequence[str], count: int) -> list[int]:
        """People the team owns, those in its cases of these kinds first, not already chosen."""
        owned = Profile.objects.filter(owning_team=team).exclude(pk__in=self.taken)
        in_cases = list(
            CaseMember.objects.filter(
                profile__in=owned, case__case_type__reference_prefix__in=list(prefixes)
            )
            .order_by("profile_id")
            .values_list("profile_id", flat=True)
            .distinct()
        )
        others = list(owned.exclude(pk__in=in_cases).order_by("pk").values_list("pk", flat=True))
        chosen = self.rng.sample(in_cases, min(count, len(in_cases)))
        chosen += self.rng.sample(others, min(count - len(chosen), len(others)))
        self.taken.update(chosen)
        return chosen

    def _author(self, team: Team) -> User:
        """A generated member of the team, acting for it (the first practitioner or manager)."""
        membership = team.memberships.filter(user__is_active=True).order_by("user_id").first()
        if membership is None:
            raise ValueError(f"The demo team {team.name} has no members")
        return membership.user

    def _step(
        self, days_ago: int, clock: str, action: Callable[[], Any], actor: User, team: Team
    ) -> None:
        self.story.add(self.story.at(days_ago, clock), action, actor=actor, team=team)

    def _share(self, owner: User, profile: Any, team: Team, sections: Sequence[str]) -> None:
        agreement = SharingAgreement.objects.get(reference="FEN-ISA-FNO")
        grant_create(
            actor=owner,
            record=profile() if callable(profile) else Profile.objects.get(pk=profile),
            agreement=agreement,
            sections=[str(section) for section in sections],
            team=team,
            reason="Shared for the partnership's foreign national offenders work.",
        )

    def _add(
        self,
        slug: str,
        actor: User,
        team: Team,
        profile: Callable[[], Profile],
        added: int,
        reason: str,
        status: str,
        answers: dict[str, Any],
    ) -> Callable[[], Any]:
        def add() -> None:
            person = profile()
            values = dict(answers)
            if "nationality" in values and person.nationality:
                values["nationality"] = str(person.nationality)  # as the record says
            membership_add(
                actor=actor,
                team=team,
                gallery=_gallery(slug),
                profile=person,
                added_on=self.story.day(-added),
                reason=reason,
                status=status,
                answers=values,
            )

        return add

    # --- Foreign Nationals ---------------------------------------------------------------------

    def _foreign_nationals(self) -> None:
        police = self._team(data.POLICE, "Integrated Offender Management")
        prison = self._team(data.PRISON, "Offender Management Unit")
        home_office = Team.objects.get(
            organisation__name=data.HOME_OFFICE, name="Immigration Compliance and Enforcement East"
        )
        officer, prison_officer = self._author(police), self.people["prison"]
        chosen: list[Callable[[], Profile]] = [
            _person(pk) for pk in self._owned(police, ("FNO", "IOM"), FOREIGN_NATIONALS - 1)
        ]
        # The showcase's foreign national (probation's case_d): probation shares him first.
        helen, probation = self.people["probation"], self.people.team("probation")
        self._step(
            135,
            "10:00",
            lambda: self._share(helen, lambda: self.show["f1"], police, [Section.IDENTITY,
                                Section.OFFENDING, Section.DIARY]),
            helen,
            probation,
        )  # fmt: skip
        chosen.insert(0, lambda: self.show["f1"])
        for index, profile in enumerate(chosen):
            added = 130 - index * 9
            self._foreign_national(
                index, profile, added, officer, police, prison, prison_officer, home_office
            )

    def _foreign_national(
        self,
        index: int,
        profile: Callable[[], Profile],
        added: int,
        officer: User,
        police: Team,
        prison: Team,
        prison_officer: User,
        home_office: Team,
    ) -> None:
        rng, day = self.rng, self.story.day
        in_custody = index % 3 != 2
        removed = index in (4, 9)
        sections = [Section.IDENTITY, Section.OFFENDING, Section.DIARY]
        for minute, team in enumerate((prison, home_office)):
            self._step(
                added,
                f"09:{10 + minute:02d}",
                partial(self._share, officer, profile, team, sections),
                officer,
                police,
            )
        notified = added + rng.randrange(0, 4)  # on arrest, shortly before the gallery
        answers: dict[str, Any] = {
            "nationality": NATIONALITIES[index % len(NATIONALITIES)],
            "immigration_status": STATUSES[index % len(STATUSES)],
            "home_office_reference": f"FNO/FEN/{2100 + index * 7}",
            "home_office_notified_on": _iso(day(-notified)),
            "home_office_response": RESPONSES[index % len(RESPONSES)],
            "detention_requested": index % 4 == 1,
            "conditions_served": CONDITIONS[index % len(CONDITIONS)],
            "home_office_letter_on": _iso(day(-added)),
            "chief_inspector_letter_on": _iso(day(-added)),
            "signposting_letter_on": _iso(day(-added)),
            "officer_visits": rng.randrange(1, 9),
            "breached": index % 3 == 0,
            "repatriation": ("immediate", "treaty_rights", "not_recommended")[index % 3],
        }
        if answers["breached"]:
            answers["breach_count"] = 1 + index % 3
            answers["breach_details"] = BREACHES[index % len(BREACHES)]
        if index == 0:
            answers["home_office_reference"] = "FNO/FEN/0417"  # the showcase case's reference
        if answers["repatriation"] != "not_recommended":
            answers["repatriation_outcome"] = "removed" if removed else "pending"
        status = "In custody" if in_custody else "In the community"
        self._step(
            added,
            "09:30",
            self._add(
                FOREIGN,
                officer,
                police,
                profile,
                added,
                "Arrested in the partnership's area; not a British citizen. Home Office notified.",
                status,
                answers,
            ),
            officer,
            police,
        )
        if not in_custody:
            return
        establishment = ESTABLISHMENTS[index % len(ESTABLISHMENTS)]
        updates = [
            (added - 2, "remanded", None, "Remanded pending trial."),
            (
                added - 20,
                "sentenced",
                day(-(added - 20) + 200 + index * 15),
                "Sentenced; settled on the wing, no adjudications.",
            ),
        ]
        if index % 4 == 0:
            updates.append((added - 45, "transferred", None, "Moved for a course."))
        if removed:
            updates.append((added - 60, "released", None, "Released into Home Office custody."))
        for days_ago, status_code, release, note in updates:
            if days_ago < 1:
                continue
            self._step(
                days_ago,
                "11:00",
                self._custody(
                    profile, prison_officer, prison, days_ago, status_code, establishment,
                    release, note,
                ),
                prison_officer,
                prison,
            )  # fmt: skip
        if removed and added - 61 >= 1:
            self._step(
                added - 61,
                "15:00",
                self._remove(FOREIGN, profile, officer, police, added - 61, "Removed from the UK."),
                officer,
                police,
            )

    def _custody(
        self,
        profile: Callable[[], Profile],
        actor: User,
        team: Team,
        days_ago: int,
        status: str,
        establishment: str,
        release: date | None,
        note: str,
    ) -> Callable[[], Any]:
        def record() -> None:
            spell = _spell(FOREIGN, profile().pk)
            custody_update_record(
                actor=actor,
                team=team,
                spell=spell,
                update=CustodyUpdate(
                    status=status,
                    establishment=establishment,
                    on=self.story.day(-days_ago),
                    expected_release=release,
                    note=note,
                ),
                expected_version=spell.version,
            )

        return record

    def _remove(
        self,
        slug: str,
        profile: Callable[[], Profile],
        actor: User,
        team: Team,
        days_ago: int,
        reason: str,
        answers: dict[str, Any] | None = None,
    ) -> Callable[[], Any]:
        def remove() -> None:
            spell = _spell(slug, profile().pk)
            if answers:
                payload = {**member_answers(spell.gallery, spell.profile_id), **answers}
                spell = membership_answers_save(
                    actor=actor,
                    team=team,
                    spell=spell,
                    payload=payload,
                    expected_version=spell.version,
                )
            membership_remove(
                actor=actor,
                team=team,
                spell=fresh(spell),
                removed_on=self.story.day(-days_ago),
                reason=reason,
                expected_version=spell.version,
            )

        return remove

    # --- Families ------------------------------------------------------------------------------

    def _families(self) -> None:
        early_help = self._team(data.COUNTY, "Early Help and Supporting Families")
        worker = self._author(early_help)
        leads = self._owned(early_help, ("SF",), FAMILIES)
        household = self._owned(early_help, ("SF",), FAMILIES * 2)
        headlines = [value for value, _label in HEADLINES]
        for index, lead in enumerate(leads):
            closed = index < 2
            # A closed family's outcomes were checked 6 months after closure, so it was added
            # long ago and is recorded here (retrospectively) a few days back; an open family is
            # recorded when its plan is agreed.
            added = 400 - index * 20 if closed else 170 - index * 20
            recorded = 5 + index if closed else added - 20
            members = household[index * 2 : index * 2 + 2]
            needs = self.rng.sample(headlines, 3 + index % 3)
            answers: dict[str, Any] = {
                "family_with": ("dependent_children", "both", "expectant_parents")[index % 3],
                "headline_needs": needs,
                "lead_practitioner": f"{worker.full_name}, Early Help",
                "assessment_on": _iso(self.story.day(-(added - 10))),
                "family_plan": PLANS[index % len(PLANS)],
                "plan_agreed_on": _iso(self.story.day(-(added - 20))),
            }
            for number, member in enumerate(members, start=1):
                answers[f"household_member_{number}"] = str(
                    Profile.objects.values_list("code", flat=True).get(pk=member)
                )
            if closed:
                answers["closed_on"] = _iso(self.story.day(-200 + index * 5))
                answers["outcomes_achieved"] = needs
                answers["outcomes_sustained"] = needs[:-1] if index else needs
                answers["sustained_checked_on"] = _iso(self.story.day(-200 + index * 5 + 183))
            status = "Outcomes sustained" if closed else ("Plan in place", "Assessed")[index % 2]
            self._step(
                recorded,
                "14:00",
                self._add(
                    "families",
                    worker,
                    early_help,
                    _person(lead),
                    added,
                    "Three or more headline needs; dependent children in the household.",
                    status,
                    answers,
                ),
                worker,
                early_help,
            )

    # --- IOM cohort ----------------------------------------------------------------------------

    def _iom(self) -> None:
        police = self._team(data.POLICE, "Integrated Offender Management")
        officer = self._author(police)
        reasons = ("neighbourhood_crime", "serious_violence", "domestic_abuse", "local_priority")
        pathways = ("accommodation", "employment", "drugs_alcohol", "finance", "attitudes")
        chosen: list[Callable[[], Profile]] = [
            _person(pk) for pk in self._owned(police, ("IOM", "GANG"), IOM - 1)
        ]
        helen, probation = self.people["probation"], self.people.team("probation")
        # The showcase's IOM subject (probation's case_e), added by his probation officer.
        self._step(
            99,
            "10:00",
            self._add(
                "iom-cohort",
                helen,
                probation,
                lambda: self.show["p4"],
                99,
                "Prolific burglary and shop theft linked to drug use; on licence.",
                "Fixed",
                {
                    "selection_reason": "neighbourhood_crime",
                    "selected_on": _iso(self.story.day(-99)),
                    "lead_agency": "probation",
                    "ogrs_score": 78,
                    "pathway_needs": ["accommodation", "drugs_alcohol"],
                },
            ),
            helen,
            probation,
        )
        for index, profile in enumerate(chosen):
            added = 220 - index * 7
            status = ("Fixed", "Fixed", "Flex", "Free")[index % 4]
            answers = {
                "selection_reason": (
                    "neighbourhood_crime" if status == "Fixed" else reasons[index % len(reasons)]
                ),
                "selected_on": _iso(self.story.day(-added)),
                "lead_agency": ("police", "probation")[index % 2],
                "ogrs_score": 40 + (index * 13) % 55,
                "pathway_needs": self.rng.sample(pathways, 1 + index % 3),
                "last_reset_on": _iso(self.story.day(-added)),
            }
            self._step(
                added,
                "10:30",
                self._add(
                    "iom-cohort",
                    officer,
                    police,
                    profile,
                    added,
                    "Selected at the monthly IOM panel.",
                    status,
                    answers,
                ),
                officer,
                police,
            )
            if index in (3, 11):
                self._step(
                    30,
                    "16:00",
                    self._remove(
                        "iom-cohort",
                        profile,
                        officer,
                        police,
                        30,
                        "De-selected at the monthly IOM panel.",
                        {"deselection_reason": ("reduced_risk", "moved_away")[index % 2]},
                    ),
                    officer,
                    police,
                )

    # --- the other galleries -------------------------------------------------------------------

    def _others(self) -> None:
        teams = partnership_teams(Partnership.objects.get(short_name=data.FENSHIRE.key))
        managers = {spec.slug: pick(teams, spec.managing[0])[0] for spec in SPECS}
        specs: tuple[tuple[str, tuple[str, ...], str, str, dict[str, Any]], ...] = (
            (
                "young-people",
                ("GANG", "CSE", "ASB"),
                "Open",
                "Referred by the school after two exclusions; at risk of exploitation.",
                {"education_status": "part_time", "exploitation_concern": True},
            ),
            (
                "gangs",
                ("GANG",),
                "Active",
                "Named in three serious violence incidents linked to the Marsh Lane group.",
                {
                    "group_name": "Marsh Lane group",
                    "role": "involved",
                    "evidence": "Arrested at two linked incidents; intelligence graded B2.",
                    "weapons_access": False,
                },
            ),
            (
                "cse",
                ("CSE",),
                "Medium risk",
                "Agreed at the strategy meeting.",
                {"indicators": ["missing", "gifts"], "missing_episodes": 2},
            ),
            (
                "dementia",
                ("VA",),
                "Living at home",
                "Herbert Protocol form completed with the family.",
                {
                    "consent": True,
                    "physical_description": "About 5 ft 6, slim, grey hair, wears a blue coat.",
                    "places_may_go": "The old bus depot where he worked; Marshbury Park.",
                    "mobility": "walks_far",
                    "contacts": "Daughter (invented number 07700 900000).",
                },
            ),
            (
                "stalking",
                ("STALK", "DA"),
                "Active",
                "Repeated unwanted contact after the relationship ended.",
                {"relationship": "ex_partner", "online": True, "protection": "none"},
            ),
        )
        for position, (slug, prefixes, status, reason, answers) in enumerate(specs):
            team = managers[slug]
            author = self._author(team)
            for index, pk in enumerate(self._owned(team, prefixes, OTHERS)):
                added = 150 - position * 11 - index * 17
                self._step(
                    added,
                    "12:00",
                    self._add(
                        slug,
                        author,
                        team,
                        _person(pk),
                        added,
                        reason,
                        status,
                        answers,
                    ),
                    author,
                    team,
                )


__all__ = ["GalleryStories"]
