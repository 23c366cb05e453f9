"""Rendering: each field type as its GOV.UK component, conditional reveal, answers as read."""

from __future__ import annotations

import re

import pytest

from roundtable.customforms.models import FormVersion
from roundtable.customforms.rendering import answers_for, error_links, render_form
from roundtable.customforms.schema import schema_clean
from roundtable.customforms.tests.schemas import CASE, DASH_KEYS, DASH_LIKE, EVERY_TYPE
from roundtable.sharing import policy

EVERY = FormVersion(number=1, schema=schema_clean(EVERY_TYPE, record_kind=CASE))
DASH = FormVersion(number=1, schema=schema_clean(DASH_LIKE, record_kind=CASE))
ALL_SECTIONS = frozenset({"summary", "members", "diary", "documents", "risk", "tasks"})


def html(values=None, errors=None, version=EVERY) -> str:
    return str(render_form(version, values or {}, errors or {}, policy.NOBODY))


def group(markup: str, key: str) -> str:
    """The markup of one question (its form group, with anything nested in it)."""
    start = markup.index(f'data-field="{key}"')
    following = re.search(
        r'<div class="govuk-form-group[^"]*" data-field="(?!' + key + ")", markup[start:]
    )
    return markup[start : start + following.start()] if following else markup[start:]


@pytest.mark.parametrize(
    ("key", "component"),
    [
        (
            "nickname",
            'class="govuk-input" id="id_field_nickname" name="field_nickname" type="text"',
        ),
        ("account", '<textarea class="govuk-textarea" id="id_field_account" name="field_account"'),
        ("incidents", 'inputmode="decimal"'),
        ("first_report", 'class="govuk-date-input"'),
        ("weapon", 'class="govuk-radios" data-module="govuk-radios"'),
        (
            "places",
            'class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes"',
        ),
        ("nationality", '<select class="govuk-select" id="id_field_nationality"'),
        ("home", 'name="field_home-postcode"'),
        ("contact", "The person&#x27;s reference, or the address of their page"),
        ("letter", "The document&#x27;s reference, or the address of its page"),
        ("risk_level", 'type="radio" value="High"'),
    ],
)
def test_each_field_type_is_drawn_as_its_govuk_component(key, component):
    assert component in group(html(), key)


def test_a_date_is_three_inputs_named_for_the_day_month_and_year():
    markup = group(html({"first_report": "2026-01-05"}), "first_report")
    assert 'name="field_first_report-day" type="text" inputmode="numeric" value="5"' in markup
    assert 'name="field_first_report-month" type="text" inputmode="numeric" value="1"' in markup
    assert 'name="field_first_report-year" type="text" inputmode="numeric" value="2026"' in markup


def test_a_country_select_lists_countries_with_the_answer_selected():
    markup = group(html({"nationality": "FR"}), "nationality")
    assert '<option value="FR" selected>France</option>' in markup
    assert markup.count("<option") > 200


def test_a_question_revealed_by_one_answer_is_nested_under_that_answer():
    markup = html({"weapon": True})
    weapon = group(markup, "weapon")
    assert 'value="yes" checked data-aria-controls="conditional-id_field_weapon"' in weapon
    # Revealed (the answer is chosen): the conditional block is not hidden.
    assert '<div class="govuk-radios__conditional" id="conditional-id_field_weapon">' in weapon
    assert 'data-field="weapon_kind"' in weapon
    # A reveal inside a reveal: "Other" reveals the description, hidden until chosen.
    hidden = 'class="govuk-radios__conditional govuk-radios__conditional--hidden"'
    assert f'{hidden} id="conditional-id_field_weapon_kind-2"' in weapon
    assert "govuk-radios--inline" not in weapon  # GOV.UK: inline radios never reveal


def test_an_unrevealed_question_starts_hidden_and_stays_in_the_page_without_javascript():
    weapon = group(html(), "weapon")
    assert 'class="govuk-radios__conditional govuk-radios__conditional--hidden"' in weapon
    assert 'name="field_weapon_kind"' in weapon


def test_a_condition_on_several_answers_is_explained_in_the_hint_and_checked_by_the_server():
    markup = group(html(), "school_name")
    words = "Answer only if the answer to ‘Where it happens’ is ‘Street’ or ‘School’."  # noqa: RUF001
    assert words in markup
    assert 'aria-describedby="id_field_school_name-hint"' in markup


def test_the_markup_is_strict_csp_safe():
    markup = html({"weapon": True}, {"account": ["Enter What happened."]})
    assert "<script" not in markup
    assert " style=" not in markup
    assert not re.search(r"\son[a-z]+=", markup)


