"""The four timed scenarios the issue names, with their targets (95th percentile, ms).

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
