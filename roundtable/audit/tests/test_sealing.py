"""Sealing: events older than the lag are committed to a hash chain that cannot fork."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.db.models.signals import pre_save
from django.utils import timezone

from roundtable.audit.hashing import GENESIS_HASH, entries_digest, seal_hash
from roundtable.audit.models import AuditSeal
from roundtable.audit.services import audit_seal
from roundtable.audit.tasks import seal_audit_events
from roundtable.audit.tests.factories import make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel("2026-03-02 09:00:00+00:00", tick=False) as traveller:
        yield traveller


def test_events_older_than_the_lag_are_sealed_from_the_genesis_hash(settings, clock):
    events = [make_event(target_id=f"p-{n}") for n in range(3)]
    clock.shift(timedelta(seconds=settings.AUDIT_SEAL_LAG_SECONDS + 1))

    assert audit_seal() == 3

    seal = AuditSeal.objects.get()
    assert seal.previous_hash == GENESIS_HASH
    assert seal.previous is None
    assert seal.entries == [[event.pk, event.content_hash] for event in events]
    assert (seal.first_event_id, seal.last_event_id, seal.event_count) == (
        events[0].pk,
        events[-1].pk,
        3,
    )
    assert seal.seal_hash == seal_hash(
        previous_hash=GENESIS_HASH,
        sealed_at=seal.sealed_at,
        digest=entries_digest(seal.entries),
        first=events[0].pk,
        last=events[-1].pk,
    )


def test_events_younger_than_the_lag_wait_for_the_next_run(settings, clock):
    make_event()
    clock.shift(timedelta(seconds=settings.AUDIT_SEAL_LAG_SECONDS - 1))

    assert audit_seal() == 0
    assert not AuditSeal.objects.exists()

    clock.shift(timedelta(seconds=2))
    assert audit_seal() == 1


def test_sealing_stops_at_the_first_young_event_so_no_older_id_is_skipped(settings, clock):
    old = make_event()
    clock.shift(timedelta(seconds=settings.AUDIT_SEAL_LAG_SECONDS + 1))
    young = make_event()

    assert audit_seal() == 1
    assert AuditSeal.objects.get().entries == [[old.pk, old.content_hash]]

    clock.shift(timedelta(seconds=settings.AUDIT_SEAL_LAG_SECONDS + 1))
    assert audit_seal() == 1
    assert AuditSeal.objects.latest("id").entries == [[young.pk, young.content_hash]]


def test_large_backlogs_are_sealed_in_chained_chunks(settings, clock):
    settings.AUDIT_SEAL_MAX_EVENTS = 2
    events = [make_event(target_id=f"p-{n}") for n in range(5)]
    clock.shift(timedelta(seconds=settings.AUDIT_SEAL_LAG_SECONDS + 1))

    assert audit_seal() == 5

    seals = list(AuditSeal.objects.order_by("id"))
    assert [seal.event_count for seal in seals] == [2, 2, 1]
    assert seals[0].previous_hash == GENESIS_HASH
    assert seals[1].previous_hash == seals[0].seal_hash
    assert seals[1].previous == seals[0]
    assert seals[2].previous_hash == seals[1].seal_hash
    assert seals[2].last_event_id == events[-1].pk


def test_a_second_run_seals_only_new_events(settings, clock):
    make_event()
    clock.shift(timedelta(seconds=settings.AUDIT_SEAL_LAG_SECONDS + 1))
    assert audit_seal() == 1
    assert audit_seal() == 0

    newer = make_event()
    clock.shift(timedelta(seconds=settings.AUDIT_SEAL_LAG_SECONDS + 1))
    assert audit_seal() == 1
    first, second = AuditSeal.objects.order_by("id")
    assert second.entries == [[newer.pk, newer.content_hash]]
    assert second.previous_hash == first.seal_hash


def test_two_seals_cannot_follow_the_same_link():
    fields = {
        "sealed_at": timezone.now(),
        "first_event_id": 1,
        "last_event_id": 1,
        "event_count": 1,
        "entries": [[1, "a" * 64]],
        "previous_hash": GENESIS_HASH,
    }
    AuditSeal.objects.create(seal_hash="1" * 64, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditSeal.objects.create(seal_hash="2" * 64, **fields)


def test_a_sealer_that_loses_the_race_stops_quietly(settings, clock):
    make_event()
    clock.shift(timedelta(seconds=settings.AUDIT_SEAL_LAG_SECONDS + 1))

    def rival_seals_first(sender, instance, **kwargs):
        # Another sealer commits the same link between this one's read and its write.
        pre_save.disconnect(rival_seals_first, sender=AuditSeal)
        AuditSeal.objects.create(
            sealed_at=instance.sealed_at,
            first_event_id=instance.first_event_id,
            last_event_id=instance.last_event_id,
            event_count=instance.event_count,
            entries=instance.entries,
            previous_hash=instance.previous_hash,
            seal_hash="f" * 64,
        )

    pre_save.connect(rival_seals_first, sender=AuditSeal)
    try:
        assert audit_seal() == 0
    finally:
        pre_save.disconnect(rival_seals_first, sender=AuditSeal)
    # The next run carries on from whatever chain exists, with one seal per link.
    assert audit_seal() == 1
    assert AuditSeal.objects.filter(previous_hash=GENESIS_HASH).count() == 1


def test_the_seal_task_runs_the_sealing_service(settings, clock):
    make_event()
    clock.shift(timedelta(seconds=settings.AUDIT_SEAL_LAG_SECONDS + 1))

    assert seal_audit_events.call() == 1
    assert AuditSeal.objects.count() == 1
