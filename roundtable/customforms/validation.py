"""Server-side validation of submitted answers against one published form version.

``form_values_clean`` is the only way answers reach storage: it refuses any key the version does
not ask (nothing is ever written outside the schema), coerces each answer to its declared type,
applies required, validation and conditional display (a hidden field is never required and its
submitted answer is dropped), and checks that a linked person or document is one the writer may
see. It returns the clean answers or raises ``FormValuesInvalid`` with messages per field key
(``__all__`` for keys the form does not have). ``payload_from_post`` turns a GOV.UK form post
into the payload this expects; an API passes its JSON object straight in.

This module must never write, and never decide visibility itself: ``customforms.references``
asks ``sharing.policy``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django_countries import countries

from roundtable.customforms import references
from roundtable.customforms.models import FormVersion
from roundtable.customforms.schema import (
    ADDRESS,
    CHOICE,
    COUNTRY,
    DATE,
    FILE,
    LONG_TEXT,
    MULTI_CHOICE,
    NUMBER,
    NUMBER_LIMIT,
    PERSON_LINK,
    TEXT,
    TEXT_LIMITS,
    YES_NO,
    Field,
    Schema,
    choice_values,
    fields_of,
    is_number,
)
from roundtable.records.validation import normalise_postcode
from roundtable.sharing import policy

YES = frozenset({"yes", "true", "on", "1", "y"})
NO = frozenset({"no", "false", "off", "0", "n"})
ADDRESS_PARTS = ("line1", "line2", "town", "postcode")
ADDRESS_LIMITS = {"line1": 120, "line2": 120, "town": 80, "postcode": 10}
DATE_FORMATS = (
    re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})$"),
    re.compile(r"^(?P<day>\d{1,2})[/ .-](?P<month>\d{1,2})[/ .-](?P<year>\d{4})$"),
)
EARLIEST_YEAR, LATEST_YEAR = 1850, 2200
# Characters no stored text may hold: NUL (PostgreSQL's jsonb refuses it), other C0 controls
# except tab and line breaks, and lone surrogates (not encodable as UTF-8).
BAD_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
UNKNOWN_SHOWN = 5
NOT_FOUND_PERSON = "No person with that reference was found. Check the reference and try again."
NOT_FOUND_DOCUMENT = "No document with that reference was found. Check the reference and try again."


class FormValuesInvalid(ValidationError):  # noqa: N818  (a refusal shown to the writer)
    """Answers that do not fit their form; ``errors`` maps field key (or ``__all__``) to words."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


class _Problem(Exception):  # noqa: N818  (a refusal carried to the field's error list)
    """One answer refused, with the words to show next to it."""


def schema_of(version: FormVersion | None) -> Schema:
    """A version's schema; no published version means a form with no fields."""
    return version.schema if version is not None else {"fields": []}


