"""Identifier formats: good and bad examples of each kind, and the check characters' properties."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from roundtable.records.identifiers import (
    PNC_LETTERS,
    UPN_LETTERS,
    nhs_check_digit,
    normalise_identifier,
    normalise_nhs,
    normalise_pnc,
    normalise_upn,
    pnc_check_letter,
    upn_check_letter,
)
from roundtable.records.models import IdentifierKind

digits = st.text(alphabet="0123456789", min_size=1, max_size=1)


@pytest.mark.parametrize(
    ("kind", "typed", "stored"),
    [
        (IdentifierKind.PNC, "79/123456T", "79/0123456T"),
        (IdentifierKind.PNC, "1979/0123456t", "79/0123456T"),
        (IdentifierKind.PNC, "79 0123456 T", "79/0123456T"),
        (IdentifierKind.NHS, "943 476 5919", "9434765919"),
        (IdentifierKind.NHS, "943-476-5919", "9434765919"),
        (IdentifierKind.NINO, "ab 12 34 56 c", "AB123456C"),
        (IdentifierKind.NINO, "JE123456D", "JE123456D"),
        (IdentifierKind.HOME_OFFICE, "b1234567", "B1234567"),
        (IdentifierKind.HOME_OFFICE, "12345678", "12345678"),
        (IdentifierKind.UPN, "h801 2000 0100 1", "H801200001001"),
        (IdentifierKind.PRISON, "a1234bc", "A1234BC"),
        (IdentifierKind.CRN, " x123456 ", "X123456"),
    ],
)
def test_good_identifiers_are_stored_in_one_normal_form(kind, typed, stored):
    assert normalise_identifier(kind, typed) == stored


@pytest.mark.parametrize(
    ("kind", "typed", "says"),
    [
        (IdentifierKind.PNC, "79/123456A", "check letter"),
        (IdentifierKind.PNC, "79/12345678T", "like 79/123456T"),
        (IdentifierKind.PNC, "ABCDEF", "like 79/123456T"),
        (IdentifierKind.NHS, "9434765918", "last digit does not match"),
        (IdentifierKind.NHS, "94347659", "10 digits"),
        (IdentifierKind.NINO, "QQ123456C", "never start with QQ"),
        (IdentifierKind.NINO, "DA123456C", "never start with DA"),
        (IdentifierKind.NINO, "AO123456C", "never start with AO"),
        (IdentifierKind.NINO, "GB123456A", "never start with GB"),
        (IdentifierKind.NINO, "AB123456E", "A, B, C or D"),
        (IdentifierKind.NINO, "AB12345C", "like AB 12 34 56 C"),
        (IdentifierKind.HOME_OFFICE, "AB123456", "like B1234567"),
        (IdentifierKind.UPN, "A801200001001", "check letter"),
        (IdentifierKind.UPN, "H80120000100", "13 characters"),
        (IdentifierKind.UPN, "H80120000100I", "13 characters"),
        (IdentifierKind.PRISON, "A12345BC", "like A1234BC"),
        (IdentifierKind.CRN, "X12345", "like X123456"),
        (IdentifierKind.CRN, "", "Enter the identifier"),
    ],
)
def test_bad_identifiers_are_refused_saying_what_a_good_one_looks_like(kind, typed, says):
    with pytest.raises(ValidationError) as refused:
        normalise_identifier(kind, typed)
    assert says in refused.value.messages[0]


def test_an_unknown_kind_of_identifier_is_refused():
    with pytest.raises(ValidationError, match="kind of identifier"):
        normalise_identifier("passport", "123")


@given(year=st.integers(0, 99), serial=st.integers(0, 9_999_999))
def test_a_pnc_id_with_its_computed_check_letter_is_accepted(year, serial):
    yy, number = f"{year:02d}", str(serial)
    letter = pnc_check_letter(yy, number)
    assert normalise_pnc(f"{yy}/{number}{letter}") == f"{yy}/{number.zfill(7)}{letter}"


@given(
    year=st.integers(0, 99),
    serial=st.integers(0, 9_999_999),
    wrong=st.sampled_from(PNC_LETTERS),
)
def test_a_pnc_id_with_any_other_check_letter_is_refused(year, serial, wrong):
    yy, number = f"{year:02d}", str(serial)
    if wrong == pnc_check_letter(yy, number):
        return  # the right letter is the previous test's case
    with pytest.raises(ValidationError):
        normalise_pnc(f"{yy}/{number}{wrong}")


@given(first_nine=st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_an_nhs_number_is_valid_exactly_when_its_check_digit_exists_and_matches(first_nine):
    check = nhs_check_digit(first_nine)
    for last in "0123456789":
        number = first_nine + last
        if check is not None and int(last) == check:
            assert normalise_nhs(number) == number
        else:
            with pytest.raises(ValidationError):
                normalise_nhs(number)


@given(
    first_nine=st.text(alphabet="0123456789", min_size=9, max_size=9),
    position=st.integers(0, 8),
    delta=st.integers(1, 9),
)
def test_changing_any_one_digit_of_a_valid_nhs_number_is_caught(first_nine, position, delta):
    check = nhs_check_digit(first_nine)
    if check is None:
        return
    typo = list(first_nine)
    typo[position] = str((int(typo[position]) + delta) % 10)
    with pytest.raises(ValidationError):
        normalise_nhs("".join(typo) + str(check))


@given(
    body=st.text(alphabet="0123456789", min_size=12, max_size=12),
    position=st.integers(0, 11),
    delta=st.integers(1, 9),
)
def test_a_upn_with_its_check_letter_is_accepted_and_any_one_digit_typo_is_caught(
    body, position, delta
):
    upn = upn_check_letter(body) + body
    assert normalise_upn(upn.lower()) == upn
    typo = list(body)
    typo[position] = str((int(typo[position]) + delta) % 10)
    with pytest.raises(ValidationError):
        normalise_upn(upn[0] + "".join(typo))


def test_upn_check_letters_never_use_letters_that_look_like_digits():
    assert not set("IOS") & set(UPN_LETTERS)
