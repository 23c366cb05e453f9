"""``audit_record_many`` writes each event exactly as built, in one statement, on either database.

On PostgreSQL it sends the events as one JSON array (``_insert_as_json``) instead of through
``bulk_create``; these tests read every column back and check the hash chain still verifies.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roundtable.audit import context as audit_context
from roundtable.audit.hashing import event_hash
from roundtable.audit.models import Action, AuditEvent
from roundtable.audit.services import audit_event_build, audit_event_like, audit_record_many
from roundtable.audit.tests.factories import seal_everything
from roundtable.audit.verification import verify_audit_log

pytestmark = pytest.mark.django_db

COLUMNS = [field.attname for field in AuditEvent._meta.concrete_fields if not field.primary_key]


def _events(personas) -> list[AuditEvent]:
    alice = personas.alice
    with audit_context.acting_as(user=alice, team=None, organisation=alice.organisation):
        first = audit_event_build(
            action=Action.VIEW,
            target_type="galleries.gallery",
            target_id="g-1",
            target_label='A "quoted" gallery, with a comma and an accent: Zoë',
            sections=["gallery", "identity"],
            search_terms={"name": "O'Brien", "nested": {"list": [1, 2.5, None, True]}},
            result_count=26,
            justification="Line one\nline two\t\\ backslash",
            detail={"people": ["p-1", "p-2"], "password": "not kept"},
        )
        second = audit_event_like(
            first, target_id="p-1", target_label="Profile p-1", detail={"membership": "m-1"}
        )
        third = audit_event_like(first, target_id="p-2", target_label="", detail={})
    return [first, second, third]


def test_every_column_reads_back_as_it_was_built(personas):
    built = _events(personas)
    expected = [{name: getattr(event, name) for name in COLUMNS} for event in built]

    with CaptureQueriesContext(connection) as queries:
        written = audit_record_many(built)

    assert len(queries.captured_queries) == 1
    assert [event.pk for event in written] == sorted(event.pk for event in written)
    stored = AuditEvent.objects.in_bulk([event.pk for event in written])
    assert [
        {name: getattr(stored[event.pk], name) for name in COLUMNS} for event in written
    ] == expected
    assert stored[written[0].pk].detail["password"] == ["***", "***"]
    assert all(event_hash(stored[event.pk]) == event.content_hash for event in written)
    assert not written[0]._state.adding


def test_events_written_together_seal_and_verify(personas):
    audit_record_many(_events(personas))
    seal_everything()

    result = verify_audit_log()

    assert result.problems == []
    assert result.seals_checked == 1


def test_no_events_write_nothing():
    with CaptureQueriesContext(connection) as queries:
        assert audit_record_many([]) == []
    assert queries.captured_queries == []
