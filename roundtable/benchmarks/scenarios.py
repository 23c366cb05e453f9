"""The timed scenarios the issues name, with their targets (95th percentile, ms).

Kept free of Django imports so the report can be written without setting Django up.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    target_ms: float


SCENARIOS = (
    Scenario("search_dob", "National search: surname + date of birth", 50),
    Scenario("search_typo", "Typo-tolerant name search", 100),
    Scenario("profile", "Profile page", 30),
    Scenario("my_cases", '"My cases" list', 30),
)

#: Issue 5 (offences, harm rankings, galleries), each timed for two kinds of bench user: the
#: gallery's managing team, who see every member ("all"), and other teams of the partnership,
#: who see a small share of them ("share").
HARM_SCENARIOS = (
    Scenario("gallery_top20_all", "Top 20 of the gallery: sees all of it", 100),
    Scenario("gallery_top20_share", "Top 20 of the gallery: sees a small share", 100),
    Scenario("pattern_all", "A person's offending pattern page: gallery team", 50),
    Scenario("pattern_share", "A person's offending pattern page: other teams", 50),
    Scenario("rescore_all", "Record an offence and rescore: gallery team", 50),
    Scenario("rescore_share", "Record an offence and rescore: other teams", 50),
    Scenario("gallery_list_all", "Gallery list, first page: sees all of it", 50),
    Scenario("gallery_list_share", "Gallery list, first page: sees a small share", 50),
)
