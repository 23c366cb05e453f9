"""The national person search page: matching, signposts, hidden records, anti-fishing, audit."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent, Outcome
from roundtable.records.models import Address, Identifier, ProfileAlias
from roundtable.records.selectors.search import SHORTLIST
from roundtable.records.services.profiles import name_index_rebuild
from roundtable.sharing.models import Visibility
from roundtable.sharing.sections import Section
from roundtable.sharing.services import grant_create, record_set_visibility
from roundtable.sharing.tests.factories import agreement_between, profile_for

URL = "/records/search/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def team(user):
    return user.memberships.get().team


def person(owner, **fields):
    return profile_for(owner, team(owner), **fields)


def search(client, **terms):
    data = {"scope": "anywhere", **terms}
    return client.post(URL, data)


def codes(response, kind):
    return [hit.code for hit in getattr(response.context["results"], kind)]


def dob(day, month, year):
    return {"dob_day": str(day), "dob_month": str(month), "dob_year": str(year)}


# --- matching ---------------------------------------------------------------------------------


def test_search_url_is_named():
    assert reverse("records:search") == URL


def test_empty_page_shows_the_form(personas, client_for):
    response = client_for(personas.alice).get(URL)
    assert response.status_code == 200
    assert b"Search for a person" in response.content


def test_misspelt_surname_finds_the_person_by_sound(personas, client_for):
    stephenson = person(personas.alice, given_name="Morgan", family_name="Stephenson")
    response = search(client_for(personas.alice), family_name="Stevenson", **dob(1, 4, 1990))
    assert response.status_code == 200
    assert codes(response, "full") == [str(stephenson.code)]


def test_transposed_letters_are_found_when_a_date_of_birth_is_given(personas, client_for):
    stephenson = person(personas.alice, given_name="Morgan", family_name="Stephenson")
    response = search(client_for(personas.alice), family_name="Stephesnon", **dob(1, 4, 1990))
    assert codes(response, "full") == [str(stephenson.code)]


def test_accents_and_case_are_folded(personas, client_for):
    zoe = person(personas.alice, given_name="Zoë", family_name="Ó Briain")
    response = search(
        client_for(personas.alice), family_name="o briain", given_name="ZOE", **dob(1, 4, 1990)
    )
    assert codes(response, "full") == [str(zoe.code)]
    assert "Zoë" in response.content.decode()


def test_alias_is_searched(personas, client_for):
    known = person(personas.alice, given_name="Robin", family_name="Hartwell")
    ProfileAlias.objects.create(profile=known, given_name="Rob", family_name="Greymoor")
    name_index_rebuild(profile=known)
    response = search(client_for(personas.alice), family_name="Greymoor", **dob(1, 4, 1990))
    assert codes(response, "full") == [str(known.code)]


def test_closer_spelling_ranks_first(personas, client_for):
    exact = person(personas.alice, given_name="Ann", family_name="Smith")
    near = person(personas.alice, given_name="Ann", family_name="Smyth")
    response = search(client_for(personas.alice), family_name="Smith", **dob(1, 4, 1990))
    assert codes(response, "full") == [str(exact.code), str(near.code)]


def test_exact_date_of_birth_excludes_other_dates(personas, client_for):
    wanted = person(personas.alice, family_name="Quillfeather", date_of_birth=date(1985, 6, 2))
    person(personas.alice, family_name="Quillfeather", date_of_birth=date(1985, 6, 3))
    response = search(client_for(personas.alice), family_name="Quillfeather", **dob(2, 6, 1985))
    assert codes(response, "full") == [str(wanted.code)]


def test_year_of_birth_matches_the_whole_year(personas, client_for):
    january = person(personas.alice, family_name="Quillfeather", date_of_birth=date(1985, 1, 1))
    december = person(personas.alice, family_name="Quillfeather", date_of_birth=date(1985, 12, 31))
    person(personas.alice, family_name="Quillfeather", date_of_birth=date(1986, 1, 1))
    response = search(client_for(personas.alice), family_name="Quillfeather", dob_year="1985")
    assert set(codes(response, "full")) == {str(january.code), str(december.code)}


def test_a_first_name_narrows_a_search_by_year_to_people_with_a_like_first_name(
    personas, client_for
):
    born = {"date_of_birth": date(1985, 6, 3)}
    jon = person(personas.alice, given_name="Jon", family_name="Quillfeather", **born)
    jonathan = person(personas.alice, given_name="Jonathan", family_name="Quillfeather", **born)
    signposted = person(personas.carol, given_name="John", family_name="Quillfeather", **born)
    person(personas.alice, given_name="Priya", family_name="Quillfeather", **born)
    person(personas.carol, given_name="Tomasz", family_name="Quillfeather", **born)
    response = search(
        client_for(personas.alice), family_name="Quilfeather", given_name="Jon", dob_year="1985"
    )
    assert set(codes(response, "full")) == {str(jon.code), str(jonathan.code)}
    assert codes(response, "signposts") == [str(signposted.code)]
    results = response.context["results"]
    assert results.first_name_narrowed
    page = response.content.decode()
    assert 'data-testid="first-name-narrowed"' in page
    assert "Only people with a first name like “Jon” are shown" in page
    event = AuditEvent.objects.filter(action=Action.SEARCH).latest("pk")
    assert event.detail["first_name_narrowed"] is True
    assert event.result_count == 3


def test_a_first_name_does_not_narrow_a_search_by_exact_date_of_birth(personas, client_for):
    # With a full date of birth a missed match costs more than a line too many: everyone stays.
    born = {"date_of_birth": date(1985, 6, 3)}
    jon = person(personas.alice, given_name="Jon", family_name="Quillfeather", **born)
    priya = person(personas.alice, given_name="Priya", family_name="Quillfeather", **born)
    response = search(
        client_for(personas.alice),
        family_name="Quillfeather",
        given_name="Jon",
        **dob(3, 6, 1985),
    )
    assert codes(response, "full") == [str(jon.code), str(priya.code)]  # the like name first
    assert not response.context["results"].first_name_narrowed
    assert b'data-testid="first-name-narrowed"' not in response.content


def test_a_search_by_year_without_a_first_name_is_not_narrowed(personas, client_for):
    born = {"date_of_birth": date(1985, 6, 3)}
    both = {
        person(personas.alice, given_name=given, family_name="Quillfeather", **born).code
        for given in ("Jon", "Priya")
    }
    response = search(client_for(personas.alice), family_name="Quillfeather", dob_year="1985")
    assert set(codes(response, "full")) == {str(code) for code in both}
    assert not response.context["results"].first_name_narrowed


def test_a_first_name_recorded_as_an_alias_or_an_initial_keeps_the_person(personas, client_for):
    born = {"date_of_birth": date(1985, 6, 3)}
    william = person(personas.alice, given_name="William", family_name="Quillfeather", **born)
    ProfileAlias.objects.create(profile=william, given_name="Bill", family_name="Quillfeather")
    name_index_rebuild(profile=william)
    initial = person(personas.alice, given_name="B", family_name="Quillfeather", **born)
    person(personas.alice, given_name="Walter", family_name="Quillfeather", **born)
    response = search(
        client_for(personas.alice), family_name="Quillfeather", given_name="Bill", dob_year="1985"
    )
    assert set(codes(response, "full")) == {str(william.code), str(initial.code)}
    assert response.context["results"].first_name_narrowed


def test_nobody_with_a_like_first_name_says_why_the_list_is_empty(personas, client_for):
    person(
        personas.alice,
        given_name="Priya",
        family_name="Quillfeather",
        date_of_birth=date(1985, 6, 3),
    )
    response = search(
        client_for(personas.alice), family_name="Quillfeather", given_name="Jon", dob_year="1985"
    )
    assert response.context["results"].count == 0
    assert 'data-testid="first-name-narrowed"' in response.content.decode()


def test_a_hidden_record_left_out_by_the_first_name_is_not_hinted_at(personas, client_for):
    # Carol's hidden record matches the surname and year but not the first name. Alice may not
    # know it exists, so her page must not say that anyone was left out; Carol's page says so.
    hidden = person(
        personas.carol,
        given_name="Priya",
        family_name="Quillfeather",
        date_of_birth=date(1985, 6, 3),
    )
    record_set_visibility(
        actor=personas.carol,
        record=hidden,
        visibility=Visibility.HIDDEN,
        expected_version=hidden.version,
        reason="Protected witness (test)",
    )
    terms = {"family_name": "Quillfeather", "given_name": "Jon", "dob_year": "1985"}
    outsider = search(client_for(personas.alice), **terms)
    assert outsider.context["results"].count == 0
    assert not outsider.context["results"].first_name_narrowed
    assert b'data-testid="first-name-narrowed"' not in outsider.content
    owner = search(client_for(personas.carol), **terms)
    assert owner.context["results"].first_name_narrowed
    assert b'data-testid="first-name-narrowed"' in owner.content


def test_range_of_years_matches_inclusive(personas, client_for):
    inside = [
        person(personas.alice, family_name="Quillfeather", date_of_birth=date(year, 5, 5))
        for year in (1980, 1983)
    ]
    person(personas.alice, family_name="Quillfeather", date_of_birth=date(1984, 5, 5))
    response = search(
        client_for(personas.alice),
        family_name="Quillfeather",
        born_from_year="1980",
        born_to_year="1983",
    )
    assert set(codes(response, "full")) == {str(p.code) for p in inside}


def test_identifier_finds_the_person_however_it_is_typed(personas, client_for):
    held = person(personas.alice, family_name="Ashgrove")
    Identifier.objects.create(profile=held, kind="nhs", value="9434765919")
    person(personas.alice, family_name="Ashgrove", given_name="Other")
    response = search(client_for(personas.alice), identifier="943 476 5919")
    assert codes(response, "full") == [str(held.code)]


def test_identifier_of_the_wrong_kind_finds_nothing(personas, client_for):
    held = person(personas.alice, family_name="Ashgrove")
    Identifier.objects.create(profile=held, kind="nhs", value="9434765919")
    response = search(client_for(personas.alice), identifier="9434765919", identifier_kind="pnc")
    assert response.status_code == 400
    assert "PNC ID" in response.content.decode()


def test_postcode_search_of_own_records(personas, client_for):
    resident = person(personas.alice, family_name="Brackenbury")
    Address.objects.create(profile=resident, line1="1 Test Lane", postcode="SW1A 1AA")
    person(personas.alice, family_name="Elsewhere")
    response = search(client_for(personas.alice), postcode="sw1a1aa", scope="team")
    assert response.status_code == 200
    assert codes(response, "full") == [str(resident.code)]


def test_address_contains_search_of_own_records(personas, client_for):
    resident = person(personas.alice, family_name="Brackenbury")
    Address.objects.create(profile=resident, line1="14 Larkspur Close", postcode="SW1A 1AA")
    response = search(client_for(personas.alice), address="larkspur", scope="organisation")
    assert codes(response, "full") == [str(resident.code)]


def test_scope_my_team_leaves_out_other_teams_records(personas, client_for):
    mine = person(personas.alice, family_name="Tamworth")
    person(personas.bob, family_name="Tamworth")
    response = search(client_for(personas.alice), family_name="Tamworth", scope="team")
    assert codes(response, "full") == [str(mine.code)]
    assert codes(response, "signposts") == []


def test_gender_filter_applies_to_records_whose_identity_is_seen(personas, client_for):
    female = person(personas.alice, family_name="Tamworth", gender="female")
    person(personas.alice, family_name="Tamworth", gender="male")
    response = search(
        client_for(personas.alice), family_name="Tamworth", scope="team", gender="female"
    )
    assert codes(response, "full") == [str(female.code)]


def test_merged_profile_is_not_found_in_search(personas, client_for):
    survivor = person(personas.alice, family_name="Tamworth")
    merged = person(personas.alice, family_name="Tamworth")
    merged.merged_into = survivor
    merged.save(update_fields=["merged_into"])
    response = search(client_for(personas.alice), family_name="Tamworth", scope="team")
    assert codes(response, "full") == [str(survivor.code)]


# --- what each persona sees -------------------------------------------------------------------


@pytest.fixture
def jordan(personas):
    return person(personas.alice, given_name="Jordan", family_name="Fernhill")


def find_jordan(client):
    return search(client, family_name="Fernhill", **dob(1, 4, 1990))


def test_owner_gets_a_full_result_with_identity(personas, client_for, jordan):
    response = find_jordan(client_for(personas.alice))
    [hit] = response.context["results"].full
    assert hit.code == str(jordan.code)
    assert hit.shows_identity
    assert hit.url == f"/records/people/{jordan.code}/"
    assert hit.url in response.content.decode()
    assert response.context["results"].signposts == []


def test_colleague_in_owning_organisation_gets_a_full_result(personas, client_for, jordan):
    response = find_jordan(client_for(personas.bob))
    assert codes(response, "full") == [str(jordan.code)]
    assert codes(response, "signposts") == []


def test_partner_without_grant_gets_a_signpost_with_agencies(personas, client_for, jordan):
    response = find_jordan(client_for(personas.carol))
    assert codes(response, "full") == []
    [hit] = response.context["results"].signposts
    assert hit.code == str(jordan.code)
    assert hit.name == "Jordan FERNHILL"
    assert hit.date_of_birth == date(1990, 4, 1)
    assert hit.agencies == ["Testshire Police"]
    assert hit.url == ""
    assert hit.request_access_url == f"/sharing/person/{jordan.code}/request-access/"
    body = response.content.decode()
    assert hit.request_access_url in body
    assert "Jordan FERNHILL" in body
    assert "Testshire Police" in body
    assert "Gender" not in body.split("Other agencies")[1]


def test_user_of_another_partnership_gets_a_signpost(personas, client_for, jordan):
    response = find_jordan(client_for(personas.dave))
    assert codes(response, "signposts") == [str(jordan.code)]
    assert codes(response, "full") == []


def test_partner_with_a_grant_gets_a_full_result_and_grantee_is_an_agency(
    personas, client_for, jordan
):
    agreement = agreement_between(personas.alice.organisation, personas.carol.organisation)
    grant_create(
        actor=personas.alice,
        record=jordan,
        agreement=agreement,
        team=team(personas.carol),
        sections=[Section.DIARY],
    )
    carol_view = find_jordan(client_for(personas.carol))
    [hit] = carol_view.context["results"].full
    assert not hit.shows_identity
    assert hit.gender == ""
    dave_view = find_jordan(client_for(personas.dave))
    [signpost] = dave_view.context["results"].signposts
    assert signpost.agencies == ["Testshire District Council", "Testshire Police"]


def test_hidden_record_never_appears_to_outsiders(personas, client_for, jordan):
    record_set_visibility(
        actor=personas.alice,
        record=jordan,
        visibility=Visibility.HIDDEN,
        expected_version=jordan.version,
        reason="Protected witness (test)",
    )
    for outsider in (personas.bob, personas.carol, personas.dave):
        response = find_jordan(client_for(outsider))
        assert response.context["results"].count == 0
        assert "Fernhill".upper() not in response.content.decode()
    owner_view = find_jordan(client_for(personas.alice))
    assert codes(owner_view, "full") == [str(jordan.code)]


def test_hidden_record_with_a_grant_shows_identity_only_when_granted(personas, client_for, jordan):
    record_set_visibility(
        actor=personas.alice,
        record=jordan,
        visibility=Visibility.HIDDEN,
        expected_version=jordan.version,
        reason="Protected witness (test)",
    )
    agreement = agreement_between(personas.alice.organisation, personas.carol.organisation)
    grant_create(
        actor=personas.alice,
        record=jordan,
        agreement=agreement,
        team=team(personas.carol),
        sections=[Section.DIARY],
    )
    response = find_jordan(client_for(personas.carol))
    [hit] = response.context["results"].full
    assert hit.name == ""
    assert hit.date_of_birth is None
    assert "Person (name withheld)" in response.content.decode()


def test_restricted_record_is_a_signpost_to_the_owning_organisation(personas, client_for, jordan):
    record_set_visibility(
        actor=personas.alice,
        record=jordan,
        visibility=Visibility.RESTRICTED,
        expected_version=jordan.version,
        reason="Sensitive enquiry (test)",
    )
    response = find_jordan(client_for(personas.bob))
    [hit] = response.context["results"].signposts
    assert hit.restricted
    assert "Restricted" in response.content.decode()


# --- anti-fishing -----------------------------------------------------------------------------


def test_surname_alone_beyond_own_records_is_refused(personas, client_for, jordan):
    response = search(client_for(personas.carol), family_name="Fernhill")
    assert response.status_code == 400
    body = response.content.decode()
    assert "To search beyond your own records, enter a surname and a date of birth" in body
    assert "govuk-error-summary" in body
    assert "Jordan" not in body
    refused = AuditEvent.objects.get(action=Action.SEARCH)
    assert refused.outcome == Outcome.REFUSED
    assert refused.search_terms["family_name"] == "Fernhill"


def test_date_of_birth_alone_beyond_own_records_is_refused(personas, client_for, jordan):
    response = search(client_for(personas.carol), **dob(1, 4, 1990))
    assert response.status_code == 400
    assert "To search beyond your own records" in response.content.decode()


def test_surname_and_year_beyond_own_records_is_allowed(personas, client_for, jordan):
    response = search(client_for(personas.carol), family_name="Fernhill", dob_year="1990")
    assert response.status_code == 200
    assert codes(response, "signposts") == [str(jordan.code)]


def test_identifier_alone_beyond_own_records_is_allowed(personas, client_for, jordan):
    Identifier.objects.create(profile=jordan, kind="nhs", value="9434765919")
    response = search(client_for(personas.carol), identifier="9434765919")
    assert codes(response, "signposts") == [str(jordan.code)]


def test_range_wider_than_five_years_beyond_own_records_is_refused(personas, client_for):
    response = search(
        client_for(personas.carol),
        family_name="Fernhill",
        born_from_year="1980",
        born_to_year="1990",
    )
    assert response.status_code == 400
    assert "at most 5 years" in response.content.decode()


def test_surname_alone_in_own_records_is_allowed(personas, client_for, jordan):
    response = search(client_for(personas.alice), family_name="Fernhill", scope="team")
    assert response.status_code == 200
    assert codes(response, "full") == [str(jordan.code)]


def test_nothing_at_all_is_refused_even_in_own_records(personas, client_for):
    response = search(client_for(personas.alice), scope="team")
    assert response.status_code == 400
    assert "Enter a surname, a date of birth, an identifier" in response.content.decode()


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ({"dob_day": "31", "dob_month": "2", "dob_year": "1990"}, "must be a real date"),
        ({"dob_day": "1", "dob_month": "1", "dob_year": "2999"}, "must be a year between 1900"),
        ({"dob_day": "1", "dob_month": "1"}, "must include a year"),
        ({"dob_month": "1", "dob_year": "1990"}, "Enter a full date of birth"),
        ({"born_from_year": "1990"}, "Enter both years"),
        ({"born_from_year": "1991", "born_to_year": "1990"}, "same as or after the first"),
        ({"postcode": "NOT A POSTCODE"}, "Enter a real postcode"),
        ({"identifier": "hello"}, "Enter an identifier in a format we know"),
        ({"family_name": "1234"}, "Enter a surname using letters"),
        ({"scope": "everywhere"}, "Select a valid choice"),
    ],
)
def test_bad_input_gets_a_clear_message_and_no_results(personas, client_for, terms, message):
    data = {"family_name": "Fernhill", **terms}
    response = search(client_for(personas.alice), **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "results" not in response.context


def test_signed_out_user_is_sent_to_sign_in(client):
    response = client.post(URL, {"family_name": "Fernhill"})
    assert response.status_code == 302
    assert "/accounts/" in response["Location"]


# --- caps, audit and query budget -------------------------------------------------------------


def test_signposts_are_capped_at_fifty_and_the_page_says_so(personas, client_for):
    for number in range(51):
        person(personas.carol, given_name=f"Sam{chr(97 + number % 26)}", family_name="Ravensworth")
    response = search(client_for(personas.alice), family_name="Ravensworth", **dob(1, 4, 1990))
    results = response.context["results"]
    assert len(results.signposts) == 50
    assert results.signposts_capped
    assert "More than 50 matched; add details" in response.content.decode()


def test_fifty_signposts_exactly_are_not_marked_capped(personas, client_for):
    for _ in range(50):
        person(personas.carol, family_name="Ravensworth")
    response = search(client_for(personas.alice), family_name="Ravensworth", **dob(1, 4, 1990))
    assert len(response.context["results"].signposts) == 50
    assert not response.context["results"].signposts_capped
    assert b"More than 50 matched" not in response.content


def test_a_crowded_search_ranks_before_loading_and_keeps_the_closest_match(personas, client_for):
    # More candidates than the shortlist: only the best-scoring are loaded, and the page says so.
    for number in range(SHORTLIST + 5):
        person(personas.carol, given_name=f"Sam{chr(97 + number % 26)}", family_name="Ravensworth")
    mine = person(personas.alice, given_name="Quinlan", family_name="Ravensworth")
    response = search(
        client_for(personas.alice),
        family_name="Ravensworth",
        given_name="Quinlan",
        **dob(1, 4, 1990),
    )
    results = response.context["results"]
    assert results.shortlisted
    assert [hit.code for hit in results.full] == [str(mine.code)]
    assert len(results.signposts) == 50
    assert 'data-testid="shortlisted"' in response.content.decode()


def test_an_uncrowded_search_is_not_marked_shortlisted(personas, client_for, jordan):
    response = find_jordan(client_for(personas.alice))
    assert not response.context["results"].shortlisted
    assert b'data-testid="shortlisted"' not in response.content


def test_every_search_is_audited_with_terms_count_and_codes(personas, client_for, jordan):
    theirs = person(personas.carol, given_name="Jordan", family_name="Fernhill")
    find_jordan(client_for(personas.bob))
    event = AuditEvent.objects.get(action=Action.SEARCH)
    assert event.outcome == Outcome.SUCCESS
    assert event.actor_id == personas.bob.pk
    assert event.search_terms == {
        "family_name": "Fernhill",
        "scope": "anywhere",
        "born_from": "1990-04-01",
        "born_to": "1990-04-01",
    }
    assert event.result_count == 2
    assert event.detail["full"] == [str(jordan.code)]
    assert event.detail["signposts"] == [str(theirs.code)]


def _query_count(client, family_name):
    with CaptureQueriesContext(connection) as queries:
        response = search(client, family_name=family_name, **dob(1, 4, 1990))
    assert response.status_code == 200
    return len(queries), response.context["results"]


def test_search_page_query_count_does_not_grow_with_matches(personas, client_for):
    for number in range(5):
        person(personas.alice, family_name="Fewmatch", given_name=f"A{number}")
        person(personas.carol, family_name="Fewmatch", given_name=f"C{number}")
    for number in range(100):
        person(personas.alice, family_name="Manymatch", given_name=f"A{number}")
        person(personas.carol, family_name="Manymatch", given_name=f"C{number}")
    client = client_for(personas.alice)
    search(client, family_name="Warmup", **dob(1, 4, 1990))
    few, few_results = _query_count(client, "Fewmatch")
    many, many_results = _query_count(client, "Manymatch")
    assert few_results.count == 10
    assert len(many_results.full) == 50
    assert len(many_results.signposts) == 50
    assert few == many
