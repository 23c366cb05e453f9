"""Server-side validation of answers: each field type, conditions, unknown keys, linked records."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from roundtable.casework.models import Document
from roundtable.customforms.models import FormVersion
from roundtable.customforms.schema import schema_clean
from roundtable.customforms.tests.schemas import CASE, EVERY_TYPE
from roundtable.customforms.validation import (
    FormValuesInvalid,
    form_values_clean,
    payload_from_post,
)
from roundtable.records.tests.case_helpers import hidden_profile, team_of
from roundtable.sharing import policy
from roundtable.sharing.tests.factories import profile_for

NOBODY = policy.NOBODY


def version_of(schema) -> FormVersion:
    return FormVersion(number=1, schema=schema_clean(schema, record_kind=CASE))


EVERY = version_of(EVERY_TYPE)
BASE = {"account": "Shouting in the stairwell"}


def clean(payload, version=EVERY, viewer=NOBODY, **options):
    return form_values_clean(version=version, payload=payload, viewer=viewer, **options)


def refused(payload, version=EVERY, viewer=NOBODY, **options) -> dict[str, list[str]]:
    with pytest.raises(FormValuesInvalid) as error:
        clean(payload, version, viewer, **options)
    return error.value.errors


@pytest.mark.parametrize(
    ("key", "raw", "stored"),
    [
        ("nickname", "  Jay  ", "Jay"),
        ("account", "Line one\nLine two", "Line one\nLine two"),
        ("incidents", "12", 12),
        ("incidents", 7, 7),
        ("incidents", "1,200".replace("1,200", "120"), 120),
        ("first_report", "2026-01-05", "2026-01-05"),
        ("first_report", "5/1/2026", "2026-01-05"),
        ("first_report", {"day": "5", "month": "1", "year": "2026"}, "2026-01-05"),
        ("weapon", "No", False),
        ("weapon", False, False),
        ("places", ["School", "Home", "Home"], ["Home", "School"]),
        ("places", "Street", ["Street"]),
        ("nationality", "fr", "FR"),
        ("nationality", "France", "FR"),
        (
            "home",
            {"line1": "1 Test Street", "postcode": "sw1a1aa"},
            {"line1": "1 Test Street", "line2": "", "town": "", "postcode": "SW1A 1AA"},
        ),
        ("risk_level", "High", "High"),
    ],
)
def test_each_field_type_is_stored_as_its_declared_type(key, raw, stored):
    with time_machine.travel("2026-03-27 12:00:00Z"):
        assert clean({**BASE, key: raw})[key] == stored


@pytest.mark.parametrize(
    ("key", "raw", "words"),
    [
        ("nickname", 12, "Known as must be text."),
        ("nickname", "x" * 41, "Known as must be 40 characters or fewer."),
        ("nickname", "bad\x00byte", "must not contain control characters"),
        ("account", "x" * 20001, "What happened must be 20,000 characters or fewer."),
        ("incidents", "many", "Number of incidents must be a number, like 12 or 3.5."),
        ("incidents", True, "must be a number"),
        ("incidents", "2.5", "Number of incidents must be a whole number"),
        ("incidents", -1, "Number of incidents must be 0 or more."),
        ("incidents", 501, "Number of incidents must be 500 or less."),
        ("incidents", "NaN", "must be a number"),
        ("incidents", "1e400", "must be a number"),
        ("first_report", "2026-02-30", "First reported must be a real date"),
        ("first_report", "yesterday", "First reported must be a real date"),
        ("first_report", "2026-04-01", "First reported must be today or in the past."),
        ("first_report", {"day": "1", "month": "13", "year": "2026"}, "must be a real date"),
        ("weapon", "perhaps", "Select yes or no for Was a weapon used."),
        ("weapon", 1, "Select yes or no"),
        ("places", ["Garden"], "Choose from the options for Where it happens."),
        ("places", [["Home"]], "Choose from the options"),
        ("nationality", "Atlantis", "Choose a country from the list for Nationality."),
        ("home", {"line1": "1 Test Street", "postcode": "NOT A CODE"}, "Enter a real postcode"),
        ("home", {"postcode": "SW1A 1AA"}, "Enter the first line of Home address."),
        ("home", {"line1": "1 Test Street", "flat": "2"}, "Give Home address as address lines"),
        ("home", "1 Test Street", "Give Home address as address lines"),
        ("risk_level", "Extreme", "Choose one of the options for Risk level."),
        ("contact", "not a reference", "Enter the reference for Main contact"),
        ("letter", 42, "Enter the reference for Warning letter"),
    ],
)
def test_each_field_type_refuses_a_wrong_value_with_words_naming_it(key, raw, words):
    with time_machine.travel("2026-03-27 12:00:00Z"):
        errors = refused({**BASE, key: raw})
    assert list(errors) == [key]
    assert words in errors[key][0]


def test_required_answers_must_be_given_and_blank_means_not_answered():
    assert refused({}) == {"account": ["Enter What happened."]}
    assert refused({"account": "   "}) == {"account": ["Enter What happened."]}
    assert clean({**BASE, "nickname": "", "places": [], "home": {"line1": ""}}) == {
        "account": "Shouting in the stairwell"
    }


def test_unknown_keys_are_refused_so_nothing_is_written_outside_the_schema():
    errors = refused({**BASE, "shoe_size": 9, "is_admin": True})
    assert errors == {"__all__": ["This form has no field called shoe_size, is_admin."]}


def test_a_payload_that_is_not_an_object_is_refused():
    assert refused(["account", "text"]) == {
        "__all__": ["Give the answers as an object of field keys and values."]
    }


def test_a_hidden_field_is_not_required_and_what_was_sent_for_it_is_dropped():
    answers = clean({**BASE, "weapon": "no", "weapon_kind": "knife", "weapon_detail": "A bat"})
    assert answers == {**BASE, "weapon": False}


def test_a_shown_conditional_field_is_required_and_validated():
    assert refused({**BASE, "weapon": "yes"}) == {"weapon_kind": ["Select Kind of weapon."]}
    errors = refused({**BASE, "weapon": "yes", "weapon_kind": "other"})
    assert errors == {"weapon_detail": ["Enter Describe the weapon."]}
    answers = clean({**BASE, "weapon": "yes", "weapon_kind": "other", "weapon_detail": "A bat"})
    assert answers["weapon_detail"] == "A bat"


def test_a_chain_of_conditions_hides_everything_below_a_hidden_field():
    answers = clean({**BASE, "weapon": "no", "weapon_kind": "other", "weapon_detail": "A bat"})
    assert "weapon_detail" not in answers


def test_a_condition_on_several_choices_of_a_multiple_choice_field():
    assert "school_name" not in clean({**BASE, "places": ["Home"], "school_name": "Test High"})
    shown = clean({**BASE, "places": ["Street"], "school_name": "Test High"})
    assert shown["school_name"] == "Test High"


def test_answers_in_sections_the_writer_may_not_change_keep_their_stored_values():
    existing = {**BASE, "risk_level": "High", "places": ["Home"]}
    answers = clean({**BASE, "nickname": "Jay"}, writable_sections={"summary"}, existing=existing)
    assert answers == {**BASE, "nickname": "Jay", "risk_level": "High", "places": ["Home"]}
    errors = refused(
        {**BASE, "risk_level": "Medium"}, writable_sections={"summary"}, existing=existing
    )
    assert errors == {"risk_level": ["You cannot change Risk level."]}


def test_a_date_can_be_limited_to_the_future():
    version = version_of(
        [{"key": "due", "label": "Due", "type": "date", "validation": {"not_past": True}}]
    )
    with time_machine.travel("2026-03-27 12:00:00Z"):
        assert clean({"due": "2026-03-27"}, version) == {"due": "2026-03-27"}
        assert refused({"due": "2026-03-26"}, version) == {
            "due": ["Due must be today or in the future."]
        }


def test_choice_counts_can_be_limited():
    version = version_of(
        [
            {
                "key": "needs",
                "label": "Needs",
                "type": "multi_choice",
                "choices": ["A", "B", "C", "D"],
                "validation": {"min_choices": 3},
            }
        ]
    )
    assert refused({"needs": ["A", "B"]}, version) == {
        "needs": ["Choose at least 3 options for Needs."]
    }
    assert clean({"needs": ["D", "A", "B"]}, version) == {"needs": ["A", "B", "D"]}


# --- linked people and documents: only what the writer may see ------------------------------


def test_a_person_link_must_be_a_person_the_writer_may_see(personas):
    alice_team = team_of(personas.alice)
    visible = profile_for(personas.alice, alice_team)
    hidden = hidden_profile(personas.bob, team_of(personas.bob))
    viewer = policy.viewer_for_user(personas.alice)
    answers = clean(
        {**BASE, "contact": f"https://rt.invalid/records/people/{visible.code}/"}, viewer=viewer
    )
    assert answers["contact"] == str(visible.code)
    not_found = "No person with that reference was found. Check the reference and try again."
    assert refused({**BASE, "contact": str(hidden.code)}, viewer=viewer) == {"contact": [not_found]}
    missing = "00000000-0000-4000-8000-000000000000"
    assert refused({**BASE, "contact": missing}, viewer=viewer) == {"contact": [not_found]}


def test_a_file_must_be_a_document_on_a_record_whose_documents_the_writer_sees(personas):
    alice_team = team_of(personas.alice)
    carol_team = team_of(personas.carol)
    mine = Document.objects.create(
        profile=profile_for(personas.alice, alice_team),
        title="Warning letter",
        added_by=personas.alice,
        added_by_team=alice_team,
    )
    theirs = Document.objects.create(
        profile=profile_for(personas.carol, carol_team),
        title="Council letter",
        added_by=personas.carol,
        added_by_team=carol_team,
    )
    viewer = policy.viewer_for_user(personas.alice)
    assert clean({**BASE, "letter": str(mine.code)}, viewer=viewer)["letter"] == str(mine.code)
    assert refused({**BASE, "letter": str(theirs.code)}, viewer=viewer) == {
        "letter": ["No document with that reference was found. Check the reference and try again."]
    }


# --- from a GOV.UK form post -------------------------------------------------------------------


def test_a_form_post_becomes_a_payload_of_the_schemas_keys_only(rf):
    request = rf.post(
        "/",
        {
            "field_account": "Noise",
            "field_first_report-day": "5",
            "field_first_report-month": "1",
            "field_first_report-year": "2026",
            "field_places": ["Home", "School"],
            "field_home-line1": "1 Test Street",
            "field_home-postcode": "SW1A 1AA",
            "field_weapon": "no",
            "field_is_admin": "yes",
            "title": "Not a form field",
        },
    )
    payload = payload_from_post(EVERY, request.POST)
    assert payload == {
        "account": "Noise",
        "first_report": {"day": "5", "month": "1", "year": "2026"},
        "places": ["Home", "School"],
        "home": {"line1": "1 Test Street", "line2": "", "town": "", "postcode": "SW1A 1AA"},
        "weapon": "no",
    }
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        assert clean(payload)["first_report"] == "2026-01-05"
