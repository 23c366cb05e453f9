"""Stored harm scores against hand-worked examples, through the real services and database:
CHI and RFG, a change of weights (a new version scored in the background), decay with time,
and the promise that an offence changing touches only its person's rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from roundtable.risk.models import HarmModelKind, HarmModelStatus, HarmScore, OffenceRole
from roundtable.risk.services.offences import OffenceDetails, offence_remove, offence_update
from roundtable.risk.services.scoring import (
    harm_model_rescore,
    harm_scores_refresh_due,
    harm_scores_refresh_person,
)
from roundtable.risk.tests.risk_helpers import (
    TODAY,
    at,
    classification,
    partnership_of,
    person,
    publish,
    record,
    team_of,
)

RFG_BANDS = ((3, "1"), (6, "0.75"), (12, "0.5"), (24, "0.25"))


def score(profile, model, window=365) -> Decimal | None:
    row = HarmScore.objects.filter(profile=profile, model=model, window_days=window).first()
    return row.total if row else None


@pytest.fixture
def testshire(personas):
    partnership = partnership_of(personas.alice)
    return partnership, classification(partnership)


@time_machine.travel(TODAY, tick=False)
def test_rfg_three_offences_at_one_four_and_eight_months_score_six_and_a_half(personas, testshire):
    partnership, categories = testshire
    # Gravity: ABH 3, burglary 2, criminal damage 4; bands 1.0 / 0.75 / 0.5 / 0.25.
    rfg = publish(
        partnership,
        HarmModelKind.RFG,
        {"VAP-ABH": 3, "BUR-DWL": 2, "CD-DAM": 4},
        bands=RFG_BANDS,
        windows=(730,),
    )
    jordan = person(personas.alice, "Jordan", "Example")
    record(personas.alice, jordan, categories["VAP-ABH"], date(2026, 5, 15))  # 1 month:  3 x 1
    record(personas.alice, jordan, categories["BUR-DWL"], date(2026, 2, 15))  # 4 months: 2 x 0.75
    record(personas.alice, jordan, categories["CD-DAM"], date(2025, 10, 15))  # 8 months: 4 x 0.5
    # 3 + 1.5 + 2 = 6.5
    assert score(jordan, rfg, 730) == Decimal("6.5")
    row = HarmScore.objects.get(profile=jordan, model=rfg)
    assert row.offences_counted == 3
    assert row.as_of == TODAY
    assert row.stale_after == date(2026, 8, 15)


@time_machine.travel(TODAY, tick=False)
def test_chi_counts_offenders_and_suspects_in_the_window_and_leaves_out_proactive_finds(
    personas, testshire
):
    partnership, categories = testshire
    chi = publish(
        partnership,
        HarmModelKind.CHI,
        {"VAP-ABH": 120, "BUR-DWL": 365, "DRG-POS": 1, "VAP-CMN": 10},
        exclude_proactive=True,
        windows=(365, 730),
    )
    sam = person(personas.alice, "Sam", "Sample")
    record(personas.alice, sam, categories["VAP-ABH"], date(2026, 4, 15))  # 120
    record(personas.alice, sam, categories["BUR-DWL"], date(2025, 7, 15), role="suspect")  # 365
    record(personas.alice, sam, categories["DRG-POS"], date(2026, 5, 15), proactive=True)  # out
    record(personas.alice, sam, categories["VAP-CMN"], date(2026, 5, 1), role="victim")  # out
    record(personas.alice, sam, categories["BUR-DWL"], date(2025, 5, 15))  # 13 months: 730 only
    # One year: 120 + 365 = 485. Two years: 485 + 365 = 850.
    assert score(sam, chi, 365) == Decimal(485)
    assert score(sam, chi, 730) == Decimal(850)


@time_machine.travel(TODAY, tick=False)
def test_a_change_of_weights_is_a_new_version_scored_in_the_background(personas, testshire):
    partnership, categories = testshire
    first = publish(
        partnership,
        HarmModelKind.RFG,
        {"VAP-ABH": 3, "BUR-DWL": 2, "CD-DAM": 4},
        bands=RFG_BANDS,
        windows=(730,),
    )
    jordan = person(personas.alice, "Jordan", "Example")
    record(personas.alice, jordan, categories["VAP-ABH"], date(2026, 5, 15))
    record(personas.alice, jordan, categories["BUR-DWL"], date(2026, 2, 15))
    record(personas.alice, jordan, categories["CD-DAM"], date(2025, 10, 15))
    assert score(jordan, first, 730) == Decimal("6.5")

    # New weights: ABH 5, burglary 2, criminal damage 1; new bands 6:1, 12:0.5.
    second = publish(
        partnership,
        HarmModelKind.RFG,
        {"VAP-ABH": 5, "BUR-DWL": 2, "CD-DAM": 1},
        bands=((6, "1"), (12, "0.5")),
        windows=(730,),
        rescore=False,
    )
    # Until the background task has run, the first version stays in use, untouched.
    first.refresh_from_db()
    assert (first.status, second.status) == (HarmModelStatus.ACTIVE, HarmModelStatus.PENDING)
    assert score(jordan, first, 730) == Decimal("6.5")

    assert harm_model_rescore(model_id=second.pk) == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (HarmModelStatus.SUPERSEDED, HarmModelStatus.ACTIVE)
    # 5 x 1 (1 month) + 2 x 1 (4 months) + 1 x 0.5 (8 months) = 5 + 2 + 0.5 = 7.5
    assert score(jordan, second, 730) == Decimal("7.5")
    assert not HarmScore.objects.filter(model=first).exists()


@time_machine.travel(TODAY, tick=False)
def test_an_offence_recorded_while_a_version_is_being_scored_counts_in_it(personas, testshire):
    partnership, categories = testshire
    publish(partnership, HarmModelKind.CHI, {"VAP-ABH": 100}, windows=(365,))
    pending = publish(partnership, HarmModelKind.CHI, {"VAP-ABH": 200}, rescore=False)
    jordan = person(personas.alice, "Jordan", "Example")
    record(personas.alice, jordan, categories["VAP-ABH"], date(2026, 6, 1))
    assert score(jordan, pending) == Decimal(200)
    harm_model_rescore(model_id=pending.pk)
    assert score(jordan, pending) == Decimal(200)


def test_scores_decay_on_the_day_an_offence_reaches_the_next_band_and_not_before(
    personas, testshire
):
    partnership, categories = testshire
    with time_machine.travel(TODAY, tick=False):
        rfg = publish(
            partnership,
            HarmModelKind.RFG,
            {"VAP-ABH": 3, "BUR-DWL": 2, "CD-DAM": 4},
            bands=RFG_BANDS,
            windows=(730,),
        )
        jordan = person(personas.alice, "Jordan", "Example")
        record(personas.alice, jordan, categories["VAP-ABH"], date(2026, 5, 15))
        record(personas.alice, jordan, categories["BUR-DWL"], date(2026, 2, 15))
        record(personas.alice, jordan, categories["CD-DAM"], date(2025, 10, 15))
        quiet = person(personas.alice, "Quinn", "Quiet")
        record(personas.alice, quiet, categories["VAP-ABH"], date(2026, 6, 10))
    quiet_row = HarmScore.objects.get(profile=quiet)

    with time_machine.travel(date(2026, 8, 14), tick=False):
        assert harm_scores_refresh_due() == 0
        assert score(jordan, rfg, 730) == Decimal("6.5")

    with time_machine.travel(date(2026, 8, 15), tick=False):
        # Only Jordan's total changes today: 3 x 0.75 + 2 x 0.5 + 4 x 0.5 = 2.25 + 1 + 2 = 5.25
        assert harm_scores_refresh_due() == 1
        assert score(jordan, rfg, 730) == Decimal("5.25")
    # Quinn's row was not rewritten (same row, same day it was worked out).
    assert HarmScore.objects.get(profile=quiet).pk == quiet_row.pk
    assert HarmScore.objects.get(profile=quiet).as_of == TODAY


@time_machine.travel(TODAY, tick=False)
def test_changing_or_removing_an_offence_rescores_that_person_only(personas, testshire):
    partnership, categories = testshire
    chi = publish(partnership, HarmModelKind.CHI, {"VAP-ABH": 120, "BUR-DWL": 365})
    jordan = person(personas.alice, "Jordan", "Example")
    others = [person(personas.alice, f"Other{n}", "Person") for n in range(3)]
    offence = record(personas.alice, jordan, categories["VAP-ABH"], date(2026, 5, 1))
    for other in others:
        record(personas.alice, other, categories["BUR-DWL"], date(2026, 5, 1))
    before = {row.pk: row.as_of for row in HarmScore.objects.exclude(profile=jordan)}
    assert score(jordan, chi) == Decimal(120)

    alice_team = team_of(personas.alice)
    changed = offence_update(
        actor=personas.alice,
        team=alice_team,
        profile=jordan,
        offence=offence,
        expected_version=offence.version,
        details=OffenceDetails(
            category=categories["BUR-DWL"],
            role=OffenceRole.OFFENDER,
            occurred_at=at(date(2026, 5, 1)),
            time_known=True,
            disposal="charged",
            source_organisation=alice_team.organisation,
        ),
    )
    assert score(jordan, chi) == Decimal(365)
    offence_remove(
        actor=personas.alice,
        team=alice_team,
        profile=jordan,
        offence=changed,
        expected_version=changed.version,
        reason="Recorded on the wrong person (test).",
    )
    assert score(jordan, chi) is None
    after = {row.pk: row.as_of for row in HarmScore.objects.exclude(profile=jordan)}
    assert after == before


@time_machine.travel(TODAY, tick=False)
def test_rescoring_one_person_costs_the_same_queries_however_many_people_there_are(
    personas, testshire, django_assert_num_queries
):
    partnership, categories = testshire
    publish(partnership, HarmModelKind.CHI, {"VAP-ABH": 120}, windows=(365, 730))
    publish(partnership, HarmModelKind.RFG, {"VAP-ABH": 3}, bands=RFG_BANDS, windows=(730,))
    jordan = person(personas.alice, "Jordan", "Example")
    record(personas.alice, jordan, categories["VAP-ABH"], date(2026, 5, 1))
    # Six queries (the owner's partnership, the offences, the versions, their weights, delete,
    # insert) plus the savepoint and its release around them.
    with django_assert_num_queries(8):
        assert harm_scores_refresh_person(profile_id=jordan.pk) == 3
    for n in range(20):
        other = person(personas.alice, f"Other{n}", "Person")
        record(personas.alice, other, categories["VAP-ABH"], date(2026, 4, 1))
    with django_assert_num_queries(8):
        assert harm_scores_refresh_person(profile_id=jordan.pk) == 3


@time_machine.travel(TODAY, tick=False)
def test_recording_an_offence_reads_nothing_it_already_checked(
    personas, testshire, django_assert_max_num_queries
):
    partnership, categories = testshire
    publish(partnership, HarmModelKind.CHI, {"VAP-ABH": 120})
    jordan = person(personas.alice, "Jordan", "Example")
    record(personas.alice, jordan, categories["VAP-ABH"], date(2026, 5, 1))
    # The acting team's role and the person's access row, the insert, the touch of the record
    # (two updates), the rescoring (eight, above), the audit event, and the savepoints around
    # them: 18 when this was written. ``full_clean`` had added 25 (each related row read again,
    # and each of the model's six constraints tried in a savepoint of its own).
    with django_assert_max_num_queries(20) as captured:
        record(personas.alice, jordan, categories["VAP-ABH"], date(2026, 5, 2))
    assert not [q for q in captured.captured_queries if '"_check"' in q["sql"]]


@time_machine.travel(TODAY, tick=False)
def test_rfg_can_take_its_gravity_from_the_chi_days_in_use(personas, testshire):
    partnership, categories = testshire
    publish(partnership, HarmModelKind.CHI, {"VAP-ABH": 120, "BUR-DWL": 365})
    rfg = publish(
        partnership, HarmModelKind.RFG, {}, bands=RFG_BANDS, windows=(730,), gravity_from_chi=True
    )
    jordan = person(personas.alice, "Jordan", "Example")
    record(personas.alice, jordan, categories["VAP-ABH"], date(2026, 5, 15))  # 120 x 1
    record(personas.alice, jordan, categories["BUR-DWL"], date(2025, 12, 15))  # 365 x 0.5
    # 120 + 182.5 = 302.5
    assert score(jordan, rfg, 730) == Decimal("302.5")


@time_machine.travel(TODAY, tick=False)
def test_a_person_known_only_to_another_partnership_is_not_scored_by_this_one(personas, testshire):
    partnership, _categories = testshire
    chi = publish(partnership, HarmModelKind.CHI, {"VAP-ABH": 120})
    elsewhere = partnership_of(personas.dave)
    far_categories = classification(elsewhere)
    far_chi = publish(elsewhere, HarmModelKind.CHI, {"VAP-ABH": 50})
    far = person(personas.dave, "Far", "Away")
    record(personas.dave, far, far_categories["VAP-ABH"], date(2026, 6, 1))
    assert score(far, far_chi) == Decimal(50)
    assert score(far, chi) is None


def test_weights_out_of_range_unknown_categories_and_bad_bands_are_named_and_nothing_written(
    personas, testshire
):
    partnership, _categories = testshire
    with pytest.raises(ValidationError) as refused:
        publish(
            partnership,
            HarmModelKind.RFG,
            {"VAP-ABH": 3, "NOPE-1": 2, "BUR-DWL": -1},
            bands=((6, "0.5"), (3, "1.5")),
        )
    messages = " ".join(refused.value.messages)
    assert "Category NOPE-1 is not in the partnership's offence classification" in messages
    assert "Category BUR-DWL: the weight -1 must be between 0 and 1000" in messages
    assert "Each band must end later than the one before it" in messages
    assert "The factor 1.5 must be more than 0 and at most 1" in messages
    assert not HarmScore.objects.exists()
    from roundtable.risk.models import HarmModel

    assert not HarmModel.objects.exists()
