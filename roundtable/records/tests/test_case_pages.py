"""The case page for every persona and record state, and the owning team's changes to a case."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from roundtable.audit.models import Action, AuditEvent
from roundtable.records.models import Case, CaseMember, CaseStatus, MemberRole, StageChange
from roundtable.records.services import cases as services
from roundtable.records.tests.case_helpers import (
    casework,
    open_case,
    page,
    sections_rendered,
    sections_withheld,
)
from roundtable.sharing import policy
from roundtable.sharing.models import Visibility
from roundtable.sharing.sections import Section
from roundtable.sharing.services import grant_create, record_set_visibility
from roundtable.sharing.tests.factories import profile_for

CASE_SECTIONS = {"summary", "members", "diary", "documents", "risk", "tasks"}
ALL = CASE_SECTIONS
BUILT = {"summary", "members", "risk", "tasks", "documents"}  # the diary is its own page
NOT_FOUND = (404, None)

# state -> persona -> (status, sections the viewer may see). The page renders those of them
# this issue builds and names every other one as withheld. The owning team (alice, spoc,
# audrey) sees every section; bob is a colleague in the owning organisation (the type gives it the
# summary); carol's team gets summary and members by the type's default under an agreement;
# dave is in another partnership; sysadmin has no team at all.
EXPECTED: dict[str, dict[str, tuple[int, set[str] | None]]] = {
    "shared_by_default": {
        "alice": (200, ALL),
        "spoc": (200, ALL),
        "audrey": (200, ALL),
        "bob": (200, {"summary"}),
        "carol": (200, {"summary", "members"}),
        "dave": (200, set()),
        "sysadmin": NOT_FOUND,
    },
    "restricted": {
        "alice": (200, ALL),
        "spoc": (200, ALL),
        "audrey": (200, ALL),
        "bob": (200, set()),
        "carol": (200, set()),
        "dave": (200, set()),
        "sysadmin": NOT_FOUND,
    },
    "hidden": {
        "alice": (200, ALL),
        "spoc": (200, ALL),
        "audrey": (200, ALL),
        "bob": NOT_FOUND,
        "carol": NOT_FOUND,
        "dave": NOT_FOUND,
        "sysadmin": NOT_FOUND,
    },
    "risk_granted_to_carol": {
        "alice": (200, ALL),
        "spoc": (200, ALL),
        "audrey": (200, ALL),
        "bob": (200, {"summary"}),
        "carol": (200, {"summary", "members", "risk"}),
        "dave": (200, set()),
        "sysadmin": NOT_FOUND,
    },
    "grant_expired": {
        "alice": (200, ALL),
        "spoc": (200, ALL),
        "audrey": (200, ALL),
        "bob": (200, {"summary"}),
        "carol": (200, {"summary", "members"}),
        "dave": (200, set()),
        "sysadmin": NOT_FOUND,
    },
}
MATRIX = [(state, who) for state, row in EXPECTED.items() for who in row]


@pytest.fixture
def work(personas):
    return casework(personas)


def _case_in_state(personas, work, state):
    case = open_case(personas.alice, work.asb, work.case_type, summary="Loud music nightly")
    if state in ("restricted", "hidden"):
        record_set_visibility(
            actor=personas.alice,
            record=case,
            visibility=Visibility.RESTRICTED if state == "restricted" else Visibility.HIDDEN,
            expected_version=case.version,
            reason="Test state",
        )
    if state in ("risk_granted_to_carol", "grant_expired"):
        grant_create(
            actor=personas.alice,
            record=case,
            agreement=work.agreement,
            team=work.council_asb,
            sections=[Section.RISK],
            expires_at=timezone.now() + timedelta(hours=1),
        )
    return case


@pytest.mark.parametrize(("state", "who"), MATRIX)
def test_case_page_status_and_sections_for_every_persona(personas, work, client_for, state, who):
    case = _case_in_state(personas, work, state)
    expected_status, expected_sections = EXPECTED[state][who]
    client = client_for(getattr(personas, who))
    url = reverse("records:case_detail", kwargs={"code": case.code})
    if state == "grant_expired":
        with time_machine.travel(timezone.now() + timedelta(hours=2)):
            status, body = page(client, url)
    else:
        status, body = page(client, url)
    assert status == expected_status
    if expected_sections is None:
        assert case.reference not in body
        return
    assert sections_rendered(body) == expected_sections & BUILT
    assert sections_withheld(body) == CASE_SECTIONS - expected_sections
    assert ("Loud music nightly" in body) == ("summary" in expected_sections)
    event = AuditEvent.objects.filter(action=Action.VIEW, target_id=str(case.code)).latest("id")
    assert set(event.sections) == expected_sections & BUILT


def test_withheld_notice_names_the_owning_team(personas, work, client_for):
    case = open_case(personas.alice, work.asb, work.case_type)
    url = reverse("records:case_detail", kwargs={"code": case.code})
    _status, body = page(client_for(personas.carol), url)
    assert "They are held by ASB Team, Testshire Police." in body


def test_case_page_query_count_does_not_grow_with_members(personas, work, client_for):
    small = open_case(personas.alice, work.asb, work.case_type)
    large = open_case(personas.alice, work.asb, work.case_type)
    viewer = policy.viewer_for_user(personas.alice)
    for number in range(12):
        profile = profile_for(personas.alice, work.asb, given_name=f"Member{number}")
        services.case_member_add(
            actor=personas.alice,
            viewer=viewer,
            case=large,
            profile=profile,
            role=MemberRole.WITNESS,
        )
        if number < 2:
            services.case_member_add(
                actor=personas.alice,
                viewer=viewer,
                case=small,
                profile=profile,
                role=MemberRole.WITNESS,
            )
    client = client_for(personas.alice)
    client.get(reverse("records:my_cases"))  # the first request of a session does extra work
    counts = []
    for case in (small, large):
        services.case_stage_change(
            actor=personas.alice,
            case=case,
            to_stage="Risk assessment",
            expected_version=Case.objects.get(pk=case.pk).version,
        )
        url = reverse("records:case_detail", kwargs={"code": case.code})
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_review_date_turns_overdue(personas, work, client_for):
    case = open_case(personas.alice, work.asb, work.case_type)
    url = reverse("records:case_detail", kwargs={"code": case.code})
    body = client_for(personas.alice).get(url).content.decode()
    assert 'data-testid="overdue"' not in body
    assert "Overdue" not in body
    with time_machine.travel(timezone.now() + timedelta(days=29)):
        body = client_for(personas.alice).get(url).content.decode()
    assert 'data-testid="overdue"' in body


def test_owner_opens_a_case_through_the_pages(personas, work, client_for):
    client = client_for(personas.alice)
    choose = client.get(reverse("records:case_create_choose"))
    assert "Anti-social behaviour" in choose.content.decode()
    url = reverse("records:case_create", kwargs={"type_code": work.case_type.code})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "Drug dealing from a flat",
            "summary": "",
            "lead_practitioner": personas.alice.pk,
            "review_date": "",
            "field_incident_count": "4",
            "field_hate_motivated": "no",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == case.get_absolute_url()
    assert case.owning_team == work.asb
    assert services.case_field_values(case) == {"incident_count": 4, "hate_motivated": False}


def test_bad_per_type_field_on_the_page_shows_the_error_and_writes_nothing(
    personas, work, client_for
):
    url = reverse("records:case_create", kwargs={"type_code": work.case_type.code})
    response = client_for(personas.alice).post(
        url,
        {"title": "A case", "field_incident_count": "lots", "field_first_report": "31/02/2026"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Number of incidents must be a number" in body
    assert "First reported must be a real date" in body
    assert 'href="#id_field_incident_count"' in body
    assert not Case.objects.exists()


def test_another_partnerships_case_type_cannot_be_used_to_open_a_case(personas, work, client_for):
    url = reverse("records:case_create", kwargs={"type_code": work.case_type.code})
    assert client_for(personas.dave).get(url).status_code == 404


@pytest.mark.parametrize(
    ("who", "status"), [("alice", 200), ("spoc", 200), ("bob", 403), ("carol", 403), ("dave", 403)]
)
def test_only_the_owning_team_may_edit(personas, work, client_for, who, status):
    case = open_case(personas.alice, work.asb, work.case_type)
    for name in ("case_edit", "case_stage", "case_close", "case_rag", "case_member_add"):
        url = reverse(f"records:{name}", kwargs={"code": case.code})
        assert client_for(getattr(personas, who)).get(url).status_code == status, name


def test_partner_post_to_edit_is_refused_and_changes_nothing(personas, work, client_for):
    case = open_case(personas.alice, work.asb, work.case_type)
    url = reverse("records:case_edit", kwargs={"code": case.code})
    response = client_for(personas.carol).post(
        url, {"title": "Taken over", "field_incident_count": "1", "version": "0"}
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.title == "Noise and threats, Test Street"


def test_stale_edit_shows_both_versions_and_overwrites_nothing(personas, work, client_for):
    case = open_case(personas.alice, work.asb, work.case_type)
    services.case_update(
        actor=personas.spoc, case=case, expected_version=0, title="Spoc changed this"
    )
    url = reverse("records:case_edit", kwargs={"code": case.code})
    response = client_for(personas.alice).post(
        url, {"title": "Alice changed this", "field_incident_count": "3", "version": "0"}
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Spoc changed this" in body
    assert 'value="Alice changed this"' in body
    assert 'name="version" value="1"' in body
    case.refresh_from_db()
    assert case.title == "Spoc changed this"


def test_owner_changes_stage_sets_risk_and_closes_through_the_pages(personas, work, client_for):
    case = open_case(personas.alice, work.asb, work.case_type)
    client = client_for(personas.alice)
    code = {"code": case.code}
    response = client.post(
        reverse("records:case_stage", kwargs=code),
        {"to_stage": "Formal warning", "note": "Warning letter", "version": "0"},
    )
    assert response.status_code == 302
    assert StageChange.objects.get(case=case).to_stage == "Formal warning"
    response = client.post(
        reverse("records:case_rag", kwargs=code), {"rag": "amber", "note": "", "version": "1"}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("records:case_close", kwargs=code),
        {"outcome": "Behaviour stopped", "closed_on": "", "version": "2"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.stage, case.rag, case.status) == ("Formal warning", "amber", CaseStatus.CLOSED)
    body = client.get(reverse("records:case_detail", kwargs=code)).content.decode()
    assert "Behaviour stopped" in body
    assert "Warning letter" in body


def test_stage_change_without_a_stage_is_a_clear_400(personas, work, client_for):
    case = open_case(personas.alice, work.asb, work.case_type)
    response = client_for(personas.alice).post(
        reverse("records:case_stage", kwargs={"code": case.code}), {"version": "0"}
    )
    assert response.status_code == 400
    assert "Select a stage" in response.content.decode()
    assert not StageChange.objects.exists()


def test_missing_case_is_404(personas, client_for):
    url = reverse("records:case_detail", kwargs={"code": "00000000-0000-4000-8000-000000000000"})
    assert client_for(personas.alice).get(url).status_code == 404


def test_members_are_listed_and_a_hidden_one_is_not_named(personas, work, client_for):
    case = open_case(personas.alice, work.asb, work.case_type)
    viewer = policy.viewer_for_user(personas.alice)
    victim = profile_for(personas.alice, work.asb, given_name="Vic", family_name="Testvictim")
    services.case_member_add(
        actor=personas.alice, viewer=viewer, case=case, profile=victim, role=MemberRole.VICTIM
    )
    record_set_visibility(
        actor=personas.alice,
        record=victim,
        visibility=Visibility.HIDDEN,
        expected_version=victim.version,
        reason="Protected witness (test)",
    )
    url = reverse("records:case_detail", kwargs={"code": case.code})
    owner_body = client_for(personas.alice).get(url).content.decode()
    assert "TESTVICTIM" in owner_body
    carol_body = client_for(personas.carol).get(url).content.decode()
    assert "TESTVICTIM" not in carol_body
    assert "A person whose record you cannot see" in carol_body
    assert CaseMember.objects.filter(case=case).count() == 1


def test_each_case_page_has_one_h1_and_a_title(personas, work, client_for):
    case = open_case(personas.alice, work.asb, work.case_type)
    client = client_for(personas.alice)
    urls = [
        reverse("records:my_cases"),
        reverse("records:overdue_reviews"),
        reverse("records:case_create_choose"),
        reverse("records:case_create", kwargs={"type_code": work.case_type.code}),
        *(
            reverse(f"records:{name}", kwargs={"code": case.code})
            for name in ("case_detail", "case_edit", "case_stage", "case_close", "case_rag")
        ),
        reverse("records:case_member_add", kwargs={"code": case.code}),
        reverse("records:case_link_add", kwargs={"code": case.code}),
        reverse("records:premises_create"),
        reverse("records:group_create"),
    ]
    for url in urls:
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code == 200, url
        assert body.count("<h1") == 1, url
        assert "<title>" in body and " - Roundtable</title>" in body, url
        assert "style=" not in body and "onclick" not in body, url
