"""Demo offence histories: about three years of offending in Fenshire (and a little in Westmarch),
recorded through the risk services and scored under each partnership's SAMPLE harm models.

Runs after the demo casework (``directory.demo.casework``), whose showcase people it gives
histories that fit their stories: the drug dealing at Flat 4, Heron Court, and its elderly victim
next door; the noise and threats on Kingfisher Road; the foreign national offender's robbery and
remand; the IOM subject's burglaries and shop thefts and his latest arrest. Among the generated
people it picks, by the seed, a prolific tail (a few dozen people with many offences each, in one
of a few patterns of offending: acquisitive, violent, domestic abuse, drugs, disorder), many more
with one to three offences, and victims and witnesses. The picks follow the generated cases (an
IOM subject offends like one, a domestic abuse perpetrator like one) and lean towards people the
police ASB team can see, so its priority ranking is full while the council's is shorter: every
ranking only counts people whose offending the viewer's team sees. Times peak in the evenings and
at weekends, places cluster at each town's hotspots and premises, and most records come from the
police.

Every offence goes through ``risk.services.offences.offences_record_many``, the import path:
the same checks, stored values and audit event per offence as ``offence_create``, written in bulk
(recording them one by one would take over a minute), recorded by one of two members of a team
that sees the person's offending (a police team where one does, otherwise the team that owns the
record), acting as that team; each person is then scored once. The partnerships' sample
classification and models are seeded first (what ``seed_risk`` does). Offences are dated relative
to the day of loading and recorded as of now, as an import of the agencies' histories would be.
The same seed gives the same histories; a second run adds nothing. The numbers of people are
capped, so a million-profile load adds the same few hundred people as the default. It must never
run in production.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from django.db import transaction
from django.utils import timezone

from roundtable.audit import context as audit_context
from roundtable.audit.models import Action, AuditEvent
from roundtable.audit.services import audit_record
from roundtable.directory.demo import data
from roundtable.directory.demo.builder import refuse_in_production
from roundtable.directory.models import (
    Membership,
    Organisation,
    OrganisationKind,
    Partnership,
    Team,
    User,
)
from roundtable.records.models import (
    CaseMember,
    MemberRole,
    Premises,
    PremisesKind,
    Profile,
)
from roundtable.risk.models import Disposal, OffenceCategory, OffenceRole
from roundtable.risk.services.offences import (
    OffenceDetails,
    OffenceEntry,
    offences_record_many,
)
from roundtable.risk.services.seeds import risk_seed_partnership
from roundtable.sharing import policy
from roundtable.sharing.models import Visibility
from roundtable.sharing.sections import BIT, RecordKind, Section

SOURCE = "demo_offences"
#: How far back the histories go.
SPAN_DAYS = 3 * 365
#: (share of the generated people, fewest, most) for each kind of person with offences.
PROLIFIC = (0.012, 24, 38)
OCCASIONAL = (0.085, 12, 260)
VICTIMS = (0.035, 8, 110)
WITNESSES = (0.012, 4, 40)
#: The first few people with one offence have a grave one (a wounding, a robbery, a supply).
GRAVE = ("VAP-GBH", "ROB-PER", "DRG-SUP")
#: Of the people offending in the demo, this share live in Westmarch (its own ranking).
WESTMARCH_SHARE = 0.06

WEST_POLICE = "Westmarch Police"
WEST_COUNCIL = "Westmarch Borough Council"
FIRE = "Fenshire Fire and Rescue Service"

# --- What offending looks like -------------------------------------------------------------------

#: Patterns of offending: category codes with relative weights (codes of the SAMPLE
#: classification, ``risk.services.seeds``).
PATTERNS: dict[str, tuple[tuple[str, float], ...]] = {
    "acquisitive": (
        ("THF-SHP", 6), ("BUR-DWL", 2), ("BUR-NDW", 1.5), ("VEH-TFV", 1.5), ("VEH-TOV", 0.5),
        ("THF-OTH", 1.5), ("DRG-POS", 1.5), ("CD-DAM", 0.5), ("ROB-PER", 0.15),
    ),
    "violent": (
        ("VAP-CMN", 4), ("VAP-ABH", 2.5), ("VAP-GBH", 0.5), ("POD-S4", 2), ("POD-S5", 2),
        ("CD-DAM", 1.5), ("WPN-KNF", 0.8), ("VAP-THK", 0.5), ("ROB-PER", 0.4),
    ),
    "domestic": (
        ("VAP-CMN", 3), ("VAP-ABH", 2), ("VAP-NFS", 0.7), ("VAP-HAR", 1.5), ("VAP-STK", 0.8),
        ("VAP-THK", 0.6), ("CD-DAM", 1.5), ("ASB-BRC", 0.6), ("SEX-ASL", 0.1),
    ),
    "drugs": (
        ("DRG-SUP", 2), ("DRG-POS", 3), ("WPN-KNF", 1.2), ("ROB-PER", 0.5), ("VAP-ABH", 0.8),
        ("VAP-GBH", 0.25), ("POD-S4", 0.6), ("THF-SHP", 0.8),
    ),
    "disorder": (
        ("POD-S5", 4), ("CD-DAM", 3), ("ASB-BRC", 1.5), ("VAP-CMN", 1.5), ("THF-SHP", 1),
        ("DRG-POS", 1), ("CD-ARS", 0.3), ("POD-S4", 1),
    ),
    # One or two offences: mostly low level, now and then something serious.
    "occasional": (
        ("THF-SHP", 5), ("VAP-CMN", 4), ("CD-DAM", 3.5), ("POD-S5", 3), ("DRG-POS", 3),
        ("THF-OTH", 2), ("POD-S4", 1.5), ("VEH-TFV", 1), ("VAP-ABH", 1.2), ("BUR-DWL", 0.6),
        ("VAP-HAR", 1), ("WPN-KNF", 0.4), ("BUR-NDW", 0.5), ("VAP-GBH", 0.12), ("ROB-PER", 0.12),
        ("DRG-SUP", 0.2), ("CD-ARS", 0.15),
    ),
    "victim": (
        ("THF-OTH", 3), ("BUR-DWL", 2), ("VEH-TFV", 2), ("VAP-CMN", 2), ("CD-DAM", 2.5),
        ("POD-S5", 1.5), ("VAP-HAR", 1), ("VAP-ABH", 0.8), ("ROB-PER", 0.3), ("POD-S4", 0.8),
    ),
    "witness": (
        ("VAP-CMN", 3), ("VAP-ABH", 1.5), ("POD-S4", 2), ("POD-S5", 2), ("CD-DAM", 2),
        ("ROB-PER", 0.4), ("THF-SHP", 1),
    ),
}  # fmt: skip
#: The pattern a member of a generated case is given, by case type and role in it.
CASE_PATTERNS: dict[tuple[str, str], tuple[str, ...]] = {
    ("IOM", MemberRole.SUBJECT): ("acquisitive", "acquisitive", "drugs"),
    ("IOM", MemberRole.PERPETRATOR): ("acquisitive", "violent"),
    ("FNO", MemberRole.SUBJECT): ("acquisitive", "violent", "drugs"),
    ("DA", MemberRole.PERPETRATOR): ("domestic",),
    ("STALK", MemberRole.PERPETRATOR): ("domestic",),
    ("GANG", MemberRole.SUBJECT): ("drugs", "violent"),
    ("GANG", MemberRole.PERPETRATOR): ("drugs", "violent"),
    ("ASB", MemberRole.PERPETRATOR): ("disorder", "disorder", "violent"),
    ("HATE", MemberRole.PERPETRATOR): ("violent", "disorder"),
}
VICTIM_ROLES = (MemberRole.VICTIM, MemberRole.COMPLAINANT)

#: When offences happen: weights for each hour of the day (0 to 23), and each day (Monday first).
_NIGHT = (5, 3, 2, 1, 0.5, 0.3, 0.3, 0.5, 1, 1, 1.2, 1.5, 2, 2, 2, 2.5, 3, 4, 5, 6, 7, 8, 9, 8)
_DAY = (0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 0.8, 2, 4, 5, 6, 6, 6, 6.5, 7, 7, 6, 4, 2.5, 1.5, 1, 0.5, 0.3)  # fmt: skip  # noqa: E501
_EVENING = (3, 2, 1, 0.6, 0.3, 0.2, 0.4, 0.8, 1, 1, 1, 1.2, 1.5, 1.5, 1.8, 2.2, 3, 4.5, 6, 7, 7.5, 7, 6, 4.5)  # fmt: skip  # noqa: E501
_ANY = (1.5, 1, 0.6, 0.3, 0.2, 0.2, 0.4, 0.8, 1.5, 2, 2.5, 3, 3, 3, 3.5, 4, 4.5, 5, 5.5, 5.5, 5, 4.5, 3.5, 2.5)  # fmt: skip  # noqa: E501
_WEEKEND_NIGHTS = (0.8, 0.7, 0.8, 1.0, 1.6, 2.0, 1.4)
_WEEKDAYS = (1.0, 1.0, 1.0, 1.0, 1.15, 1.3, 0.8)
_EVENINGS_HOME = (0.9, 0.8, 0.9, 0.9, 1.3, 1.6, 1.5)
#: category code -> (hours, days, share whose time is not known, share found proactively)
TIMING: dict[str, tuple[Sequence[float], Sequence[float], float, float]] = {
    "VAP-GBH": (_NIGHT, _WEEKEND_NIGHTS, 0.02, 0.0),
    "VAP-ABH": (_NIGHT, _WEEKEND_NIGHTS, 0.03, 0.0),
    "VAP-CMN": (_NIGHT, _WEEKEND_NIGHTS, 0.03, 0.0),
    "VAP-NFS": (_EVENING, _EVENINGS_HOME, 0.05, 0.0),
    "VAP-THK": (_EVENING, _EVENINGS_HOME, 0.08, 0.0),
    "VAP-STK": (_ANY, _WEEKDAYS, 0.4, 0.0),
    "VAP-HAR": (_ANY, _WEEKDAYS, 0.3, 0.0),
    "SEX-ASL": (_NIGHT, _WEEKEND_NIGHTS, 0.1, 0.0),
    "ROB-PER": (_NIGHT, _WEEKEND_NIGHTS, 0.02, 0.0),
    "BUR-DWL": (_DAY, _WEEKDAYS, 0.35, 0.0),
    "BUR-NDW": (_NIGHT, _WEEKDAYS, 0.45, 0.0),
    "VEH-TOV": (_NIGHT, _WEEKDAYS, 0.4, 0.0),
    "VEH-TFV": (_NIGHT, _WEEKDAYS, 0.45, 0.0),
    "THF-SHP": (_DAY, _WEEKDAYS, 0.02, 0.0),
    "THF-OTH": (_DAY, _WEEKDAYS, 0.2, 0.0),
    "CD-DAM": (_NIGHT, _WEEKEND_NIGHTS, 0.25, 0.0),
    "CD-ARS": (_NIGHT, _WEEKEND_NIGHTS, 0.2, 0.0),
    "DRG-POS": (_ANY, _WEEKEND_NIGHTS, 0.02, 0.7),
    "DRG-SUP": (_ANY, _WEEKDAYS, 0.05, 0.5),
    "WPN-KNF": (_NIGHT, _WEEKEND_NIGHTS, 0.02, 0.6),
    "POD-S4": (_NIGHT, _WEEKEND_NIGHTS, 0.03, 0.0),
    "POD-S5": (_NIGHT, _WEEKEND_NIGHTS, 0.03, 0.0),
    "ASB-BRC": (_EVENING, _WEEKEND_NIGHTS, 0.05, 0.0),
}
#: Low-level offences a penalty notice or a community resolution can settle.
LOW_LEVEL = frozenset(("THF-SHP", "THF-OTH", "CD-DAM", "POD-S5", "DRG-POS"))
#: Where an offence of each kind tends to happen: premises of a kind, or a hotspot.
PREMISES_FOR = {
    "THF-SHP": PremisesKind.BUSINESS,
    "BUR-NDW": PremisesKind.BUSINESS,
    "VAP-CMN": PremisesKind.LICENSED,
    "VAP-ABH": PremisesKind.LICENSED,
    "POD-S4": PremisesKind.LICENSED,
    "CD-DAM": PremisesKind.PUBLIC_SPACE,
    "CD-ARS": PremisesKind.PUBLIC_SPACE,
    "DRG-POS": PremisesKind.PUBLIC_SPACE,
}
AT_HOME = frozenset(("VAP-NFS", "VAP-THK", "VAP-STK", "VAP-HAR", "BUR-DWL", "SEX-ASL"))
#: Each town's postcode districts and its hotspots (town centre, station, retail park), all in
#: the demo's invented ZF and ZW areas.
TOWNS: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {
    "Marshbury": ((1, 2, 3, 4), ("ZF1 1AB", "ZF1 2DE", "ZF4 2HQ", "ZF3 8RT")),
    "Eastmere": ((5, 6), ("ZF6 1AF", "ZF5 3PL")),
    "Meregate": ((7, 8), ("ZF8 2JL", "ZF7 4BN")),
    "Fenhollow": ((9,), ("ZF9 3GH",)),
    "Westmarch": ((1, 2, 3), ("ZW1 1AA", "ZW2 5HT")),
}
FENSHIRE_TOWNS = (("Marshbury", 5.0), ("Eastmere", 2.5), ("Meregate", 1.5), ("Fenhollow", 1.0))
INWARD = "ABDEFGHJLNPQRSTUWXYZ"
#: Outcome notes for some convictions (no names; no places beyond the demo's invented courts).
SENTENCES = (
    "Sentenced at Marshbury Magistrates' Court: community order with unpaid work.",
    "Sentenced at Marshbury Magistrates' Court: fine and compensation.",
    "Sentenced at Fenshire Crown Court: custody.",
    "Sentenced at Eastmere Magistrates' Court: conditional discharge.",
    "Sentenced at Marshbury Magistrates' Court: community order with a drug rehabilitation "
    "requirement.",
    "Sentenced at Fenshire Crown Court: suspended sentence order.",
)
#: Police teams that record offences where they see a person's offending, most likely first.
POLICE_PREFERENCE = (
    "Anti-Social Behaviour Team",
    "Integrated Offender Management",
    "Domestic Abuse Investigation Unit",
    "Marshbury Neighbourhood Policing Team",
    "Eastmere Neighbourhood Policing Team",
    "Neighbourhood Policing Team",
    "Custody",
    "Multi-Agency Safeguarding Hub",
)
#: The teams the picks lean towards (by persona key), and how strongly.
LEAN = {"practitioner": 6.0, "probation": 2.5, "police_iom": 2.0, "council": 0.8, "housing": 0.8}


@dataclass(frozen=True)
class StoryOffence:
    """One offence of a showcase person: days ago, wall-clock time ("" when not known), what."""

    days: int
    clock: str
    code: str
    disposal: str
    place: str  # a postcode, or "flat" for Flat 4, Heron Court
    proactive: bool = False
    notes: str = ""
    role: str = ""  # empty: suspect or offender, by the disposal


FLAT = "flat"
D = Disposal
#: The showcase people's histories, consistent with their stories (``cast`` and ``stories``).
STORY_HISTORIES: dict[str, tuple[StoryOffence, ...]] = {
    # Drug dealing from Flat 4, Heron Court: arrested for supply a month ago, then a CPN breach.
    "p1": (
        StoryOffence(1010, "16:20", "DRG-POS", D.COMMUNITY_RESOLUTION, "ZF1 1AB", proactive=True),
        StoryOffence(830, "14:05", "THF-SHP", D.CAUTION, "ZF1 2DE"),
        StoryOffence(700, "23:40", "POD-S5", D.PENALTY_NOTICE, "ZF1 2DE"),
        StoryOffence(560, "21:15", "DRG-POS", D.CAUTION, "ZF4 2HQ", proactive=True),
        StoryOffence(432, "00:30", "VAP-CMN", D.CONVICTED, "ZF1 2DE", notes=SENTENCES[1]),
        StoryOffence(300, "22:10", "WPN-KNF", D.CONVICTED, "ZF4 2HQ", proactive=True,
                     notes=SENTENCES[0]),
        StoryOffence(215, "22:30", "POD-S5", D.NO_FURTHER_ACTION, FLAT),
        StoryOffence(190, "", "CD-DAM", D.COMMUNITY_RESOLUTION, FLAT),
        StoryOffence(37, "06:10", "DRG-SUP", D.CHARGED, FLAT,
                     notes="Arrested at the flat after residents' reports; remanded on bail."),
        StoryOffence(8, "20:15", "ASB-BRC", D.PENALTY_NOTICE, FLAT,
                     notes="Breach of the community protection notice: fixed penalty notice."),
    ),
    # His younger associate on the stairs.
    "p2": (
        StoryOffence(410, "16:45", "THF-SHP", D.COMMUNITY_RESOLUTION, "ZF1 2DE"),
        StoryOffence(250, "21:50", "CD-DAM", D.COMMUNITY_RESOLUTION, "ZF4 2HQ"),
        StoryOffence(215, "22:30", "POD-S5", D.NO_FURTHER_ACTION, FLAT),
        StoryOffence(100, "19:30", "DRG-POS", D.COMMUNITY_RESOLUTION, "ZF4 2HQ", proactive=True),
    ),
    # Their elderly neighbour: sworn at, her door damaged, harassed.
    "v1": (
        StoryOffence(215, "22:30", "POD-S5", D.NOT_APPLICABLE, "ZF4 2HQ", role="victim"),
        StoryOffence(190, "", "CD-DAM", D.NOT_APPLICABLE, "ZF4 2HQ", role="victim"),
        StoryOffence(96, "21:00", "VAP-HAR", D.NOT_APPLICABLE, "ZF4 2HQ", role="victim"),
    ),
    # Kingfisher Road: the complainant sworn at, then threatened over the fence.
    "v2": (
        StoryOffence(231, "18:20", "POD-S5", D.NOT_APPLICABLE, "ZF2 7JD", role="victim"),
        StoryOffence(151, "22:40", "POD-S4", D.NOT_APPLICABLE, "ZF2 7JD", role="victim"),
    ),
    "p3": (
        StoryOffence(780, "", "CD-DAM", D.NO_FURTHER_ACTION, "ZF2 7JD"),
        StoryOffence(600, "23:15", "VAP-CMN", D.CONVICTED, "ZF1 2DE", notes=SENTENCES[1]),
        StoryOffence(231, "18:20", "POD-S5", D.COMMUNITY_RESOLUTION, "ZF2 7JD"),
        StoryOffence(151, "22:40", "POD-S4", D.CHARGED, "ZF2 7JD"),
    ),
    # The foreign national offender: a street robbery, remanded, then sentenced.
    "f1": (
        StoryOffence(820, "01:20", "DRG-POS", D.CAUTION, "ZF1 1AB", proactive=True),
        StoryOffence(690, "15:10", "THF-OTH", D.CAUTION, "ZF1 2DE"),
        StoryOffence(505, "23:50", "VAP-ABH", D.CONVICTED, "ZF1 2DE", notes=SENTENCES[5]),
        StoryOffence(133, "22:10", "ROB-PER", D.CONVICTED, "ZF1 1AB",
                     notes="Remanded in custody; sentenced at Fenshire Crown Court to custody."),
    ),
    # The IOM subject: burglary and shop theft to fund drug use; quiet while in treatment, then
    # a new arrest for shop theft.
    "p4": (
        StoryOffence(1060, "11:40", "THF-SHP", D.CAUTION, "ZF6 1AF"),
        StoryOffence(990, "", "VEH-TFV", D.NO_FURTHER_ACTION, "ZF6 4NT"),
        StoryOffence(940, "14:20", "THF-SHP", D.PENALTY_NOTICE, "ZF6 1AF"),
        StoryOffence(870, "", "BUR-DWL", D.CONVICTED, "ZF5 3PL", notes=SENTENCES[0]),
        StoryOffence(800, "16:05", "THF-SHP", D.CONVICTED, "ZF6 1AF", notes=SENTENCES[1]),
        StoryOffence(760, "20:30", "DRG-POS", D.CAUTION, "ZF6 4NT", proactive=True),
        StoryOffence(700, "13:15", "THF-SHP", D.CONVICTED, "ZF6 1AF", notes=SENTENCES[4]),
        StoryOffence(640, "", "BUR-NDW", D.NO_FURTHER_ACTION, "ZF6 1AF"),
        StoryOffence(560, "", "BUR-DWL", D.CONVICTED, "ZF6 4NT", notes=SENTENCES[2]),
        StoryOffence(420, "", "BUR-DWL", D.CONVICTED, "ZF5 3PL", notes=SENTENCES[2]),
        StoryOffence(330, "02:10", "VEH-TFV", D.CONVICTED, "ZF6 4NT"),
        StoryOffence(300, "15:40", "THF-SHP", D.CONVICTED, "ZF6 1AF"),
        StoryOffence(260, "", "BUR-DWL", D.CONVICTED, "ZF6 4NT", notes=SENTENCES[2]),
        StoryOffence(205, "12:50", "THF-SHP", D.CONVICTED, "ZF6 1AF"),
        StoryOffence(180, "17:20", "THF-SHP", D.CONVICTED, "ZF1 2DE"),
        StoryOffence(150, "", "VEH-TFV", D.UNDER_INVESTIGATION, "ZF6 4NT"),
        StoryOffence(122, "14:30", "THF-SHP", D.CONVICTED, "ZF6 1AF"),
        StoryOffence(112, "", "BUR-DWL", D.CHARGED, "ZF5 3PL"),
        StoryOffence(12, "15:55", "THF-SHP", D.UNDER_INVESTIGATION, "ZF6 1AF",
                     notes="Arrested at the store; IOM officer told the same day."),
    ),
}  # fmt: skip
#: How the showcase people are found after the casework made them: (case title, member role,
#: position among that role's members, oldest first).
STORY_PEOPLE: dict[str, tuple[str, str, int]] = {
    "p1": ("Drug dealing and intimidation at Heron Court", MemberRole.PERPETRATOR, 0),
    "p2": ("Drug dealing and intimidation at Heron Court", MemberRole.PERPETRATOR, 1),
    "v1": ("Drug dealing and intimidation at Heron Court", MemberRole.VICTIM, 0),
    "v2": ("Noise nuisance and verbal abuse, Kingfisher Road", MemberRole.COMPLAINANT, 0),
    "p3": ("Noise nuisance and verbal abuse, Kingfisher Road", MemberRole.PERPETRATOR, 0),
    "f1": ("Foreign national offender: release planning", MemberRole.SUBJECT, 0),
    "p4": ("Integrated offender management: burglary and shop theft", MemberRole.SUBJECT, 0),
}


def showcase_people() -> dict[str, Profile]:
    """The showcase people the casework made, by their key in ``STORY_HISTORIES``."""
    found: dict[str, Profile] = {}
    for key, (title, role, position) in STORY_PEOPLE.items():
        members = list(
            Profile.objects.filter(
                case_memberships__case__title=title, case_memberships__role=role
            ).order_by("date_of_birth", "pk")
        )
        if len(members) > position:
            found[key] = members[position]
    return found


def _pick(rng: random.Random, weighted: Sequence[tuple[Any, float]]) -> Any:
    total = sum(weight for _item, weight in weighted)
    roll = rng.random() * total
    for item, weight in weighted:
        roll -= weight
        if roll < 0:
            return item
    return weighted[-1][0]


def _index(rng: random.Random, weights: Sequence[float]) -> int:
    cumulative, total = [], 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    return min(bisect(cumulative, rng.random() * total), len(weights) - 1)


def _how_many(spec: tuple[float, int, int], generated: int) -> int:
    share, fewest, most = spec
    return max(fewest, min(most, round(share * generated)))


def already_loaded() -> bool:
    """Whether the demo offences have been loaded here (their import is kept in the audit log)."""
    return AuditEvent.objects.filter(action=Action.IMPORT, detail__source=SOURCE).exists()


@dataclass
class Candidate:
    """A generated person who may be given offences: their record, home and known cases."""

    profile: Profile
    partnership: str
    age: int
    patterns: list[str] = field(default_factory=list)
    victim: bool = False
    lean: float = 1.0


class OffencePlan:
    """Chooses the people and their offences for a seed; ``offences`` is what will be written."""

    def __init__(self, rng: random.Random, now: datetime) -> None:
        self.rng = rng
        self.now = now
        self.today = timezone.localdate(now)
        self.offences: list[OffenceEntry] = []
        self.people: Counter[str] = Counter()
        self.serials: Counter[tuple[int, int]] = Counter()
        self.categories: dict[tuple[int, str], OffenceCategory] = {
            (category.partnership_id, category.code): category
            for category in OffenceCategory.objects.filter(is_active=True)
        }
        self.organisations = {org.name: org for org in Organisation.objects.all()}
        self.partnership_ids = {
            partnership.short_name: partnership.pk for partnership in Partnership.objects.all()
        }
        self._members: dict[int, list[User]] = defaultdict(list)
        for membership in (
            Membership.objects.filter(user__is_active=True, team__is_active=True)
            .select_related("user", "team__organisation")
            .order_by("team_id", "-role", "user_id")
        ):
            self._members[membership.team_id].append(membership.user)
        self._premises_seen: dict[int, dict[str, list[Premises]]] = {}
        self.premises = list(Premises.objects.filter(visibility=Visibility.NORMAL).order_by("pk"))

    # --- who records, and where ---------------------------------------------------------------

    def viewer(self, team: Team) -> policy.Viewer:
        return policy.viewer_for_user(self.author(team), team)

    def author(self, team: Team) -> User:
        """One of the two people in the team who record offences (practitioners first)."""
        members = self._members[team.pk]
        return members[self.rng.randrange(min(2, len(members)))]

    def premises_for(self, team: Team, kind: str, area: str) -> Premises | None:
        """Premises of a kind in an area (ZF, ZW) that the recording team can see, at random."""
        if team.pk not in self._premises_seen:
            masks = policy.section_masks(
                self.viewer(team), RecordKind.PREMISES, [p.pk for p in self.premises]
            )
            seen: dict[str, list[Premises]] = defaultdict(list)
            for place in self.premises:
                if masks.get(place.pk, 0) & BIT[Section.SUMMARY] and place.postcode:
                    seen[f"{place.kind}:{place.postcode[:2]}"].append(place)
            self._premises_seen[team.pk] = seen
        found = self._premises_seen[team.pk].get(f"{kind}:{area}", [])
        return found[self.rng.randrange(len(found))] if found else None

    def postcode(self, town: str) -> str:
        districts, hotspots = TOWNS[town]
        if self.rng.random() < 0.55:
            return hotspots[self.rng.randrange(len(hotspots))]
        area = "ZW" if town == "Westmarch" else "ZF"
        district = districts[self.rng.randrange(len(districts))]
        letters = "".join(INWARD[self.rng.randrange(len(INWARD))] for _ in range(2))
        return f"{area}{district} {self.rng.randrange(10)}{letters}"

    def reference(self, organisation: Organisation, occurred: date) -> str:
        """The source agency's own reference: a crime number for the police, unique per agency."""
        self.serials[(organisation.pk, occurred.year)] += 1
        serial = self.serials[(organisation.pk, occurred.year)]
        return f"{organisation.short_name}/{occurred.year % 100:02d}/{serial + 1000:06d}"

    def source(self, code: str, partnership: str, role: str) -> Organisation:
        """Mostly the police; now and then the council, the housing provider or the fire
        service, for the kinds of offence they deal with."""
        if partnership == "westmarch":
            name = WEST_COUNCIL if code in ("POD-S5", "ASB-BRC") and self.rng.random() < 0.2 else ""
            return self.organisations[name or WEST_POLICE]
        others = {
            "CD-DAM": (data.HOUSING, data.MARSHBURY),
            "CD-ARS": (FIRE,),
            "ASB-BRC": (data.MARSHBURY, data.HOUSING),
            "POD-S5": (data.MARSHBURY,),
            "VAP-HAR": (data.HOUSING,),
        }.get(code, ())
        if others and role != OffenceRole.WITNESS and self.rng.random() < 0.3:
            return self.organisations[others[self.rng.randrange(len(others))]]
        return self.organisations[data.POLICE]

    # --- when, and how it ended ---------------------------------------------------------------

    def moment(self, code: str, days_ago: int) -> tuple[datetime, bool, bool]:
        """When an offence of this kind happened about ``days_ago`` days back: (local time, time
        known, found proactively). Evening and weekend peaks come from ``TIMING``."""
        hours, days, unknown, proactive = TIMING[code]
        day = self.today - timedelta(days=days_ago)
        wanted = _index(self.rng, days)
        day += timedelta(days=(wanted - day.weekday()) % 7)
        if day >= self.today:
            day -= timedelta(days=7)
        known = self.rng.random() >= unknown
        clock = time(_index(self.rng, hours), self.rng.randrange(60)) if known else time(0, 0)
        moment = timezone.make_aware(datetime.combine(day, clock))
        return min(moment, self.now - timedelta(hours=1)), known, self.rng.random() < proactive

    def disposal(self, code: str, days_ago: int, youth: bool) -> tuple[str, str]:
        """(disposal, outcome notes) for an offence this old: recent ones still open."""
        roll = self.rng.random()
        if days_ago < 30:
            return (D.UNDER_INVESTIGATION if roll < 0.6 else D.CHARGED if roll < 0.9 else
                    D.NO_FURTHER_ACTION), ""  # fmt: skip
        if days_ago < 120 and roll < 0.4:
            return (D.CHARGED if roll < 0.3 else D.UNDER_INVESTIGATION), ""
        low = code in LOW_LEVEL
        outcomes: list[tuple[str, float]] = [
            (D.CONVICTED, 4.5 if not youth else 2),
            (D.NO_FURTHER_ACTION, 1.6),
            (D.CAUTION, 0.8),
            (D.CONDITIONAL_CAUTION, 0.6),
            (D.COMMUNITY_RESOLUTION, (2.0 if low else 0.4) + (2 if youth else 0)),
            (D.PENALTY_NOTICE, 0.9 if low and not youth else 0),
            (D.ACQUITTED, 0.3),
        ]
        chosen = _pick(self.rng, outcomes)
        notes = ""
        if chosen == D.CONVICTED and self.rng.random() < 0.35:
            notes = SENTENCES[self.rng.randrange(len(SENTENCES))]
        return chosen, notes

    # --- the offences -------------------------------------------------------------------------

    def add(
        self,
        profile: Profile,
        team: Team,
        partnership: str,
        *,
        code: str,
        role: str,
        occurred_at: datetime,
        time_known: bool,
        disposal: str,
        place: str | Premises,
        proactive: bool = False,
        notes: str = "",
    ) -> None:
        category = self.categories[(self.partnership_ids[partnership], code)]
        source = self.source(code, partnership, role)
        local_day = timezone.localtime(occurred_at).date()
        premises = place if isinstance(place, Premises) else None
        self.offences.append(
            OffenceEntry(
                actor=self.author(team),
                team=team,
                profile=profile,
                details=OffenceDetails(
                    category=category,
                    role=role,
                    occurred_at=occurred_at,
                    time_known=time_known,
                    disposal=disposal,
                    source_organisation=source,
                    outcome_notes=notes,
                    premises=premises,
                    postcode="" if premises else str(place),
                    source_reference=self.reference(source, local_day),
                    proactive=proactive,
                ),
            )
        )

    def history(
        self,
        candidate: Candidate,
        team: Team,
        *,
        pattern: str,
        count: int,
        start: int,
        end: int,
        skew: float,
        role: str = "",
    ) -> None:
        """``count`` offences of a pattern between ``start`` and ``end`` days ago; ``skew`` above 1
        crowds them towards the recent end (escalating), below 1 towards the old end."""
        town = self.home_town(candidate)
        area = "ZW" if town == "Westmarch" else "ZF"
        home = self.postcode(town)
        youth = candidate.age < 18
        for _ in range(count):
            code = _pick(self.rng, PATTERNS[pattern])
            days_ago = end + round((start - end) * self.rng.random() ** skew)
            occurred_at, known, proactive = self.moment(code, max(days_ago, 1))
            days_ago = (self.today - timezone.localtime(occurred_at).date()).days
            disposal: str
            if role in (OffenceRole.VICTIM, OffenceRole.WITNESS):
                disposal, notes, proactive = D.NOT_APPLICABLE, "", False
                chosen_role = role
            else:
                disposal, notes = self.disposal(code, days_ago, youth)
                chosen_role = (
                    OffenceRole.SUSPECT
                    if disposal
                    in (D.UNDER_INVESTIGATION, D.CHARGED, D.NO_FURTHER_ACTION, D.ACQUITTED)
                    else OffenceRole.OFFENDER
                )
            place: str | Premises = home if code in AT_HOME else self.postcode(town)
            kind = PREMISES_FOR.get(code)
            if kind is not None and self.rng.random() < 0.45:
                place = self.premises_for(team, kind, area) or place
            self.add(
                candidate.profile,
                team,
                candidate.partnership,
                code=code,
                role=chosen_role,
                occurred_at=occurred_at,
                time_known=known,
                disposal=disposal,
                place=place,
                proactive=proactive,
                notes=notes,
            )

    def home_town(self, candidate: Candidate) -> str:
        if candidate.partnership == "westmarch":
            return "Westmarch"
        # The same person's town every time: seeded by their id, not the shared generator.
        local = random.Random(f"town-{candidate.profile.pk}")  # noqa: S311 -- invented data
        return str(_pick(local, FENSHIRE_TOWNS))


