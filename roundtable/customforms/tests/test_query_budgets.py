"""Query budgets: the form pages, and a case's answers, cost the same however much there is."""

from __future__ import annotations

import pytest
from django.urls import reverse

from roundtable.customforms.services import form_draft_update, form_version_publish
from roundtable.customforms.tests.helpers import form_for, make_admin
from roundtable.records.services import cases as case_services
from roundtable.records.tests.case_helpers import casework, open_case
from roundtable.records.tests.test_query_budgets import assert_flat
from roundtable.sharing.tests.factories import profile_for

LINKS = {
    "fields": [
        {"key": "incident_count", "label": "Number of incidents", "type": "number"},
        *[
            {"key": f"person_{number}", "label": f"Person {number}", "type": "person_link"}
            for number in range(1, 6)
        ],
    ]
}


def _publish(definition, schema) -> None:
    definition.refresh_from_db()
    form_draft_update(
        actor=None, definition=definition, schema=schema, expected_version=definition.version
    )
    definition.refresh_from_db()
    form_version_publish(actor=None, definition=definition, expected_version=definition.version)


def test_the_forms_list_costs_the_same_however_many_forms(personas, client_for):
    admin = make_admin(personas.spoc)
    form_for(admin, [{"key": "a", "label": "A", "type": "text"}], owner="assessment:first")

    def more() -> None:
        for number in range(5):
            form_for(
                admin,
                [{"key": "a", "label": "A", "type": "text"}],
                owner=f"assessment:more-{number}",
            )

    assert_flat(client_for(admin), reverse("customforms:definition_list"), more)


def test_a_forms_page_costs_the_same_however_many_versions(personas, client_for):
    admin = make_admin(personas.spoc)
    definition = form_for(admin, [{"key": "a", "label": "A", "type": "text"}])

    def more() -> None:
        for number in range(4):
            _publish(definition, [{"key": "a", "label": f"A{number}", "type": "text"}])

    url = reverse("customforms:definition_detail", kwargs={"code": definition.code})
    assert_flat(client_for(admin), url, more)


@pytest.mark.parametrize("who", ["alice", "carol"])
def test_a_case_page_costs_the_same_however_many_people_its_answers_link(personas, client_for, who):
    work = casework(personas)
    _publish(work.case_type.form, LINKS)
    people = [profile_for(personas.alice, work.asb, given_name=f"Kit{n}") for n in range(5)]
    case = open_case(
        personas.alice,
        work.asb,
        work.case_type,
        fields={"incident_count": 1, "person_1": str(people[0].code)},
    )

    def more() -> None:
        case.refresh_from_db()
        case_services.case_update(
            actor=personas.alice,
            case=case,
            expected_version=case.version,
            fields={
                "incident_count": 2,
                **{f"person_{n + 1}": str(p.code) for n, p in enumerate(people)},
            },
        )

    url = reverse("records:case_detail", kwargs={"code": case.code})
    assert_flat(client_for(getattr(personas, who)), url, more)
