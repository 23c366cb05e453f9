"""Transactional tests (live_server, browser journeys) empty the database with flush; the audit
log's triggers must not stop them, and must be back in force afterwards."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from roundtable.audit.models import AuditEvent, AuditSeal
from roundtable.audit.tests.factories import make_event, seal_everything


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_audit_log_in_a_test_database_and_restores_the_triggers():
    make_event()
    seal_everything()

    call_command("flush", interactive=False, verbosity=0)

    assert not AuditEvent.objects.exists()
    assert not AuditSeal.objects.exists()
    event = make_event()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        event.delete()


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_that_writes_audit_events_tears_down_cleanly():
    make_event()
    seal_everything()
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_test_after_a_transactional_test_starts_with_an_empty_audit_log():
    assert not AuditEvent.objects.exists()
    assert not AuditSeal.objects.exists()
