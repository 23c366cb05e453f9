"""Strict parsing of environment variables for settings.

Every reader names the variable in its error, so a malformed value stops start-up with a message an
operator can act on. Never log a value read here: some are secrets.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


class EnvError(Exception):
    """A required environment variable is missing or malformed."""


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    value = (environ if environ is not None else os.environ).get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name: str, default: str = "", *, environ: Mapping[str, str] | None = None) -> str:
    """A plain string; the default when unset or blank."""
    value = _raw(name, environ)
    return default if value is None else value


def env_bool(name: str, default: bool = False, *, environ: Mapping[str, str] | None = None) -> bool:
    """A yes/no flag. Anything but the usual words is an error rather than a silent False."""
    value = _raw(name, environ)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    raise EnvError(f"{name} must be one of true/false, yes/no, on/off or 1/0, not {value!r}.")


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """A whole number, optionally bounded."""
    value = _raw(name, environ)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise EnvError(f"{name} must be a whole number, not {value!r}.") from None
    if minimum is not None and number < minimum:
        raise EnvError(f"{name} must be at least {minimum}, not {number}.")
    if maximum is not None and number > maximum:
        raise EnvError(f"{name} must be at most {maximum}, not {number}.")
    return number


def env_list(
    name: str, default: list[str] | None = None, *, environ: Mapping[str, str] | None = None
) -> list[str]:
    """A comma-separated list; blank items are dropped."""
    value = _raw(name, environ)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(
    name: str, choices: tuple[str, ...], default: str, *, environ: Mapping[str, str] | None = None
) -> str:
    """One of a fixed set of words."""
    value = _raw(name, environ)
    if value is None:
        return default
    if value not in choices:
        raise EnvError(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
    return value


def env_secret(
    name: str, *, required: bool, fallback: str = "", environ: Mapping[str, str] | None = None
) -> str:
    """A secret: required in production, never echoed back in an error."""
    value = _raw(name, environ)
    if value is None:
        if required:
            raise EnvError(f"{name} is required (set it in the environment; see .env.example).")
        return fallback
    if required and len(value) < 32:
        raise EnvError(f"{name} must be at least 32 characters long.")
    return value


_RATE_UNITS = {"s": 1, "m": 60, "h": 3600}


def parse_rate(text: str) -> tuple[int, int]:
    """'30/10m' -> (30, 600): a count per window of seconds (s), minutes (m) or hours (h)."""
    count_text, _, window_text = text.strip().partition("/")
    window_text = window_text.strip().lower()
    unit = _RATE_UNITS.get(window_text[-1:]) if window_text else None
    amount_text = window_text[:-1] or "1"
    if unit is None or not count_text.strip().isdigit() or not amount_text.isdigit():
        raise ValueError(text)
    count, window = int(count_text), int(amount_text) * unit
    if count < 1 or window < 1:
        raise ValueError(text)
    return count, window


def env_rate(
    name: str, default: str, *, environ: Mapping[str, str] | None = None
) -> tuple[int, int]:
    """A rate limit such as '30/10m' (30 in any 10 minutes), as (count, window in seconds)."""
    value = _raw(name, environ)
    try:
        return parse_rate(value if value is not None else default)
    except ValueError:
        raise EnvError(
            f"{name} must be a count per period, like 30/10m, 100/1h or 5/30s, not {value!r}."
        ) from None
