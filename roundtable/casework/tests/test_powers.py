"""The calendar arithmetic and ladders behind every statutory period."""

from __future__ import annotations

from datetime import date

import pytest

from roundtable.casework import powers
from roundtable.casework.powers import EnforcementKind


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 3, 15), 12, date(2027, 3, 15)),
        (date(2026, 3, 31), 6, date(2026, 9, 30)),  # September has 30 days
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),  # 2028 is a leap year
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 7, 1), -6, date(2026, 1, 1)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
    ],
)
def test_adding_months_keeps_the_day_or_clamps_to_the_months_last(start, months, expected):
    assert powers.add_months(start, months) == expected


def test_age_turns_on_the_birthday():
    born = date(2011, 6, 1)
    assert powers.age_on(born, date(2026, 5, 31)) == 14
    assert powers.age_on(born, date(2026, 6, 1)) == 15


def test_every_power_is_for_a_person_or_premises_and_the_ladders_are_in_escalation_order():
    assert set(EnforcementKind) == powers.FOR_PERSON | powers.FOR_PREMISES
    person = [kind for rung in powers.PERSON_LADDER for kind in rung.kinds]
    order = list(EnforcementKind)
    assert person == sorted(person, key=order.index)
    assert powers.rung_of(powers.PERSON_LADDER, EnforcementKind.DISPERSAL) is None
    assert powers.rung_of(powers.PREMISES_LADDER, EnforcementKind.CLOSURE_ORDER) == 4
    assert powers.PERSON_LADDER[4].label == "Civil injunction or criminal behaviour order"
