"""Name keys and how alike two first names must be for a search by year to keep a person."""

from __future__ import annotations

import pytest

from roundtable.records.names import fold, given_name_resembles, phonetic


def resembles(recorded: str, typed: str) -> bool:
    return given_name_resembles(fold(recorded), phonetic(recorded), fold(typed), phonetic(typed))


@pytest.mark.parametrize(
    ("recorded", "typed"),
    [
        ("Jonathan", "Jon"),  # the typed name starts the recorded one
        ("J", "John"),  # an initial recorded
        ("John", "Jon"),  # spelt alike
        ("Sarah", "Sara"),
        ("Mohammed", "Mohamed"),
        ("Stephen", "Steven"),  # sound alike
        ("Zoë", "zoe"),  # accents and case folded
        ("Mary Ann", "Mary"),  # a second first name
        ("Tomasz", "Thomas"),  # the same name in another language, spelt alike
    ],
)
def test_first_names_that_could_be_the_same_person_resemble(recorded, typed):
    assert resembles(recorded, typed)


@pytest.mark.parametrize(
    ("recorded", "typed"),
    [
        ("Priya", "Jon"),
        ("Walter", "Bill"),
        ("William", "Bill"),  # a nickname sharing nothing: found only as a recorded alias
        ("Grace", "Jon"),
    ],
)
def test_unrelated_first_names_do_not_resemble(recorded, typed):
    assert not resembles(recorded, typed)
