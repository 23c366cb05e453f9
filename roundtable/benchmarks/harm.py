"""Offences, harm scores and a gallery for generated people, as risk and galleries write them.

Runs after ``RecordGenerator.run`` (``write_harm(generator)``), with its own random stream so the
records before it stay as they were. Configuration goes through the services, as an admin's would:
each partnership gets the sample classification and published CHI and RFG models
(``risk.services.seeds.risk_seed_partnership``), and the benchmark gallery is made by
``galleries.services.galleries.gallery_create``. The bulk part is written with ``bulk.Writer``:

- **Offences**, 5 per person on average, skewed as in life: most people have none to three, a
  tail of prolific offenders dozens; categories weighted towards the common ones, roles,
  disposals that fit the role, times of day and days of the week peaking on evenings and
  weekends, some at the recording team's own premises, some with a postcode only. Each is
  recorded by the team that owns the person (which always sees their offending section), with
  the values ``risk.services.offences._check`` derives (local date, weekday, hour).
- **Harm scores**, worked out by ``risk.scoring.work_out`` with ``risk.services.scoring.rules_of``
  and ``weights_of``, for the versions ``harm_scores_refresh_person`` applies, as of the day of
  generation; ``benchmarks/tests`` compare them with that service person by person.
- **A gallery of current members** (5% of people) managed by one police team, with a share grant
  to that team under a national policing agreement for each member it did not already own (the
  grant ``membership_add`` needs it to see the person), and answers to the gallery's fields with
  their promoted columns as ``customforms.services.form_values_save`` stores them.

Only for invented data: nothing here audits, and it must never be pointed at real records.
"""

from __future__ import annotations

import json
import random
from bisect import bisect
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from roundtable.benchmarks.bulk import uid
from roundtable.benchmarks.generator import ACCESS_FIELDS, DAY, RecordGenerator
from roundtable.benchmarks.grants import GRANT_FIELDS
from roundtable.benchmarks.plan import TeamInfo
from roundtable.customforms.models import FormDefinition, FormValues
from roundtable.customforms.promotion import column_values
from roundtable.customforms.scoring import score as form_score
from roundtable.directory.models import OrganisationKind, Partnership, Team
from roundtable.galleries.models import Gallery, GalleryAccess, GalleryMembership, MembershipState
from roundtable.galleries.services.galleries import GalleryDetails, gallery_create
from roundtable.records.models import Premises
from roundtable.risk.models import (
    Disposal,
    HarmModel,
    HarmScore,
    Offence,
    OffenceCategory,
    OffenceRole,
)
from roundtable.risk.scoring import OffenceFacts, Rules, work_out
from roundtable.risk.services.scoring import LIVE_STATUSES, rules_of, weights_of
from roundtable.risk.services.seeds import risk_seed_partnership
from roundtable.sharing.models import (
    AccessEntry,
    AccessSource,
    AgreementParty,
    LawfulBasis,
    PrincipalKind,
    ShareGrant,
    SharingAgreement,
    Visibility,
)
from roundtable.sharing.sections import RecordKind, Section, full_mask, to_mask

OFFENCES_PER_PERSON = 5.0
GALLERY_SHARE = 0.05
GALLERY_NAME = "Benchmark priority offenders"
GALLERY_STATUSES = ("In custody", "In the community", "Awaiting decision")
GALLERY_SECTIONS = to_mask([Section.IDENTITY, Section.RISK, Section.OFFENDING])
GRANT_REASON = "Member of the partnership's priority offenders gallery."
HISTORY_DAYS = 6 * 365

#: The gallery's fields: four promoted to columns (for filters and sorting), one not.
GALLERY_FIELDS: list[dict[str, Any]] = [
    {
        "key": "nationality",
        "label": "Nationality",
        "type": "country",
        "section": "identity",
        "promote": True,
    },
    {
        "key": "custody",
        "label": "Custody status",
        "type": "choice",
        "section": "risk",
        "promote": True,
        "choices": [
            {"value": "in_custody", "label": "In custody"},
            {"value": "community", "label": "In the community"},
            {"value": "deported", "label": "Removed from the UK"},
        ],
    },
    {
        "key": "notified_on",
        "label": "Home Office notified",
        "type": "date",
        "section": "risk",
        "promote": True,
    },
    {
        "key": "breaches",
        "label": "Breaches of conditions",
        "type": "number",
        "section": "risk",
        "promote": True,
        "validation": {"min": 0, "integer": True},
    },
    {"key": "notes", "label": "Officer notes", "type": "text", "section": "risk"},
]
NATIONALITIES = ("PL", "RO", "AL", "LT", "IE", "PT", "IN", "PK", "NG", "SO", "IQ", "VN", "JM")

