"""Property-based tests: no submitted payload can write outside its schema.

Whatever arrives (random keys, nested JSON, wrong types, control characters, lone surrogates,
huge numbers), cleaning either refuses it or yields only the schema's keys, each with a value
of its declared type that PostgreSQL's jsonb and SQLite both store. The type checks here are
written independently of ``validation.value_fits``, so a bug there cannot hide one here.
"""

from __future__ import annotations

import json
import math
import re
import string
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django_countries import countries
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from roundtable.customforms.models import FormValues, FormVersion
from roundtable.customforms.schema import FIELD_TYPES, schema_clean
from roundtable.customforms.tests.schemas import CASE, EVERY_TYPE
from roundtable.customforms.validation import FormValuesInvalid, form_values_clean, shown_keys
from roundtable.records.tests.case_helpers import ASB_SCHEMA, casework, open_case
from roundtable.sharing import policy

PROPERTY = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
COUNTRY_CODES = frozenset(dict(countries))

# Text with the characters that break storage: NUL, other controls, lone surrogates.
nasty_text = st.text(
    alphabet=st.one_of(
        st.characters(codec=None),
        st.sampled_from(["\x00", "\x1f", "\ud800", "\udfff", "\n", " ", ","]),
    ),
    max_size=30,
)
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    nasty_text,
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(nasty_text, inner, max_size=4)
    ),
    max_leaves=12,
)


