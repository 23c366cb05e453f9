"""``audit_verify`` names every event altered, deleted or inserted behind the app's back."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from roundtable.audit import triggers
from roundtable.audit.hashing import event_hash
from roundtable.audit.models import AuditEvent, AuditSeal
from roundtable.audit.services import audit_record
from roundtable.audit.tests.factories import make_event, seal_everything
from roundtable.audit.verification import ProblemKind, verify_audit_log

pytestmark = pytest.mark.django_db

COLUMNS = [field.column for field in AuditEvent._meta.concrete_fields if not field.primary_key]


def _verify() -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("audit_verify", stdout=out)
    except CommandError as error:
        assert error.returncode == 1
        return 1, out.getvalue()
    return 0, out.getvalue()


def _sql(sql: str, params: list[int | str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def sealed_log() -> list[AuditEvent]:
    events = [
        make_event(target_id=f"p-{n}", changes={"status": ["open", "closed"]}) for n in range(4)
    ]
    seal_everything()
    return events


def test_a_clean_log_verifies_clean_and_counts_unsealed_events(sealed_log):
    make_event(target_id="not-sealed-yet")

    status, output = _verify()

    assert status == 0
    assert "The audit log is intact" in output
    assert "Checked 5 events and 1 seals; 1 events are not sealed yet." in output
    seal = AuditSeal.objects.get()
    assert f"Latest seal {seal.pk} covers events up to {sealed_log[-1].pk}" in output


def test_an_empty_log_verifies_clean():
    status, output = _verify()

    assert status == 0
    assert "Checked 0 events and 0 seals" in output


def test_an_event_altered_behind_the_apps_back_is_named(sealed_log):
    victim = sealed_log[1]
    with triggers.suspended():
        _sql("UPDATE audit_auditevent SET target_id = %s WHERE id = %s", ["p-999", victim.pk])

    status, output = _verify()

    assert status == 1
    assert f"ALTERED EVENT: event {victim.pk}" in output
    assert "FAILED verification: 1 problems" in output


def test_an_altered_event_whose_hash_was_recomputed_is_caught_by_its_seal(sealed_log):
    victim = sealed_log[2]
    victim.target_id = "p-999"
    forged_hash = event_hash(victim)
    with triggers.suspended():
        _sql(
            "UPDATE audit_auditevent SET target_id = %s, content_hash = %s WHERE id = %s",
            ["p-999", forged_hash, victim.pk],
        )

    status, output = _verify()

    assert status == 1
    assert f"ALTERED EVENT: event {victim.pk} (seal {AuditSeal.objects.get().pk})" in output
    assert "hash the seal recorded" in output


def test_an_event_deleted_behind_the_apps_back_is_named(sealed_log):
    victim = sealed_log[0]
    with triggers.suspended():
        _sql("DELETE FROM audit_auditevent WHERE id = %s", [victim.pk])

    status, output = _verify()

    assert status == 1
    assert f"DELETED EVENT: event {victim.pk}" in output
    result = verify_audit_log()
    assert [problem.event_id for problem in result.problems] == [victim.pk]


def test_an_event_inserted_into_a_sealed_range_is_named():
    first, gap, last = (make_event(target_id=f"p-{n}") for n in range(3))
    # Leave a hole in the ids before sealing, then fill it afterwards with a forged row whose
    # own hash is valid: only the seal can tell it was never there.
    with triggers.suspended():
        _sql("DELETE FROM audit_auditevent WHERE id = %s", [gap.pk])
    seal_everything()
    columns = ", ".join(COLUMNS)
    _sql(
        f"INSERT INTO audit_auditevent (id, {columns}) "  # noqa: S608 (column names from the model)
        f"SELECT %s, {columns} FROM audit_auditevent WHERE id = %s",
        [gap.pk, first.pk],
    )

    status, output = _verify()

    assert status == 1
    assert f"INSERTED EVENT: event {gap.pk}" in output
    kinds = {problem.kind for problem in verify_audit_log().problems}
    assert kinds == {ProblemKind.INSERTED_EVENT}
    assert last.pk > gap.pk


def test_altered_deleted_and_inserted_events_are_all_named_in_one_run(sealed_log):
    altered, deleted = sealed_log[0], sealed_log[3]
    with triggers.suspended():
        _sql("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["erase", altered.pk])
        _sql("DELETE FROM audit_auditevent WHERE id = %s", [deleted.pk])

    result = verify_audit_log()

    assert {(p.kind, p.event_id) for p in result.problems} == {
        (ProblemKind.ALTERED_EVENT, altered.pk),
        (ProblemKind.DELETED_EVENT, deleted.pk),
    }


def test_an_unsealed_event_altered_behind_the_apps_back_is_named(sealed_log):
    late = make_event(target_id="late")
    with triggers.suspended():
        _sql("UPDATE audit_auditevent SET target_id = %s WHERE id = %s", ["changed", late.pk])

    status, output = _verify()

    assert status == 1
    assert f"ALTERED EVENT: event {late.pk}: its content" in output


def test_a_seal_rewritten_to_hide_a_deletion_is_named(sealed_log):
    first_seal = AuditSeal.objects.get()
    # Delete an event and drop it from its seal's entries too; the seal's hash no longer matches.
    victim = sealed_log[1]
    entries = [entry for entry in first_seal.entries if entry[0] != victim.pk]
    with triggers.suspended():
        _sql("DELETE FROM audit_auditevent WHERE id = %s", [victim.pk])
        AuditSeal.objects.filter(pk=first_seal.pk).update(entries=entries, event_count=len(entries))

    status, output = _verify()

    assert status == 1
    assert f"ALTERED SEAL: seal {first_seal.pk}" in output


def test_a_removed_seal_breaks_the_chain_at_the_next_seal(sealed_log):
    first_seal = AuditSeal.objects.get()
    make_event(target_id="later")
    seal_everything()
    second_seal = AuditSeal.objects.latest("id")
    with triggers.suspended():
        _sql("DELETE FROM audit_auditseal WHERE id = %s", [first_seal.pk])

    status, output = _verify()

    assert status == 1
    assert f"BROKEN CHAIN: seal {second_seal.pk}" in output


def test_the_report_names_ids_and_kinds_only_never_personal_data(personas):
    audit_record(action="view", actor=personas.alice, target_type="records.profile", target_id="x")
    seal_everything()
    event = AuditEvent.objects.get()
    with triggers.suspended():
        _sql("UPDATE audit_auditevent SET target_id = %s WHERE id = %s", ["y", event.pk])

    _status, output = _verify()

    assert "alice" not in output.lower()
    assert "Ashdown" not in output
    assert f"event {event.pk}" in output
