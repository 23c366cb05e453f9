"""The shape of a generated world: teams, case types and agreements, and how much to invent.

Plain data, filled by the benchmark's directory builder (``benchmarks.world``) or read from the
demo directory (``directory.demo.records``), and handed to ``benchmarks.generator``. Nothing
here touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from roundtable.sharing.access import DefaultShare

# --- the world the records live in ------------------------------------------------------------

# Which case types a team opens, by what the team does (see ``team_function``).
CASE_TYPES_BY_FUNCTION: dict[str, tuple[str, ...]] = {
    "asb": ("ASB", "ASB", "ASB", "HATE", "PANEL", "STALK"),
    "neighbourhood": ("ASB", "ASB", "GANG", "HATE", "RS", "LIC"),
    "iom": ("IOM", "IOM", "IOM", "GANG", "FNO"),
    "mash": ("MASH", "MASH", "CSE", "DA", "VA"),
    "domestic": ("DA", "DA", "DA", "STALK"),
    "licensing": ("LIC",),
    "housing": ("ASB", "ASB", "RS", "DA"),
    "probation": ("IOM", "IOM", "DA", "FNO", "STALK"),
    "youth": ("GANG", "SF", "CSE", "ASB"),
    "children": ("MASH", "SF", "CSE", "PREV"),
    "adults": ("VA", "VA", "PREV"),
    "health": ("VA", "PREV", "MASH"),
    "prison": ("IOM", "FNO"),
    "immigration": ("FNO",),
    "education": ("SF", "CSE", "PREV"),
    "fire": ("ASB", "VA"),
    "victims": ("DA", "HATE", "VA", "STALK"),
    "general": ("ASB", "PANEL", "VA"),
}

_FUNCTION_WORDS: tuple[tuple[str, str], ...] = (
    ("anti-social", "asb"),
    ("asb", "asb"),
    ("community safety", "asb"),
    ("neighbourhood policing", "neighbourhood"),
    ("integrated offender", "iom"),
    ("offender management unit", "prison"),
    ("offender management", "probation"),
    ("safeguarding hub", "mash"),
    ("domestic", "domestic"),
    ("licensing", "licensing"),
    ("tenancy", "housing"),
    ("housing", "housing"),
    ("youth", "youth"),
    ("prevention and diversion", "youth"),
    ("children", "children"),
    ("early help", "children"),
    ("adult", "adults"),
    ("mental health", "health"),
    ("liaison and diversion", "health"),
    ("immigration", "immigration"),
    ("investigation", "immigration"),
    ("safeguarding team", "education"),
    ("pastoral", "education"),
    ("prevention and protection", "fire"),
    ("arson", "fire"),
    ("violence advisers", "victims"),
    ("victim", "victims"),
)


def team_function(organisation_kind: str, team_name: str) -> str:
    """What a team does, from its name and its organisation's kind (for realistic cases)."""
    name = team_name.lower()
    for words, function in _FUNCTION_WORDS:
        if words in name:
            return function
    fallback = {
        "police": "neighbourhood",
        "probation": "probation",
        "prison": "prison",
        "housing": "housing",
        "youth_justice": "youth",
        "health": "health",
        "home_office": "immigration",
        "education": "education",
        "fire": "fire",
        "voluntary": "victims",
    }
    return fallback.get(organisation_kind, "general")


@dataclass
class TeamInfo:
    """A team that owns records: where it sits, what it does, who works in it."""

    id: int
    organisation_id: int
    partnership_id: int
    organisation_kind: str
    function: str
    user_ids: list[int]
    weight: float = 1.0


@dataclass
class CaseTypeInfo:
    """A case type with what its cases' access rows need (read from the model's own methods)."""

    id: int
    prefix: str
    name: str
    stages: list[str]
    field_schema: list[dict[str, Any]]  # the current form version's fields (normalised)
    review_days: int
    organisation_sections: int
    defaults: list[DefaultShare]
    form_id: int | None = None
    form_version_id: int | None = None


@dataclass
class AgreementInfo:
    """An agreement grants may cite: its parties and the most each may receive."""

    id: int
    party_max: dict[int, int]
    kinds: frozenset[int]


@dataclass
class World:
    """Everything the generator needs to know about the directory and sharing set-up."""

    teams: list[TeamInfo]
    case_types: dict[int, dict[str, CaseTypeInfo]]  # partnership id -> prefix -> type
    local_agreements: dict[int, AgreementInfo]  # partnership id -> its community safety ISA
    cross_agreements: list[AgreementInfo] = field(default_factory=list)
    towns: dict[int, list[str]] = field(default_factory=dict)  # partnership id -> town names
    postcode_areas: dict[int, str] = field(default_factory=dict)
    # How much of the data each partnership holds; empty: bigger and smaller ones at random.
    partnership_weights: dict[int, float] = field(default_factory=dict)

    def teams_in(self, partnership_id: int) -> list[TeamInfo]:
        return [team for team in self.teams if team.partnership_id == partnership_id]


@dataclass(frozen=True)
class Amounts:
    """How many of each thing to invent."""

    profiles: int
    cases: int
    grants: int
    premises: int = 0
    groups: int = 0

    @classmethod
    def for_profiles(cls, profiles: int) -> Amounts:
        """The issue's proportions: 3 cases and 20 grants per 10 people; some places and groups."""
        return cls(
            profiles=profiles,
            cases=profiles * 3 // 10,
            grants=profiles * 2,
            premises=profiles // 25,
            groups=profiles // 100,
        )
