"""What a form schema may say, and the check that turns an administrator's JSON into one.

A schema is JSON: ``{"fields": [...], "scoring": {...}}`` (a bare list of fields is accepted and
means no scoring). ``schema_clean`` returns the schema in its one normal form (every setting
spelt out, choices as ``{"value", "label"}``, conditions as ``{"field", "in"}``) or raises
``SchemaInvalid`` listing every problem in words an administrator can act on, each naming the
field. Everything downstream (validation, rendering, scoring, promotion) reads only normalised
schemas, so it never has to second-guess one.

This module only checks shapes and consistency; it must never read the database or decide who
sees anything (a field's ``section`` is a name here; ``sharing.policy`` applies it).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError

from roundtable.customforms.models import DATE_COLUMNS, NUMBER_COLUMNS, TEXT_COLUMNS
from roundtable.sharing.sections import SECTIONS_BY_KIND, RecordKind

Field = dict[str, Any]
Schema = dict[str, Any]

TEXT = "text"
LONG_TEXT = "long_text"
NUMBER = "number"
DATE = "date"
YES_NO = "yes_no"
CHOICE = "choice"
MULTI_CHOICE = "multi_choice"
COUNTRY = "country"
PERSON_LINK = "person_link"
ADDRESS = "address"
FILE = "file"

FIELD_TYPES: tuple[str, ...] = (
    TEXT,
    LONG_TEXT,
    NUMBER,
    DATE,
    YES_NO,
    CHOICE,
    MULTI_CHOICE,
    COUNTRY,
    PERSON_LINK,
    ADDRESS,
    FILE,
)
TYPE_LABELS: dict[str, str] = {
    TEXT: "Text",
    LONG_TEXT: "Long text",
    NUMBER: "Number",
    DATE: "Date",
    YES_NO: "Yes or no",
    CHOICE: "One choice",
    MULTI_CHOICE: "Several choices",
    COUNTRY: "Country",
    PERSON_LINK: "Link to a person",
    ADDRESS: "Address",
    FILE: "Document",
}
CHOICE_TYPES = frozenset({CHOICE, MULTI_CHOICE})
# The types whose answer another field's condition may test.
CONTROL_TYPES = frozenset({YES_NO, CHOICE, MULTI_CHOICE})
# The kind of column an answer of each type can be promoted to (absent: not promotable).
PROMOTION_KIND: dict[str, str] = {
    TEXT: "text",
    YES_NO: "text",
    CHOICE: "text",
    COUNTRY: "text",
    PERSON_LINK: "text",
    ADDRESS: "text",  # the postcode
    NUMBER: "number",
    DATE: "date",
}
COLUMNS_BY_KIND: dict[str, tuple[str, ...]] = {
    "text": TEXT_COLUMNS,
    "number": NUMBER_COLUMNS,
    "date": DATE_COLUMNS,
}

KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
FIELD_SETTINGS = frozenset(
    {"key", "type", "label", "hint", "required", "choices", "validation", "section"}
    | {"show_when", "promote"}
)
# The validation settings each type accepts: name -> kind of value. No regular expressions: an
# administrator's pattern could be slow or wrong in ways nobody notices until it bites.
VALIDATION_SETTINGS: dict[str, dict[str, str]] = {
    TEXT: {"min_length": "count", "max_length": "count"},
    LONG_TEXT: {"min_length": "count", "max_length": "count"},
    NUMBER: {"min": "number", "max": "number", "integer": "flag"},
    DATE: {"not_future": "flag", "not_past": "flag"},
    MULTI_CHOICE: {"min_choices": "count", "max_choices": "count"},
}
TEXT_LIMITS = {TEXT: 2000, LONG_TEXT: 20000}
MAX_FIELDS = 200
MAX_CHOICES = 100
MAX_LABEL = 200
MAX_HINT = 500
MAX_CHOICE_VALUE = 100
NUMBER_LIMIT = 10**12
WEIGHT_LIMIT = 1000
SCORING_METHODS = ("count_yes", "weighted_sum")
SCORING_SETTINGS = frozenset({"label", "method", "fields", "weights", "levels", "section"})


class SchemaInvalid(ValidationError):  # noqa: N818  (a refusal shown to the admin)
    """A schema that contradicts itself; ``problems`` lists each one, naming the field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems, code="invalid_schema")
        self.problems = problems