def is_blank(value: Any) -> bool:
    """Nothing was answered: None, empty or spaces, an empty list, or an address with no parts."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        return all(is_blank(item) for item in value)
    if isinstance(value, dict):
        return all(is_blank(item) for item in value.values())
    return False


def condition_met(condition: Mapping[str, Any], values: Mapping[str, Any]) -> bool:
    """Does the controlling field's (clean) answer meet a field's display condition?"""
    answer = values.get(condition["field"])
    if answer is None:
        return False
    if isinstance(answer, list):
        return any(item in condition["in"] for item in answer)
    # True == 1 in Python: compare booleans only with booleans.
    return any(type(answer) is type(wanted) and answer == wanted for wanted in condition["in"])


def shown_keys(schema: Schema, values: Mapping[str, Any]) -> set[str]:
    """The keys whose display conditions the (clean) answers meet, in a chain of conditions."""
    shown: set[str] = set()
    for field in fields_of(schema):
        condition = field.get("show_when")
        if condition and (condition["field"] not in shown or not condition_met(condition, values)):
            continue
        shown.add(field["key"])
    return shown


# --- one answer per type ----------------------------------------------------------------------


def _text(field: Field, raw: Any) -> str:
    label = field["label"]
    if not isinstance(raw, str):
        raise _Problem(f"{label} must be text.")
    value = raw.strip()
    if BAD_TEXT.search(value):
        raise _Problem(f"{label} must not contain control characters.")
    rules = field.get("validation", {})
    longest = min(rules.get("max_length", TEXT_LIMITS[field["type"]]), TEXT_LIMITS[field["type"]])
    if len(value) > longest:
        raise _Problem(f"{label} must be {longest:,} characters or fewer.")
    if len(value) < rules.get("min_length", 0):
        raise _Problem(f"{label} must be {rules['min_length']:,} characters or more.")
    return value


def _number(field: Field, raw: Any) -> int | float:
    label = field["label"]
    words = f"{label} must be a number, like 12 or 3.5."
    if isinstance(raw, bool) or not isinstance(raw, int | float | str | Decimal):
        raise _Problem(words)
    if isinstance(raw, str) and len(raw) > 40:
        raise _Problem(words)
    try:
        number = Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation:
        raise _Problem(words) from None
    if not number.is_finite() or abs(number) > NUMBER_LIMIT:
        raise _Problem(words)
    rules = field.get("validation", {})
    whole = number == number.to_integral_value()
    if rules.get("integer") and not whole:
        raise _Problem(f"{label} must be a whole number, like 12.")
    if "min" in rules and number < Decimal(str(rules["min"])):
        raise _Problem(f"{label} must be {rules['min']} or more.")
    if "max" in rules and number > Decimal(str(rules["max"])):
        raise _Problem(f"{label} must be {rules['max']} or less.")
    value: int | float = int(number) if whole else float(number)
    return value


def _date_parts(raw: Any) -> tuple[str, str, str] | None:
    if isinstance(raw, dict):
        if set(raw) - {"day", "month", "year"}:
            return None
        parts = (raw.get("year"), raw.get("month"), raw.get("day"))
        if not all(isinstance(part, str | int) and not isinstance(part, bool) for part in parts):
            return None
        return str(parts[0]).strip(), str(parts[1]).strip(), str(parts[2]).strip()
    if isinstance(raw, str):
        for pattern in DATE_FORMATS:
            match = pattern.match(raw.strip())
            if match:
                return match["year"], match["month"], match["day"]
    return None


def _date(field: Field, raw: Any) -> str:
    label = field["label"]
    words = f"{label} must be a real date, like 27/3/2026."
    if isinstance(raw, date):
        day = raw
    else:
        parts = _date_parts(raw)
        if parts is None or not all(part.isdigit() and len(part) <= 4 for part in parts):
            raise _Problem(words)
        try:
            day = date(int(parts[0]), int(parts[1]), int(parts[2]))
        except ValueError:
            raise _Problem(words) from None
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise _Problem(words)
    rules = field.get("validation", {})
    today = timezone.localdate()
    if rules.get("not_future") and day > today:
        raise _Problem(f"{label} must be today or in the past.")
    if rules.get("not_past") and day < today:
        raise _Problem(f"{label} must be today or in the future.")
    return day.isoformat()


def _yes_no(field: Field, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str):
        text = raw.strip().lower()
        if text in YES:
            return True
        if text in NO:
            return False
    raise _Problem(f"Select yes or no for {field['label']}.")


def _choice(field: Field, raw: Any) -> str:
    if isinstance(raw, str) and raw.strip() in choice_values(field):
        return raw.strip()
    raise _Problem(f"Choose one of the options for {field['label']}.")


def _multi_choice(field: Field, raw: Any) -> list[str]:
    label = field["label"]
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list | tuple) or not all(isinstance(item, str) for item in items):
        raise _Problem(f"Choose from the options for {label}.")
    chosen = {item.strip() for item in items if item.strip()}
    known = choice_values(field)
    if chosen - set(known):
        raise _Problem(f"Choose from the options for {label}.")
    rules = field.get("validation", {})
    if len(chosen) < rules.get("min_choices", 0):
        raise _Problem(f"Choose at least {rules['min_choices']} options for {label}.")
    if "max_choices" in rules and len(chosen) > rules["max_choices"]:
        raise _Problem(f"Choose at most {rules['max_choices']} options for {label}.")
    return [value for value in known if value in chosen]


def _country(field: Field, raw: Any) -> str:
    if isinstance(raw, str) and 0 < len(raw.strip()) <= 80:
        text = raw.strip()
        code = countries.alpha2(text) if len(text) <= 3 else countries.by_name(text)
        if code:
            return str(code)
    raise _Problem(f"Choose a country from the list for {field['label']}.")


def _address(field: Field, raw: Any) -> dict[str, str]:
    label = field["label"]
    if not isinstance(raw, dict) or set(raw) - set(ADDRESS_PARTS):
        raise _Problem(f"Give {label} as address lines, a town and a postcode.")
    address: dict[str, str] = {}
    for part in ADDRESS_PARTS:
        value = raw.get(part) or ""
        if not isinstance(value, str) or BAD_TEXT.search(value):
            raise _Problem(f"Give {label} as address lines, a town and a postcode.")
        value = value.strip()
        if len(value) > ADDRESS_LIMITS[part]:
            raise _Problem(
                f"Each line of {label} must be {ADDRESS_LIMITS[part]} characters or fewer."
            )
        address[part] = value
    if not address["line1"]:
        raise _Problem(f"Enter the first line of {label}.")
    if address["postcode"]:
        try:
            address["postcode"] = normalise_postcode(address["postcode"])
        except ValidationError:
            raise _Problem(f"Enter a real postcode for {label}, like SW1A 1AA.") from None
    return address


def _reference(field: Field, raw: Any) -> str:
    code = references.code_in(raw) if isinstance(raw, str) and len(raw) <= 300 else None
    if code is None:
        raise _Problem(
            f"Enter the reference for {field['label']}, or paste the address of its page."
        )
    return code


COERCE = {
    TEXT: _text,
    LONG_TEXT: _text,
    NUMBER: _number,
    DATE: _date,
    YES_NO: _yes_no,
    CHOICE: _choice,
    MULTI_CHOICE: _multi_choice,
    COUNTRY: _country,
    ADDRESS: _address,
    PERSON_LINK: _reference,
    FILE: _reference,
}


def value_fits(field: Field, value: Any) -> bool:
    """Is a stored answer of the field's declared type? (Every clean answer must be.)"""
    kind = field["type"]
    if kind in (TEXT, LONG_TEXT):
        return isinstance(value, str) and len(value) <= TEXT_LIMITS[kind]
    if kind == NUMBER:
        return is_number(value)
    if kind == DATE:
        return isinstance(value, str) and bool(DATE_FORMATS[0].match(value))
    if kind == YES_NO:
        return isinstance(value, bool)
    if kind == CHOICE:
        return isinstance(value, str) and value in choice_values(field)
    if kind == MULTI_CHOICE:
        return (
            isinstance(value, list)
            and bool(value)
            and len(set(value)) == len(value)
            and all(isinstance(item, str) and item in choice_values(field) for item in value)
        )
    if kind == COUNTRY:
        return isinstance(value, str) and value in dict(countries)
    if kind in (PERSON_LINK, FILE):
        return isinstance(value, str) and references.code_in(value) == value
    if kind == ADDRESS:
        return (
            isinstance(value, dict)
            and set(value) == set(ADDRESS_PARTS)
            and all(isinstance(part, str) for part in value.values())
            and bool(value["line1"])
        )
    return False


