"""CSV export of an audit log search: marked, formula-safe, scoped and itself audited."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from roundtable.audit import views
from roundtable.audit.models import Action, AuditEvent
from roundtable.audit.services import audit_record
from roundtable.audit.views import csv_cell

URL = reverse("audit:event_export")
PURPOSE = {"purpose": "criminal_proceedings"}


def _by(user, **fields) -> AuditEvent:
    fields.setdefault("action", Action.UPDATE)
    fields.setdefault("target_type", "records.profile")
    fields.setdefault("target_id", "p-1")
    return audit_record(actor=user, **fields)


def _rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_export_is_marked_official_sensitive_and_lists_the_matching_events(personas, client_for):
    alices = _by(personas.alice, changes={"status": ["open", "closed"]})
    _by(personas.carol)  # another organisation's
    client = client_for(personas.audrey)

    response = client.get(URL, {**PURPOSE, "action": "update"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    rows = _rows(response)
    assert rows[0] == ["OFFICIAL-SENSITIVE"]
    assert rows[1] == views.CSV_HEADER
    assert [row[0] for row in rows[2:]] == [str(alices.pk)]
    assert rows[2][2] == "Alice Ashdown <alice@police.testshire.invalid>"
    assert rows[2][12] == '{"status":["open","closed"]}'


def test_the_export_is_itself_audited_with_purpose_filters_and_row_count(personas, client_for):
    _by(personas.alice)
    _by(personas.bob)
    client = client_for(personas.audrey)

    response = client.get(URL, {**PURPOSE, "action": "update", "before": "999"})

    assert len(_rows(response)) == 4
    export = AuditEvent.objects.get(action=Action.EXPORT)
    assert export.actor == personas.audrey
    assert export.target_type == "audit.auditevent"
    assert export.search_terms == {"purpose": "criminal_proceedings", "action": "update"}
    assert export.result_count == 2


def test_cells_that_a_spreadsheet_would_run_as_formulas_are_quoted(personas, client_for):
    _by(personas.alice, target_label='=HYPERLINK("http://evil.invalid")', target_id="+44")
    client = client_for(personas.audrey)

    rows = _rows(client.get(URL, {**PURPOSE, "action": "update"}))

    assert rows[2][10] == '\'=HYPERLINK("http://evil.invalid")'
    assert rows[2][9] == "'+44"


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_csv_cell_quotes_every_formula_prefix(value):
    assert csv_cell(value) == f"'{value}"


def test_csv_cell_leaves_ordinary_values_alone():
    assert csv_cell("Alice") == "Alice"
    assert csv_cell(None) == ""
    assert csv_cell(3) == "3"
    assert csv_cell({}) == ""


def test_export_needs_a_purpose_and_writes_nothing_without_one(personas, client_for):
    _by(personas.alice)
    client = client_for(personas.audrey)

    response = client.get(URL, {"action": "update"})

    assert response.status_code == 200
    assert "Select why you are looking at the audit log" in response.content.decode()
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_export_refuses_bad_filters_with_a_message(personas, client_for):
    client = client_for(personas.audrey)

    response = client.get(URL, {**PURPOSE, "date_from": "32/1/2026"})

    assert response.status_code == 200
    assert "Enter the start date as a real date" in response.content.decode()
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_export_larger_than_the_cap_is_refused_with_advice(personas, client_for, monkeypatch):
    monkeypatch.setattr(views, "EXPORT_CAP", 2)
    for n in range(3):
        _by(personas.alice, target_id=f"p-{n}")
    client = client_for(personas.audrey)

    response = client.get(URL, {**PURPOSE, "action": "update"})

    assert response.status_code == 200
    assert "too many for one export" in response.content.decode()
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_export_within_the_cap_is_allowed(personas, client_for, monkeypatch):
    monkeypatch.setattr(views, "EXPORT_CAP", 3)
    for n in range(3):
        _by(personas.alice, target_id=f"p-{n}")
    client = client_for(personas.audrey)

    response = client.get(URL, {**PURPOSE, "action": "update"})

    assert len(_rows(response)) == 5


@pytest.mark.parametrize("persona", ["alice", "spoc", "sysadmin"])
def test_users_without_the_auditor_capability_cannot_export(personas, client_for, persona):
    client = client_for(getattr(personas, persona))

    assert client.get(URL, {**PURPOSE, "action": "update"}).status_code == 403
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()
