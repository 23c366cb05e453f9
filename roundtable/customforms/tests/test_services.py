"""Form services: who may change a form, drafts, publishing versions, storing answers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from roundtable.audit.models import Action, AuditEvent
from roundtable.customforms.models import FormDefinition, FormValues, FormVersion
from roundtable.customforms.services import (
    StaleDefinition,
    form_definition_create,
    form_draft_update,
    form_values_save,
    form_version_publish,
)
from roundtable.customforms.tests.helpers import current, form_for, make_admin
from roundtable.customforms.tests.schemas import CASE, DASH_KEYS, DASH_LIKE, EVERY_TYPE
from roundtable.sharing.sections import RecordKind

SIMPLE: list[dict[str, Any]] = [
    {"key": "incidents", "label": "Number of incidents", "type": "number", "promote": True},
    {"key": "hate", "label": "Hate motivated", "type": "yes_no"},
]


@pytest.fixture
def admin(personas):
    return make_admin(personas.spoc)


def test_a_partnership_admin_creates_a_form_and_it_is_audited(admin):
    definition = form_definition_create(
        actor=admin,
        partnership=admin.organisation.partnership,
        owner="assessment:asb-risk",
        name="ASB risk matrix",
        record_kind=RecordKind.CASE,
        schema=SIMPLE,
    )
    assert definition.current_version is None
    assert [field["key"] for field in definition.draft_schema["fields"]] == ["incidents", "hate"]
    event = AuditEvent.objects.get(action=Action.CREATE, target_id=str(definition.code))
    assert event.changes["owner"] == [None, "assessment:asb-risk"]


@pytest.mark.parametrize("who", ["alice", "dave"])
def test_only_an_admin_of_the_forms_own_partnership_may_change_it(personas, admin, who):
    definition = form_for(admin, SIMPLE)
    user = make_admin(personas.dave) if who == "dave" else personas.alice
    with pytest.raises(PermissionDenied):
        form_draft_update(actor=user, definition=definition, schema=[], expected_version=1)
    with pytest.raises(PermissionDenied):
        form_version_publish(actor=user, definition=definition, expected_version=1)
    with pytest.raises(PermissionDenied):
        form_definition_create(
            actor=user,
            partnership=admin.organisation.partnership,
            owner="assessment:other",
            name="Other",
            record_kind=RecordKind.CASE,
        )


def test_a_bad_draft_is_refused_with_every_problem_and_nothing_is_written(admin):
    definition = form_for(admin, SIMPLE)
    before = definition.draft_schema
    bad = [*SIMPLE, {"key": "hate", "label": "Again", "type": "yes_no"}, {"key": "x", "type": "y"}]
    with pytest.raises(ValidationError) as refused:
        form_draft_update(
            actor=admin, definition=definition, schema=bad, expected_version=definition.version
        )
    problems = refused.value.message_dict["schema"]
    assert "Field 'hate': the key is used more than once." in problems
    assert any(problem.startswith("Field 'x'") for problem in problems)
    definition.refresh_from_db()
    assert definition.draft_schema == before


def test_a_stale_draft_save_is_refused_and_overwrites_nothing(admin):
    definition = form_for(admin, SIMPLE)
    seen = definition.version
    form_draft_update(actor=admin, definition=definition, schema=SIMPLE[:1], expected_version=seen)
    with pytest.raises(StaleDefinition) as stale:
        form_draft_update(actor=admin, definition=definition, schema=[], expected_version=seen)
    assert len(stale.value.current.draft_schema["fields"]) == 1


def test_publishing_freezes_the_draft_as_the_next_version_and_old_versions_never_change(admin):
    definition = form_for(admin, SIMPLE)
    first = current(definition)
    definition.refresh_from_db()
    form_draft_update(
        actor=admin, definition=definition, schema=SIMPLE[:1], expected_version=definition.version
    )
    definition.refresh_from_db()
    second = form_version_publish(
        actor=admin, definition=definition, expected_version=definition.version
    )
    assert (first.number, second.number) == (1, 2)
    assert current(definition) == second
    first.refresh_from_db()
    assert [field["key"] for field in first.schema["fields"]] == ["incidents", "hate"]
    assert second.created_by == admin
    events = AuditEvent.objects.filter(action=Action.UPDATE, target_id=str(definition.code))
    event = events.order_by("pk").last()
    assert event is not None
    assert event.changes["published_version"] == [1, 2]


def test_publishing_an_unchanged_draft_is_refused(admin):
    definition = form_for(admin, SIMPLE)
    definition.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        form_version_publish(
            actor=admin, definition=definition, expected_version=definition.version
        )
    assert "The draft is the same as version 1: nothing to publish." in str(refused.value)
    assert FormVersion.objects.filter(definition=definition).count() == 1


def test_a_stale_publish_is_refused(admin):
    definition = form_for(admin, SIMPLE)
    with pytest.raises(StaleDefinition):
        form_version_publish(actor=admin, definition=definition, expected_version=0)


def test_changing_a_promoted_fields_type_is_refused(admin):
    definition = form_for(admin, SIMPLE)
    definition.refresh_from_db()
    changed = [{"key": "incidents", "label": "Incidents", "type": "text", "promote": True}]
    with pytest.raises(ValidationError) as refused:
        form_draft_update(
            actor=admin, definition=definition, schema=changed, expected_version=definition.version
        )
    assert "give the new question a new key" in str(refused.value)


def test_stored_answers_carry_their_version_score_level_and_promoted_columns(admin):
    definition = form_for(admin, EVERY_TYPE)
    version = current(definition)
    assert definition.promoted == {
        "incidents": "num_1",
        "first_report": "date_1",
        "nationality": "text_1",
        "risk_level": "text_2",
    }
    row = form_values_save(
        definition=definition,
        version=version,
        record_kind=CASE,
        record_id=7,
        values={
            "account": "Noise",
            "incidents": 3,
            "weapon": True,
            "risk_level": "High",
            "first_report": "2026-01-05",
            "nationality": "FR",
        },
    )
    assert row is not None
    row.refresh_from_db()
    assert row.form_version == version
    assert (row.score, row.level) == (Decimal("12.5"), "Serious")
    assert (row.num_1, row.text_1, row.text_2, str(row.date_1)) == (
        Decimal(3),
        "FR",
        "High",
        "2026-01-05",
    )


def test_a_record_with_no_answers_gets_no_row(admin):
    definition = form_for(admin, SIMPLE)
    saved = form_values_save(
        definition=definition, version=current(definition), record_kind=CASE, record_id=1, values={}
    )
    assert saved is None
    assert not FormValues.objects.exists()


def test_answers_must_be_stored_with_a_version_of_their_own_form(admin):
    one = form_for(admin, SIMPLE)
    other = form_for(admin, SIMPLE, owner="assessment:other")
    with pytest.raises(ValueError, match="own definition"):
        form_values_save(
            definition=one, version=current(other), record_kind=CASE, record_id=1, values={}
        )


def test_promoting_a_field_in_a_new_version_fills_its_column_for_answers_already_given(admin):
    unpromoted = [{**field, "promote": False} for field in SIMPLE]
    definition = form_for(admin, unpromoted)
    first = current(definition)
    for record_id, count in ((1, 4), (2, 9)):
        form_values_save(
            definition=definition,
            version=first,
            record_kind=CASE,
            record_id=record_id,
            values={"incidents": count},
        )
    definition.refresh_from_db()
    form_draft_update(
        actor=admin, definition=definition, schema=SIMPLE, expected_version=definition.version
    )
    definition.refresh_from_db()
    form_version_publish(actor=admin, definition=definition, expected_version=definition.version)
    definition.refresh_from_db()
    assert definition.promoted == {"incidents": "num_1"}
    rows = FormValues.objects.filter(definition=definition).order_by("record_id")
    assert [(row.form_version.number, row.num_1) for row in rows] == [
        (1, Decimal(4)),
        (1, Decimal(9)),
    ]


def test_the_dash_like_checklist_is_scored_when_stored(admin):
    definition = form_for(admin, DASH_LIKE)
    values = {key: position < 14 for position, key in enumerate(DASH_KEYS)}
    row = form_values_save(
        definition=definition,
        version=current(definition),
        record_kind=CASE,
        record_id=3,
        values=values,
    )
    assert row is not None
    assert (row.score, row.level) == (Decimal(14), "High")


def test_one_owner_has_one_form(admin):
    form_for(admin, SIMPLE)
    with pytest.raises(ValidationError):
        form_for(admin, SIMPLE)
    assert FormDefinition.objects.count() == 1
