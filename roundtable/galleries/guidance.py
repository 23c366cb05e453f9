"""The guidance that applies to a foreign national, by the country whose rules apply to them.

A seeded lookup, per gallery address name and country code: what the partnership does for
people of that country (the letters' language, which Home Office route to check). It is sample
guidance, written for the demo and for partnerships to replace with the Home Office's current
guidance for their area; it describes practice, never a person, and holds no personal data.
The country is the member's ``country_of_origin`` answer, else their ``nationality``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django_countries import countries

_EU = (
    "Check the person's EU Settlement Scheme status with the Home Office before serving the "
    "letters: settled and pre-settled status change which removal route applies."
)
_NON_EU = (
    "Check the person's leave with the Home Office (Criminal Casework) before serving the "
    "letters, and ask whether detention should be requested on release."
)


@dataclass(frozen=True)
class CountryGuidance:
    country: str
    country_name: str
    language: str
    guidance: str


#: gallery address name -> country code -> (language of the letters, guidance).
GUIDANCE: dict[str, dict[str, tuple[str, str]]] = {
    "foreign-nationals": {
        "RO": ("Romanian", _EU),
        "PL": ("Polish", _EU),
        "LT": ("Lithuanian", _EU),
        "AL": (
            "Albanian",
            _NON_EU + " The UK and Albania have a returns arrangement: tell the Home Office at "
            "once so removal can be considered at the end of the sentence.",
        ),
        "BR": ("Portuguese", _NON_EU),
        "VN": ("Vietnamese", _NON_EU + " Consider modern slavery indicators before enforcement."),
    }
}
DEFAULT_GUIDANCE = (
    "No country guidance is recorded for this country: follow the partnership's general "
    "foreign national procedure and ask the Home Office which route applies."
)


def guidance_for(gallery_slug: str, answers: Mapping[str, Any]) -> CountryGuidance | None:
    """The guidance for a member's country (None: the gallery has no country guidance, or the
    member's country is not recorded). The caller shows it only beside answers it may show."""
    table = GUIDANCE.get(gallery_slug)
    if table is None:
        return None
    country = answers.get("country_of_origin") or answers.get("nationality")
    if not isinstance(country, str) or not country:
        return None
    language, guidance = table.get(country, ("", DEFAULT_GUIDANCE))
    return CountryGuidance(country, str(dict(countries).get(country, country)), language, guidance)
