"""``policy.teams_that_can_see``: the teams alert rules may tell, answered as ``can`` would."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from roundtable.directory.tests.factories import TeamFactory
from roundtable.sharing import policy
from roundtable.sharing.models import Visibility
from roundtable.sharing.sections import Section
from roundtable.sharing.services import grant_create, record_set_visibility
from roundtable.sharing.tests.factories import agreement_between, profile_for


def team_of(user):
    return user.memberships.get().team


@pytest.fixture
def jordan(personas):
    return profile_for(personas.alice, team_of(personas.alice))


def ids(record, section) -> set[int]:
    return set(policy.teams_that_can_see(record, section).values_list("pk", flat=True))


def agrees_with_can(personas, record, section) -> None:
    """Every persona's team is in the answer exactly when ``can`` lets them see the section."""
    answer = ids(record, section)
    for user in (personas.alice, personas.bob, personas.carol, personas.dave):
        team = team_of(user)
        sees = policy.can(policy.viewer_for_user(user, team), policy.Action.VIEW, record, section)
        assert (team.pk in answer) == sees, (user.email, section)


def test_only_the_owning_team_sees_a_new_persons_diary(personas, jordan):
    assert ids(jordan, Section.DIARY) == {team_of(personas.alice).pk}
    agrees_with_can(personas, jordan, Section.DIARY)


def test_every_team_of_the_owning_organisation_sees_what_the_organisation_default_gives(
    personas, jordan
):
    extra = TeamFactory(organisation=personas.alice.organisation, name="Neighbourhood Team")
    inactive = TeamFactory(
        organisation=personas.alice.organisation, name="Old Team", is_active=False
    )
    answer = ids(jordan, Section.IDENTITY)
    assert {team_of(personas.alice).pk, team_of(personas.bob).pk, extra.pk} <= answer
    assert inactive.pk not in answer
    assert team_of(personas.carol).pk not in answer
    agrees_with_can(personas, jordan, Section.IDENTITY)


def test_a_grant_adds_the_partner_team_for_the_granted_section_only(personas, jordan):
    agreement = agreement_between(personas.alice.organisation, personas.carol.organisation)
    grant_create(
        actor=personas.alice,
        record=jordan,
        agreement=agreement,
        team=team_of(personas.carol),
        sections=[Section.DIARY],
        expires_at=timezone.now() + timedelta(days=2),
    )
    assert team_of(personas.carol).pk in ids(jordan, Section.DIARY)
    assert team_of(personas.carol).pk not in ids(jordan, Section.RISK)
    agrees_with_can(personas, jordan, Section.DIARY)
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        assert team_of(personas.carol).pk not in ids(jordan, Section.DIARY)


def test_hiding_a_record_leaves_only_its_owner(personas, jordan):
    record_set_visibility(
        actor=personas.alice,
        record=jordan,
        visibility=Visibility.HIDDEN,
        expected_version=jordan.version,
        reason="Protected witness (test)",
    )
    assert ids(jordan, Section.IDENTITY) == {team_of(personas.alice).pk}
    agrees_with_can(personas, jordan, Section.IDENTITY)


def test_the_answer_is_one_query(personas, jordan, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(policy.teams_that_can_see(jordan, Section.IDENTITY))
