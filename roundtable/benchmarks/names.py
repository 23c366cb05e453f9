"""Invented names for generated people, with a realistic spread: a few common, a long tail.

Names are built from syllable lists, so none is taken from a list of real people, and each
generated person is a random pairing of given name, surname and date of birth that describes no
one. Frequencies follow a Zipf-like curve (the commonest surname about 1% of people, as the
commonest British surname is) so a search by surname and date of birth returns a realistic
handful. Everything is decided by the seed; nothing here touches the database.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from functools import cached_property

from roundtable.records.names import fold, phonetic

_SURNAME_HEADS = (
    "Ash", "Bar", "Brack", "Cal", "Dun", "Elm", "Fen", "Gar", "Hal", "Ket", "Lind", "Mar",
    "Nor", "Oak", "Pen", "Quill", "Rad", "Sel", "Thorn", "Wen", "Yar", "Bram", "Cors", "Dray",
    "Everd", "Fal", "Grist", "Hask", "Ivel", "Jess", "Kell", "Lov", "Merr", "Ness", "Orm",
    "Pell", "Rook", "Strat", "Tarr", "Ulver", "Vell", "Wax", "Yel", "Zen",
)  # fmt: skip
_SURNAME_MIDDLES = ("", "en", "ing", "er", "an", "ow", "el", "is", "ar", "on", "ith")
_SURNAME_TAILS = (
    "by", "ford", "ley", "ton", "well", "wick", "ham", "more", "stead", "croft", "dale",
    "field", "wood", "ridge", "hurst", "cott", "mere", "low", "brook", "gate", "son", "worth",
)  # fmt: skip
_GIVEN_HEADS = (
    "Al", "Be", "Ca", "Da", "El", "Fi", "Ja", "Ka", "Li", "Ma", "Ne", "Ori", "Pa", "Ro", "Sa",
    "Ta", "Vi", "Za", "Bry", "Cor", "Dex", "Em", "Fen", "Gil", "Har", "Ione", "Jo", "Kir",
    "Lor", "Mi", "Nol", "Os", "Pip", "Quen", "Ry", "Sol", "Tam", "Ul", "Wyn", "Yas",
)  # fmt: skip
_GIVEN_TAILS = (
    "ra", "na", "len", "ric", "bel", "den", "mon", "ssa", "tho", "vin", "ya", "lo", "an",
    "ette", "is", "o", "win", "ly", "ra", "mir", "nie", "dan",
)  # fmt: skip


def _unique(names: list[str]) -> list[str]:
    """Distinct names in first-seen order (folded keys distinct too, so counts mean people)."""
    seen: set[str] = set()
    result = []
    for name in names:
        key = fold(name)
        if key and key not in seen:
            seen.add(key)
            result.append(name)
    return result


def _surnames() -> list[str]:
    built = [
        head + middle + tail
        for head, middle, tail in itertools.product(
            _SURNAME_HEADS, _SURNAME_MIDDLES, _SURNAME_TAILS
        )
    ]
    return _unique(built)


def _given_names() -> list[str]:
    built = [head + tail for head, tail in itertools.product(_GIVEN_HEADS, _GIVEN_TAILS)]
    built += [
        head + "e" + tail.lower()
        for head, tail in itertools.product(_GIVEN_HEADS, _GIVEN_TAILS[:8])
    ]
    return _unique(built)


def _zipf_cumulative(count: int, offset: float, power: float) -> list[float]:
    total = 0.0
    cumulative = []
    for rank in range(1, count + 1):
        total += 1.0 / (rank + offset) ** power
        cumulative.append(total)
    return cumulative


@dataclass(frozen=True)
class NameBook:
    """The names a seed uses, in a seeded order of popularity, with their search keys."""

    surnames: tuple[str, ...]
    given_names: tuple[str, ...]

    @classmethod
    def for_seed(cls, seed: int) -> NameBook:
        rng = random.Random(f"names-{seed}")  # noqa: S311 -- invented data, not security
        surnames, given = _surnames(), _given_names()
        rng.shuffle(surnames)
        rng.shuffle(given)
        return cls(tuple(surnames), tuple(given))

    @cached_property
    def surname_weights(self) -> list[float]:
        # Offset 15 and power 1.02 give the commonest surname about 1% of people.
        return _zipf_cumulative(len(self.surnames), 15.0, 1.02)

    @cached_property
    def given_weights(self) -> list[float]:
        return _zipf_cumulative(len(self.given_names), 4.0, 1.0)

    @cached_property
    def surname_keys(self) -> list[tuple[str, str]]:
        """(folded, phonetic) for each surname, computed once: the same keys records.names gives."""
        return [(fold(name), phonetic(name)) for name in self.surnames]

    @cached_property
    def given_keys(self) -> list[tuple[str, str]]:
        return [(fold(name), phonetic(name)) for name in self.given_names]

    def draw_surnames(self, rng: random.Random, count: int) -> list[int]:
        """Indexes into ``surnames`` for ``count`` people."""
        return rng.choices(range(len(self.surnames)), cum_weights=self.surname_weights, k=count)

    def draw_given(self, rng: random.Random, count: int) -> list[int]:
        return rng.choices(range(len(self.given_names)), cum_weights=self.given_weights, k=count)


def misspell(name: str, rng: random.Random) -> str:
    """One typing slip: two letters swapped, one dropped or one doubled (never the first)."""
    if len(name) < 4:
        return name + name[-1]
    position = rng.randrange(1, len(name) - 1)
    slip = rng.randrange(3)
    if slip == 0 and name[position] != name[position + 1]:
        return name[:position] + name[position + 1] + name[position] + name[position + 2 :]
    if slip in (0, 1):
        return name[:position] + name[position + 1 :]
    return name[:position] + name[position] + name[position:]
