"""Schema checking: a schema that contradicts itself is refused with words naming the field."""

from __future__ import annotations

import pytest

from roundtable.customforms.schema import SchemaInvalid, schema_clean, schema_problems
from roundtable.customforms.tests.schemas import CASE, DASH_LIKE, EVERY_TYPE, PROFILE


def _problems(fields, **extra):
    return schema_problems({"fields": fields, **extra}, record_kind=CASE)


def test_every_field_type_schema_is_accepted_and_spelt_out_in_full():
    schema = schema_clean(EVERY_TYPE, record_kind=CASE)
    by_key = {field["key"]: field for field in schema["fields"]}
    assert by_key["nickname"] == {
        "key": "nickname",
        "type": "text",
        "label": "Known as",
        "hint": "",
        "required": False,
        "section": "summary",
        "promote": False,
        "validation": {"max_length": 40},
    }
    assert by_key["places"]["choices"][0] == {"value": "Home", "label": "Home"}
    assert by_key["weapon_kind"]["show_when"] == {"field": "weapon", "in": [True]}
    assert by_key["school_name"]["show_when"] == {"field": "places", "in": ["Street", "School"]}
    assert schema["scoring"]["weights"]["weapon"] == {"yes": 5, "no": 0}
    assert schema["scoring"]["section"] == "risk"


def test_a_clean_schema_is_its_own_normal_form():
    once = schema_clean(EVERY_TYPE, record_kind=CASE)
    assert schema_clean(once, record_kind=CASE) == once


def test_a_bare_list_of_fields_in_the_old_case_type_format_is_accepted():
    old = [
        {"key": "risk", "label": "Risk", "type": "choice", "required": True, "choices": ["Low"]},
        {"key": "hate", "label": "Hate motivated", "type": "yes_no"},
    ]
    schema = schema_clean(old, record_kind=CASE)
    assert schema["fields"][0]["choices"] == [{"value": "Low", "label": "Low"}]
    assert "scoring" not in schema


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        (
            [{"key": "a", "label": "A", "type": "text"}] * 2,
            "Field 'a': the key is used more than once",
        ),
        ([{"key": "b", "label": "B", "type": "choice"}], "Field 'b': a choice field needs a list"),
        ([{"key": "c", "label": "C", "type": "colour"}], "Field 'c': the type must be one of text"),
        (
            [{"key": "Bad Key", "label": "D", "type": "text"}],
            "the key must start with a lower-case",
        ),
        ([{"key": "e", "type": "text"}], "Field 'e': give it a label"),
        (
            [{"key": "f", "label": "F", "type": "choice", "choices": ["X", "X"]}],
            "Field 'f': each choice must appear once",
        ),
        (
            [{"key": "g", "label": "G", "type": "text", "choices": ["X"]}],
            "Field 'g': only a choice field can have choices",
        ),
        (
            [{"key": "h", "label": "H", "type": "text", "validation": {"pattern": "^a+$"}}],
            "Field 'h': unknown validation pattern for type text",
        ),
        (
            [{"key": "i", "label": "I", "type": "number", "validation": {"min": 5, "max": 1}}],
            "Field 'i': validation 'min' is more than 'max'",
        ),
        (
            [
                {
                    "key": "j",
                    "label": "J",
                    "type": "date",
                    "validation": {"not_future": True, "not_past": True},
                }
            ],
            "Field 'j': a date cannot be both",
        ),
        (
            [{"key": "k", "label": "K", "type": "text", "section": "offending"}],
            "Field 'k': the section must be one this record has: summary, members",
        ),
        (
            [{"key": "l", "label": "L", "type": "text", "colour": "red"}],
            "Field 'l': unknown settings colour",
        ),
        (
            [{"key": "m", "label": "M", "type": "text", "required": "yes"}],
            "Field 'm': 'required' must be true or false",
        ),
        (
            [{"key": "n", "label": "N", "type": "long_text", "promote": True}],
            "Field 'n': answers of type long_text cannot be used to filter or sort",
        ),
        (
            [{"key": "o", "label": "O", "type": "text", "validation": {"max_length": 50000}}],
            "Field 'o': validation 'max_length' can be at most 2000",
        ),
    ],
)
def test_a_self_contradicting_field_is_refused_naming_it(fields, words):
    problems = _problems(fields)
    assert any(words in problem for problem in problems), problems


