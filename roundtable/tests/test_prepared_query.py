"""``lib.prepared.PreparedQuery``: a query compiled once, run with each call's values, on either
database; its rows and its model instances are what the ORM itself would give."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roundtable.lib.prepared import PreparedQuery
from roundtable.records.models import Address, ProfileAlias
from roundtable.records.services.profiles import address_add, alias_add
from roundtable.risk.tests.risk_helpers import person

pytestmark = pytest.mark.django_db


def _addresses(profile: int):
    return Address.objects.filter(profile_id=profile).order_by("-from_date", "-id")


ADDRESSES = PreparedQuery(_addresses, profile=-9_001)


def _fields(instance: Any) -> dict[str, Any]:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_objects_are_the_orms_own_instances_for_each_call_s_values(personas):
    alice = personas.alice
    jordan = person(alice, "Jordan", "Example")
    other = person(alice, "Riley", "Sample")
    address_add(
        actor=alice,
        profile=jordan,
        line1="1 Test Street",
        town="Testbury",
        postcode="TE1 1ST",
        from_date=date(2025, 3, 1),
    )
    address_add(
        actor=alice,
        profile=jordan,
        line1="2 Ünïcode Row",
        town="Testbury",
        postcode="TE2 2ND",
        from_date=date(2026, 1, 9),
    )
    address_add(actor=alice, profile=other, line1="3 Elsewhere", postcode="TE3 3RD")

    for profile in (jordan, other):
        with CaptureQueriesContext(connection) as queries:
            made: list[Any] = ADDRESSES.objects(profile=profile.pk)
        assert len(queries.captured_queries) == 1
        expected = list(_addresses(profile.pk))
        assert [_fields(a) for a in made] == [_fields(a) for a in expected]
        assert all(
            type(a.created_at) is type(e.created_at) for a, e in zip(made, expected, strict=True)
        )
        assert all(not a._state.adding and a._state.db == "default" for a in made)
    assert ADDRESSES.objects(profile=-1) == []


def test_rows_bind_the_values_where_the_stand_ins_were(personas):
    alice = personas.alice
    jordan = person(alice, "Jordan", "Example")
    alias_add(actor=alice, profile=jordan, given_name="Jay", family_name="Exemplar")
    names = PreparedQuery(
        lambda profile, family: ProfileAlias.objects.filter(
            profile_id=profile, family_name=family
        ).values("given_name"),
        profile=-9_002,
        family="~stand-in~",
    )
    assert names.rows(profile=jordan.pk, family="Exemplar") == [{"given_name": "Jay"}]
    assert names.rows(profile=jordan.pk, family="Example") == []
    with pytest.raises(ValueError, match="Give exactly"):
        names.rows(profile=jordan.pk)


def test_objects_bring_their_select_related_objects_and_annotations(personas):
    from django.db.models import Count

    alice = personas.alice
    jordan = person(alice, "Jordan", "Example")
    address_add(actor=alice, profile=jordan, line1="1 Test Street", postcode="TE1 1ST")
    with_person = PreparedQuery(
        lambda profile: (
            Address.objects.filter(profile_id=profile)
            .select_related("profile__owning_team__organisation")
            .annotate(aliases=Count("profile__aliases"))
        ),
        profile=-9_004,
    )

    [made] = with_person.objects(profile=jordan.pk)

    with CaptureQueriesContext(connection) as queries:
        assert made.profile.pk == jordan.pk
        assert made.profile.family_name == "Example"
        assert made.profile.owning_team.organisation.name == "Testshire Police"
        assert made.aliases == 0
    assert queries.captured_queries == []  # all of it came with the row
    assert _fields(made.profile) == _fields(jordan.__class__.objects.get(pk=jordan.pk))


def test_what_it_cannot_do_it_refuses():
    with pytest.raises(ValueError, match="distinct"):
        PreparedQuery(_addresses, profile=-1, other=-1)
    values = PreparedQuery(
        lambda profile: Address.objects.filter(profile_id=profile).values("line1"),
        profile=-9_003,
    )
    with pytest.raises(ValueError, match="not values"):
        values.objects(profile=1)


def test_small_and_big_integer_fields_bind_on_either_database(personas):
    """PostgreSQL's compiler wraps these fields' values (Int2, Int8): they must still bind."""
    from roundtable.tasking.models import Watch

    alice = personas.alice
    jordan = person(alice, "Jordan", "Example")
    watch = Watch.objects.create(
        user=alice, record_kind=int(jordan.record_kind), record_id=jordan.pk
    )
    watches = PreparedQuery(
        lambda user, kind, record: Watch.objects.filter(
            user_id=user, record_kind=kind, record_id=record
        ),
        user=-9_005,
        kind=32_101,  # in the range of a positive small integer, as a stand-in must be
        record=-9_006,
    )
    assert [
        w.pk for w in watches.objects(user=alice.pk, kind=watch.record_kind, record=jordan.pk)
    ] == [watch.pk]
    assert watches.objects(user=alice.pk, kind=watch.record_kind, record=jordan.pk + 1) == []


def test_a_uuid_binds_on_either_database(personas):
    """SQLite stores a UUID as its 32 hex digits, PostgreSQL natively: both must match."""
    from uuid import UUID

    from roundtable.records.models import Profile

    jordan = person(personas.alice, "Jordan", "Example")
    by_code = PreparedQuery(
        lambda code: Profile.objects.filter(code=code),
        code=UUID("00000000-0000-4000-8000-0000000090a1"),
    )
    assert [p.pk for p in by_code.objects(code=jordan.code)] == [jordan.pk]
    assert by_code.objects(code=UUID("00000000-0000-4000-8000-0000000090a2")) == []
