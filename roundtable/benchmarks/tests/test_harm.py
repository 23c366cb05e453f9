"""The bulk offences, harm scores and gallery are what the risk and galleries services would write.

One small world (4 partnerships, 600 people) is generated per test module run and checked from
several sides: every person's stored scores equal what ``harm_scores_refresh_person`` rewrites,
every offence is one ``offence_create`` would accept with the values it derives, every member is
seen by the managing team through the grant ``membership_add`` needs, and answers carry the
promoted columns ``form_values_save`` stores.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

import pytest
from django.db import transaction
from django.utils import timezone

from roundtable.benchmarks.bulk import Writer
from roundtable.benchmarks.generator import RecordGenerator, utc_now_to_second
from roundtable.benchmarks.harm import (
    GALLERY_SECTIONS,
    HarmGenerator,
    HarmResult,
)
from roundtable.benchmarks.plan import Amounts
from roundtable.benchmarks.world import DirectorySize, build_world, utc_midnight
from roundtable.customforms.models import FormDefinition, FormValues
from roundtable.customforms.services import form_values_save
from roundtable.customforms.validation import form_values_clean
from roundtable.directory.models import Team, User
from roundtable.galleries.models import Gallery, GalleryMembership, MembershipState
from roundtable.galleries.selectors.galleries import members
from roundtable.records.models import Premises, Profile
from roundtable.records.validation import normalise_postcode
from roundtable.risk.models import HarmScore, Offence, OffenceRole
from roundtable.risk.services.offences import categories_for, sees_offending
from roundtable.risk.services.scoring import harm_scores_refresh_person
from roundtable.sharing import policy
from roundtable.sharing.access import actual_rows, expected_rows
from roundtable.sharing.models import ShareGrant
from roundtable.sharing.sections import RecordKind, Section
from roundtable.sharing.services import agreement_problem

PEOPLE = 600


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """Generated once per module in a transaction rolled back afterwards (as the matrices do)."""
    with django_db_blocker.unblock(), transaction.atomic():
        now = utc_now_to_second()
        writer = Writer()
        built = build_world(
            writer, seed=5, size=DirectorySize(partnerships=4, users=120), now=utc_midnight(now)
        )
        generator = RecordGenerator(
            writer=writer, world=built, amounts=Amounts.for_profiles(PEOPLE), seed=5, now=now
        )
        generator.run()
        harm = HarmGenerator(generator, seed=5)
        result = harm.run()
        yield harm, result
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def score_rows() -> set[tuple[Any, ...]]:
    return set(
        HarmScore.objects.values_list(
            "profile_id",
            "model_id",
            "window_days",
            "total",
            "offences_counted",
            "as_of",
            "stale_after",
        )
    )


def test_offences_are_skewed_about_five_a_person_and_scores_exist(world: Any) -> None:
    harm, _ = world
    counts = harm.offences_of
    assert len(counts) == PEOPLE
    assert 3.5 <= sum(counts) / PEOPLE <= 6.5
    assert sum(1 for count in counts if count <= 3) / PEOPLE > 0.8  # most people: 0 to 3
    assert max(counts) >= 20  # and a prolific tail
    assert Offence.objects.count() == sum(counts)
    assert HarmScore.objects.filter(total__gt=0).count() > 100


def test_stored_scores_equal_what_rescoring_each_person_writes(world: Any) -> None:
    harm, _ = world
    before = score_rows()
    with_offences = set(Offence.objects.values_list("profile_id", flat=True))
    people = sorted({row[0] for row in before} | with_offences)
    sample = set(people[::3])  # a third of the people with offences, spread over the ids
    for profile_id in sorted(sample):
        harm_scores_refresh_person(profile_id=profile_id, today=harm.today)
    assert score_rows() == before
    # Both kinds, both windows, totals with decimals (RFG recency factors) among them.
    assert {row[2] for row in before} == {365, 730}
    assert any(row[3] != row[3].to_integral_value() for row in before)
    assert any(row[6] is not None for row in before)


def test_every_offence_is_one_offence_create_would_accept(world: Any) -> None:
    offences = list(
        Offence.objects.select_related(
            "profile__owning_organisation", "category", "recorded_by", "recorded_by_team"
        ).order_by("pk")
    )
    premises = {p.pk: p for p in Premises.objects.all()}
    seen: set[Any] = set()
    for offence in offences[:: max(1, len(offences) // 60)]:
        offence.full_clean()
        local = timezone.localtime(offence.occurred_at)
        assert offence.occurred_on == local.date() and offence.weekday == local.weekday()
        if offence.time_known:
            assert offence.hour == local.hour
        else:
            assert offence.hour is None and (local.hour, local.minute) == (0, 0)
        assert offence.occurred_at < timezone.now()
        viewer = policy.viewer_for_user(offence.recorded_by, offence.recorded_by_team)
        assert sees_offending(viewer, offence.profile)
        assert offence.category.partnership_id in categories_for(viewer, offence.profile)
        assert offence.partnership_id == offence.recorded_by_team.organisation.partnership_id
        if offence.role in (OffenceRole.VICTIM, OffenceRole.WITNESS):
            assert offence.disposal == "not_applicable"
        if offence.postcode:
            assert normalise_postcode(offence.postcode) == offence.postcode
        if offence.premises_id is not None:
            place = premises[offence.premises_id]
            assert policy.can(
                viewer, policy.Action.VIEW, cast(policy.Record, place), Section.SUMMARY
            )
            assert offence.postcode == place.postcode
        seen.add(
            (offence.role, offence.time_known, offence.premises_id is None, bool(offence.postcode))
        )
    assert len({role for role, *_ in seen}) == 4 and len(seen) >= 10
    hours = Offence.objects.filter(hour__in=[19, 20]).count()
    assert hours > Offence.objects.filter(hour__in=[4, 5]).count() * 2  # evenings, not dawn


def test_the_gallery_is_five_percent_all_seen_by_its_managing_team(world: Any) -> None:
    _, result = cast(tuple[Any, HarmResult], world)
    gallery = Gallery.objects.get(pk=result.gallery_id)
    spells = GalleryMembership.objects.filter(gallery=gallery)
    assert spells.count() == result.members == PEOPLE * 5 // 100
    assert set(spells.values_list("state", flat=True)) == {MembershipState.CURRENT}
    team = Team.objects.get(pk=result.managing_team_id)
    user = User.objects.filter(memberships__team=team).order_by("pk").first()
    assert user is not None and list(gallery.managing_teams.all()) == [team]
    viewer = policy.viewer_for_user(user, team)
    assert members(viewer, gallery).count() == result.members
    for spell in spells.select_related("profile"):
        spell.full_clean()
        assert spell.added_on <= timezone.localdate()
        assert policy.can(
            viewer, policy.Action.VIEW, cast(policy.Record, spell.profile), gallery.section
        )
        profile = spell.profile
        assert actual_rows(kind=RecordKind.PROFILE, record_id=profile.pk) == expected_rows(
            kind=int(RecordKind.PROFILE),
            record_id=profile.pk,
            team_id=profile.owning_team_id,
            organisation_id=profile.owning_organisation_id,
            organisation_sections=profile.organisation_sections(),
            visibility=profile.visibility,
            defaults=profile.agreement_defaults(),
        )
    grants = ShareGrant.objects.filter(team=team, sections=GALLERY_SECTIONS).select_related(
        "agreement", "team__organisation"
    )
    assert grants.count() >= result.members - Profile.objects.filter(owning_team=team).count()
    for grant in grants:
        record = Profile.objects.get(pk=grant.record_id)
        problem = agreement_problem(
            agreement=grant.agreement,
            record=record,
            organisation=team.organisation,
            sections=grant.sections,
        )
        assert problem is None, problem


def test_answers_are_clean_with_the_columns_form_values_save_stores(world: Any) -> None:
    _, result = cast(tuple[Any, HarmResult], world)
    gallery = Gallery.objects.get(pk=result.gallery_id)
    definition = FormDefinition.objects.select_related("current_version").get(
        pk=int(gallery.form_id or 0)
    )
    version = definition.current_version
    assert version is not None and len(definition.promoted) == 4
    team = Team.objects.get(pk=result.managing_team_id)
    user = User.objects.filter(memberships__team=team).order_by("pk").first()
    viewer = policy.viewer_for_user(cast(User, user), team)
    columns = ("text_1", "text_2", "num_1", "date_1", "score", "level", "form_version_id")
    rows = list(FormValues.objects.filter(definition=definition).order_by("pk"))
    assert len(rows) >= result.members // 2
    for row in rows[:20]:
        assert (
            form_values_clean(version=version, payload=dict(row.values), viewer=viewer)
            == row.values
        )
        before = {name: getattr(row, name) for name in columns}
        form_values_save(
            definition=definition,
            version=version,
            record_kind=RecordKind.PROFILE,
            record_id=row.record_id,
            values=row.values,
        )
        row.refresh_from_db()
        assert {name: getattr(row, name) for name in columns} == before
    assert any(isinstance(row.num_1, Decimal) for row in rows)
    assert FormValues.objects.filter(definition=definition, text_1__isnull=False).exists()