# --- the whole payload ------------------------------------------------------------------------


def _blank_message(field: Field) -> str:
    label = field["label"]
    if field["type"] == YES_NO:
        return f"Select yes or no for {label}."
    if field["type"] in (CHOICE, MULTI_CHOICE, COUNTRY):
        return f"Select {label}."
    return f"Enter {label}."


def _unknown_message(keys: list[Any]) -> str:
    names = [repr(key)[:42] if not isinstance(key, str) else key[:40] for key in keys]
    shown = ", ".join(names[:UNKNOWN_SHOWN])
    more = f" and {len(names) - UNKNOWN_SHOWN} more" if len(names) > UNKNOWN_SHOWN else ""
    return f"This form has no field called {shown}{more}."


def _check_references(
    fields: dict[str, Field],
    cleaned: dict[str, Any],
    viewer: policy.Viewer,
    errors: dict[str, list[str]],
) -> None:
    """Linked people and documents must be ones the writer may see (else: not found)."""
    people = [key for key, field in fields.items() if field["type"] == PERSON_LINK]
    files = [key for key, field in fields.items() if field["type"] == FILE]
    wanted_people = [cleaned[key] for key in people if key in cleaned]
    wanted_files = [cleaned[key] for key in files if key in cleaned]
    seen_people = references.profiles_signposted(viewer, wanted_people)
    seen_files = references.documents_readable(viewer, wanted_files)
    for key in people:
        if key in cleaned and cleaned[key] not in seen_people:
            errors[key] = [NOT_FOUND_PERSON]
    for key in files:
        if key in cleaned and cleaned[key] not in seen_files:
            errors[key] = [NOT_FOUND_DOCUMENT]