#: (code, relative frequency) over the sample classification: common offences first.
CATEGORY_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("THF-SHP", 14),
    ("VAP-CMN", 13),
    ("CD-DAM", 11),
    ("THF-OTH", 9),
    ("POD-S5", 7),
    ("DRG-POS", 7),
    ("VAP-HAR", 6),
    ("VAP-ABH", 5),
    ("BUR-NDW", 3),
    ("VEH-TFV", 3),
    ("POD-S4", 3),
    ("BUR-DWL", 3),
    ("ASB-BRC", 2.5),
    ("VAP-STK", 2),
    ("WPN-KNF", 2),
    ("VEH-TOV", 1.5),
    ("DRG-SUP", 1.5),
    ("VAP-THK", 1),
    ("SEX-ASL", 1),
    ("VAP-NFS", 1),
    ("ROB-PER", 1),
    ("CD-ARS", 0.5),
    ("VAP-GBH", 0.5),
)
PROACTIVE_CATEGORIES = frozenset({"DRG-POS", "DRG-SUP", "WPN-KNF"})
#: Monday first: more on Friday and Saturday.
WEEKDAY_WEIGHTS = (0.85, 0.85, 0.9, 0.95, 1.2, 1.35, 1.0)
#: Midnight first: quiet before dawn, rising through the afternoon, peaking in the evening.
HOUR_WEIGHTS = (
    4, 3.5, 3, 2, 1.5, 1, 1, 1.5, 2.5, 3, 3.5, 4,
    4.5, 4.5, 4.5, 5, 5.5, 6, 6.5, 6.5, 6, 5.5, 5, 4.5,
)  # fmt: skip
ROLES = (
    (OffenceRole.OFFENDER, 0.55),
    (OffenceRole.SUSPECT, 0.25),
    (OffenceRole.VICTIM, 0.15),
    (OffenceRole.WITNESS, 0.05),
)
DISPOSALS: dict[str, tuple[str, ...]] = {
    OffenceRole.OFFENDER: (
        Disposal.CONVICTED,
        Disposal.CONVICTED,
        Disposal.CAUTION,
        Disposal.CONDITIONAL_CAUTION,
        Disposal.COMMUNITY_RESOLUTION,
        Disposal.PENALTY_NOTICE,
    ),
    OffenceRole.SUSPECT: (
        Disposal.UNDER_INVESTIGATION,
        Disposal.CHARGED,
        Disposal.NO_FURTHER_ACTION,
        Disposal.ACQUITTED,
    ),
    OffenceRole.VICTIM: (Disposal.NOT_APPLICABLE,),
    OffenceRole.WITNESS: (Disposal.NOT_APPLICABLE,),
}
OFFENCE_FIELDS = (
    "id",
    "code",
    "profile_id",
    "category_id",
    "role",
    "occurred_at",
    "time_known",
    "occurred_on",
    "weekday",
    "hour",
    "disposal",
    "premises_id",
    "postcode",
    "source_organisation_id",
    "source_reference",
    "proactive",
    "recorded_by_id",
    "recorded_by_team_id",
    "partnership_id",
    "created_at",
    "updated_at",
)
SCORE_FIELDS = (
    "profile_id",
    "model_id",
    "window_days",
    "total",
    "offences_counted",
    "as_of",
    "stale_after",
)
MEMBER_FIELDS = (
    "code",
    "created_at",
    "updated_at",
    "gallery_id",
    "profile_id",
    "state",
    "status",
    "added_on",
    "reason_added",
    "added_by_id",
    "added_by_team_id",
    "review_on",
)
ANSWER_FIELDS = (
    "definition_id",
    "form_version_id",
    "record_kind",
    "record_id",
    "values",
    "score",
    "level",
    "text_1",
    "text_2",
    "text_3",
    "num_1",
    "num_2",
    "num_3",
    "date_1",
    "date_2",
    "date_3",
    "created_at",
    "updated_at",
)
BATCH_PEOPLE = 20_000