def default_section(record_kind: int) -> str | None:
    """The section a field belongs to when the schema does not say (None: it must say)."""
    if record_kind == RecordKind.PROFILE:
        return None
    return "summary"


def section_names(record_kind: int) -> tuple[str, ...]:
    return tuple(str(section) for section in SECTIONS_BY_KIND[record_kind])


def fields_of(schema: Schema) -> list[Field]:
    """The fields of a normalised schema, in order."""
    return list(schema.get("fields", []))


def field_map(schema: Schema) -> dict[str, Field]:
    return {field["key"]: field for field in fields_of(schema)}


def choice_values(field: Field) -> list[str]:
    return [choice["value"] for choice in field.get("choices", [])]


def choice_label(field: Field, value: Any) -> str:
    for choice in field.get("choices", []):
        if choice["value"] == value:
            return str(choice["label"])
    return str(value)


def is_number(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and abs(value) <= NUMBER_LIMIT
    )


class _Checker:
    """Collects the problems of one schema while normalising it."""

    def __init__(self, record_kind: int) -> None:
        self.record_kind = record_kind
        self.sections = section_names(record_kind)
        self.problems: list[str] = []

    def problem(self, name: str, text: str) -> None:
        self.problems.append(f"{name}: {text}" if name else text)

    # --- one field ---

    def field(self, position: int, raw: Any, seen: dict[str, Field]) -> Field | None:
        if not isinstance(raw, dict):
            self.problem(f"Field {position}", "give it as an object with a key, label and type.")
            return None
        key = raw.get("key")
        name = f"Field '{key}'" if isinstance(key, str) and key else f"Field {position}"
        unknown = sorted(str(setting) for setting in set(raw) - FIELD_SETTINGS)
        if unknown:
            self.problem(name, f"unknown settings {', '.join(unknown)}.")
        if not isinstance(key, str) or not KEY.match(key):
            self.problem(
                name,
                "the key must start with a lower-case letter and use only lower-case letters, "
                "digits and underscores (at most 40).",
            )
            key = None
        elif key in seen:
            self.problem(name, "the key is used more than once.")
            key = None
        kind = raw.get("type")
        if kind not in FIELD_TYPES:
            self.problem(name, f"the type must be one of {', '.join(FIELD_TYPES)}.")
            kind = None
        label = raw.get("label")
        if not isinstance(label, str) or not label.strip():
            self.problem(name, "give it a label.")
        elif len(label.strip()) > MAX_LABEL:
            self.problem(name, f"the label must be {MAX_LABEL} characters or fewer.")
        hint = raw.get("hint", "")
        if not isinstance(hint, str) or len(hint) > MAX_HINT:
            self.problem(name, f"the hint must be text of {MAX_HINT} characters or fewer.")
            hint = ""
        required = raw.get("required", False)
        if not isinstance(required, bool):
            self.problem(name, "'required' must be true or false.")
        field: Field = {
            "key": key or "",
            "type": kind or "",
            "label": label.strip() if isinstance(label, str) else "",
            "hint": hint.strip(),
            "required": required is True,
            "section": self.section(name, raw.get("section")),
            "promote": self.flag(name, raw, "promote"),
        }
        if kind in CHOICE_TYPES:
            field["choices"] = self.choices(name, raw.get("choices"))
        elif raw.get("choices") not in (None, []):
            self.problem(name, "only a choice field can have choices.")
        field["validation"] = self.validation(name, kind, raw.get("validation"))
        if "show_when" in raw and raw["show_when"] is not None:
            field["show_when"] = self.condition(name, raw["show_when"], seen)
        if field["promote"] and kind is not None and kind not in PROMOTION_KIND:
            self.problem(
                name, f"answers of type {kind} cannot be used to filter or sort (promoted)."
            )
        return field if key and kind else None

    def flag(self, name: str, raw: dict[str, Any], setting: str) -> bool:
        value = raw.get(setting, False)
        if not isinstance(value, bool):
            self.problem(name, f"'{setting}' must be true or false.")
            return False
        return value

    def section(self, name: str, raw: Any) -> str:
        if raw is None or raw == "":
            fallback = default_section(self.record_kind)
            if fallback is None:
                self.problem(
                    name,
                    "say which section its answers belong to: " + ", ".join(self.sections) + ".",
                )
                return ""
            return fallback
        if raw not in self.sections:
            self.problem(
                name, "the section must be one this record has: " + ", ".join(self.sections) + "."
            )
            return ""
        return str(raw)

    def choices(self, name: str, raw: Any) -> list[dict[str, str]]:
        if not isinstance(raw, list) or not raw:
            self.problem(name, "a choice field needs a list of choices.")
            return []
        if len(raw) > MAX_CHOICES:
            self.problem(name, f"give at most {MAX_CHOICES} choices.")
        result: list[dict[str, str]] = []
        for item in raw:
            if isinstance(item, str):
                item = {"value": item, "label": item}
            value = item.get("value") if isinstance(item, dict) else None
            label = item.get("label", value) if isinstance(item, dict) else None
            if (
                not isinstance(value, str)
                or not value.strip()
                or len(value.strip()) > MAX_CHOICE_VALUE
                or not isinstance(label, str)
                or not label.strip()
                or set(item) - {"value", "label"}
            ):
                self.problem(
                    name,
                    "each choice needs a value (text of at most 100 characters) and may have a "
                    "label.",
                )
                return []
            result.append({"value": value.strip(), "label": label.strip()})
        values = [choice["value"] for choice in result]
        if len(set(values)) != len(values):
            self.problem(name, "each choice must appear once.")
        return result

    def validation(self, name: str, kind: str | None, raw: Any) -> dict[str, Any]:
        if raw is None or raw == {}:
            return {}
        allowed = VALIDATION_SETTINGS.get(kind or "", {})
        if not isinstance(raw, dict):
            self.problem(name, "'validation' must be an object of settings.")
            return {}
        unknown = sorted(str(setting) for setting in set(raw) - set(allowed))
        if unknown:
            what = ", ".join(sorted(allowed)) if allowed else "none"
            self.problem(
                name,
                f"unknown validation {', '.join(unknown)} for type {kind} (it accepts: {what}).",
            )
        result: dict[str, Any] = {}
        for setting, shape in allowed.items():
            if setting not in raw:
                continue
            value = raw[setting]
            if shape == "flag" and not isinstance(value, bool):
                self.problem(name, f"validation '{setting}' must be true or false.")
            elif shape == "count" and (
                not isinstance(value, int) or isinstance(value, bool) or value < 0
            ):
                self.problem(name, f"validation '{setting}' must be a whole number, 0 or more.")
            elif shape == "number" and not is_number(value):
                self.problem(name, f"validation '{setting}' must be a number.")
            else:
                result[setting] = value
        self.validation_consistent(name, kind, result)
        return result

    def validation_consistent(self, name: str, kind: str | None, rules: dict[str, Any]) -> None:
        pairs = (("min_length", "max_length"), ("min", "max"), ("min_choices", "max_choices"))
        for low, high in pairs:
            if low in rules and high in rules and rules[low] > rules[high]:
                self.problem(name, f"validation '{low}' is more than '{high}'.")
        if kind in TEXT_LIMITS and rules.get("max_length", 0) > TEXT_LIMITS[kind]:
            self.problem(name, f"validation 'max_length' can be at most {TEXT_LIMITS[kind]}.")
        if rules.get("not_future") and rules.get("not_past"):
            self.problem(name, "a date cannot be both not in the future and not in the past.")

    def condition(self, name: str, raw: Any, seen: dict[str, Field]) -> dict[str, Any]:
        if not isinstance(raw, dict) or "field" not in raw:
            self.problem(name, "'show_when' needs the key of an earlier field and its value(s).")
            return {}
        target = raw.get("field")
        controller = seen.get(target) if isinstance(target, str) else None
        if controller is None:
            self.problem(
                name, f"'show_when' must name an earlier field; '{target}' is not one before it."
            )
            return {}
        if controller["type"] not in CONTROL_TYPES:
            self.problem(
                name,
                f"'show_when' can only test a yes or no or a choice field; '{target}' is "
                f"{controller['type']}.",
            )
            return {}
        has_equals, has_in = "equals" in raw, "in" in raw
        if has_equals == has_in or set(raw) - {"field", "equals", "in"}:
            self.problem(name, "'show_when' takes a field and either 'equals' or 'in'.")
            return {}
        wanted = [raw["equals"]] if has_equals else raw["in"]
        if not isinstance(wanted, list) or not wanted:
            self.problem(name, "'show_when' 'in' must be a list of values.")
            return {}
        values = self.condition_values(name, controller, wanted)
        return {"field": target, "in": values} if values else {}

    def condition_values(self, name: str, controller: Field, wanted: list[Any]) -> list[Any]:
        if controller["type"] == YES_NO:
            mapping = {True: True, False: False, "yes": True, "no": False}
            if any(not isinstance(value, bool | str) or value not in mapping for value in wanted):
                self.problem(name, "'show_when' on a yes or no field takes true or false.")
                return []
            return sorted({mapping[value] for value in wanted}, reverse=True)
        known = choice_values(controller)
        missing = [str(value) for value in wanted if value not in known]
        if missing:
            self.problem(
                name,
                f"it can never be shown: '{controller['key']}' has no choice {', '.join(missing)}.",
            )
            return []
        return [value for value in known if value in wanted]

    # --- the whole schema ---

    def promotion(self, fields: list[Field]) -> None:
        counts: dict[str, int] = {}
        for field in fields:
            if field["promote"] and field["type"] in PROMOTION_KIND:
                kind = PROMOTION_KIND[field["type"]]
                counts[kind] = counts.get(kind, 0) + 1
        for kind, count in sorted(counts.items()):
            limit = len(COLUMNS_BY_KIND[kind])
            if count > limit:
                self.problem(
                    "", f"At most {limit} {kind} fields can be used to filter or sort; {count} are."
                )