def form_values_clean(
    *,
    version: FormVersion | None,
    payload: Any,
    viewer: policy.Viewer,
    writable_sections: Iterable[str] | None = None,
    existing: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The payload's answers, clean and of their declared types, or FormValuesInvalid.

    ``writable_sections`` limits what the writer may change (None: every section); answers in
    other sections keep their ``existing`` values and may not be submitted.
    """
    schema = schema_of(version)
    if not isinstance(payload, Mapping):
        raise FormValuesInvalid(
            {NON_FIELD_ERRORS: ["Give the answers as an object of field keys and values."]}
        )
    fields = {field["key"]: field for field in fields_of(schema)}
    errors: dict[str, list[str]] = {}
    unknown = [key for key in payload if not isinstance(key, str) or key not in fields]
    if unknown:
        errors[NON_FIELD_ERRORS] = [_unknown_message(unknown)]
    allowed = None if writable_sections is None else set(writable_sections)
    cleaned: dict[str, Any] = {}
    shown: set[str] = set()
    for key, field in fields.items():
        condition = field.get("show_when")
        if condition and (condition["field"] not in shown or not condition_met(condition, cleaned)):
            continue  # hidden: not required, and whatever was sent for it is dropped
        shown.add(key)
        if allowed is not None and field["section"] not in allowed:
            if key in payload and not is_blank(payload[key]):
                errors[key] = [f"You cannot change {field['label']}."]
            elif existing and key in existing and value_fits(field, existing[key]):
                cleaned[key] = existing[key]
            continue
        raw = payload.get(key)
        if is_blank(raw):
            if field["required"]:
                errors[key] = [_blank_message(field)]
            continue
        try:
            cleaned[key] = COERCE[field["type"]](field, raw)
        except _Problem as problem:
            errors[key] = [str(problem)]
    if not errors:
        _check_references(fields, cleaned, viewer, errors)
    if errors:
        raise FormValuesInvalid(errors)
    for key, value in cleaned.items():
        if not value_fits(fields[key], value):  # a bug in a coercer, never the writer's fault
            raise AssertionError(f"clean answer for {key} is not of type {fields[key]['type']}")
    return cleaned


# --- from a GOV.UK form post ------------------------------------------------------------------

INPUT_PREFIX = "field_"


def input_name(field: Field) -> str:
    """The name of a field's input in the page's form (``field_<key>``)."""
    return f"{INPUT_PREFIX}{field['key']}"


def payload_from_post(version: FormVersion | None, data: Any) -> dict[str, Any]:
    """The answers in a form post (a QueryDict), keyed by field key; only the schema's keys."""
    payload: dict[str, Any] = {}
    for field in fields_of(schema_of(version)):
        name = input_name(field)
        if field["type"] == MULTI_CHOICE:
            if name in data:
                payload[field["key"]] = [item for item in data.getlist(name) if item]
        elif field["type"] == DATE and name not in data:
            parts = {part: data.get(f"{name}-{part}", "") for part in ("day", "month", "year")}
            if any(parts.values()):
                payload[field["key"]] = parts
        elif field["type"] == ADDRESS:
            address = {part: data.get(f"{name}-{part}", "") for part in ADDRESS_PARTS}
            if any(address.values()):
                payload[field["key"]] = address
        elif name in data:
            payload[field["key"]] = data.get(name)
    return payload
