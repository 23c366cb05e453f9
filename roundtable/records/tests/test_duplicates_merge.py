"""Merging two profiles: everything moves, the access table stays exact, history explains it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from roundtable.audit.models import Action, AuditEvent
from roundtable.records.models import (
    Address,
    CaseMember,
    ContactPoint,
    DuplicateCandidate,
    DuplicateStatus,
    Group,
    GroupMember,
    Identifier,
    NameIndexEntry,
    Premises,
    PremisesLink,
    ProfileAlias,
    ProfileMerge,
    Relationship,
    Vehicle,
    WarningMarker,
)
from roundtable.records.selectors.search import SearchQuery, profile_merged_target, profile_search
from roundtable.records.services.duplicates import profile_merge
from roundtable.sharing import access, policy
from roundtable.sharing.models import AccessSource, BreakGlass, Visibility
from roundtable.sharing.sections import RecordKind, Section
from roundtable.sharing.services import grant_create, record_set_visibility
from roundtable.sharing.tests.factories import (
    agreement_between,
    case_for,
    case_type_for,
    profile_for,
)

REASON = "Same person: same NHS number and address (test)."


def team(user):
    return user.memberships.get().team


def person(owner, **fields):
    return profile_for(owner, team(owner), **fields)


def table_is_exact(profile):
    expected = access.expected_rows(
        kind=RecordKind.PROFILE,
        record_id=profile.pk,
        team_id=profile.owning_team_id,
        organisation_id=profile.owning_organisation_id,
        organisation_sections=profile.organisation_sections(),
        visibility=profile.visibility,
        defaults=profile.agreement_defaults(),
    )
    return access.actual_rows(kind=RecordKind.PROFILE, record_id=profile.pk) == expected


def everyone(personas):
    return [personas.alice, personas.bob, personas.carol, personas.dave, personas.spoc]


def seen_by(personas, profile):
    return {
        user.email: policy.sections(policy.viewer_for_user(user), profile)
        for user in everyone(personas)
    }


@pytest.fixture
def pair(personas):
    """A source rich in details and shares, and a target with some of its own."""
    alice = personas.alice
    source = person(alice, given_name="Morgan", family_name="Stephenson")
    target = person(alice, given_name="Morgan", family_name="Stevenson")
    other = person(alice, given_name="Riley", family_name="Associate")
    ProfileAlias.objects.create(profile=source, given_name="Mo", family_name="Stephens")
    Identifier.objects.create(profile=source, kind="nhs", value="9434765919")
    Identifier.objects.create(profile=target, kind="prison", value="A1234BC")
    Address.objects.create(profile=source, line1="1 Test Lane", postcode="SW1A 1AA")
    ContactPoint.objects.create(profile=source, kind="phone", value="01632 960000")
    Vehicle.objects.create(profile=source, registration="AB51ABC")
    WarningMarker.objects.create(
        profile=source,
        kind="violence",
        review_date=date(2027, 1, 1),
        raised_by_team=team(alice),
    )
    Relationship.objects.create(from_profile=source, to_profile=other, kind="associate")
    Relationship.objects.create(from_profile=other, to_profile=source, kind="sibling")
    Relationship.objects.create(from_profile=target, to_profile=other, kind="sibling")
    # Already on the target: stays on the source rather than clash.
    Relationship.objects.create(from_profile=source, to_profile=target, kind="sibling")
    premises = Premises.objects.create(
        name="Test Tavern",
        kind="licensed",
        owning_team=team(alice),
        owning_organisation=alice.organisation,
    )
    PremisesLink.objects.create(premises=premises, profile=source, role="visitor")
    group = Group.objects.create(
        name="Test Street Crew",
        kind="peer_group",
        owning_team=team(alice),
        owning_organisation=alice.organisation,
    )
    GroupMember.objects.create(group=group, profile=source, role="member")
    case_type = case_type_for(alice.organisation.partnership)
    case = case_for(alice, team(alice), case_type)
    other_case = case_for(alice, team(alice), case_type, title="Second test case")
    CaseMember.objects.create(case=case, profile=source, role="perpetrator")
    CaseMember.objects.create(case=other_case, profile=source, role="victim")
    CaseMember.objects.create(case=other_case, profile=target, role="victim")
    agreement = agreement_between(
        alice.organisation, personas.carol.organisation, personas.dave.organisation
    )
    grant_create(
        actor=alice,
        record=source,
        agreement=agreement,
        team=team(personas.carol),
        sections=[Section.IDENTITY, Section.DIARY],
        expires_at=timezone.now() + timedelta(days=30),
    )
    grant_create(
        actor=alice,
        record=target,
        agreement=agreement,
        team=team(personas.carol),
        sections=[Section.RISK],
    )
    grant_create(
        actor=alice,
        record=source,
        agreement=agreement,
        organisation=personas.dave.organisation,
        sections=[Section.WARNINGS],
        origin=AccessSource.ACCESS_REQUEST,
    )
    glass = BreakGlass.objects.create(
        record_kind=RecordKind.PROFILE,
        record_id=source.pk,
        user=personas.bob,
        team=team(personas.bob),
        reason="Officer attending an incident (test)",
        expires_at=timezone.now() + timedelta(hours=3),
    )
    access.access_add_break_glass(glass=glass, sort_key=source.updated_at)
    DuplicateCandidate.objects.create(
        first=source, second=target, score=70, reasons=["Surname sounds the same"]
    )
    return source, target


def test_merge_moves_every_detail_to_the_target(personas, pair):
    source, target = pair
    profile_merge(actor=personas.alice, source=source, target=target, reason=REASON)
    for model in (Address, ContactPoint, Vehicle, WarningMarker, PremisesLink, GroupMember):
        assert not model.objects.filter(profile=source).exists()
        assert model.objects.filter(profile=target).count() == 1
    assert set(Identifier.objects.filter(profile=target).values_list("kind", flat=True)) == {
        "nhs",
        "prison",
    }
    assert set(CaseMember.objects.filter(profile=target).values_list("role", flat=True)) == {
        "perpetrator",
        "victim",
    }
    # The clashing case membership and the relationship with the target itself stay behind.
    assert CaseMember.objects.filter(profile=source).count() == 1
    assert Relationship.objects.filter(from_profile=source, to_profile=target).count() == 1
    assert Relationship.objects.filter(from_profile=target, kind="associate").count() == 1
    assert Relationship.objects.filter(
        to_profile=target, kind="sibling", from_profile__family_name="Associate"
    ).exists()


def test_source_names_become_aliases_and_search_finds_the_target(personas, pair):
    source, target = pair
    profile_merge(actor=personas.alice, source=source, target=target, reason=REASON)
    aliases = {(a.given_name, a.family_name) for a in ProfileAlias.objects.filter(profile=target)}
    assert aliases == {("Mo", "Stephens"), ("Morgan", "Stephenson")}
    assert not NameIndexEntry.objects.filter(profile=source).exists()
    results = profile_search(
        viewer=policy.viewer_for_user(personas.alice),
        query=SearchQuery(
            family_name="Stephens", born_from=date(1990, 4, 1), born_to=date(1990, 4, 1)
        ),
    )
    assert [hit.code for hit in results.full] == [str(target.code)]


def test_source_is_kept_and_points_at_the_target(personas, pair):
    source, target = pair
    source_version = source.version
    profile_merge(actor=personas.alice, source=source, target=target, reason=REASON)
    source.refresh_from_db()
    assert source.merged_into_id == target.pk
    assert source.version == source_version + 1
    viewer = policy.viewer_for_user(personas.alice)
    assert profile_merged_target(viewer=viewer, profile=source) == target
    assert profile_merged_target(viewer=viewer, profile=target) is None


def test_access_table_equals_a_recomputation_and_covers_both_records(personas, pair):
    source, target = pair
    before = {
        email: seen_by(personas, source)[email] | sections
        for email, sections in seen_by(personas, target).items()
    }
    profile_merge(actor=personas.alice, source=source, target=target, reason=REASON)
    target.refresh_from_db()
    assert table_is_exact(target)
    assert seen_by(personas, target) == before
    assert before[personas.carol.email] == {Section.IDENTITY, Section.DIARY, Section.RISK}
    assert before[personas.dave.email] == {Section.WARNINGS}
    assert len(before[personas.bob.email]) == 9  # the broken glass was carried over


def test_copied_grants_keep_their_expiry(personas, pair):
    source, target = pair
    profile_merge(actor=personas.alice, source=source, target=target, reason=REASON)
    assert Section.DIARY in policy.sections(policy.viewer_for_user(personas.carol), target)
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert policy.sections(policy.viewer_for_user(personas.carol), target) == {Section.RISK}


def test_merge_records_what_moved_and_closes_the_candidate(personas, pair):
    source, target = pair
    merge = profile_merge(actor=personas.alice, source=source, target=target, reason=REASON)
    record = ProfileMerge.objects.get()
    assert record.pk == merge.pk
    assert (record.source_id, record.target_id, record.merged_by_id) == (
        source.pk,
        target.pk,
        personas.alice.pk,
    )
    assert record.reason == REASON
    counts = {kind: len(ids) for kind, ids in record.moved.items()}
    assert counts == {
        "aliases": 1,
        "identifiers": 1,
        "addresses": 1,
        "contact_points": 1,
        "vehicles": 1,
        "warnings": 1,
        "relationships": 2,
        "relationships_kept": 1,
        "premises_links": 1,
        "group_memberships": 1,
        "case_memberships": 1,
        "case_memberships_kept": 1,
        "names_added_as_aliases": 1,
        "grants": 2,
        "break_glass": 1,
    }
    candidate = DuplicateCandidate.objects.get()
    assert candidate.status == DuplicateStatus.MERGED
    assert candidate.reviewed_by_id == personas.alice.pk


def test_merge_is_audited_on_both_records(personas, pair):
    source, target = pair
    profile_merge(actor=personas.alice, source=source, target=target, reason=REASON)
    events = {event.target_id: event for event in AuditEvent.objects.filter(action=Action.MERGE)}
    assert set(events) == {str(source.code), str(target.code)}
    assert events[str(source.code)].changes == {"merged_into": [None, str(target.code)]}
    assert events[str(target.code)].detail["other_profile"] == str(source.code)
    assert events[str(target.code)].detail["moved"]["addresses"] == 1
    assert all(event.justification == REASON for event in events.values())
    assert all(event.actor_id == personas.alice.pk for event in events.values())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("no_reason", "Say why these records are the same person"),
        ("same", "Choose two different records"),
        ("already_merged", "already been merged"),
        ("other_team", "One team must own both records"),
        ("not_a_member", "Only the team that owns both records"),
        ("visibility", "different visibility"),
    ],
)
def test_merge_refuses_and_writes_nothing(personas, pair, change, message):
    source, target = pair
    actor, reason = personas.alice, REASON
    if change == "no_reason":
        reason = "  "
    elif change == "same":
        target = source
    elif change == "already_merged":
        third = person(personas.alice, family_name="Third")
        source.merged_into = third
        source.save(update_fields=["merged_into"])
    elif change == "other_team":
        target = person(personas.bob, given_name="Morgan", family_name="Stevenson")
    elif change == "not_a_member":
        actor = personas.bob
    elif change == "visibility":
        record_set_visibility(
            actor=personas.alice,
            record=source,
            visibility=Visibility.RESTRICTED,
            expected_version=source.version,
            reason="Test",
        )
    with pytest.raises(ValidationError, match=message):
        profile_merge(actor=actor, source=source, target=target, reason=reason)
    assert not ProfileMerge.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.MERGE).exists()
    assert Address.objects.filter(profile=source).count() == 1


def test_merged_target_of_a_hidden_record_is_not_revealed_to_outsiders(personas):
    source = person(personas.alice, given_name="Morgan", family_name="Stephenson")
    target = person(personas.alice, given_name="Morgan", family_name="Stevenson")
    profile_merge(actor=personas.alice, source=source, target=target, reason=REASON)
    target.refresh_from_db()
    record_set_visibility(
        actor=personas.alice,
        record=target,
        visibility=Visibility.HIDDEN,
        expected_version=target.version,
        reason="Protected witness (test)",
    )
    source.refresh_from_db()
    outsider = policy.viewer_for_user(personas.dave)
    assert profile_merged_target(viewer=outsider, profile=source) is None
    owner = policy.viewer_for_user(personas.alice)
    assert profile_merged_target(viewer=owner, profile=source) == target


def test_creating_a_profile_queues_the_duplicate_check_after_commit(
    personas, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from roundtable.sharing.tests.factories import profile_for

    team = personas.alice.memberships.get().team
    with django_capture_on_commit_callbacks(execute=True):
        profile = profile_for(personas.alice, team, given_name="Rowan", family_name="Queuetest")

    queued = DBTaskResult.objects.get()
    assert queued.task_path.endswith("record_duplicate_candidates")
    assert queued.args_kwargs["args"] == [profile.pk]


def test_a_merged_profile_page_sends_the_viewer_to_the_survivor(personas, client_for):
    from django.urls import reverse

    from roundtable.records.services.duplicates import profile_merge
    from roundtable.sharing.tests.factories import profile_for

    team = personas.alice.memberships.get().team
    source = profile_for(personas.alice, team, given_name="Sam", family_name="Mergetest")
    target = profile_for(personas.alice, team, given_name="Samuel", family_name="Mergetest")
    profile_merge(actor=personas.alice, source=source, target=target, reason="Same person, checked")

    response = client_for(personas.alice).get(
        reverse("records:profile_detail", kwargs={"code": source.code})
    )

    assert response.status_code == 302
    assert response["Location"] == target.get_absolute_url()
