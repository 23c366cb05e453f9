"""``lib.lookups``: ``__in_ids`` keeps exactly the rows ``__in`` keeps, on either database, and
is written as ``= ANY(ARRAY(...))`` on PostgreSQL only."""

from __future__ import annotations

import pytest
from django.db import connection

from roundtable.records.models import Profile
from roundtable.risk.tests.risk_helpers import person
from roundtable.sharing import policy
from roundtable.sharing.sections import RecordKind, Section

pytestmark = pytest.mark.django_db


def test_in_ids_keeps_what_in_keeps_for_a_viewers_ids_with_duplicates(personas):
    alice, carol = personas.alice, personas.carol
    mine = [person(alice, f"Jordan{n}", "Example") for n in "abc"]
    theirs = person(carol, "Riley", "Sample")
    viewer = policy.viewer_for_user(alice, alice.memberships.get().team)
    # One UNION ALL member per principal: the team's and the organisation's rows name the same
    # records, so the subquery holds each id more than once.
    ids = policy.visible_ids(viewer, RecordKind.PROFILE, section=Section.IDENTITY)
    listed = [row["record_id"] for row in ids]
    assert len(listed) > len(set(listed))
    everyone = Profile.objects.filter(pk__in=[p.pk for p in [*mine, theirs]])
    by_in = list(everyone.filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    by_in_ids = list(everyone.filter(pk__in_ids=ids).order_by("pk").values_list("pk", flat=True))
    assert by_in_ids == by_in == sorted(p.pk for p in mine)
    assert theirs.pk not in by_in_ids


def test_in_ids_is_an_array_on_postgresql_and_in_elsewhere(personas):
    alice = personas.alice
    viewer = policy.viewer_for_user(alice, alice.memberships.get().team)
    ids = policy.visible_ids(viewer, RecordKind.PROFILE)
    sql = str(Profile.objects.filter(pk__in_ids=ids).query)
    if connection.vendor == "postgresql":
        assert "= ANY(ARRAY((SELECT" in sql
    else:
        assert '"id" IN (SELECT' in sql or '"id" IN ((SELECT' in sql


def test_in_ids_with_a_list_is_a_plain_in(personas):
    alice = personas.alice
    jordan = person(alice, "Jordan", "Example")
    query = Profile.objects.filter(pk__in_ids=[jordan.pk, jordan.pk, -1])
    assert list(query) == [jordan]
    assert "ANY" not in str(query.query)


def test_in_ids_reaches_foreign_keys(personas):
    from roundtable.records.models import NameIndexEntry

    alice = personas.alice
    jordan = person(alice, "Jordan", "Example")
    theirs = person(personas.carol, "Riley", "Sample")
    viewer = policy.viewer_for_user(alice, alice.memberships.get().team)
    ids = policy.visible_ids(viewer, RecordKind.PROFILE)
    entries = NameIndexEntry.objects.filter(profile_id__in_ids=ids)
    assert {entry.profile_id for entry in entries} == {jordan.pk}
    assert NameIndexEntry.objects.filter(profile_id=theirs.pk).exists()  # there, not visible
