"""Password rules beyond Django's: refuse breached-style passwords (NCSC guidance).

Django's CommonPasswordValidator refuses the 20,000 most common passwords. This adds the patterns
that breach corpora are full of and that a length rule alone lets through: one character repeated,
keyboard runs and "Password123!"-style words with padding. No composition rules.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

KEYBOARD_RUNS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890", "0987654321", "abcdefghijklmnopqrstuvwxyz")
BREACHED_WORDS = ("password", "passw0rd", "letmein", "welcome", "qwerty", "iloveyou", "admin", "roundtable", "changeme")


def _core(password: str) -> str:
    """The password without digits, symbols and case: what a cracker's rules would add back."""
    return re.sub(r"[^a-z]", "", password.lower())


class BreachedStylePasswordValidator:
    """Refuses passwords made of a repeated character, a keyboard run or a common word plus padding."""

    def validate(self, password: str, user: Any = None) -> None:
        lowered = password.lower()
        if len(set(lowered)) <= 3:
            raise ValidationError(_("This password repeats too few characters."), code="password_repetitive")
        if any(lowered in run or run.startswith(lowered[:8]) and len(lowered) >= 8 and lowered[:8] in run for run in KEYBOARD_RUNS):
            raise ValidationError(_("This password is a keyboard pattern."), code="password_keyboard")
        core = _core(password)
        if core and any(core == word or (core.startswith(word) and len(core) - len(word) <= 2) for word in BREACHED_WORDS):
            raise ValidationError(_("This password is too common: it appears in lists of breached passwords."), code="password_breached")

    def get_help_text(self) -> str:
        return _("Your password cannot be a common or breached-style password.")
