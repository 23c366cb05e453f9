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
