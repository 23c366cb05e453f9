"""Likely duplicates: scores, what each viewer may see of them, and recorded candidate pairs."""

from __future__ import annotations

from datetime import date

import pytest

from roundtable.records.models import DuplicateCandidate, DuplicateStatus, Identifier
from roundtable.records.services.duplicates import (
    duplicate_candidates_record,
    profile_duplicate_candidates,
    record_duplicate_candidates,
)
from roundtable.records.services.profiles import profile_update
from roundtable.sharing import policy
from roundtable.sharing.models import Visibility
from roundtable.sharing.services import record_set_visibility
from roundtable.sharing.tests.factories import profile_for

BORN = date(1990, 4, 1)


def team(user):
    return user.memberships.get().team


def person(owner, **fields):
    return profile_for(owner, team(owner), **fields)


def viewer(user):
    return policy.viewer_for_user(user)


def check(user, given_name, family_name, date_of_birth=BORN, identifiers=()):
    return profile_duplicate_candidates(
        viewer=viewer(user),
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        identifiers=identifiers,
    )


def test_same_identifier_is_certain_whatever_the_name(personas):
    held = person(personas.alice, given_name="Quinn", family_name="Ashgrove")
    Identifier.objects.create(profile=held, kind="nhs", value="9434765919")
    [found] = check(
        personas.alice, "Totally", "Different", date(1970, 1, 1), [("nhs", "943 476 5919")]
    )
    assert found.hit.code == str(held.code)
    assert found.score == 100
    assert found.level == "Certain"
    assert found.reasons == ["Same NHS number"]


def test_same_folded_names_and_date_of_birth_is_high(personas):
    known = person(personas.alice, given_name="Zoë", family_name="O'Brien")
    [found] = check(personas.alice, "zoe", "OBRIEN")
    assert found.hit.code == str(known.code)
    assert (found.score, found.level) == (90, "High")
    assert found.reasons == ["Same name and date of birth"]


def test_surname_sounding_the_same_with_the_same_date_of_birth_is_medium(personas):
    known = person(personas.alice, given_name="Morgan", family_name="Stephenson")
    [found] = check(personas.alice, "Alex", "Stevenson")
    assert found.hit.code == str(known.code)
    assert (found.score, found.level) == (70, "Medium")


def test_similar_first_name_and_same_year_of_birth_is_medium(personas):
    known = person(
        personas.alice, given_name="John", family_name="Stephenson", date_of_birth=date(1990, 9, 9)
    )
    [found] = check(personas.alice, "Jon", "Stevenson")
    assert found.hit.code == str(known.code)
    assert found.score == 60
    assert "similar first name" in found.reasons[0]


def test_different_year_and_first_name_is_no_match(personas):
    person(
        personas.alice,
        given_name="Morgan",
        family_name="Stephenson",
        date_of_birth=date(1991, 4, 1),
    )
    person(
        personas.alice,
        given_name="Xavier",
        family_name="Stephenson",
        date_of_birth=date(1990, 9, 9),
    )
    assert check(personas.alice, "Alex", "Stevenson") == []


def test_results_are_ordered_by_score(personas):
    high = person(personas.alice, given_name="Morgan", family_name="Stephenson")
    medium = person(personas.alice, given_name="Alex", family_name="Stevenson")
    found = check(personas.alice, "Morgan", "Stephenson")
    assert [summary.hit.code for summary in found] == [str(high.code), str(medium.code)]


def test_partner_sees_a_signpost_only_candidate(personas):
    known = person(personas.alice, given_name="Morgan", family_name="Stephenson")
    [found] = check(personas.carol, "Morgan", "Stephenson")
    assert found.hit.code == str(known.code)
    assert not found.hit.is_full
    assert found.hit.url == ""
    assert found.hit.name == "Morgan STEPHENSON"
    assert found.hit.gender == ""
    assert found.hit.agencies == ["Testshire Police"]


def test_colleague_sees_a_full_candidate(personas):
    person(personas.alice, given_name="Morgan", family_name="Stephenson")
    [found] = check(personas.bob, "Morgan", "Stephenson")
    assert found.hit.is_full
    assert found.hit.shows_identity


