"""Name keys for person search: case and accents folded, and a phonetic key (jellyfish metaphone).

Keys are computed in Python and stored, so the same index works on SQLite and PostgreSQL. Keys hold
personal data derived from the profile and live only in the search index table.
"""

from __future__ import annotations

import re
import unicodedata

import jellyfish

_NOT_LETTER = re.compile(r"[^a-z]")


def fold(name: str) -> str:
    """'Zoë O'Brien-Smith' -> 'zoeobriensmith': lower case, no accents, letters only."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_LETTER.sub("", stripped.lower())


def phonetic(name: str) -> str:
    """A sound-alike key: 'Stephenson' and 'Stevenson' share one."""
    folded = fold(name)
    if not folded:
        return ""
    return str(jellyfish.metaphone(folded)).upper()[:20]


#: Jaro-Winkler on folded first names at or above which two count as alike: "Jon"/"John",
#: "Sara"/"Sarah", "Mohamed"/"Mohammed". Shared by search and the duplicate check.
SIMILAR_GIVEN_NAME = 0.85


def given_name_resembles(recorded: str, recorded_sound: str, typed: str, typed_sound: str) -> bool:
    """Whether a recorded first name (folded, with its phonetic key) could be the typed one.

    Alike when either is unknown, when one starts with the other (an initial, "Jon" typed for
    "Jonathan"), when they sound the same, or when they are spelt alike. Nicknames that share
    nothing with the name ("Bill" for "William") are not alike: they are found when recorded as
    aliases.
    """
    if not recorded or not typed:
        return True
    if recorded.startswith(typed) or typed.startswith(recorded):
        return True
    if recorded_sound and recorded_sound == typed_sound:
        return True
    return bool(jellyfish.jaro_winkler_similarity(recorded, typed) >= SIMILAR_GIVEN_NAME)
