"""Duplicate review pages: who may review, what the pair page shows, and the two decisions."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent
from roundtable.directory.models import Capability, Role
from roundtable.directory.tests.factories import MembershipFactory, UserFactory, grant
from roundtable.records.models import Address, DuplicateCandidate, DuplicateStatus, ProfileMerge
from roundtable.sharing.models import Visibility
from roundtable.sharing.sections import Section
from roundtable.sharing.services import grant_create, record_set_visibility
from roundtable.sharing.tests.factories import agreement_between, profile_for

LIST = "/records/duplicates/"


def team(user):
    return user.memberships.get().team


def person(owner, **fields):
    return profile_for(owner, team(owner), **fields)


def candidate_for(one, other, score=90):
    first, second = sorted([one, other], key=lambda profile: profile.pk)
    return DuplicateCandidate.objects.create(
        first=first, second=second, score=score, reasons=["Same name and date of birth"]
    )


def pair_url(candidate, action=""):
    base = f"/records/duplicates/{candidate.first.code}/{candidate.second.code}/"
    return base + (f"{action}/" if action else "")


@pytest.fixture
def asb_pair(personas):
    one = person(personas.alice, given_name="Morgan", family_name="Stephenson")
    other = person(personas.alice, given_name="Morgan", family_name="Stephenson")
    Address.objects.create(profile=one, line1="9 Test Row", postcode="SW1A 1AA")
    return candidate_for(one, other)


@pytest.fixture
def cross_pair(personas):
    ours = person(personas.alice, given_name="Morgan", family_name="Stephenson")
    theirs = person(personas.carol, given_name="Morgan", family_name="Stephenson")
    return candidate_for(ours, theirs)


def share_identity_with_police(personas, candidate):
    council_record = (
        candidate.first
        if candidate.first.owning_organisation_id == personas.carol.organisation_id
        else candidate.second
    )
    agreement = agreement_between(personas.carol.organisation, personas.alice.organisation)
    grant_create(
        actor=personas.carol,
        record=council_record,
        agreement=agreement,
        organisation=personas.alice.organisation,
        sections=[Section.IDENTITY],
    )
    return council_record


def council_manager(personas):
    user = UserFactory(
        email="manager@council.testshire.invalid",
        full_name="Cass Councilman",
        organisation=personas.carol.organisation,
    )
    MembershipFactory(user=user, team=team(personas.carol), role=Role.TEAM_MANAGER)
    return user


def test_urls_are_named(asb_pair):
    assert reverse("records:duplicate_list") == LIST
    assert reverse(
        "records:duplicate_detail",
        kwargs={"first": asb_pair.first.code, "second": asb_pair.second.code},
    ) == pair_url(asb_pair)


# --- who may review ---------------------------------------------------------------------------


def test_team_manager_sees_the_pairs_their_team_owns(personas, client_for, asb_pair):
    response = client_for(personas.spoc).get(LIST)
    assert response.status_code == 200
    assert pair_url(asb_pair) in response.content.decode()
    assert "Morgan STEPHENSON" in response.content.decode()


@pytest.mark.parametrize("url_of", [lambda c: LIST, pair_url])
def test_practitioner_is_refused_the_review_pages(personas, client_for, asb_pair, url_of):
    assert client_for(personas.alice).get(url_of(asb_pair)).status_code == 403


def test_partnership_admin_who_is_not_a_team_manager_is_refused(personas, client_for, asb_pair):
    grant(personas.alice, Capability.PARTNERSHIP_ADMIN)
    client = client_for(personas.alice)
    assert client.get(LIST).status_code == 403
    response = client.post(pair_url(asb_pair, "not-duplicate"), {"reason": "Different"})
    assert response.status_code == 403
    assert DuplicateCandidate.objects.get().status == DuplicateStatus.OPEN


def test_manager_of_another_team_gets_404_for_the_pair(personas, client_for, asb_pair):
    client = client_for(council_manager(personas))
    assert client.get(LIST).status_code == 200
    assert pair_url(asb_pair) not in client.get(LIST).content.decode()
    assert client.get(pair_url(asb_pair)).status_code == 404
    assert client.post(pair_url(asb_pair, "merge"), {"reason": "x"}).status_code == 404


def test_pair_with_a_record_the_manager_cannot_see_is_not_listed(personas, client_for, cross_pair):
    client = client_for(personas.spoc)
    assert pair_url(cross_pair) not in client.get(LIST).content.decode()
    assert client.get(pair_url(cross_pair)).status_code == 404


def test_decided_pairs_are_not_listed(personas, client_for, asb_pair):
    DuplicateCandidate.objects.update(status=DuplicateStatus.NOT_DUPLICATE)
    response = client_for(personas.spoc).get(LIST)
    assert "There are no pairs for you to review" in response.content.decode()
    assert client_for(personas.spoc).get(pair_url(asb_pair)).status_code == 404


# --- the pair page ----------------------------------------------------------------------------


def test_pair_page_shows_only_sections_the_reviewer_may_see(personas, client_for, cross_pair):
    council_record = share_identity_with_police(personas, cross_pair)
    Address.objects.create(profile=council_record, line1="3 Secret Street", postcode="SW1A 2AA")
    response = client_for(personas.spoc).get(pair_url(cross_pair))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("Morgan STEPHENSON") == 2
    assert "3 Secret Street" not in body
    assert "Withheld from you: Contact details and addresses and Warning markers" in body
    assert "Only a team that owns both records can merge them" in body
    viewed = set(AuditEvent.objects.filter(action=Action.VIEW).values_list("target_id", flat=True))
    assert viewed == {str(cross_pair.first.code), str(cross_pair.second.code)}


def test_merge_of_a_pair_owned_by_two_teams_is_refused(personas, client_for, cross_pair):
    share_identity_with_police(personas, cross_pair)
    response = client_for(personas.spoc).post(
        pair_url(cross_pair, "merge"),
        {"survivor": str(cross_pair.first.code), "reason": "Same person"},
    )
    assert response.status_code == 403
    assert not ProfileMerge.objects.exists()


def test_not_a_duplicate_records_the_decision_on_both_records(personas, client_for, cross_pair):
    share_identity_with_police(personas, cross_pair)
    response = client_for(personas.spoc).post(
        pair_url(cross_pair, "not-duplicate"), {"reason": "Different middle names (test)"}
    )
    assert response.status_code == 302
    assert response["Location"] == LIST
    candidate = DuplicateCandidate.objects.get()
    assert candidate.status == DuplicateStatus.NOT_DUPLICATE
    assert candidate.reviewed_by_id == personas.spoc.pk
    assert candidate.review_note == "Different middle names (test)"
    events = AuditEvent.objects.filter(action=Action.UPDATE, actor_id=personas.spoc.pk)
    assert {event.target_id for event in events} == {
        str(cross_pair.first.code),
        str(cross_pair.second.code),
    }


def test_not_a_duplicate_needs_a_reason(personas, client_for, asb_pair):
    response = client_for(personas.spoc).post(pair_url(asb_pair, "not-duplicate"), {"reason": ""})
    assert response.status_code == 400
    assert "Say why these are different people" in response.content.decode()
    assert DuplicateCandidate.objects.get().status == DuplicateStatus.OPEN


def test_merge_from_the_pair_page_then_history_explains_it(personas, client_for, asb_pair):
    client = client_for(personas.spoc)
    keep = asb_pair.second
    response = client.post(
        pair_url(asb_pair, "merge"),
        {"survivor": str(keep.code), "reason": "Same person, same address (test)"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/records/people/{keep.code}/merges/"
    merge = ProfileMerge.objects.get()
    assert (merge.source_id, merge.target_id) == (asb_pair.first_id, keep.pk)
    history = client.get(response["Location"])
    assert history.status_code == 200
    body = history.content.decode()
    assert "Another record merged into this one" in body
    assert "Sam Spokes" in body
    assert "Same person, same address (test)" in body
    assert "Addresses: 1" in body
    assert "The records were merged" in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "Same person"}, "Select the record to keep"),
        ({"survivor": "not-a-code", "reason": "Same"}, "Select one of the two records"),
        ({"survivor": "first"}, "Say why these records are the same person"),
    ],
)
def test_merge_needs_a_survivor_and_a_reason(personas, client_for, asb_pair, data, message):
    if data.get("survivor") == "first":
        data = {**data, "survivor": str(asb_pair.first.code)}
    response = client_for(personas.spoc).post(pair_url(asb_pair, "merge"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ProfileMerge.objects.exists()


def test_merge_refused_by_the_service_shows_its_reason(personas, client_for, asb_pair):
    record_set_visibility(
        actor=personas.alice,
        record=asb_pair.first,
        visibility=Visibility.RESTRICTED,
        expected_version=asb_pair.first.version,
        reason="Test",
    )
    response = client_for(personas.spoc).post(
        pair_url(asb_pair, "merge"),
        {"survivor": str(asb_pair.first.code), "reason": "Same person"},
    )
    assert response.status_code == 400
    assert "different visibility" in response.content.decode()
    assert not ProfileMerge.objects.exists()


def test_review_list_query_count_does_not_grow(personas, client_for):
    def pairs(count, family):
        for _ in range(count):
            one = person(personas.alice, family_name=family)
            other = person(personas.alice, family_name=family)
            candidate_for(one, other)

    client = client_for(personas.spoc)
    client.get(LIST)
    pairs(2, "Fewpairs")
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    pairs(20, "Manypairs")
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST)
    assert len(response.context["rows"]) == 22
    assert len(few) == len(many)


# --- merge history ----------------------------------------------------------------------------


def test_merge_history_needs_the_identity_section(personas, client_for):
    record = person(personas.alice, family_name="Historyless")
    url = f"/records/people/{record.code}/merges/"
    owner = client_for(personas.alice).get(url)
    assert owner.status_code == 200
    assert "This record has not been merged with another" in owner.content.decode()
    assert client_for(personas.bob).get(url).status_code == 200
    assert client_for(personas.carol).get(url).status_code == 403
    record_set_visibility(
        actor=personas.alice,
        record=record,
        visibility=Visibility.HIDDEN,
        expected_version=record.version,
        reason="Protected witness (test)",
    )
    assert client_for(personas.carol).get(url).status_code == 404
    assert client_for(personas.alice).get(url).status_code == 200
