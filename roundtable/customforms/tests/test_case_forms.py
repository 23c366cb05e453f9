"""Case types' own fields on the forms engine, through the real pages: versions, sections, links."""

from __future__ import annotations

import pytest
from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent
from roundtable.customforms.models import FormValues
from roundtable.customforms.services import form_draft_update, form_version_publish
from roundtable.records.models import Case
from roundtable.records.services import cases as case_services
from roundtable.records.tests.case_helpers import (
    ASB_SCHEMA,
    casework,
    hidden_profile,
    open_case,
    page,
)

VERSION_2 = {
    "fields": [
        *[field for field in ASB_SCHEMA if field["key"] != "location"],
        {
            "key": "risk_level",
            "label": "ASB risk level",
            "type": "choice",
            "choices": ["Standard", "Medium", "High"],
            "section": "risk",
        },
        {
            "key": "vulnerable_victim",
            "label": "Is the victim vulnerable",
            "type": "yes_no",
            "section": "risk",
        },
        {
            "key": "vulnerability",
            "label": "Describe the vulnerability",
            "type": "long_text",
            "section": "risk",
            "required": True,
            "show_when": {"field": "vulnerable_victim", "equals": True},
        },
        {"key": "contact", "label": "Main contact", "type": "person_link"},
    ],
    "scoring": {
        "label": "ASB risk score",
        "method": "weighted_sum",
        "weights": {"risk_level": {"Medium": 3, "High": 8}, "vulnerable_victim": 4},
        "levels": [{"min": 0, "max": 5, "level": "Low"}, {"min": 6, "level": "High"}],
    },
}


def publish(case_type, schema) -> None:
    definition = case_type.form
    definition.refresh_from_db()
    form_draft_update(
        actor=None, definition=definition, schema=schema, expected_version=definition.version
    )
    definition.refresh_from_db()
    form_version_publish(actor=None, definition=definition, expected_version=definition.version)


@pytest.fixture
def work(personas):
    return casework(personas)


def _detail(client, case) -> tuple[int, str]:
    return page(client, reverse("records:case_detail", kwargs={"code": case.code}))


def test_a_case_keeps_the_version_its_answers_were_written_with(personas, work):
    old = open_case(
        personas.alice,
        work.asb,
        work.case_type,
        fields={"incident_count": 3, "location": "Test Park"},
    )
    publish(work.case_type, VERSION_2)
    new = open_case(personas.alice, work.asb, work.case_type, fields={"incident_count": 1})
    rows = {row.record_id: row.form_version.number for row in FormValues.objects.all()}
    assert rows == {old.pk: 1, new.pk: 2}


def test_old_answers_are_shown_with_their_own_labels_marked_no_longer_asked(
    personas, work, client_for
):
    case = open_case(
        personas.alice,
        work.asb,
        work.case_type,
        fields={"incident_count": 3, "location": "Test Park"},
    )
    publish(work.case_type, VERSION_2)
    status, body = _detail(client_for(personas.alice), case)
    assert status == 200
    assert "Location" in body and "Test Park" in body
    assert body.count('data-testid="no-longer-asked"') == 1
    assert "Answered with version 1 of this form (it is now at version 2)." in body
    assert "ASB risk level" not in body  # not asked when these answers were given


def test_editing_an_old_case_warns_then_moves_it_to_the_new_version(personas, work, client_for):
    case = open_case(
        personas.alice,
        work.asb,
        work.case_type,
        fields={"incident_count": 3, "location": "Test Park"},
    )
    publish(work.case_type, VERSION_2)
    client = client_for(personas.alice)
    url = reverse("records:case_edit", kwargs={"code": case.code})
    status, body = page(client, url)
    assert status == 200
    assert "recorded with version 1" in body and "saving uses version 2" in body
    assert "no longer asked will be removed from the case (they stay in its history): Location" in (
        body
    )
    assert 'name="field_incident_count" type="text" value="3"' in body
    response = client.post(
        url,
        {
            "title": case.title,
            "version": "0",
            "field_incident_count": "4",
            "field_risk_level": "High",
        },
    )
    assert response.status_code == 302
    assert case_services.case_field_values(case) == {"incident_count": 4, "risk_level": "High"}
    event = AuditEvent.objects.filter(action=Action.UPDATE, target_id=str(case.code)).last()
    assert event is not None
    assert event.changes["fields"][0] == {"incident_count": 3, "location": "Test Park"}
    assert event.changes["form_version"] == [1, 2]


