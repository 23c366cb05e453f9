"""Password rules beyond Django's own validators, after NCSC guidance: length, not composition.

Settings pair this validator with Django's minimum length (12), common-password list and
attribute-similarity validators; allauth runs them all for every password it sets (change, reset).
This module refuses the shapes that breach lists are full of and that a length rule alone lets
through: too few different characters, keyboard and alphabet runs, and a common word dressed up
with digits, symbols or look-alike letters ("P@ssw0rd2024!"). It must never demand a mix of
character classes, and never log or store the password it is given.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: A password needs at least this many different characters ("abababababab" has two).
MIN_DISTINCT_CHARACTERS = 5

#: Sequences people slide a finger along. Each is written twice so a run may wrap round
#: ("8901234567"), and reversed runs are checked too.
SEQUENCES = (
    "qwertyuiopasdfghjklzxcvbnm",  # row after row, as people type them
    "1234567890",
    "abcdefghijklmnopqrstuvwxyz",
)

#: Characters a run may be padded with and still count as "just the run" ("qwertyuiop!!").
MAX_PADDING = 3

#: Words that head breach lists, checked after undoing look-alike swaps ("p@ssw0rd").
BREACHED_WORDS = (
    "password",
    "letmein",
    "welcome",
    "qwerty",
    "iloveyou",
    "admin",
    "administrator",
    "changeme",
    "login",
    "monkey",
    "dragon",
    "football",
    "sunshine",
    "princess",
    "trustno",
    "secret",
    "roundtable",
)

#: Letters beside a breached word that still leave it a breached word ("passwords1").
MAX_EXTRA_LETTERS = 2

LOOK_ALIKES = str.maketrans({"@": "a", "4": "a", "8": "b", "3": "e", "1": "i", "!": "i",
                             "0": "o", "$": "s", "5": "s", "7": "t", "+": "t"})  # fmt: skip


def _longest_sequence_run(password: str) -> int:
    """Length of the longest stretch of ``password`` found in any sequence, either direction."""
    text = password.lower()
    haystacks = [run * 2 for run in SEQUENCES] + [run[::-1] * 2 for run in SEQUENCES]
    longest = 0
    for start in range(len(text)):
        # Only stretches longer than the best so far are worth looking for.
        end = start + longest + 1
        while end <= len(text) and any(text[start:end] in hay for hay in haystacks):
            longest = end - start
            end += 1
    return longest


def _is_disguised_breached_word(password: str) -> bool:
    """True for a breached word said more than once, or padded with digits, symbols and at most
    a couple of letters, once look-alike characters are read as the letters they stand for."""
    letters_only = re.sub(r"[^a-z]", "", password.lower())
    # Look-alikes are swapped one for one, so positions in ``undisguised`` match ``password``.
    undisguised = password.lower().translate(LOOK_ALIKES)
    for word in BREACHED_WORDS:
        repeats = len(letters_only) // len(word)
        if repeats >= 1 and letters_only == word * repeats:
            return True
        start = undisguised.find(word)
        if start >= 0:
            padding = password[:start] + password[start + len(word) :]
            if sum(character.isalpha() for character in padding) <= MAX_EXTRA_LETTERS:
                return True
    return False


class BreachedStylePasswordValidator:
    """Refuses repeated characters, keyboard runs and common words padded or disguised."""

    def validate(self, password: str, user: Any = None) -> None:
        if len(set(password.lower())) < MIN_DISTINCT_CHARACTERS:
            raise ValidationError(
                _(
                    "Your password repeats the same few characters. "
                    "Use a longer mix, such as three random words."
                ),
                code="password_repetitive",
            )
        if _longest_sequence_run(password) >= len(password) - MAX_PADDING:
            raise ValidationError(
                _("Your password is a keyboard or alphabet pattern, which is easy to guess."),
                code="password_keyboard_pattern",
            )
        if _is_disguised_breached_word(password):
            raise ValidationError(
                _(
                    "Your password is a common password with numbers or symbols added, "
                    "which is easy to guess."
                ),
                code="password_breached",
            )

    def get_help_text(self) -> str:
        return _(
            "Your password cannot be a common password, a keyboard pattern "
            "or the same few characters repeated."
        )