def test_errors_sit_by_their_question_and_link_from_the_summary():
    markup = html(errors={"account": ["Enter What happened."]})
    account = group(markup, "account")
    assert 'class="govuk-form-group govuk-form-group--error" data-field="account"' in markup
    assert 'id="id_field_account-error"' in account
    assert 'aria-describedby="id_field_account-error"' in account
    assert "govuk-textarea--error" in account
    assert error_links(EVERY, {"account": ["Enter What happened."], "weapon": ["Select yes"]}) == [
        ("#id_field_account", "Enter What happened."),
        ("#id_field_weapon", "Select yes"),
    ]


def test_what_was_typed_is_shown_again_after_an_error():
    markup = html({"incidents": "lots", "places": ["School"], "home": {"line1": "1 Test St"}})
    assert 'value="lots"' in group(markup, "incidents")
    assert 'value="School" checked' in group(markup, "places")
    assert 'value="1 Test St"' in group(markup, "home")


def test_questions_outside_the_writers_sections_are_not_drawn():
    markup = str(render_form(EVERY, {}, {}, policy.NOBODY, writable_sections={"summary"}))
    assert 'data-field="risk_level"' not in markup
    assert 'data-field="places"' not in markup
    assert 'data-field="account"' in markup


# --- answers as read ---------------------------------------------------------------------------


def test_answers_are_shown_in_question_order_with_readable_values():
    values = {
        "account": "Noise",
        "weapon": True,
        "weapon_kind": "knife",
        "nationality": "FR",
        "places": ["Home", "School"],
        "home": {"line1": "1 Test Street", "line2": "", "town": "Testbury", "postcode": "SW1A 1AA"},
    }
    answers = answers_for(EVERY, values, policy.NOBODY, sections=ALL_SECTIONS)
    shown = {row.label: row.value for row in answers.rows if row.answered}
    assert shown["Was a weapon used"] == "Yes"
    assert shown["Kind of weapon"] == "Knife"
    assert shown["Nationality"] == "France"
    assert shown["Where it happens"] == ["Home", "School"]
    assert shown["Home address"] == ["1 Test Street", "Testbury", "SW1A 1AA"]
    assert "Describe the weapon" not in {row.label for row in answers.rows}  # hidden, not asked


def test_answers_in_sections_the_reader_cannot_see_are_withheld_and_the_sections_named():
    values = {"account": "Noise", "risk_level": "High", "weapon": True}
    answers = answers_for(EVERY, values, policy.NOBODY, sections=frozenset({"summary"}))
    labels = {row.label for row in answers.rows}
    assert "Risk level" not in labels and "Where it happens" not in labels
    assert answers.withheld_sections == ["Risk"]
    assert answers.score is None  # the score belongs to the risk section


def test_the_score_and_its_working_are_shown_to_a_reader_of_its_section():
    values = {key: position < 11 for position, key in enumerate(DASH_KEYS)}
    answers = answers_for(DASH, values, policy.NOBODY, sections=ALL_SECTIONS)
    assert answers.score is not None
    assert (answers.score_text, answers.score.level) == ("11", "Medium")
    assert len(answers.working) == 11


def test_unanswered_questions_that_are_still_asked_show_as_not_answered():
    answers = answers_for(EVERY, {"account": "Noise"}, policy.NOBODY, sections=ALL_SECTIONS)
    unanswered = {row.label for row in answers.rows if not row.answered}
    assert "Known as" in unanswered
    assert "Kind of weapon" not in unanswered  # hidden: its gate was not answered yes


def test_answers_of_an_older_version_keep_their_labels_and_say_they_are_no_longer_asked():
    old = FormVersion(
        number=1,
        schema=schema_clean(
            [
                {"key": "location", "label": "Location", "type": "text"},
                {"key": "count", "label": "Number of incidents", "type": "number"},
            ],
            record_kind=CASE,
        ),
    )
    new = FormVersion(
        number=2,
        schema=schema_clean(
            [{"key": "count", "label": "Incidents reported", "type": "number"}], record_kind=CASE
        ),
    )

    answers = answers_for(
        old,
        {"location": "Test Park", "count": 3},
        policy.NOBODY,
        sections=ALL_SECTIONS,
        current=new,
    )
    rows = {row.label: row.no_longer_asked for row in answers.rows}
    assert rows == {"Location": True, "Number of incidents": False}
    assert (answers.version_number, answers.current_number) == (1, 2)