@dataclass
class HarmResult:
    """What ``write_harm`` made: the gallery and its managing team, for the benchmark's users."""

    gallery_id: int
    managing_team_id: int
    members: int


def offence_count(rng: random.Random) -> int:
    """How many offences one person has: mostly 0 to 3, with a prolific tail (mean about 5)."""
    roll = rng.random()
    if roll < 0.35:
        return 0
    if roll < 0.60:
        return 1
    if roll < 0.75:
        return 2
    if roll < 0.85:
        return 3
    return 4 + min(int(rng.expovariate(1 / 23.5)), 400)


def _cumulative(weights: list[float]) -> tuple[list[float], float]:
    result, total = [], 0.0
    for weight in weights:
        total += weight
        result.append(total)
    return result, total


class HarmGenerator:
    """Writes offences, scores and the benchmark gallery for a generator's people; ``run`` once."""

    def __init__(self, generator: RecordGenerator, *, seed: int) -> None:
        self.g = generator
        self.writer = generator.writer
        self.rng = random.Random(f"harm-{seed}")  # noqa: S311 -- invented data
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.now = generator.now
        self.today = timezone.localtime(datetime.fromtimestamp(self.now, self.zone)).date()
        self.counts = generator.result.counts
        self.offences_of: list[int] = []  # per generated person, how many offences
        self.category_pick = _cumulative([weight for _, weight in CATEGORY_WEIGHTS])
        self.weekday_top = max(WEEKDAY_WEIGHTS)
        self.hour_pick = _cumulative(list(HOUR_WEIGHTS))

    # -- configuration, through the services

    def seed_risk(self) -> None:
        partnerships = Partnership.objects.filter(pk__in=self.g.partnership_ids).order_by("pk")
        for partnership in partnerships:
            risk_seed_partnership(partnership=partnership)
        self.categories: dict[int, dict[str, int]] = defaultdict(dict)
        for pk, partnership_id, code in OffenceCategory.objects.filter(
            partnership_id__in=self.g.partnership_ids
        ).values_list("pk", "partnership_id", "code"):
            self.categories[partnership_id][code] = pk
        models = list(
            HarmModel.objects.filter(
                partnership_id__in=self.g.partnership_ids, status__in=LIVE_STATUSES
            ).order_by("pk")
        )
        weights = weights_of(models)
        self.models: dict[int, list[tuple[HarmModel, Rules]]] = defaultdict(list)
        for model in models:
            rules = rules_of(model, weights[model.weight_source_id])
            self.models[model.partnership_id].append((model, rules))
        windows = [int(window) for model in models for window in model.windows]
        self.oldest_counted = self.today - timedelta(days=max(windows, default=0))
        self.police_of = {
            team.partnership_id: team.organisation_id
            for team in self.g.world.teams
            if team.organisation_kind == OrganisationKind.POLICE
        }
        self.premises_of: dict[int, list[tuple[int, str]]] = defaultdict(list)
        ids = self.g.result.premises_ids
        if len(ids):
            rows = Premises.objects.filter(pk__gte=ids.start, pk__lt=ids.stop).order_by("pk")
            for pk, team_id, postcode in rows.values_list("pk", "owning_team_id", "postcode"):
                self.premises_of[team_id].append((pk, postcode))

    # -- offences and scores

    def _local_moment(self) -> tuple[int, bool]:
        """(UTC epoch, time known) of an offence as ``_check`` stores it: recent ones likelier."""
        rng = self.rng
        while True:
            age = 1 + int(rng.random() ** 1.7 * HISTORY_DAYS)
            day = self.today - timedelta(days=age)
            if rng.random() * self.weekday_top < WEEKDAY_WEIGHTS[day.weekday()]:
                break
        cumulative, total = self.hour_pick
        hour = bisect(cumulative, rng.random() * total)
        minute = int(rng.random() * 60)
        known = rng.random() < 0.92
        local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.zone)
        if not known:  # _check: midnight local time when the time of day is not known
            local = local.replace(hour=0, minute=0)
        return int(local.timestamp()), known

    def _postcode(self, partnership_id: int) -> str:
        area = self.g.world.postcode_areas.get(partnership_id, "ZA")
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        below = self._below
        return (
            f"{area}{1 + below(29)} {below(10)}{letters[below(len(letters))]}"
            f"{letters[below(len(letters))]}"
        )

    def _below(self, count: int) -> int:
        return int(self.rng.random() * count)

    def _role(self) -> str:
        roll, acc = self.rng.random(), 0.0
        for role, share in ROLES:
            acc += share
            if roll < acc:
                return role
        return OffenceRole.OFFENDER

    def _offences_of_person(
        self, profile_id: int, team: TeamInfo, count: int, next_id: int, rows: list[tuple[Any, ...]]
    ) -> list[OffenceFacts]:
        """Append a person's offence rows; returns the facts that can still count in a window."""
        rng, at = self.rng, self.writer.at
        categories = self.categories[team.partnership_id]
        cumulative, total = self.category_pick
        premises = self.premises_of.get(team.id, [])
        police = self.police_of.get(team.partnership_id, team.organisation_id)
        facts: list[OffenceFacts] = []
        for offset in range(count):
            offence_id = next_id + offset
            code = CATEGORY_WEIGHTS[bisect(cumulative, rng.random() * total)][0]
            role = self._role()
            disposals = DISPOSALS[role]
            disposal = disposals[self._below(len(disposals))]
            proactive = rng.random() < (0.6 if code in PROACTIVE_CATEGORIES else 0.02)
            moment, known = self._local_moment()
            local = datetime.fromtimestamp(moment, self.zone)
            premises_id, postcode = None, ""
            roll = rng.random()
            if premises and roll < 0.1:
                premises_id, postcode = premises[self._below(len(premises))]
            elif roll < 0.5:
                postcode = self._postcode(team.partnership_id)
            source = police if rng.random() < 0.75 else team.organisation_id
            reference = f"{local.year}/{offence_id:09d}" if source == police else ""
            recorded = min(moment + self._below(14 * DAY), self.now - 60)
            users = team.user_ids
            rows.append(
                (
                    offence_id,
                    uid(rng.getrandbits(128)),
                    profile_id,
                    categories[code],
                    role,
                    at(moment),
                    int(known),
                    local.date().isoformat(),
                    local.weekday(),
                    local.hour if known else None,
                    disposal,
                    premises_id,
                    postcode,
                    source,
                    reference,
                    int(proactive),
                    users[self._below(len(users))],
                    team.id,
                    team.partnership_id,
                    at(recorded),
                    at(recorded),
                )
            )
            occurred_on = local.date()
            if occurred_on > self.oldest_counted:
                facts.append(OffenceFacts(offence_id, code, role, occurred_on, proactive))
        return facts

    def _score_rows(
        self, profile_id: int, partnership_id: int, facts: list[OffenceFacts]
    ) -> Iterator[tuple[Any, ...]]:
        """The rows ``harm_scores_refresh_person`` writes (offences outside every window left
        out beforehand: they neither count nor change a total by themselves)."""
        today = self.today
        for model, rules in self.models.get(partnership_id, []):
            for window in model.windows:
                working = work_out(rules, facts, as_of=today, window_days=int(window))
                if working.counted:
                    stale = working.stale_after
                    yield (
                        profile_id,
                        model.pk,
                        int(window),
                        str(working.total),
                        working.counted,
                        today.isoformat(),
                        stale.isoformat() if stale else None,
                    )

    def write_offences(self) -> None:
        ids = self.g.result.profile_ids
        teams = self.g.world.teams
        next_id = self.writer.next_id(Offence)
        first_id = next_id
        for start in range(0, len(ids), BATCH_PEOPLE):
            offences: list[tuple[Any, ...]] = []
            scores: list[tuple[Any, ...]] = []
            for position in range(start, min(start + BATCH_PEOPLE, len(ids))):
                team = teams[self.g.profile_team[position]]
                count = offence_count(self.rng) if team.user_ids else 0
                self.offences_of.append(count)
                if not count:
                    continue
                profile_id = ids[position]
                facts = self._offences_of_person(profile_id, team, count, next_id, offences)
                next_id += count
                scores += self._score_rows(profile_id, team.partnership_id, facts)
            self.counts["offences"] += self.writer.insert(Offence, OFFENCE_FIELDS, offences)
            self.counts["harm_scores"] += self.writer.insert(HarmScore, SCORE_FIELDS, scores)
        self.offence_ids = range(first_id, next_id)
        self.writer.reset_sequences([Offence, HarmScore])

    # -- the gallery

    def _managing_team(self) -> TeamInfo:
        """A police team of the partnership with the most people: its IOM team if it has one."""
        sizes: dict[int, int] = {
            pk: len(people) for pk, people in self.g.profiles_by_partnership.items()
        }
        partnership_id = max(sorted(sizes), key=lambda pk: sizes[pk])
        police = [
            team
            for team in self.g.world.teams_in(partnership_id)
            if team.organisation_kind == OrganisationKind.POLICE and team.user_ids
        ]
        if not police:
            raise RuntimeError("The benchmark gallery needs a police team with users.")
        iom = [team for team in police if team.function == "iom"]
        return (iom or police)[0]

    def _national_agreement(self) -> SharingAgreement:
        """Every force's agreement to share priority offenders with each other (as world.py)."""
        agreement = SharingAgreement.objects.create(
            title="National priority offenders information sharing agreement",
            reference="ISA-BENCH-PRIORITY",
            partnership=None,
            purposes="Managing priority offenders wherever they are known.",
            lawful_basis=LawfulBasis.DPA_2018_PART_3,
            record_kinds=[int(RecordKind.PROFILE)],
            starts_on=date(self.today.year - 3, 4, 1),
            code=uid(self.rng.getrandbits(128)),
        )
        AgreementParty.objects.bulk_create(
            AgreementParty(agreement=agreement, organisation_id=org, max_sections=(1 << 12) - 1)
            for org in sorted(set(self.police_of.values()))
        )
        return agreement

    def write_gallery(self) -> HarmResult:
        manager = self._managing_team()
        team = Team.objects.get(pk=manager.id)
        partnership = Partnership.objects.get(pk=manager.partnership_id)
        details = GalleryDetails(
            name=GALLERY_NAME,
            purpose="The partnership's priority offenders, managed with the Home Office.",
            access=GalleryAccess.PARTNERSHIP,
            section=Section.RISK,
            statuses=GALLERY_STATUSES,
            managing_teams=(team,),
        )
        gallery = gallery_create(
            actor=None, partnership=partnership, details=details, fields=GALLERY_FIELDS
        )
        agreement = self._national_agreement()
        definition = FormDefinition.objects.select_related("current_version").get(
            pk=int(gallery.form_id or 0)
        )
        version = definition.current_version
        if version is None:
            raise RuntimeError("The benchmark gallery's form was not published.")
        chosen = self._members(manager)
        rng, at, day, below = self.rng, self.writer.at, self.writer.day, self._below
        police = set(self.police_of.values())
        grant_start = self.writer.next_id(ShareGrant)
        grants: list[tuple[Any, ...]] = []
        access: list[tuple[Any, ...]] = []
        members: list[tuple[Any, ...]] = []
        answers: list[tuple[Any, ...]] = []
        ids = self.g.result.profile_ids
        teams = self.g.world.teams
        for position in chosen:
            profile_id = ids[position]
            owner = teams[self.g.profile_team[position]]
            updated = self.g.profile_updated[position]
            added = self.today - timedelta(days=1 + below(3 * 365))
            added_epoch = (added - date(1970, 1, 1)).days * DAY + 9 * 3600 + below(8 * 3600)
            added_epoch = min(added_epoch, self.now - 60)
            user = manager.user_ids[below(len(manager.user_ids))]
            if owner.id != manager.id:
                if owner.organisation_id not in police:
                    raise RuntimeError("A gallery member must be owned by a police force.")
                grant_id = grant_start + len(grants)
                granter = owner.user_ids[below(len(owner.user_ids))] if owner.user_ids else None
                made = at(added_epoch - 60)
                grants.append(
                    (
                        grant_id,
                        uid(rng.getrandbits(128)),
                        made,
                        made,
                        RecordKind.PROFILE,
                        profile_id,
                        PrincipalKind.TEAM,
                        manager.id,
                        None,
                        GALLERY_SECTIONS & full_mask(RecordKind.PROFILE),
                        agreement.pk,
                        GRANT_REASON,
                        AccessSource.GRANT,
                        granter,
                        None,
                        None,
                        None,
                    )
                )
                share = (PrincipalKind.TEAM, manager.id, GALLERY_SECTIONS, AccessSource.GRANT)
                access.append((RecordKind.PROFILE, profile_id, *share, grant_id, None, at(updated)))
            moment = at(added_epoch)
            status = GALLERY_STATUSES[below(len(GALLERY_STATUSES))]
            review = day((added - date(1970, 1, 1)).days + 90 + below(180))
            members.append(
                (
                    uid(rng.getrandbits(128)),
                    moment,
                    moment,
                    gallery.pk,
                    profile_id,
                    MembershipState.CURRENT,
                    status,
                    added.isoformat(),
                    "Meets the eligibility: a priority offender known to the partnership.",
                    user,
                    manager.id,
                    review,
                )
            )
            if rng.random() < 0.8:
                values = self._answers(added)
                result = form_score(version.schema, values)
                columns = column_values(definition.promoted, version.schema, values)
                answers.append(
                    (
                        definition.pk,
                        version.pk,
                        int(RecordKind.PROFILE),
                        profile_id,
                        json.dumps(values),
                        str(result.score) if result and result.score is not None else None,
                        (result.level or "") if result else "",
                        *(_db_value(columns[name]) for name in ANSWER_FIELDS[7:16]),
                        moment,
                        moment,
                    )
                )
        insert = self.writer.insert
        self.counts["gallery_grants"] = insert(ShareGrant, GRANT_FIELDS, grants)
        self.counts["access_entries"] += insert(AccessEntry, ACCESS_FIELDS, access)
        self.counts["gallery_members"] = insert(GalleryMembership, MEMBER_FIELDS, members)
        self.counts["gallery_answers"] = insert(FormValues, ANSWER_FIELDS, answers)
        self.writer.reset_sequences([ShareGrant, GalleryMembership, FormValues])
        return HarmResult(gallery.pk, manager.id, len(members))

    def _members(self, manager: TeamInfo) -> list[int]:
        """Positions of the people in the gallery: police-owned, not restricted, offenders first."""
        wanted = max(1, round(len(self.g.result.profile_ids) * GALLERY_SHARE))
        police = set(self.police_of.values())
        teams = self.g.world.teams
        offenders: list[int] = []
        others: list[int] = []
        for position, team_index in enumerate(self.g.profile_team):
            team = teams[team_index]
            if team.organisation_id not in police and team.id != manager.id:
                continue
            if self.g.profile_visibility[position] != Visibility.NORMAL or not team.user_ids:
                continue
            has = position < len(self.offences_of) and self.offences_of[position] > 0
            (offenders if has else others).append(position)
        self.rng.shuffle(offenders)
        self.rng.shuffle(others)
        return sorted((offenders + others)[:wanted])

    def _answers(self, added: date) -> dict[str, Any]:
        """Answers the gallery's form accepts (``form_values_clean`` gives them back unchanged)."""
        rng, below = self.rng, self._below
        values: dict[str, Any] = {
            "nationality": NATIONALITIES[below(len(NATIONALITIES))],
            "custody": ("in_custody", "community", "deported")[below(3)],
        }
        if rng.random() < 0.7:
            values["notified_on"] = (added + timedelta(days=below(30))).isoformat()
            if values["notified_on"] > self.today.isoformat():
                values["notified_on"] = added.isoformat()
        if rng.random() < 0.6:
            values["breaches"] = below(5)
        if rng.random() < 0.3:
            values["notes"] = "Seen at home; conditions explained again."
        return values

    def run(self) -> HarmResult:
        self.seed_risk()
        self.write_offences()
        return self.write_gallery()


def _db_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, str):
        return value
    return str(value)


def write_harm(generator: RecordGenerator, *, seed: int) -> HarmResult:
    """Offences, scores and the benchmark gallery for the people ``generator`` wrote."""
    return HarmGenerator(generator, seed=seed).run()


def gallery_of(result: HarmResult) -> Gallery:
    return Gallery.objects.get(pk=result.gallery_id)
