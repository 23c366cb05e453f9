"""The audit tables are append-only: the database itself refuses updates and deletes."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from roundtable.audit import triggers
from roundtable.audit.models import Action, AuditEvent, AuditSeal
from roundtable.audit.tests.factories import make_event, seal_everything

pytestmark = pytest.mark.django_db


def _event() -> AuditEvent:
    return make_event()


def _seal() -> AuditSeal:
    _event()
    seal_everything()
    return AuditSeal.objects.get()


def _refused() -> pytest.RaisesExc[IntegrityError]:
    # The savepoint lets the test go on after PostgreSQL aborts the failed statement.
    return pytest.raises(IntegrityError, match="append-only")


def test_orm_update_of_an_event_is_refused():
    event = _event()
    with _refused(), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action=Action.DELETE)
    event.refresh_from_db()
    assert event.action == Action.VIEW


def test_saving_a_changed_event_is_refused():
    event = _event()
    event.target_label = "Someone else"
    with _refused(), transaction.atomic():
        event.save()


def test_orm_delete_of_an_event_is_refused():
    event = _event()
    with _refused(), transaction.atomic():
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_raw_sql_update_of_an_event_is_refused():
    event = _event()
    with _refused(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'delete' WHERE id = %s", [event.pk])


def test_raw_sql_delete_of_an_event_is_refused():
    event = _event()
    with _refused(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_orm_update_and_delete_of_a_seal_are_refused():
    seal = _seal()
    with _refused(), transaction.atomic():
        AuditSeal.objects.filter(pk=seal.pk).update(previous_hash="0" * 64)
    with _refused(), transaction.atomic():
        seal.delete()
    assert AuditSeal.objects.filter(pk=seal.pk, seal_hash=seal.seal_hash).exists()


def test_raw_sql_update_and_delete_of_a_seal_are_refused():
    seal = _seal()
    with _refused(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditseal SET event_count = 0 WHERE id = %s", [seal.pk])
    with _refused(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditseal WHERE id = %s", [seal.pk])


@pytest.mark.parametrize("table", triggers.APPEND_ONLY_TABLES)
def test_emptying_a_whole_audit_table_is_refused(table):
    _seal()
    # PostgreSQL empties a table with TRUNCATE (its own trigger); SQLite has only DELETE.
    # The table name comes from the module's own constant, never from input.
    truncate = connection.vendor == "postgresql"
    sql = f"TRUNCATE {table}" if truncate else f"DELETE FROM {table}"  # noqa: S608
    with _refused(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)


def test_suspended_lifts_the_triggers_for_its_block_only():
    event = _event()
    with triggers.suspended():
        AuditEvent.objects.filter(pk=event.pk).update(target_label="changed while suspended")
    with _refused(), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(target_label="changed after")
    event.refresh_from_db()
    assert event.target_label == "changed while suspended"


def test_suspended_restores_the_triggers_when_its_block_fails():
    event = _event()
    with pytest.raises(ZeroDivisionError), triggers.suspended():
        1 / 0  # noqa: B018
    with _refused(), transaction.atomic():
        event.delete()


@pytest.mark.parametrize("environment", ["production", "demo"])
def test_suspended_refuses_outside_test_and_development(settings, environment):
    settings.ENVIRONMENT = environment
    with (
        pytest.raises(triggers.AppendOnlyGuardError, match="only in the test and development"),
        triggers.suspended(),
    ):
        pass


@pytest.mark.parametrize("environment", ["production", "demo"])
def test_flush_refuses_outside_test_and_development(settings, environment):
    event = _event()
    settings.ENVIRONMENT = environment
    with pytest.raises(CommandError, match="append-only"):
        call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.filter(pk=event.pk).exists()
