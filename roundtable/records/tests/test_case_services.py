"""Case services: references, per-type fields, review dates, locking, stages, closing, risk."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from roundtable.audit.models import Action, AuditEvent
from roundtable.records.models import Case, CaseStatus, ReferenceCounter, StageChange
from roundtable.records.selectors.cases import overdue_reviews_for_team
from roundtable.records.services import cases as services
from roundtable.records.tests.case_helpers import casework, open_case


@pytest.fixture
def work(personas):
    return casework(personas)


def test_two_allocations_in_sequence_give_consecutive_numbers(db):
    with transaction.atomic():
        first = services.reference_allocate(prefix="ASB", year=2026)
    with transaction.atomic():
        second = services.reference_allocate(prefix="ASB", year=2026)
    assert (first, second) == ("ASB-2026-000001", "ASB-2026-000002")
    assert services.reference_allocate(prefix="ASB", year=2027) == "ASB-2027-000001"


def test_case_reference_is_unique_in_the_database(personas, work):
    case = open_case(personas.alice, work.asb, work.case_type)
    clone = Case(
        case_type=work.case_type,
        reference=case.reference,
        title="Copy",
        opened_on=case.opened_on,
        owning_team=work.asb,
        owning_organisation=work.asb.organisation,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()


def test_cases_get_the_type_prefix_and_year(personas, work):
    first = open_case(personas.alice, work.asb, work.case_type)
    second = open_case(personas.alice, work.asb, work.case_type)
    year = timezone.localdate().year
    assert first.reference == f"ASB-{year}-000001"
    assert second.reference == f"ASB-{year}-000002"


def test_review_date_defaults_to_opening_plus_the_type_interval(personas, work):
    case = open_case(personas.alice, work.asb, work.case_type)
    assert case.review_date == timezone.localdate() + timedelta(days=28)
    assert case.stage == "Report received"


def test_per_type_fields_are_stored_with_their_types(personas, work):
    case = open_case(
        personas.alice,
        work.asb,
        work.case_type,
        fields={
            "incident_count": "12",
            "hate_motivated": "yes",
            "first_report": "2026-01-05",
            "risk_matrix": "High",
            "location": " Test Park ",
        },
    )
    assert services.case_field_values(case) == {
        "incident_count": 12,
        "hate_motivated": True,
        "first_report": "2026-01-05",
        "risk_matrix": "High",
        "location": "Test Park",
    }


@pytest.mark.parametrize(
    ("fields", "error_key", "words"),
    [
        ({}, "field_incident_count", "Enter Number of incidents"),
        ({"incident_count": "many"}, "field_incident_count", "must be a number"),
        ({"incident_count": 1, "hate_motivated": "perhaps"}, "field_hate_motivated", "yes or no"),
        ({"incident_count": 1, "first_report": "2026-02-30"}, "field_first_report", "real date"),
        ({"incident_count": 1, "risk_matrix": "Extreme"}, "field_risk_matrix", "options"),
        ({"incident_count": 1, "shoe_size": 9}, "fields", "no field called shoe_size"),
    ],
)
def test_bad_per_type_fields_are_refused_and_nothing_is_written(
    personas, work, fields, error_key, words
):
    with pytest.raises(ValidationError) as refused:
        open_case(personas.alice, work.asb, work.case_type, fields=fields)
    assert words in " ".join(refused.value.message_dict[error_key])
    assert not Case.objects.exists()
    assert not ReferenceCounter.objects.exists()
    assert not AuditEvent.objects.filter(target_type="records.case").exists()


def test_lead_practitioner_must_belong_to_the_owning_team(personas, work):
    with pytest.raises(ValidationError) as refused:
        open_case(personas.alice, work.asb, work.case_type, lead_practitioner=personas.carol)
    assert "lead_practitioner" in refused.value.message_dict
    case = open_case(personas.alice, work.asb, work.case_type, lead_practitioner=personas.spoc)
    assert case.lead_practitioner == personas.spoc


def test_case_type_of_another_partnership_is_refused(personas, work):
    with pytest.raises(ValidationError):
        open_case(personas.dave, work.far_team, work.case_type)


def test_stale_update_overwrites_nothing(personas, work):
    case = open_case(personas.alice, work.asb, work.case_type)
    services.case_update(
        actor=personas.spoc, case=case, expected_version=case.version, title="Spoc's title"
    )
    with pytest.raises(services.StaleRecord) as stale:
        services.case_update(
            actor=personas.alice, case=case, expected_version=case.version, title="Alice's title"
        )
    assert getattr(stale.value.current, "title", None) == "Spoc's title"
    case.refresh_from_db()
    assert case.title == "Spoc's title"
    assert case.version == 1


def test_update_is_audited_with_old_and_new_values(personas, work):
    case = open_case(personas.alice, work.asb, work.case_type)
    services.case_update(actor=personas.alice, case=case, expected_version=0, title="New title")
    event = AuditEvent.objects.filter(action=Action.UPDATE, target_id=str(case.code)).get()
    assert event.changes == {"title": ["Noise and threats, Test Street", "New title"]}
    assert event.target_label == case.reference


def test_stage_change_keeps_history_and_refuses_unknown_stages(personas, work):
    case = open_case(personas.alice, work.asb, work.case_type)
    with pytest.raises(ValidationError):
        services.case_stage_change(
            actor=personas.alice, case=case, to_stage="Arrest", expected_version=0
        )
    services.case_stage_change(
        actor=personas.alice,
        case=case,
        to_stage="Risk assessment",
        note="Second report",
        expected_version=0,
    )
    change = StageChange.objects.get(case=case)
    assert (change.from_stage, change.to_stage, change.note) == (
        "Report received",
        "Risk assessment",
        "Second report",
    )
    case.refresh_from_db()
    assert case.stage == "Risk assessment"
    event = AuditEvent.objects.filter(action=Action.UPDATE, target_id=str(case.code)).get()
    assert event.changes == {"stage": ["Report received", "Risk assessment"]}


def test_close_needs_an_outcome_and_sets_closed_on(personas, work):
    case = open_case(personas.alice, work.asb, work.case_type)
    with pytest.raises(ValidationError):
        services.case_close(actor=personas.alice, case=case, outcome="  ", expected_version=0)
    services.case_close(
        actor=personas.alice, case=case, outcome="Behaviour stopped", expected_version=0
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.closed_on == timezone.localdate()
    with pytest.raises(ValidationError):
        services.case_close(actor=personas.alice, case=case, outcome="Again", expected_version=1)


def test_rag_is_set_and_audited(personas, work):
    case = open_case(personas.alice, work.asb, work.case_type)
    with pytest.raises(ValidationError):
        services.case_set_rag(actor=personas.alice, case=case, rag="purple", expected_version=0)
    services.case_set_rag(
        actor=personas.alice, case=case, rag="red", note="Threats", expected_version=0
    )
    event = AuditEvent.objects.filter(action=Action.UPDATE, target_id=str(case.code)).get()
    assert event.changes == {"rag": ["", "red"]}
    assert event.justification == "Threats"


def test_overdue_reviews_lists_open_cases_past_their_review_date_only(personas, work):
    overdue = open_case(
        personas.alice,
        work.asb,
        work.case_type,
        review_date=timezone.localdate() - timedelta(days=1),
    )
    open_case(personas.alice, work.asb, work.case_type, review_date=timezone.localdate())
    closed = open_case(
        personas.alice,
        work.asb,
        work.case_type,
        review_date=timezone.localdate() - timedelta(days=3),
    )
    services.case_close(actor=personas.alice, case=closed, outcome="Done", expected_version=0)
    open_case(
        personas.bob, work.iom, work.case_type, review_date=timezone.localdate() - timedelta(days=5)
    )
    assert list(overdue_reviews_for_team(team=work.asb)) == [overdue]
