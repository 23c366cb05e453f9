"""Scoring: count of yes answers with DASH-like bands, weighted sums, and the working shown."""

from __future__ import annotations

from decimal import Decimal

import pytest

from roundtable.customforms.models import FormVersion
from roundtable.customforms.schema import schema_clean
from roundtable.customforms.scoring import score
from roundtable.customforms.tests.schemas import CASE, DASH_KEYS, DASH_LIKE, EVERY_TYPE
from roundtable.customforms.validation import form_values_clean
from roundtable.sharing import policy

DASH = schema_clean(DASH_LIKE, record_kind=CASE)
EVERY = schema_clean(EVERY_TYPE, record_kind=CASE)


def dash_answers(yes: int) -> dict[str, bool]:
    """The first ``yes`` questions answered yes, the rest no."""
    return {key: position < yes for position, key in enumerate(DASH_KEYS)}


@pytest.mark.parametrize(
    ("yes", "level"),
    [
        (0, None),
        (1, "Standard"),
        (9, "Standard"),
        (10, "Medium"),
        (13, "Medium"),
        (14, "High"),
        (24, "High"),
    ],
)
def test_dash_like_checklist_levels_follow_the_published_bands(yes, level):
    result = score(DASH, dash_answers(yes))
    assert result is not None
    assert result.score == yes
    assert result.level == level


def test_the_working_names_each_yes_answer_and_its_point():
    answers = {"q02": True, "q14": True, "q15": True, "q01": False}
    result = score(DASH, answers)
    assert result is not None
    assert [(item.key, item.answer, item.points) for item in result.contributions] == [
        ("q02", "Yes", Decimal(1)),
        ("q14", "Yes", Decimal(1)),
        ("q15", "Yes", Decimal(1)),
    ]
    assert result.contributions[1].label == (
        "Has the abuser ever threatened to kill the victim or someone else"
    )


def test_unanswered_questions_add_nothing():
    result = score(DASH, {})
    assert result is not None
    assert (result.score, result.level, result.contributions) == (Decimal(0), None, ())


def test_weighted_sum_adds_yes_choice_several_choice_and_number_weights():
    answers = {"weapon": True, "incidents": 3, "places": ["Home", "School"], "risk_level": "High"}
    result = score(EVERY, answers)
    assert result is not None
    assert result.score == Decimal("16.5")  # 5 + 3 x 0.5 + (1 + 3) + 6
    assert result.level == "Serious"
    working = {item.key: (item.answer, item.points) for item in result.contributions}
    assert working == {
        "incidents": ("3", Decimal("1.5")),
        "weapon": ("Yes", Decimal(5)),
        "places": ("Home, School", Decimal(4)),
        "risk_level": ("High", Decimal(6)),
    }


def test_a_change_of_weights_in_a_new_version_changes_the_score_of_the_same_answers():
    answers = {"weapon": True, "risk_level": "Medium"}
    reweighted = {**EVERY_TYPE, "scoring": {**EVERY_TYPE["scoring"], "weights": {"weapon": 2}}}
    first = score(EVERY, answers)
    second = score(schema_clean(reweighted, record_kind=CASE), answers)
    assert first is not None and second is not None
    assert (first.score, first.level) == (Decimal(7), "Raised")
    assert (second.score, second.level) == (Decimal(2), "Low")


def test_a_hidden_answer_never_counts_because_it_is_dropped_before_scoring():
    gated = {
        "fields": [
            {"key": "children", "label": "Children in the home", "type": "yes_no"},
            {
                "key": "child_harmed",
                "label": "Has a child been harmed",
                "type": "yes_no",
                "show_when": {"field": "children", "equals": True},
            },
        ],
        "scoring": {"method": "count_yes"},
    }
    version = FormVersion(number=1, schema=schema_clean(gated, record_kind=CASE))
    answers = form_values_clean(
        version=version, payload={"children": "no", "child_harmed": "yes"}, viewer=policy.NOBODY
    )
    result = score(version.schema, answers)
    assert result is not None
    assert result.score == 0


def test_working_in_sections_a_reader_cannot_see_is_summed_not_listed():
    answers = {"weapon": True, "risk_level": "High"}
    result = score(EVERY, answers)
    assert result is not None
    summary_only = frozenset({"summary"})
    assert [item.key for item in result.contributions_in(summary_only)] == ["weapon"]
    assert result.points_withheld(summary_only) == 6


def test_a_form_without_scoring_has_no_score():
    assert score({"fields": []}, {}) is None