def test_hidden_candidate_is_not_revealed_to_outsiders_but_is_to_its_owner(personas):
    known = person(personas.alice, given_name="Morgan", family_name="Stephenson")
    Identifier.objects.create(profile=known, kind="nhs", value="9434765919")
    record_set_visibility(
        actor=personas.alice,
        record=known,
        visibility=Visibility.HIDDEN,
        expected_version=known.version,
        reason="Protected witness (test)",
    )
    for outsider in (personas.bob, personas.carol, personas.dave):
        assert check(outsider, "Morgan", "Stephenson", identifiers=[("nhs", "9434765919")]) == []
    [found] = check(personas.alice, "Morgan", "Stephenson")
    assert found.hit.code == str(known.code)


def test_merged_profiles_are_not_offered(personas):
    survivor = person(personas.alice, given_name="Morgan", family_name="Stephenson")
    merged = person(personas.alice, given_name="Morgan", family_name="Stephenson")
    merged.merged_into = survivor
    merged.save(update_fields=["merged_into"])
    assert [s.hit.code for s in check(personas.alice, "Morgan", "Stephenson")] == [
        str(survivor.code)
    ]


def test_malformed_identifiers_are_ignored_not_raised(personas):
    assert check(personas.alice, "Nobody", "Atall", identifiers=[("nhs", "not a number")]) == []


def test_likely_duplicates_fragment_renders_signposts_without_links(personas, rf):
    from django.template.loader import render_to_string

    person(personas.alice, given_name="Morgan", family_name="Stephenson")
    html = render_to_string(
        "records/duplicates/_likely_duplicates.html",
        {"candidates": check(personas.carol, "Morgan", "Stephenson")},
    )
    assert "This person may already be known" in html
    assert "Morgan STEPHENSON" in html
    assert "Open record" not in html


# --- recorded pairs ---------------------------------------------------------------------------


def test_recording_candidates_stores_an_ordered_pair_with_score_and_reasons(personas):
    older = person(personas.alice, given_name="Morgan", family_name="Stephenson")
    newer = person(personas.carol, given_name="Morgan", family_name="Stephenson")
    assert duplicate_candidates_record(profile=newer) == 1
    pair = DuplicateCandidate.objects.get()
    assert (pair.first_id, pair.second_id) == (older.pk, newer.pk)
    assert pair.score == 90
    assert pair.reasons == ["Same name and date of birth"]
    assert pair.status == DuplicateStatus.OPEN


def test_recording_again_does_not_duplicate_or_reopen_a_decided_pair(personas):
    person(personas.alice, given_name="Morgan", family_name="Stephenson")
    newer = person(personas.alice, given_name="Morgan", family_name="Stephenson")
    duplicate_candidates_record(profile=newer)
    DuplicateCandidate.objects.update(status=DuplicateStatus.NOT_DUPLICATE)
    assert duplicate_candidates_record(profile=newer) == 1
    assert DuplicateCandidate.objects.get().status == DuplicateStatus.NOT_DUPLICATE


def test_an_open_pair_that_no_longer_matches_is_removed(personas):
    person(personas.alice, given_name="Morgan", family_name="Stephenson")
    newer = person(personas.alice, given_name="Morgan", family_name="Stephenson")
    duplicate_candidates_record(profile=newer)
    updated = profile_update(
        actor=personas.alice,
        profile=newer,
        expected_version=newer.version,
        date_of_birth=date(2001, 2, 3),
    )
    assert duplicate_candidates_record(profile=updated) == 0
    assert not DuplicateCandidate.objects.exists()


def test_background_task_records_candidates(personas):
    person(personas.alice, given_name="Morgan", family_name="Stephenson")
    newer = person(personas.alice, given_name="Morgan", family_name="Stephenson")
    assert record_duplicate_candidates.call(newer.pk) == 1
    assert record_duplicate_candidates.call(999_999) == 0


@pytest.mark.parametrize("given", ["Morgan", "MORGAN", "Mórgan"])
def test_candidates_ignore_case_and_accents(personas, given):
    known = person(personas.alice, given_name="Morgan", family_name="Stephenson")
    [found] = check(personas.alice, given, "stephenson")
    assert (found.hit.code, found.score) == (str(known.code), 90)
