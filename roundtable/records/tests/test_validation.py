"""Postcodes and vehicle registration marks: accepted shapes, their normal form, clear refusals."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from roundtable.records.validation import normalise_postcode, normalise_registration


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("sw1a1aa", "SW1A 1AA"),
        ("SW1A 1AA", "SW1A 1AA"),
        (" m1 1ae ", "M1 1AE"),
        ("B338TH", "B33 8TH"),
        ("cr2 6xh", "CR2 6XH"),
        ("DN55 1PT", "DN55 1PT"),
        ("W1A 0AX", "W1A 0AX"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("gir 0aa", "GIR 0AA"),
    ],
)
def test_good_postcodes_get_one_space_before_the_inward_code(typed, stored):
    assert normalise_postcode(typed) == stored


@pytest.mark.parametrize(
    "typed",
    ["", "SW1A", "12345", "SW1A 1A", "QW1 1AA", "SW1A 1CA", "SW1A1AAA", "AAA 1AA", "S W 1"],
)
def test_bad_postcodes_are_refused_with_an_example(typed):
    with pytest.raises(ValidationError) as refused:
        normalise_postcode(typed)
    assert "like SW1A 1AA" in refused.value.messages[0]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ab51 abc", "AB51ABC"),
        ("A123 BCD", "A123BCD"),
        ("ABC 123D", "ABC123D"),
        ("1 ABC", "1ABC"),
        ("ABC 1234", "ABC1234"),
        ("k 9", "K9"),
        ("AB-51-ABC", "AB51ABC"),
    ],
)
def test_current_and_older_registration_marks_are_stored_without_spaces(typed, stored):
    assert normalise_registration(typed) == stored


@pytest.mark.parametrize(
    "typed", ["", "ABCDEFGH", "AB51ABCD", "12345", "ABCD1", "A1B2C3", "AB!1ABC"]
)
def test_bad_registration_marks_are_refused_with_examples(typed):
    with pytest.raises(ValidationError) as refused:
        normalise_registration(typed)
    assert "like AB51 ABC" in refused.value.messages[0]