def test_a_reader_sees_only_the_answers_in_sections_shared_with_them(personas, work, client_for):
    publish(work.case_type, VERSION_2)
    case = open_case(
        personas.alice,
        work.asb,
        work.case_type,
        fields={"incident_count": 2, "risk_level": "High", "vulnerable_victim": "no"},
    )
    _, owner = _detail(client_for(personas.alice), case)
    assert "ASB risk level" in owner and "High" in owner
    assert 'data-testid="score-value">8<' in owner
    assert "How this score was worked out" in owner
    # The council ASB team has the summary and members by default, not the risk section.
    _, partner = _detail(client_for(personas.carol), case)
    assert "Number of incidents" in partner
    assert "ASB risk level" not in partner
    assert "ASB risk score" not in partner
    assert "Some answers have not been shared with your team. Withheld from you: Risk." in partner


def test_a_person_link_is_shown_only_as_far_as_the_reader_may_see(personas, work, client_for):
    publish(work.case_type, VERSION_2)
    witness = hidden_profile(personas.alice, work.asb)
    case = open_case(
        personas.alice,
        work.asb,
        work.case_type,
        fields={"incident_count": 1, "contact": str(witness.code)},
    )
    _, owner = _detail(client_for(personas.alice), case)
    assert witness.display_name in owner
    _, partner = _detail(client_for(personas.carol), case)
    assert witness.display_name not in partner
    assert "A person whose record you cannot see" in partner


def test_a_person_the_writer_cannot_see_cannot_be_linked(personas, work, client_for):
    publish(work.case_type, VERSION_2)
    witness = hidden_profile(personas.carol, work.council_asb)
    url = reverse("records:case_create", kwargs={"type_code": work.case_type.code})
    response = client_for(personas.alice).post(
        url, {"title": "A case", "field_incident_count": "1", "field_contact": str(witness.code)}
    )
    assert response.status_code == 400
    assert "No person with that reference was found" in response.content.decode()
    assert not Case.objects.exists()


def test_the_open_case_page_reveals_conditional_questions_with_govuk_radios(
    personas, work, client_for
):
    publish(work.case_type, VERSION_2)
    url = reverse("records:case_create", kwargs={"type_code": work.case_type.code})
    status, body = page(client_for(personas.alice), url)
    assert status == 200
    assert 'data-aria-controls="conditional-id_field_vulnerable_victim"' in body
    assert 'class="govuk-radios__conditional govuk-radios__conditional--hidden"' in body
    assert 'id="conditional-id_field_vulnerable_victim"' in body
    assert " style=" not in body and "onclick" not in body


def test_a_hidden_questions_answer_posted_anyway_is_dropped(personas, work, client_for):
    publish(work.case_type, VERSION_2)
    url = reverse("records:case_create", kwargs={"type_code": work.case_type.code})
    response = client_for(personas.alice).post(
        url,
        {
            "title": "A case",
            "field_incident_count": "1",
            "field_vulnerable_victim": "no",
            "field_vulnerability": "Should not be kept",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case_services.case_field_values(case) == {
        "incident_count": 1,
        "vulnerable_victim": False,
    }


def test_a_shown_conditional_question_is_required_on_the_page(personas, work, client_for):
    publish(work.case_type, VERSION_2)
    url = reverse("records:case_create", kwargs={"type_code": work.case_type.code})
    response = client_for(personas.alice).post(
        url, {"title": "A case", "field_incident_count": "1", "field_vulnerable_victim": "yes"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert '<a href="#id_field_vulnerability">Enter Describe the vulnerability.</a>' in body
    assert 'class="govuk-radios__conditional"' in body  # shown again, open, with its error
    assert not Case.objects.exists()


def test_unknown_fields_sent_to_the_service_are_refused(personas, work):
    with pytest.raises(Exception) as refused:
        open_case(
            personas.alice, work.asb, work.case_type, fields={"incident_count": 1, "is_admin": True}
        )
    assert "This form has no field called is_admin." in str(refused.value)
    assert not FormValues.objects.exists()


def test_a_type_without_fields_stores_nothing(personas, work):
    publish(work.case_type, {"fields": []})
    case = open_case(personas.alice, work.asb, work.case_type, fields={})
    assert case_services.case_field_values(case) == {}
    assert not FormValues.objects.exists()


def test_the_page_shows_its_own_errors_and_the_answers_errors_together(personas, work, client_for):
    url = reverse("records:case_create", kwargs={"type_code": work.case_type.code})
    response = client_for(personas.alice).post(url, {"title": "", "field_incident_count": "lots"})
    assert response.status_code == 400
    body = response.content.decode()
    assert '<a href="#id_title">Enter a title</a>' in body
    assert '<a href="#id_field_incident_count">Number of incidents must be a number' in body
    assert not Case.objects.exists()