def _weights_problem(field: Field, weight: Any) -> tuple[Any, str | None]:
    """The normalised weight of one field for a weighted sum, or a problem."""
    kind = field["type"]

    def in_range(value: Any) -> bool:
        return is_number(value) and abs(value) <= WEIGHT_LIMIT

    limit = f"between -{WEIGHT_LIMIT} and {WEIGHT_LIMIT}"
    if kind == YES_NO:
        if in_range(weight):
            return {"yes": weight, "no": 0}, None
        if (
            isinstance(weight, dict)
            and set(weight) <= {"yes", "no"}
            and all(in_range(value) for value in weight.values())
        ):
            return {"yes": weight.get("yes", 0), "no": weight.get("no", 0)}, None
        return None, f"a yes or no weight must be a number {limit} (or yes and no numbers)."
    if kind in CHOICE_TYPES:
        known = choice_values(field)
        if not isinstance(weight, dict) or not weight:
            return None, "a choice weight must give points for its choices."
        unknown = [str(value) for value in weight if value not in known]
        if unknown:
            return None, f"there is no choice {', '.join(unknown)} to weigh."
        if not all(in_range(value) for value in weight.values()):
            return None, f"each choice's points must be a number {limit}."
        return {value: weight[value] for value in known if value in weight}, None
    if kind == NUMBER:
        if in_range(weight):
            return weight, None
        return None, f"a number's weight (what each unit counts) must be {limit}."
    return None, f"a {kind} field cannot be weighed."


