"""The data migration that moved case types' own fields onto the forms engine, both ways."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from roundtable.customforms.models import FormValues
from roundtable.customforms.rendering import answers_for
from roundtable.customforms.schema import schema_clean
from roundtable.records.models import Case, CaseType
from roundtable.records.services.cases import case_field_values
from roundtable.records.tests.case_helpers import team_of
from roundtable.sharing import policy
from roundtable.sharing.sections import RecordKind

BEFORE = [("records", "0003_add_case_type_form")]
OLD_SCHEMA = [
    {"key": "incident_count", "label": "Number of incidents", "type": "number", "required": True},
    {"key": "hate", "label": "Hate motivated", "type": "yes_no"},
    {"key": "risk", "label": "Risk matrix", "type": "choice", "choices": ["Standard", "High"]},
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_old_fields_become_version_1_and_every_cases_values_move_with_it(personas):
    team = team_of(personas.alice)
    try:
        old_apps = _migrate(BEFORE)
        old_type = old_apps.get_model("records", "CaseType")
        old_case = old_apps.get_model("records", "Case")
        partnership_id = team.organisation.partnership_id
        asb = old_type.objects.create(
            partnership_id=partnership_id,
            name="ASB",
            reference_prefix="ASB",
            stages=["Open"],
            field_schema=OLD_SCHEMA,
        )
        plain = old_type.objects.create(
            partnership_id=partnership_id,
            name="Plain",
            reference_prefix="PLN",
            stages=["Open"],
            field_schema=[],
        )
        common = {
            "owning_team_id": team.pk,
            "owning_organisation_id": team.organisation_id,
            "opened_on": date(2026, 3, 2),
            "title": "Noise",
        }
        answered = old_case.objects.create(
            case_type=asb,
            reference="ASB-2026-000001",
            fields={"incident_count": 3, "hate": False, "risk": "High"},
            **common,
        )
        blank = old_case.objects.create(
            case_type=asb, reference="ASB-2026-000002", fields={}, **common
        )
        _migrate(_latest())

        asb_now = CaseType.objects.select_related("form__current_version").get(pk=asb.pk)
        assert asb_now.form is not None
        version = asb_now.form.current_version
        assert version is not None
        assert (asb_now.form.owner, version.number) == (f"case_type:{asb.code}", 1)
        assert version.schema == schema_clean(OLD_SCHEMA, record_kind=RecordKind.CASE)
        assert asb_now.form.draft_schema == version.schema
        case = Case.objects.get(pk=answered.pk)
        assert case_field_values(case) == {"incident_count": 3, "hate": False, "risk": "High"}
        assert FormValues.objects.get(record_id=answered.pk).form_version == version
        assert case_field_values(Case.objects.get(pk=blank.pk)) == {}
        plain_now = CaseType.objects.get(pk=plain.pk)
        assert plain_now.form is not None and plain_now.form.current_version is None
        values = case_field_values(case)
        shown = answers_for(version, values, policy.NOBODY, sections=frozenset({"summary"}))
        assert {row.label: row.value for row in shown.rows} == {
            "Number of incidents": 3,
            "Hate motivated": "No",
            "Risk matrix": "High",
        }

        # And back: the old columns get their values again.
        back_apps = _migrate(BEFORE)
        restored = back_apps.get_model("records", "Case").objects.get(pk=answered.pk)
        assert restored.fields == {"incident_count": 3, "hate": False, "risk": "High"}
        restored_type = back_apps.get_model("records", "CaseType").objects.get(pk=asb.pk)
        assert restored_type.field_schema == OLD_SCHEMA
        assert restored_type.form_id is None
    finally:
        _migrate(_latest())