def _ages(profiles: Sequence[Profile], today: date) -> dict[int, int]:
    return {
        profile.pk: (today - profile.date_of_birth).days // 365
        for profile in profiles
        if profile.date_of_birth is not None
    }


def _case_patterns(ids: set[int]) -> tuple[dict[int, list[str]], set[int]]:
    """The patterns of offending members' cases suggest, and the victims and complainants."""
    patterns: dict[int, list[str]] = defaultdict(list)
    victims: set[int] = set()
    for profile_id, prefix, role in (
        CaseMember.objects.filter(profile_id__in=sorted(ids))
        .order_by("pk")
        .values_list("profile_id", "case__case_type__reference_prefix", "role")
    ):
        patterns[profile_id] += CASE_PATTERNS.get((prefix, role), ())
        if role in VICTIM_ROLES:
            victims.add(profile_id)
    return patterns, victims


class DemoOffences:
    """Plans the showcase's and the generated people's offences; ``plan.offences`` is the list."""

    def __init__(self, rng: random.Random, now: datetime) -> None:
        self.rng = rng
        self.plan = OffencePlan(rng, now)
        self.teams = {
            (team.organisation.name, team.name): team
            for team in Team.objects.filter(is_active=True).select_related("organisation")
        }
        self.teams_by_id = {team.pk: team for team in self.teams.values()}
        self.story_ids: set[int] = set()

    def team(self, organisation: str, name: str) -> Team:
        return self.teams[(organisation, name)]

    def run(self) -> OffencePlan:
        self.story()
        self.generated()
        return self.plan

    # --- the showcase ---------------------------------------------------------------------------

    def story(self) -> None:
        people = showcase_people()
        flat = Premises.objects.filter(name="Flat 4, Heron Court").order_by("pk").first()
        for key, person in people.items():
            self.story_ids.add(person.pk)
            team = self.recorder(person, police={})
            flat_seen = flat is not None and policy.can(
                self.plan.viewer(team),
                policy.Action.VIEW,
                cast(policy.Record, flat),
                Section.SUMMARY,
            )
            for spec in STORY_HISTORIES[key]:
                known = bool(spec.clock)
                hour, minute = (int(part) for part in (spec.clock or "0:00").split(":"))
                day = self.plan.today - timedelta(days=spec.days)
                occurred = timezone.make_aware(datetime.combine(day, time(hour, minute)))
                role = spec.role or (
                    OffenceRole.SUSPECT
                    if spec.disposal in (D.UNDER_INVESTIGATION, D.CHARGED, D.NO_FURTHER_ACTION)
                    else OffenceRole.OFFENDER
                )
                place: str | Premises = spec.place
                if spec.place == FLAT:
                    place = flat if flat is not None and flat_seen else "ZF4 2HQ"
                self.plan.add(
                    person,
                    team,
                    "fenshire",
                    code=spec.code,
                    role=role,
                    occurred_at=occurred,
                    time_known=known,
                    disposal=spec.disposal,
                    place=place,
                    proactive=spec.proactive,
                    notes=spec.notes,
                )
            self.plan.people["story"] += 1

    def recorder(self, profile: Profile, police: dict[int, list[Team]]) -> Team:
        """A police team that sees the person's offending where there is one, else the owner."""
        teams = police.get(profile.pk, [])
        if teams and self.rng.random() < 0.85:
            return teams[0] if self.rng.random() < 0.7 else teams[self.rng.randrange(len(teams))]
        return self.teams_by_id[profile.owning_team_id]

    # --- the generated people -----------------------------------------------------------------

    def candidates(self) -> list[Candidate]:
        profiles = list(
            Profile.objects.filter(merged_into__isnull=True, visibility=Visibility.NORMAL)
            .exclude(pk__in=sorted(self.story_ids))
            .select_related("owning_organisation__partnership")
            .order_by("pk")
        )
        ages = _ages(profiles, self.plan.today)
        patterns, victims = _case_patterns({profile.pk for profile in profiles})
        result = []
        for profile in profiles:
            partnership = profile.owning_organisation.partnership
            if partnership is None or profile.pk not in ages or ages[profile.pk] < 12:
                continue
            result.append(
                Candidate(
                    profile=profile,
                    partnership=partnership.short_name,
                    age=ages[profile.pk],
                    patterns=patterns.get(profile.pk, []),
                    victim=profile.pk in victims,
                )
            )
        return result

    def visibility(self, candidates: list[Candidate]) -> dict[int, list[Team]]:
        """Who sees each candidate's offending: leans the picks, and finds police recorders.
        Returns person id -> the police teams of their partnership that see it, preferred first.
        One policy query for every team and person."""
        persona_teams = {
            spec.key: self.team(spec.organisation, spec.team)
            for spec in data.PERSONAS
            if spec.organisation and spec.team
        }
        persona_teams["police_iom"] = self.team(data.POLICE, "Integrated Offender Management")
        police = [
            team
            for team in self.teams.values()
            if team.organisation.kind == OrganisationKind.POLICE and self.plan._members[team.pk]
        ]
        police.sort(
            key=lambda team: (
                POLICE_PREFERENCE.index(team.name)
                if team.name in POLICE_PREFERENCE
                else len(POLICE_PREFERENCE),
                team.pk,
            )
        )
        leaning = [(key, persona_teams[key]) for key in LEAN]
        viewers = [self.plan.viewer(team) for team in police] + [
            self.plan.viewer(team) for _key, team in leaning
        ]
        ids = [candidate.profile.pk for candidate in candidates]
        masks = policy.section_masks_for_viewers(viewers, RecordKind.PROFILE, ids)
        offending = BIT[Section.OFFENDING]
        recorders: dict[int, list[Team]] = defaultdict(list)
        for candidate in candidates:
            pk = candidate.profile.pk
            home = candidate.profile.owning_organisation.partnership_id
            for team, seen in zip(police, masks[: len(police)], strict=True):
                if seen.get(pk, 0) & offending and team.organisation.partnership_id == home:
                    recorders[pk].append(team)
            for (key, _team), seen in zip(leaning, masks[len(police) :], strict=True):
                if seen.get(pk, 0) & offending:
                    candidate.lean += LEAN[key]
        return recorders

    def draw(self, pool: list[Candidate], count: int, weight: Any) -> list[Candidate]:
        """``count`` people drawn from the pool without replacement, by weight."""
        chosen: list[Candidate] = []
        weights = [float(weight(candidate)) for candidate in pool]
        available = list(range(len(pool)))
        while available and len(chosen) < count:
            position = _index(self.rng, [weights[i] for i in available])
            chosen.append(pool[available.pop(position)])
        return chosen

    def generated(self) -> None:
        candidates = self.candidates()
        if not candidates:
            return
        police = self.visibility(candidates)
        fenshire = [c for c in candidates if c.partnership == "fenshire"]
        west = [c for c in candidates if c.partnership == "westmarch"]
        total = len(candidates)
        taken: set[int] = set()

        def pool(people: list[Candidate], low: int, high: int) -> list[Candidate]:
            return [c for c in people if c.profile.pk not in taken and low <= c.age <= high]

        prolific_count = _how_many(PROLIFIC, total)
        west_prolific = round(prolific_count * WESTMARCH_SHARE)
        prolific = self.draw(
            pool(fenshire, 16, 58),
            prolific_count - west_prolific,
            lambda c: c.lean * (4 if c.patterns else 1),
        ) + self.draw(pool(west, 16, 58), west_prolific, lambda c: 4 if c.patterns else 1)
        taken.update(c.profile.pk for c in prolific)
        for rank, candidate in enumerate(prolific):
            self.prolific(candidate, rank, police)
        occasional_count = _how_many(OCCASIONAL, total)
        west_occasional = round(occasional_count * WESTMARCH_SHARE)
        occasional = self.draw(
            pool(fenshire, 14, 75),
            occasional_count - west_occasional,
            lambda c: c.lean * (3 if c.patterns else 1),
        ) + self.draw(pool(west, 14, 75), west_occasional, lambda c: 3 if c.patterns else 1)
        taken.update(c.profile.pk for c in occasional)
        for position, candidate in enumerate(occasional):
            if position < len(GRAVE):  # one grave offence: high in a CHI ranking all the same
                self.grave(candidate, police, GRAVE[position])
            else:
                self.occasional(candidate, police)
        victims = self.draw(
            pool(candidates, 12, 95), _how_many(VICTIMS, total), lambda c: 6 if c.victim else 1
        )
        taken.update(c.profile.pk for c in victims)
        for candidate in victims:
            self.victim(candidate, police, OffenceRole.VICTIM, 1 + int(self.rng.random() ** 3 * 4))
        # Some victims of one offence offend too, and some offenders are victims too.
        for candidate in self.rng.sample(prolific, min(len(prolific), max(2, len(prolific) // 4))):
            self.victim(candidate, police, OffenceRole.VICTIM, 1)
        witnesses = self.draw(pool(candidates, 14, 85), _how_many(WITNESSES, total), lambda c: 1)
        for candidate in witnesses:
            self.victim(candidate, police, OffenceRole.WITNESS, 1)

    def prolific(self, candidate: Candidate, rank: int, police: dict[int, list[Team]]) -> None:
        """Many offences: a long tail (the first drawn get the most), active for a stretch of the
        three years, escalating for some and tailing off for others."""
        team = self.recorder(candidate.profile, police)
        patterns = candidate.patterns or ["acquisitive", "violent", "drugs", "disorder", "domestic"]
        pattern = patterns[self.rng.randrange(len(patterns))]
        count = 6 + round(34 * (1 - rank / 40) ** 3 * self.rng.random() ** 0.5)
        start = SPAN_DAYS - self.rng.randrange(300)
        end = 1 + self.rng.randrange(60 if self.rng.random() < 0.8 else 240)
        skew = 1.6 if self.rng.random() < 0.6 else 0.8
        self.plan.history(
            candidate, team, pattern=pattern, count=count, start=start, end=end, skew=skew
        )
        if self.rng.random() < 0.35:  # a second strand: a burglar who also fights, say
            other = _pick(self.rng, [(p, 1.0) for p in PATTERNS if p not in ("victim", "witness")])
            self.plan.history(
                candidate, team, pattern=other, count=2 + self.rng.randrange(4),
                start=start, end=end, skew=1.0,
            )  # fmt: skip
        self.plan.people["prolific"] += 1

    def occasional(self, candidate: Candidate, police: dict[int, list[Team]]) -> None:
        team = self.recorder(candidate.profile, police)
        count = _pick(self.rng, [(1, 6.0), (2, 2.8), (3, 1.2)])
        pattern = (
            candidate.patterns[self.rng.randrange(len(candidate.patterns))]
            if candidate.patterns and self.rng.random() < 0.5
            else "occasional"
        )
        self.plan.history(
            candidate, team, pattern=pattern, count=count, start=SPAN_DAYS, end=1, skew=1.0
        )
        self.plan.people["occasional"] += 1

    def grave(self, candidate: Candidate, police: dict[int, list[Team]], code: str) -> None:
        team = self.recorder(candidate.profile, police)
        town = self.plan.home_town(candidate)
        occurred_at, known, _proactive = self.plan.moment(code, 60 + self.rng.randrange(500))
        days_ago = (self.plan.today - timezone.localtime(occurred_at).date()).days
        self.plan.add(
            candidate.profile,
            team,
            candidate.partnership,
            code=code,
            role=OffenceRole.OFFENDER if days_ago > 200 else OffenceRole.SUSPECT,
            occurred_at=occurred_at,
            time_known=known,
            disposal=D.CONVICTED if days_ago > 200 else D.CHARGED,
            place=self.plan.postcode(town),
        )
        self.plan.people["grave_once"] += 1

    def victim(
        self, candidate: Candidate, police: dict[int, list[Team]], role: str, count: int
    ) -> None:
        team = self.recorder(candidate.profile, police)
        pattern = "victim" if role == OffenceRole.VICTIM else "witness"
        self.plan.history(
            candidate, team, pattern=pattern, count=count, start=SPAN_DAYS, end=1, skew=1.0,
            role=role,
        )  # fmt: skip
        self.plan.people["victims" if role == OffenceRole.VICTIM else "witnesses"] += 1


@transaction.atomic
def demo_offences_load(*, seed: int) -> dict[str, Any]:
    """Seed the harm models and load the demo's offence histories once (idempotent)."""
    refuse_in_production()
    if already_loaded() or not Profile.objects.exists():
        return {"seed": seed, "created": {}, "skipped": True}
    sysadmin = User.objects.get(email=next(p.email for p in data.PERSONAS if p.key == "sysadmin"))
    with audit_context.acting_as(user=sysadmin, channel="command"):
        seeded: Counter[str] = Counter()
        for partnership in Partnership.objects.order_by("pk"):
            seeded.update(risk_seed_partnership(partnership=partnership))
    rng = random.Random(f"offences-{seed}")  # noqa: S311 -- invented data
    plan = DemoOffences(rng, timezone.now()).run()
    plan.offences.sort(key=lambda entry: entry.details.occurred_at)
    with audit_context.acting_as(channel="command"):
        offences_record_many(entries=plan.offences)
    people = {entry.profile.pk for entry in plan.offences}
    roles = Counter(planned.details.role for planned in plan.offences)
    created: dict[str, int] = {
        "offence_categories": seeded["categories"],
        "harm_models": seeded["models"],
        "offences": len(plan.offences),
        "people_with_offences": len(people),
        **{f"{kind}_people": count for kind, count in sorted(plan.people.items())},
        **{f"as_{role}": count for role, count in sorted(roles.items())},
    }
    with audit_context.acting_as(user=sysadmin, channel="command"):
        audit_record(
            action=Action.IMPORT,
            target=Partnership.objects.get(short_name=data.FENSHIRE.key),
            detail={"source": SOURCE, "seed": seed, "created": created},
        )
    return {"seed": seed, "created": created, "skipped": False}


__all__ = ["SENTENCES", "STORY_HISTORIES", "demo_offences_load", "showcase_people"]