def _levels(checker: _Checker, raw: Any) -> list[dict[str, Any]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        checker.problem("Scoring", "'levels' must be a list of bands with min, max and level.")
        return []
    bands: list[dict[str, Any]] = []
    for position, band in enumerate(raw, start=1):
        if (
            not isinstance(band, dict)
            or set(band) - {"min", "max", "level"}
            or not is_number(band.get("min"))
            or ("max" in band and band["max"] is not None and not is_number(band["max"]))
            or not isinstance(band.get("level"), str)
            or not band["level"].strip()
            or len(band["level"].strip()) > 60
        ):
            checker.problem(
                "Scoring",
                f"level {position} needs a 'min' number, an optional 'max' and a 'level' name "
                "of at most 60 characters.",
            )
            return []
        bands.append({"min": band["min"], "max": band.get("max"), "level": band["level"].strip()})
    bands.sort(key=lambda band: band["min"])
    for band, following in zip(bands, [*bands[1:], None], strict=True):
        if band["max"] is not None and band["max"] < band["min"]:
            checker.problem("Scoring", f"level '{band['level']}' has a max below its min.")
        if following is not None and (band["max"] is None or band["max"] >= following["min"]):
            checker.problem(
                "Scoring",
                f"levels '{band['level']}' and '{following['level']}' overlap; give each a max "
                "below the next one's min.",
            )
    return bands


def _scoring(checker: _Checker, raw: Any, fields: dict[str, Field]) -> dict[str, Any] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        checker.problem("Scoring", "give the scoring rules as an object.")
        return None
    unknown = sorted(str(setting) for setting in set(raw) - SCORING_SETTINGS)
    if unknown:
        checker.problem("Scoring", f"unknown settings {', '.join(unknown)}.")
    method = raw.get("method")
    if method not in SCORING_METHODS:
        checker.problem("Scoring", f"the method must be one of {', '.join(SCORING_METHODS)}.")
        return None
    label = raw.get("label", "Score")
    if not isinstance(label, str) or not label.strip() or len(label) > 80:
        checker.problem("Scoring", "the label must be text of at most 80 characters.")
        label = "Score"
    section = raw.get("section") or ("risk" if "risk" in checker.sections else None)
    scoring: dict[str, Any] = {
        "label": label.strip(),
        "method": method,
        "section": checker.section("Scoring", section),
        "levels": _levels(checker, raw.get("levels")),
    }
    if method == "count_yes":
        chosen = raw.get("fields")
        if chosen is None:
            chosen = [key for key, field in fields.items() if field["type"] == YES_NO]
        if not isinstance(chosen, list) or not chosen:
            checker.problem("Scoring", "counting yes answers needs at least one yes or no field.")
        else:
            for key in chosen:
                if not isinstance(key, str) or fields.get(key, {}).get("type") != YES_NO:
                    checker.problem("Scoring", f"'{key}' is not a yes or no field of this form.")
            scoring["fields"] = [key for key in fields if key in chosen]
        if raw.get("weights"):
            checker.problem("Scoring", "counting yes answers takes no weights.")
    else:
        weights = raw.get("weights")
        if not isinstance(weights, dict) or not weights:
            checker.problem("Scoring", "a weighted sum needs weights for at least one field.")
            return scoring
        normal: dict[str, Any] = {}
        for key, weight in weights.items():
            if key not in fields:
                checker.problem("Scoring", f"there is no field '{key}' to weigh.")
                continue
            value, problem = _weights_problem(fields[key], weight)
            if problem:
                checker.problem(f"Scoring of '{key}'", problem)
            else:
                normal[key] = value
        scoring["weights"] = {key: normal[key] for key in fields if key in normal}
    return scoring


def schema_clean(raw: Any, *, record_kind: int) -> Schema:
    """The schema in its normal form, or SchemaInvalid listing every problem found."""
    checker = _Checker(record_kind)
    if isinstance(raw, list):
        raw = {"fields": raw}
    if not isinstance(raw, dict) or not isinstance(raw.get("fields", []), list):
        raise SchemaInvalid(["The schema must be an object with a list of fields."])
    unknown = sorted(str(setting) for setting in set(raw) - {"fields", "scoring"})
    if unknown:
        checker.problem("", f"Unknown schema settings {', '.join(unknown)}.")
    raw_fields = raw.get("fields", [])
    if len(raw_fields) > MAX_FIELDS:
        raise SchemaInvalid([f"A form can have at most {MAX_FIELDS} fields."])
    seen: dict[str, Field] = {}
    for position, raw_field in enumerate(raw_fields, start=1):
        field = checker.field(position, raw_field, seen)
        if field is not None:
            seen[field["key"]] = field
    checker.promotion(list(seen.values()))
    scoring = _scoring(checker, raw.get("scoring"), seen)
    if checker.problems:
        raise SchemaInvalid(checker.problems)
    schema: Schema = {"fields": list(seen.values())}
    if scoring is not None:
        schema["scoring"] = scoring
    return schema


def schema_problems(raw: Any, *, record_kind: int) -> list[str]:
    """What is wrong with a schema, in words for an administrator (empty when it is fine)."""
    try:
        schema_clean(raw, record_kind=record_kind)
    except SchemaInvalid as invalid:
        return invalid.problems
    return []


def keys_removed(old: Schema, new: Schema) -> list[str]:
    """Keys an older schema asked that a newer one no longer asks."""
    kept = {field["key"] for field in fields_of(new)}
    return [field["key"] for field in fields_of(old) if field["key"] not in kept]


def sections_used(schema: Schema) -> frozenset[str]:
    """Every section a schema's answers (and its score) belong to."""
    used = {field["section"] for field in fields_of(schema)}
    if "scoring" in schema:
        used.add(schema["scoring"]["section"])
    return frozenset(used)


def keys_in_sections(schema: Schema, sections: Iterable[str]) -> list[str]:
    allowed = set(sections)
    return [field["key"] for field in fields_of(schema) if field["section"] in allowed]
