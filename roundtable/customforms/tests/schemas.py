"""Schemas the engine's tests share: every field type, a DASH-like checklist. All invented."""

from __future__ import annotations

from typing import Any

from roundtable.sharing.sections import RecordKind

EVERY_TYPE: dict[str, Any] = {
    "fields": [
        {"key": "nickname", "type": "text", "label": "Known as", "validation": {"max_length": 40}},
        {"key": "account", "type": "long_text", "label": "What happened", "required": True},
        {
            "key": "incidents",
            "type": "number",
            "label": "Number of incidents",
            "validation": {"min": 0, "max": 500, "integer": True},
            "promote": True,
        },
        {
            "key": "first_report",
            "type": "date",
            "label": "First reported",
            "validation": {"not_future": True},
            "promote": True,
        },
        {"key": "weapon", "type": "yes_no", "label": "Was a weapon used"},
        {
            "key": "weapon_kind",
            "type": "choice",
            "label": "Kind of weapon",
            "choices": [{"value": "knife", "label": "Knife"}, {"value": "other", "label": "Other"}],
            "show_when": {"field": "weapon", "equals": True},
            "required": True,
        },
        {
            "key": "weapon_detail",
            "type": "text",
            "label": "Describe the weapon",
            "show_when": {"field": "weapon_kind", "equals": "other"},
            "required": True,
        },
        {
            "key": "places",
            "type": "multi_choice",
            "label": "Where it happens",
            "choices": ["Home", "Street", "School"],
            "section": "risk",
        },
        {
            "key": "school_name",
            "type": "text",
            "label": "Which school",
            "show_when": {"field": "places", "in": ["School", "Street"]},
        },
        {"key": "nationality", "type": "country", "label": "Nationality", "promote": True},
        {"key": "contact", "type": "person_link", "label": "Main contact"},
        {"key": "home", "type": "address", "label": "Home address"},
        {"key": "letter", "type": "file", "label": "Warning letter"},
        {
            "key": "risk_level",
            "type": "choice",
            "label": "Risk level",
            "choices": ["Standard", "Medium", "High"],
            "section": "risk",
            "promote": True,
        },
    ],
    "scoring": {
        "label": "Concern score",
        "method": "weighted_sum",
        "weights": {
            "weapon": 5,
            "incidents": 0.5,
            "places": {"Home": 1, "School": 3},
            "risk_level": {"Medium": 2, "High": 6},
        },
        "levels": [
            {"min": 0, "max": 4, "level": "Low"},
            {"min": 5, "max": 9.99, "level": "Raised"},
            {"min": 10, "level": "Serious"},
        ],
    },
}

DASH_QUESTIONS = (
    "Has the current incident resulted in injury",
    "Is the victim very frightened",
    "Is the victim afraid of further injury or violence",
    "Does the victim feel isolated from family or friends",
    "Is the victim feeling depressed or having suicidal thoughts",
    "Has the victim separated or tried to separate in the past year",
    "Is there conflict over child contact",
    "Does the abuser constantly text, call, contact, follow or stalk the victim",
    "Is the victim pregnant or recently had a baby",
    "Is the abuse happening more often",
    "Is the abuse getting worse",
    "Does the abuser try to control everything the victim does",
    "Has the abuser ever used weapons or objects to hurt the victim",
    "Has the abuser ever threatened to kill the victim or someone else",
    "Has the abuser ever attempted to strangle, choke, suffocate or drown the victim",
    "Does the abuser do or say sexual things that make the victim feel bad",
    "Is there any other person who has threatened the victim",
    "Does the victim know if the abuser has hurt anyone else",
    "Has the abuser ever mistreated an animal or the family pet",
    "Are there any financial issues",
    "Has the abuser had problems with drugs, alcohol or mental health",
    "Has the abuser ever threatened or attempted suicide",
    "Has the abuser ever breached bail or an injunction",
    "Does the victim know if the abuser has a criminal history",
)
DASH_KEYS = tuple(f"q{number:02d}" for number in range(1, len(DASH_QUESTIONS) + 1))

DASH_LIKE: dict[str, Any] = {
    "fields": [
        {"key": key, "type": "yes_no", "label": label, "section": "risk"}
        for key, label in zip(DASH_KEYS, DASH_QUESTIONS, strict=True)
    ],
    "scoring": {
        "label": "Risk checklist (DASH-like)",
        "method": "count_yes",
        "levels": [
            {"min": 1, "max": 9, "level": "Standard"},
            {"min": 10, "max": 13, "level": "Medium"},
            {"min": 14, "level": "High"},
        ],
    },
}

CASE = int(RecordKind.CASE)
PROFILE = int(RecordKind.PROFILE)
