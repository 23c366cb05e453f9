"""The policy's core decisions, on real records written through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from roundtable.audit.models import Action, AuditEvent
from roundtable.records.models import Profile
from roundtable.records.selectors.search import as_record
from roundtable.sharing import policy
from roundtable.sharing.access import actual_rows, expected_rows
from roundtable.sharing.models import Visibility
from roundtable.sharing.policy import Action as Do
from roundtable.sharing.sections import RecordKind, Section
from roundtable.sharing.services import grant_create, grant_revoke, record_set_visibility
from roundtable.sharing.tests.factories import agreement_between, profile_for


def viewer(user):
    return policy.viewer_for_user(user)


@pytest.fixture
def jordan(personas):
    alice = personas.alice
    return profile_for(alice, alice.memberships.get().team)


def test_owner_team_sees_every_section(personas, jordan):
    assert policy.sections(viewer(personas.alice), jordan) == frozenset(
        {
            Section.IDENTITY,
            Section.CONTACT,
            Section.SENSITIVE,
            Section.WARNINGS,
            Section.RELATIONSHIPS,
            Section.DIARY,
            Section.DOCUMENTS,
            Section.RISK,
            Section.OFFENDING,
        }
    )


def test_colleague_in_owning_organisation_sees_identity_and_warnings_only(personas, jordan):
    assert policy.sections(viewer(personas.bob), jordan) == {Section.IDENTITY, Section.WARNINGS}


def test_partner_without_grant_sees_signpost_only(personas, jordan):
    carol = viewer(personas.carol)
    assert policy.sections(carol, jordan) == frozenset()
    assert policy.can(carol, Do.SEE_SIGNPOST, jordan)
    assert not policy.can(carol, Do.VIEW, jordan)
    assert policy.can(carol, Do.REQUEST_ACCESS, jordan)


def test_grant_gives_exactly_the_granted_sections_and_revoking_takes_them_away(personas, jordan):
    agreement = agreement_between(personas.alice.organisation, personas.carol.organisation)
    carol_team = personas.carol.memberships.get().team

    grant = grant_create(
        actor=personas.alice,
        record=jordan,
        agreement=agreement,
        team=carol_team,
        sections=[Section.IDENTITY, Section.DIARY],
    )

    assert policy.sections(viewer(personas.carol), jordan) == {Section.IDENTITY, Section.DIARY}
    assert AuditEvent.objects.filter(action=Action.SHARE, target_id=str(jordan.code)).exists()
    grant_revoke(actor=personas.alice, grant=grant, record=jordan)
    assert policy.sections(viewer(personas.carol), jordan) == frozenset()


def test_grant_expires_on_time_without_any_rewrite(personas, jordan):
    agreement = agreement_between(personas.alice.organisation, personas.carol.organisation)
    carol_team = personas.carol.memberships.get().team
    grant_create(
        actor=personas.alice,
        record=jordan,
        agreement=agreement,
        team=carol_team,
        sections=[Section.IDENTITY],
        expires_at=timezone.now() + timedelta(days=7),
    )

    with time_machine.travel(timezone.now() + timedelta(days=6)):
        assert policy.sections(viewer(personas.carol), jordan) == {Section.IDENTITY}
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert policy.sections(viewer(personas.carol), jordan) == frozenset()


def test_grant_without_an_agreement_covering_the_recipient_is_refused_and_writes_nothing(
    personas, jordan
):
    agreement = agreement_between(personas.alice.organisation, reference="ISA-POLICE-ONLY")
    carol_team = personas.carol.memberships.get().team

    with pytest.raises(ValidationError, match="is not a party to agreement ISA-POLICE-ONLY"):
        grant_create(
            actor=personas.alice,
            record=jordan,
            agreement=agreement,
            team=carol_team,
            sections=[Section.IDENTITY],
        )

    assert policy.sections(viewer(personas.carol), jordan) == frozenset()
    assert not AuditEvent.objects.filter(action=Action.SHARE).exists()


def test_grant_beyond_the_agreements_sections_is_refused(personas, jordan):
    from roundtable.sharing.sections import to_mask

    agreement = agreement_between(
        personas.alice.organisation,
        personas.carol.organisation,
        max_sections=to_mask([Section.IDENTITY]),
    )
    carol_team = personas.carol.memberships.get().team

    with pytest.raises(ValidationError, match=r"does not allow .* to receive: Sensitive"):
        grant_create(
            actor=personas.alice,
            record=jordan,
            agreement=agreement,
            team=carol_team,
            sections=[Section.SENSITIVE],
        )


def test_ended_agreement_cannot_carry_a_new_share(personas, jordan):
    today = timezone.localdate()
    agreement = agreement_between(
        personas.alice.organisation,
        personas.carol.organisation,
        starts_on=today - timedelta(days=400),
        ends_on=today - timedelta(days=1),
    )
    carol_team = personas.carol.memberships.get().team

    with pytest.raises(ValidationError, match="is not in force today"):
        grant_create(
            actor=personas.alice,
            record=jordan,
            agreement=agreement,
            team=carol_team,
            sections=[Section.IDENTITY],
        )


def test_hidden_record_is_invisible_to_outsiders_even_as_a_signpost(personas, jordan):
    record_set_visibility(
        actor=personas.alice,
        record=jordan,
        visibility=Visibility.HIDDEN,
        expected_version=jordan.version,
        reason="Protected witness",
    )

    carol = viewer(personas.carol)
    assert not policy.can(carol, Do.SEE_SIGNPOST, jordan)
    assert not policy.signpost_visible(carol, Profile.objects.all()).exists()
    assert policy.visible(viewer(personas.alice), Profile.objects.all()).get() == jordan
    # Hidden also withdraws the owning organisation's default view.
    assert policy.sections(viewer(personas.bob), jordan) == frozenset()


def test_restricted_record_shows_signpost_only_but_keeps_explicit_grants(personas, jordan):
    agreement = agreement_between(personas.alice.organisation, personas.carol.organisation)
    carol_team = personas.carol.memberships.get().team
    grant_create(
        actor=personas.alice,
        record=jordan,
        agreement=agreement,
        team=carol_team,
        sections=[Section.IDENTITY],
    )

    record_set_visibility(
        actor=personas.alice,
        record=jordan,
        visibility=Visibility.RESTRICTED,
        expected_version=jordan.version,
        reason="Risk of disclosure",
    )

    assert policy.sections(viewer(personas.bob), jordan) == frozenset()
    assert policy.can(viewer(personas.bob), Do.SEE_SIGNPOST, jordan)
    assert policy.sections(viewer(personas.carol), jordan) == {Section.IDENTITY}


def test_stale_visibility_change_is_refused(personas, jordan):
    with pytest.raises(ValidationError, match="Someone else changed this record"):
        record_set_visibility(
            actor=personas.alice,
            record=jordan,
            visibility=Visibility.RESTRICTED,
            expected_version=jordan.version + 1,
            reason="x",
        )


def test_user_of_another_partnership_sees_nothing_without_grant(personas, jordan):
    dave = viewer(personas.dave)
    assert policy.sections(dave, jordan) == frozenset()
    assert policy.visible(dave, Profile.objects.all()).count() == 0


def test_access_table_equals_a_from_scratch_recomputation_after_changes(personas, jordan):
    agreement = agreement_between(personas.alice.organisation, personas.carol.organisation)
    carol_team = personas.carol.memberships.get().team
    grant = grant_create(
        actor=personas.alice,
        record=jordan,
        agreement=agreement,
        team=carol_team,
        sections=[Section.DIARY],
    )
    record_set_visibility(
        actor=personas.alice,
        record=jordan,
        visibility=Visibility.RESTRICTED,
        expected_version=jordan.version,
        reason="r",
    )
    grant_revoke(actor=personas.alice, grant=grant, record=jordan)
    jordan.refresh_from_db()

    expected = expected_rows(
        kind=RecordKind.PROFILE,
        record_id=jordan.pk,
        team_id=jordan.owning_team_id,
        organisation_id=jordan.owning_organisation_id,
        organisation_sections=jordan.organisation_sections(),
        visibility=jordan.visibility,
        defaults=jordan.agreement_defaults(),
    )
    assert actual_rows(kind=RecordKind.PROFILE, record_id=jordan.pk) == expected


def test_sweep_removes_only_expired_rows(personas, jordan):
    from roundtable.sharing.access import access_sweep_expired
    from roundtable.sharing.models import AccessEntry

    agreement = agreement_between(personas.alice.organisation, personas.carol.organisation)
    carol_team = personas.carol.memberships.get().team
    grant_create(
        actor=personas.alice,
        record=jordan,
        agreement=agreement,
        team=carol_team,
        sections=[Section.IDENTITY],
        expires_at=timezone.now() + timedelta(hours=1),
    )
    before = AccessEntry.objects.count()

    assert access_sweep_expired() == 0
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert access_sweep_expired() == 1
    assert AccessEntry.objects.count() == before - 1


def test_section_masks_answers_for_many_records_as_visible_and_sections_do(personas, jordan):
    alice = personas.alice
    theirs = profile_for(personas.carol, personas.carol.memberships.get().team)
    hidden = profile_for(personas.carol, personas.carol.memberships.get().team)
    record_set_visibility(
        actor=personas.carol,
        record=hidden,
        visibility=Visibility.HIDDEN,
        expected_version=hidden.version,
        reason="Protected witness",
    )
    ids = [jordan.pk, theirs.pk, hidden.pk]

    for person in (personas.alice, personas.bob, personas.carol, personas.dave):
        masks = policy.section_masks(viewer(person), RecordKind.PROFILE, ids)
        fresh = viewer(person)  # a new viewer: no answers remembered from section_masks
        within = Profile.objects.filter(pk__in=ids)
        assert set(masks) == set(policy.visible(fresh, within).values_list("pk", flat=True))
        for profile in Profile.objects.filter(pk__in=ids):
            assert masks.get(profile.pk, 0) == policy.section_mask(fresh, as_record(profile))
    assert set(policy.section_masks(viewer(alice), RecordKind.PROFILE, ids)) == {jordan.pk}


def test_section_masks_read_the_same_rows_as_the_querysets_rule_in_chunks_and_after_expiry(
    personas, jordan, monkeypatch
):
    """``section_masks`` is written as plain SQL for speed: it must OR exactly the sections of
    the viewer's live rows, as the queryset it replaced did, however many statements it takes,
    and stop counting a grant the moment it expires."""
    from roundtable.sharing.models import AccessEntry

    agreement = agreement_between(personas.alice.organisation, personas.carol.organisation)
    carol_team = personas.carol.memberships.get().team
    alice_team = personas.alice.memberships.get().team
    people = [jordan] + [
        profile_for(personas.alice, alice_team, given_name=f"Mask{index}") for index in range(4)
    ]
    shares: list[str] = [Section.IDENTITY, Section.RISK]
    for index, person in enumerate(people[1:]):
        grant_create(
            actor=personas.alice,
            record=person,
            agreement=agreement,
            team=carol_team,
            sections=shares[: 1 + index % 2],
            expires_at=timezone.now() + timedelta(hours=1) if index == 3 else None,
        )
    ids = [person.pk for person in people]

    def reference(user) -> dict[int, int]:
        who = viewer(user)
        masks: dict[int, int] = {}
        rows = AccessEntry.objects.filter(
            who.principal_filter,
            policy._live(),
            record_kind=RecordKind.PROFILE,
            record_id__in=ids,
        ).values_list("record_id", "sections")
        for record_id, value in rows:
            masks[record_id] = masks.get(record_id, 0) | value
        return masks

    monkeypatch.setattr(policy, "_MASK_CHUNK", 2)  # three statements for five records
    for user in (personas.alice, personas.bob, personas.carol, personas.dave):
        assert policy.section_masks(viewer(user), RecordKind.PROFILE, ids) == reference(user)
    carol = policy.section_masks(viewer(personas.carol), RecordKind.PROFILE, ids)
    assert len(carol) == 4 and jordan.pk not in carol

    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        later = policy.section_masks(viewer(personas.carol), RecordKind.PROFILE, ids)
        assert later == reference(personas.carol)
        assert people[4].pk not in later and len(later) == 3