def plausible(field: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values of roughly the right shape, so that cleaning often succeeds."""
    kind = field["type"]
    choices = [choice["value"] for choice in field.get("choices", [])]
    options: dict[str, st.SearchStrategy[Any]] = {
        "text": st.text(string.ascii_letters + " ", max_size=60),
        "long_text": st.text(string.printable, max_size=200),
        "number": st.one_of(
            st.integers(-1000, 1000), st.decimals(allow_nan=False, places=3).map(str)
        ),
        "date": st.dates(min_value=date(1840, 1, 1), max_value=date(2210, 1, 1)).map(
            date.isoformat
        ),
        "yes_no": st.sampled_from([True, False, "yes", "no", "Y", "maybe"]),
        "choice": st.sampled_from([*choices, *choices, "nope"]),
        "multi_choice": st.lists(st.sampled_from([*choices, *choices, "nope"]), max_size=4),
        "country": st.sampled_from(["FR", "gb", "Germany", "IE", "XX", ""]),
        "person_link": st.one_of(st.just(""), st.uuids().map(str)),
        "file": st.one_of(st.just(""), st.uuids().map(str)),
        "address": st.one_of(
            st.fixed_dictionaries(
                {"line1": st.text(string.ascii_letters, min_size=1, max_size=20)},
                optional={"postcode": st.sampled_from(["SW1A 1AA", "nonsense", ""])},
            ),
            st.just({"line1": "1 Test Street", "county": "Testshire"}),
        ),
    }
    return options[kind]


def payloads(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    fields = schema["fields"]
    known = st.sampled_from(fields).flatmap(
        lambda field: st.tuples(st.just(field["key"]), st.one_of(plausible(field), json_values))
    )
    stranger = st.tuples(st.one_of(nasty_text, st.sampled_from(["__all__", "id", ""])), json_values)
    entries = st.lists(st.one_of(known, known, stranger), max_size=12)
    mixed = entries.map(dict)
    # Only the schema's keys with roughly right values: the answers that get stored.
    likely = st.fixed_dictionaries(
        {field["key"]: plausible(field) for field in fields if field.get("required")},
        optional={field["key"]: plausible(field) for field in fields if not field.get("required")},
    )
    return st.one_of(likely, likely, mixed, mixed, json_values)


def declared_type_holds(field: dict[str, Any], value: Any) -> bool:
    """Independent of the engine: is ``value`` of the field's declared stored type?"""
    kind = field["type"]
    choices = {choice["value"] for choice in field.get("choices", [])}
    if kind in ("text", "long_text"):
        return isinstance(value, str) and "\x00" not in value
    if kind == "number":
        return type(value) in (int, float) and math.isfinite(value)
    if kind == "date":
        return isinstance(value, str) and date.fromisoformat(value).isoformat() == value
    if kind == "yes_no":
        return type(value) is bool
    if kind == "choice":
        return isinstance(value, str) and value in choices
    if kind == "multi_choice":
        return (
            isinstance(value, list)
            and bool(value)
            and all(isinstance(item, str) and item in choices for item in value)
        )
    if kind == "country":
        return value in COUNTRY_CODES
    if kind in ("person_link", "file"):
        return isinstance(value, str) and bool(UUID.match(value))
    if kind == "address":
        return (
            isinstance(value, dict)
            and set(value) == {"line1", "line2", "town", "postcode"}
            and all(isinstance(part, str) for part in value.values())
        )
    return False


def assert_within_schema(schema: dict[str, Any], result: Any) -> None:
    fields = {field["key"]: field for field in schema["fields"]}
    assert isinstance(result, dict)
    assert set(result) <= set(fields)
    assert set(result) <= shown_keys(schema, result)  # nothing hidden is kept
    for key, value in result.items():
        assert declared_type_holds(fields[key], value), (key, value)
    text = json.dumps(result, allow_nan=False)  # storable as JSON, no NaN or infinity
    text.encode("utf-8")  # no lone surrogates
    assert "\\u0000" not in text  # PostgreSQL's jsonb refuses NUL


EVERY = schema_clean(EVERY_TYPE, record_kind=CASE)


@PROPERTY
@given(payload=payloads(EVERY))
def test_any_payload_is_refused_or_fits_the_every_type_schema(db, payload):
    version = FormVersion(number=1, schema=EVERY)
    try:
        result = form_values_clean(version=version, payload=payload, viewer=policy.NOBODY)
    except FormValuesInvalid as refused:
        assert refused.errors
        event("refused")
        return
    event("accepted")
    assert_within_schema(EVERY, result)


def field_specs(position: int, earlier: list[dict[str, Any]]) -> st.SearchStrategy[Any]:
    """A valid field; sometimes shown only when an earlier yes/no or choice field says so."""
    kinds = st.sampled_from(FIELD_TYPES)

    def build(kind: str, required: bool, choices: list[str], gate: Any) -> dict[str, Any]:
        field: dict[str, Any] = {
            "key": f"f{position}",
            "label": f"Question {position}",
            "type": kind,
            "required": required,
        }
        if kind in ("choice", "multi_choice"):
            field["choices"] = choices
        if gate is not None:
            field["show_when"] = gate
        return field

    controllers = [f for f in earlier if f["type"] in ("yes_no", "choice", "multi_choice")]
    gates: st.SearchStrategy[Any] = st.none()
    if controllers:
        gates = st.one_of(
            st.none(),
            st.sampled_from(controllers).map(
                lambda c: (
                    {"field": c["key"], "equals": True}
                    if c["type"] == "yes_no"
                    else {"field": c["key"], "in": c["choices"][:1]}
                )
            ),
        )
    choices = st.lists(st.sampled_from(["A", "B", "C", "D"]), min_size=1, max_size=4, unique=True)
    return st.builds(build, kinds, st.booleans(), choices, gates)


@st.composite
def schemas(draw: st.DrawFn) -> dict[str, Any]:
    fields: list[dict[str, Any]] = []
    for position in range(draw(st.integers(1, 8))):
        fields.append(draw(field_specs(position, fields)))
    return schema_clean(fields, record_kind=CASE)


@PROPERTY
@given(data=st.data())
def test_any_payload_is_refused_or_fits_any_valid_schema(db, data):
    schema = data.draw(schemas())
    payload = data.draw(payloads(schema))
    version = FormVersion(number=1, schema=schema)
    try:
        result = form_values_clean(version=version, payload=payload, viewer=policy.NOBODY)
    except FormValuesInvalid:
        event("refused")
        return
    event("accepted" if result else "accepted, empty")
    assert_within_schema(schema, result)


@pytest.fixture
def work(personas):
    return casework(personas)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(payload=payloads(schema_clean(ASB_SCHEMA, record_kind=CASE)))
def test_no_payload_sent_to_the_case_service_is_stored_outside_the_case_types_schema(
    personas, work, payload
):
    schema = work.case_type.form.current_version.schema
    with transaction.atomic():
        try:
            case = open_case(personas.alice, work.asb, work.case_type, fields=payload)
        except ValidationError:
            event("refused")
        else:
            event("stored")
            stored = FormValues.objects.get(record_id=case.pk)
            assert_within_schema(schema, stored.values)
        transaction.set_rollback(True)
