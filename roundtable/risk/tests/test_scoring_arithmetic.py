"""The arithmetic of harm scores on its own, worked by hand: recency bands, windows, exclusions.

Pure functions, no database: each example's sum is written out in a comment beside it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from roundtable.risk.scoring import NotCounted, OffenceFacts, Rules, add_months, recency, work_out

BANDS = ((3, Decimal(1)), (6, Decimal("0.75")), (12, Decimal("0.5")), (24, Decimal("0.25")))
TODAY = date(2026, 6, 15)


def offence(pk: int, code: str, day: date, role: str = "offender", proactive: bool = False):
    return OffenceFacts(pk, code, role, day, proactive)


def rules(weights: dict[str, str], bands=BANDS, roles=("offender", "suspect"), proactive=False):
    return Rules(
        bands=tuple(bands),
        counted_roles=frozenset(roles),
        exclude_proactive=proactive,
        weights={code: Decimal(value) for code, value in weights.items()},
    )


def test_adding_months_keeps_the_day_or_takes_the_last_day_of_a_shorter_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2025, 11, 15), 3) == date(2026, 2, 15)
    assert add_months(date(2026, 6, 15), -8) == date(2025, 10, 15)


def test_an_offence_moves_to_the_next_band_on_the_day_it_is_exactly_that_many_months_old():
    # 1 January: in the 0-3 month band until 31 March, in the 3-6 month band from 1 April.
    day = date(2026, 1, 1)
    assert recency(BANDS, day, date(2026, 3, 31)) == (Decimal(1), 0, date(2026, 4, 1))
    assert recency(BANDS, day, date(2026, 4, 1)) == (Decimal("0.75"), 1, date(2026, 7, 1))
    assert recency(BANDS, day, date(2028, 1, 1)) == (None, None, None)


def test_three_offences_at_one_four_and_eight_months_score_six_and_a_half():
    # Gravity 3, 2 and 4 at 1, 4 and 8 months old, bands 1.0 / 0.75 / 0.5:
    #   3 x 1.0 + 2 x 0.75 + 4 x 0.5 = 3 + 1.5 + 2 = 6.5
    working = work_out(
        rules({"A": "3", "B": "2", "C": "4"}),
        [
            offence(1, "A", date(2026, 5, 15)),
            offence(2, "B", date(2026, 2, 15)),
            offence(3, "C", date(2025, 10, 15)),
        ],
        as_of=TODAY,
        window_days=730,
    )
    assert working.total == Decimal("6.5")
    assert [line.contribution for line in working.lines] == [
        Decimal(3),
        Decimal("1.5"),
        Decimal(2),
    ]
    assert [line.factor for line in working.lines] == [Decimal(1), Decimal("0.75"), Decimal("0.5")]
    assert working.counted == 3
    # The first change by itself: offence 1 turns 3 months old on 15 August.
    assert working.stale_after == date(2026, 8, 15)


def test_without_bands_every_counted_offence_in_the_window_weighs_in_full():
    # CHI: 120 days (ABH) + 365 days (burglary, 11 months old) = 485; the burglary of 13 months
    # ago is outside a 365-day window but inside a 730-day one (485 + 365 = 850).
    chi = rules({"ABH": "120", "BUR": "365"}, bands=())
    offences = [
        offence(1, "ABH", date(2026, 4, 15)),
        offence(2, "BUR", date(2025, 7, 15)),
        offence(3, "BUR", date(2025, 5, 15)),
    ]
    one_year = work_out(chi, offences, as_of=TODAY, window_days=365)
    two_years = work_out(chi, offences, as_of=TODAY, window_days=730)
    assert one_year.total == Decimal(485)
    assert one_year.lines[2].reason == NotCounted.OUTSIDE_WINDOW
    assert two_years.total == Decimal(850)
    # The burglary of 15 July 2025 leaves the one-year window 365 days later, on 15 July 2026.
    assert one_year.stale_after == date(2026, 7, 15)


def test_victims_witnesses_proactive_detections_and_unweighted_categories_do_not_count():
    chi = rules({"ABH": "120", "DRG": "1", "ZERO": "0"}, bands=(), proactive=True)
    working = work_out(
        chi,
        [
            offence(1, "ABH", date(2026, 6, 1), role="victim"),
            offence(2, "ABH", date(2026, 6, 1), role="witness"),
            offence(3, "DRG", date(2026, 6, 1), proactive=True),
            offence(4, "UNKNOWN", date(2026, 6, 1)),
            offence(5, "ZERO", date(2026, 6, 1)),
            offence(6, "ABH", date(2026, 6, 1), role="suspect"),
        ],
        as_of=TODAY,
        window_days=365,
    )
    assert [line.reason for line in working.lines] == [
        NotCounted.ROLE,
        NotCounted.ROLE,
        NotCounted.PROACTIVE,
        NotCounted.NO_WEIGHT,
        NotCounted.ZERO_WEIGHT,
        "",
    ]
    assert working.total == Decimal(120)
    assert working.counted == 1


def test_an_offence_older_than_the_last_band_no_longer_counts_and_never_changes_again():
    working = work_out(
        rules({"A": "4"}), [offence(1, "A", date(2024, 6, 14))], as_of=TODAY, window_days=1000
    )
    assert working.total == 0
    assert working.lines[0].reason == NotCounted.BEYOND_BANDS
    assert working.stale_after is None
