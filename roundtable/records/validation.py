"""Shapes of UK postcodes and vehicle registration marks: check them and give one normal form.

A postcode is stored upper case with one space before the inward code ("SW1A 1AA"), and a
registration mark upper case with no spaces ("AB51ABC"), so searches match however the value was
typed. Each refusal says what a correct value looks like. This module only checks shapes: it
must never look anything up (a well-formed postcode may still not exist).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

# Outward code: A9, A99, A9A, AA9, AA99 or AA9A; inward code: a digit and two letters that are
# never C, I, K, M, O or V. GIR 0AA (Girobank) is the one historic exception still in use.
_POSTCODE = re.compile(
    r"(?P<outward>[A-PR-UWYZ](?:\d[A-HJKPSTUW]?|\d\d|[A-HK-Y]\d[ABEHMNPRVWXY]?|[A-HK-Y]\d\d))"
    r"(?P<inward>\d[ABD-HJLNP-UW-Z]{2})"
)
_GIROBANK = "GIR0AA"

# Registration marks, newest first. Current (2001-): two letters, two age digits, three letters.
# Prefix (1983-2001): a letter, 1-3 digits, three letters. Suffix (1963-1983): three letters,
# 1-3 digits, a letter. Dateless (before 1963, and Northern Ireland): 1-3 letters and 1-4
# digits, either way round.
_REGISTRATION_FORMATS = (
    re.compile(r"[A-Z]{2}\d{2}[A-Z]{3}"),
    re.compile(r"[A-Z]\d{1,3}[A-Z]{3}"),
    re.compile(r"[A-Z]{3}\d{1,3}[A-Z]"),
    re.compile(r"[A-Z]{1,3}\d{1,4}"),
    re.compile(r"\d{1,4}[A-Z]{1,3}"),
)


def normalise_postcode(raw: str) -> str:
    """'sw1a1aa' -> 'SW1A 1AA', or ValidationError saying what a postcode looks like."""
    value = re.sub(r"\s", "", raw or "").upper()
    if value == _GIROBANK:
        return "GIR 0AA"
    match = _POSTCODE.fullmatch(value)
    if match is None:
        raise ValidationError("Enter a real postcode, like SW1A 1AA", code="invalid_postcode")
    return f"{match['outward']} {match['inward']}"


def normalise_registration(raw: str) -> str:
    """'ab51 abc' -> 'AB51ABC', or ValidationError saying what a registration looks like."""
    value = re.sub(r"[\s\-]", "", raw or "").upper()
    if len(value) > 7 or not any(pattern.fullmatch(value) for pattern in _REGISTRATION_FORMATS):
        raise ValidationError(
            "Enter a vehicle registration in a UK format, like AB51 ABC, A123 BCD or ABC 123D",
            code="invalid_registration",
        )
    return value
