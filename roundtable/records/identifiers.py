"""Official identifiers of a person: format and check-character rules, and one normal form each.

Every identifier is stored in the normal form ``normalise_identifier`` gives (no spaces, upper
case, check character verified), so "ab 12 34 56 c" and "AB123456C" are the same National
Insurance number and the uniqueness constraint on (kind, value) means what it says. Each refusal
tells the practitioner what a correct value looks like. This module only checks shapes: it must
never look anything up, and never say which record holds an identifier.

Formats (the documented public rules each check follows):

- PNC ID: a 2 or 4 digit year, a slash, a serial of up to 7 digits and a check letter. The check
  letter is ``"ZABCDEFGHJKLMNPQRTUVWXY"[int(YY + serial padded to 7 digits) % 23]``. Stored as
  ``YY/NNNNNNNA`` (2 digit year, serial padded to 7 digits), e.g. ``79/0123456T``.
- NHS number: 10 digits; digits 1-9 weighted 10 down to 2, summed; ``11 - (sum % 11)`` is the
  check digit (11 means 0; 10 means the number is not valid).
- National Insurance number: two prefix letters, 6 digits, a suffix A-D. Neither prefix letter is
  D, F, I, Q, U or V; the second is not O; BG, GB, KN, NK, NT, TN and ZZ are never issued (HMRC).
- Home Office reference: one letter followed by 7 digits, e.g. ``B1234567``, the form printed on
  Home Office (UK Visas and Immigration) correspondence. The CID person id, a plain number, is
  accepted too as 6 to 10 digits.
- Unique pupil number (DfE): 13 characters, a check letter then 12 digits (a temporary UPN ends
  in a letter instead of the last digit). Characters 2-13 are weighted 2 to 13 (a letter counts
  as its position in the check alphabet) and ``"ABCDEFGHJKLMNPQRTUVWXYZ"[sum % 23]`` is the check.
- Prison number (NOMIS): a letter, 4 digits and 2 letters, e.g. ``A1234BC``.
- Probation case reference number (CRN, nDelius): a letter and 6 digits, e.g. ``X123456``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from roundtable.records.models import IdentifierKind

PNC_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
NINO_NEVER_FIRST = set("DFIQUV")
NINO_NEVER_SECOND = set("DFIOQUV")
NINO_NEVER_PREFIX = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}

_PNC = re.compile(r"(?P<year>\d{2}|\d{4})/?(?P<serial>\d{1,7})(?P<check>[A-Z])")
_NHS = re.compile(r"\d{10}")
_NINO = re.compile(r"(?P<prefix>[A-Z]{2})\d{6}[A-D]")
_HOME_OFFICE = re.compile(r"[A-Z]\d{7}|\d{6,10}")
_UPN = re.compile(r"[A-Z]\d{11}[0-9A-Z]")
_PRISON = re.compile(r"[A-Z]\d{4}[A-Z]{2}")
_CRN = re.compile(r"[A-Z]\d{6}")


def compact(raw: str) -> str:
    """Upper case with spaces and dashes removed: how people type identifiers varies."""
    return re.sub(r"[\s\-]", "", raw or "").upper()


# --- check characters -------------------------------------------------------------------------


def pnc_check_letter(year: str, serial: str) -> str:
    """The PNC check letter for a 2 digit year and a serial of up to 7 digits."""
    return PNC_LETTERS[int(year[-2:] + serial.zfill(7)) % 23]


def nhs_check_digit(first_nine: str) -> int | None:
    """The NHS number check digit for 9 digits, or None where no valid number can end them."""
    total = sum(
        int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def upn_check_letter(last_twelve: str) -> str:
    """The unique pupil number check letter for characters 2 to 13."""
    total = 0
    for weight, char in enumerate(last_twelve, start=2):
        total += weight * (int(char) if char.isdigit() else UPN_LETTERS.index(char))
    return UPN_LETTERS[total % 23]


# --- one normaliser per kind ------------------------------------------------------------------


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, code="invalid_identifier")


def normalise_pnc(raw: str) -> str:
    """'1979/123456t' -> '79/0123456T', or ValidationError."""
    message = (
        "Enter a PNC ID in the correct format: a 2 or 4 digit year, a slash, up to 7 digits "
        "and a check letter, like 79/123456T"
    )
    match = _PNC.fullmatch(compact(raw))
    if match is None:
        raise _refuse(message)
    year, serial = match["year"][-2:], match["serial"].zfill(7)
    if match["check"] != pnc_check_letter(year, serial):
        raise _refuse(
            "The check letter of this PNC ID does not match its numbers. Check it against the "
            "original, for example 79/123456T"
        )
    return f"{year}/{serial}{match['check']}"


def normalise_nhs(raw: str) -> str:
    """'943 476 5919' -> '9434765919', or ValidationError."""
    value = compact(raw)
    if not _NHS.fullmatch(value):
        raise _refuse("Enter an NHS number as 10 digits, like 943 476 5919")
    if nhs_check_digit(value[:9]) != int(value[9]):
        raise _refuse(
            "This is not a valid NHS number: its last digit does not match. Check it against the "
            "original, for example 943 476 5919"
        )
    return value


def normalise_nino(raw: str) -> str:
    """'qq 12 34 56 c' -> refused (QQ is never issued); 'AB123456C' kept as it is."""
    value = compact(raw)
    message = (
        "Enter a National Insurance number in the correct format: 2 letters, 6 digits and "
        "A, B, C or D, like AB 12 34 56 C"
    )
    match = _NINO.fullmatch(value)
    if match is None:
        raise _refuse(message)
    prefix = match["prefix"]
    if (
        prefix[0] in NINO_NEVER_FIRST
        or prefix[1] in NINO_NEVER_SECOND
        or prefix in NINO_NEVER_PREFIX
    ):
        raise _refuse(
            f"National Insurance numbers never start with {prefix}. Check it against the "
            "original, for example AB 12 34 56 C"
        )
    return value


def normalise_home_office(raw: str) -> str:
    """'b1234567' -> 'B1234567', or ValidationError."""
    value = compact(raw)
    if not _HOME_OFFICE.fullmatch(value):
        raise _refuse(
            "Enter a Home Office reference as a letter followed by 7 digits, like B1234567, "
            "or a person ID of 6 to 10 digits"
        )
    return value


def normalise_upn(raw: str) -> str:
    """'h 801 2000 0100 1' -> 'H801200001001', check letter verified, or ValidationError."""
    value = compact(raw)
    if not _UPN.fullmatch(value) or value[-1] in "IOS":
        raise _refuse(
            "Enter a unique pupil number as 13 characters: a letter followed by 12 digits, "
            "like H801200001001"
        )
    if value[0] != upn_check_letter(value[1:]):
        raise _refuse(
            "The check letter of this unique pupil number does not match its digits. Check it "
            "against the original, for example H801200001001"
        )
    return value


def normalise_prison(raw: str) -> str:
    """'a1234bc' -> 'A1234BC', or ValidationError."""
    value = compact(raw)
    if not _PRISON.fullmatch(value):
        raise _refuse("Enter a prison number as a letter, 4 digits and 2 letters, like A1234BC")
    return value


def normalise_crn(raw: str) -> str:
    """'x123456' -> 'X123456', or ValidationError."""
    value = compact(raw)
    if not _CRN.fullmatch(value):
        raise _refuse(
            "Enter a probation case reference (CRN) as a letter and 6 digits, like X123456"
        )
    return value


@dataclass(frozen=True)
class IdentifierFormat:
    """How one kind of identifier is written: its normaliser and an example for hints."""

    normalise: Callable[[str], str]
    example: str


FORMATS: dict[str, IdentifierFormat] = {
    IdentifierKind.PNC: IdentifierFormat(normalise_pnc, "79/123456T"),
    IdentifierKind.NHS: IdentifierFormat(normalise_nhs, "943 476 5919"),
    IdentifierKind.NINO: IdentifierFormat(normalise_nino, "AB 12 34 56 C"),
    IdentifierKind.HOME_OFFICE: IdentifierFormat(normalise_home_office, "B1234567"),
    IdentifierKind.UPN: IdentifierFormat(normalise_upn, "H801200001001"),
    IdentifierKind.PRISON: IdentifierFormat(normalise_prison, "A1234BC"),
    IdentifierKind.CRN: IdentifierFormat(normalise_crn, "X123456"),
}


def normalise_identifier(kind: str, raw: str) -> str:
    """The stored form of an identifier of ``kind``; ValidationError saying what is expected."""
    identifier_format = FORMATS.get(kind)
    if identifier_format is None:
        raise ValidationError("Choose the kind of identifier from the list", code="invalid_kind")
    if not compact(raw):
        raise ValidationError("Enter the identifier", code="required")
    return identifier_format.normalise(raw)