def test_a_condition_must_name_an_earlier_field():
    problems = _problems(
        [
            {
                "key": "later",
                "label": "Later",
                "type": "text",
                "show_when": {"field": "gate", "equals": True},
            },
            {"key": "gate", "label": "Gate", "type": "yes_no"},
        ]
    )
    assert problems == [
        "Field 'later': 'show_when' must name an earlier field; 'gate' is not one before it."
    ]


def test_a_required_field_that_can_never_be_shown_is_refused():
    problems = _problems(
        [
            {"key": "risk", "label": "Risk", "type": "choice", "choices": ["Low", "High"]},
            {
                "key": "plan",
                "label": "Safety plan",
                "type": "long_text",
                "required": True,
                "show_when": {"field": "risk", "equals": "Extreme"},
            },
        ]
    )
    assert problems == ["Field 'plan': it can never be shown: 'risk' has no choice Extreme."]


def test_a_condition_can_only_test_a_yes_no_or_choice_field():
    problems = _problems(
        [
            {"key": "count", "label": "Count", "type": "number"},
            {
                "key": "why",
                "label": "Why",
                "type": "text",
                "show_when": {"field": "count", "equals": 3},
            },
        ]
    )
    assert "can only test a yes or no or a choice field" in problems[0]


def test_a_profile_form_must_say_which_section_each_answer_belongs_to():
    problems = schema_problems([{"key": "a", "label": "A", "type": "text"}], record_kind=PROFILE)
    assert problems[0].startswith("Field 'a': say which section its answers belong to: identity")
    assert (
        schema_problems(
            [{"key": "a", "label": "A", "type": "text", "section": "offending"}],
            record_kind=PROFILE,
        )
        == []
    )


def test_too_many_promoted_fields_of_one_kind_are_refused():
    fields = [{"key": f"n{i}", "label": "N", "type": "number", "promote": True} for i in range(4)]
    assert _problems(fields) == ["At most 3 number fields can be used to filter or sort; 4 are."]


@pytest.mark.parametrize(
    ("scoring", "words"),
    [
        ({"method": "average"}, "Scoring: the method must be one of count_yes, weighted_sum"),
        ({"method": "count_yes", "fields": ["q99"]}, "Scoring: 'q99' is not a yes or no field"),
        ({"method": "weighted_sum", "weights": {"q99": 1}}, "there is no field 'q99' to weigh"),
        (
            {"method": "weighted_sum", "weights": {"q01": 5000}},
            "Scoring of 'q01': a yes or no weight must be a number between -1000 and 1000",
        ),
        (
            {
                "method": "count_yes",
                "levels": [
                    {"min": 1, "max": 10, "level": "Standard"},
                    {"min": 10, "level": "High"},
                ],
            },
            "levels 'Standard' and 'High' overlap",
        ),
        ({"method": "count_yes", "levels": [{"min": "one", "level": "Low"}]}, "level 1 needs"),
    ],
)
def test_scoring_rules_must_fit_the_fields(scoring, words):
    fields = [{"key": "q01", "label": "Q1", "type": "yes_no"}]
    problems = _problems(fields, scoring=scoring)
    assert any(words in problem for problem in problems), problems


def test_choice_weights_must_name_real_choices():
    problems = _problems(
        [{"key": "risk", "label": "Risk", "type": "choice", "choices": ["Low", "High"]}],
        scoring={"method": "weighted_sum", "weights": {"risk": {"Extreme": 3}}},
    )
    assert problems == ["Scoring of 'risk': there is no choice Extreme to weigh."]


def test_every_problem_is_listed_at_once():
    with pytest.raises(SchemaInvalid) as refused:
        schema_clean(
            [{"key": "a", "label": "", "type": "text"}, {"key": "b", "label": "B", "type": "x"}],
            record_kind=CASE,
        )
    assert len(refused.value.problems) == 2


def test_the_dash_like_checklist_counts_every_question():
    schema = schema_clean(DASH_LIKE, record_kind=CASE)
    assert len(schema["scoring"]["fields"]) == 24
    assert [band["level"] for band in schema["scoring"]["levels"]] == [
        "Standard",
        "Medium",
        "High",
    ]


def test_something_that_is_not_a_schema_at_all_is_refused_plainly():
    assert schema_problems("fields", record_kind=CASE) == [
        "The schema must be an object with a list of fields."
    ]
    assert schema_problems({"fields": [], "pages": 3}, record_kind=CASE) == [
        "Unknown schema settings pages."
    ]
