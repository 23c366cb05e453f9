"""Promoted columns: filtering and sorting by a field read the typed, indexed column."""

from __future__ import annotations

import pytest
from django.db import connection

from roundtable.customforms import selectors
from roundtable.customforms.models import FormValues
from roundtable.customforms.services import form_draft_update, form_version_publish
from roundtable.records.models import Case
from roundtable.records.tests.case_helpers import ASB_SCHEMA, casework, open_case
from roundtable.sharing import policy
from roundtable.sharing.sections import RecordKind

PROMOTED = [
    {**field, "promote": field["key"] in ("incident_count", "risk_matrix", "first_report")}
    for field in ASB_SCHEMA
]


@pytest.fixture
def work(personas):
    work = casework(personas)
    definition = work.case_type.form
    assert definition is not None
    form_draft_update(
        actor=None, definition=definition, schema=PROMOTED, expected_version=definition.version
    )
    definition.refresh_from_db()
    form_version_publish(actor=None, definition=definition, expected_version=definition.version)
    definition.refresh_from_db()
    work.case_type.refresh_from_db()
    return work


def _open(personas, work, count, risk, reported):
    fields = {"incident_count": count, "risk_matrix": risk, "first_report": reported}
    return open_case(personas.alice, work.asb, work.case_type, fields=fields)


def _bulk_rows(definition, count: int = 400) -> None:
    """Many other answer rows, so the planner has a table worth choosing an index for."""
    version = definition.current_version
    FormValues.objects.bulk_create(
        FormValues(
            definition=definition,
            form_version=version,
            record_kind=RecordKind.CASE,
            record_id=10_000 + number,
            values={"incident_count": number, "risk_matrix": "Standard"},
            text_1=("Standard", "Medium")[number % 2],
            num_1=number,
        )
        for number in range(count)
    )


def _plan(queryset) -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE customforms_formvalues")
            cursor.execute("SET LOCAL enable_seqscan = off")
    return str(queryset.explain())


def test_promoted_fields_get_typed_columns_on_publishing(personas, work):
    assert work.case_type.form.promoted == {
        "incident_count": "num_1",
        "first_report": "date_1",
        "risk_matrix": "text_1",
    }


def test_a_filter_on_a_promoted_field_uses_its_indexed_column(personas, work):
    high = _open(personas, work, 5, "High", "2026-01-05")
    _open(personas, work, 2, "Standard", "2026-02-05")
    definition = work.case_type.form
    _bulk_rows(definition)
    viewer = policy.viewer_for_user(personas.alice)
    visible = policy.visible(viewer, Case.objects.all())
    found = selectors.records_where_promoted(
        visible, definition=definition, key="risk_matrix", value="High"
    )
    assert list(found) == [high]
    sql = str(found.query)
    assert '"text_1"' in sql or "text_1" in sql
    assert '"values"' not in sql  # the JSON is never searched
    plan = _plan(
        selectors.values_where_promoted(definition=definition, key="risk_matrix", value="High")
    )
    assert "customforms_values_text_1" in plan


def test_a_sort_on_a_promoted_field_reads_its_indexed_column_in_order(personas, work):
    cases = [_open(personas, work, count, "Medium", "2026-01-05") for count in (3, 11, 7)]
    definition = work.case_type.form
    _bulk_rows(definition)
    rows = selectors.values_ordered_by_promoted(
        definition=definition, key="incident_count", direction="asc"
    ).filter(record_id__lt=10_000)
    assert [row.record_id for row in rows] == [cases[0].pk, cases[2].pk, cases[1].pk]
    rows = selectors.values_ordered_by_promoted(
        definition=definition, key="incident_count", direction="desc"
    )
    plan = _plan(rows[:20])  # a list reads its top rows, then stops
    assert "customforms_values_num_1" in plan
    if connection.vendor == "sqlite":
        assert "TEMP B-TREE" not in plan  # read in index order, never sorted afterwards
    viewer = policy.viewer_for_user(personas.alice)
    ordered = selectors.records_ordered_by_promoted(
        policy.visible(viewer, Case.objects.all()),
        definition=definition,
        key="incident_count",
        direction="desc",
    )
    assert list(ordered) == [cases[1], cases[2], cases[0]]
    assert "num_1" in str(ordered.query)


def test_a_promoted_sort_never_reaches_records_the_viewer_cannot_see(personas, work):
    _open(personas, work, 30, "High", "2026-01-05")
    viewer = policy.viewer_for_user(personas.dave)  # another partnership: sees none of them
    ordered = selectors.records_ordered_by_promoted(
        policy.visible(viewer, Case.objects.all()),
        definition=work.case_type.form,
        key="incident_count",
    )
    assert list(ordered) == []
