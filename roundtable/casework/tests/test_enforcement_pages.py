"""Enforcement pages for every persona: who reads the ladder, who is named, who may change it."""

from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent
from roundtable.casework.models import EnforcementAction, EnforcementBreach
from roundtable.casework.powers import EnforcementKind as K
from roundtable.casework.powers import EnforcementStatus as S
from roundtable.casework.tests.enforcement_helpers import add, scene
from roundtable.records.models import MemberRole
from roundtable.records.services import cases as case_services
from roundtable.sharing import policy
from roundtable.sharing.models import Visibility
from roundtable.sharing.services import record_set_visibility
from roundtable.sharing.tests.factories import profile_for

NOW = "2026-06-15 10:00:00+01:00"
H1 = re.compile(r"<h1[ >]")


@pytest.fixture
def world(personas):
    with time_machine.travel(NOW, tick=False):
        yield scene(personas)


@pytest.fixture
def cpw(personas, world):
    return add(
        personas.alice,
        world.case,
        K.CPW,
        profile=world.adult,
        served_on=date(2026, 6, 1),
        problem="Dog barking through the night",
        required_change="Keep the dog indoors after 10pm",
        deadline=date(2026, 7, 1),
    )


def ladder_url(case):
    return reverse("casework:enforcement_ladder", kwargs={"code": case.code})


def detail_url(action):
    return reverse(
        "casework:enforcement_detail",
        kwargs={"code": action.case.code, "action_code": action.code},
    )


def action_url(action, name):
    return reverse(
        f"casework:enforcement_{name}",
        kwargs={"code": action.case.code, "action_code": action.code},
    )


# --- Reading ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status", "named"),
    [
        ("alice", 200, True),  # the owning team
        ("spoc", 200, True),
        ("carol", 200, True),  # summary and members by the case type's default share
        ("bob", 200, False),  # a colleague in the owning organisation: the summary only
        ("dave", 403, False),  # another partnership: the case's signpost, no sections
        ("sysadmin", 404, False),  # no team at all
    ],
)
def test_the_ladder_page_for_every_persona(personas, world, cpw, client_for, who, status, named):
    response = client_for(getattr(personas, who)).get(ladder_url(world.case))
    assert response.status_code == status
    body = response.content.decode()
    assert ("Robin NUISANCE" in body) == named
    if status != 200:
        assert "Community protection warning" not in body
        return
    assert len(H1.findall(body)) == 1
    assert "Community protection warning" in body
    assert ('data-testid="targets-withheld"' in body) == (not named)
    assert "next step is the community protection notice" in body
    event = AuditEvent.objects.filter(action=Action.VIEW, target_id=str(world.case.code)).latest(
        "id"
    )
    assert set(event.sections) == ({"summary", "members"} if named else {"summary"})


def test_a_hidden_case_is_404_outside_its_owning_team(personas, world, cpw, client_for):
    record_set_visibility(
        actor=personas.alice,
        record=world.case,
        visibility=Visibility.HIDDEN,
        expected_version=world.case.version,
        reason="Covert operation (test)",
    )
    for who in ("carol", "bob", "dave"):
        client = client_for(getattr(personas, who))
        assert client.get(ladder_url(world.case)).status_code == 404
        assert client.get(detail_url(cpw)).status_code == 404
        add_url = reverse("casework:enforcement_choose", kwargs={"code": world.case.code})
        assert client.get(add_url).status_code == 404
    assert client_for(personas.alice).get(ladder_url(world.case)).status_code == 200


def test_a_person_the_reader_cannot_see_is_not_named(personas, world, client_for):
    hidden = profile_for(personas.alice, world.work.asb, given_name="Morgan", family_name="Covert")
    viewer = policy.viewer_for_user(personas.alice)
    case_services.case_member_add(
        actor=personas.alice,
        viewer=viewer,
        case=world.case,
        profile=hidden,
        role=MemberRole.PERPETRATOR,
    )
    record_set_visibility(
        actor=personas.alice,
        record=hidden,
        visibility=Visibility.HIDDEN,
        expected_version=hidden.version,
        reason="Protected (test)",
    )
    add(personas.alice, world.case, K.WARNING_LETTER, profile=hidden)
    body = client_for(personas.carol).get(ladder_url(world.case)).content.decode()
    assert "COVERT" not in body
    assert "A person whose record you cannot see" in body


def test_the_case_page_shows_the_enforcement_line_only_with_the_summary(
    personas, world, cpw, client_for
):
    url = world.case.get_absolute_url()
    for who in ("alice", "bob", "carol"):
        body = client_for(getattr(personas, who)).get(url).content.decode()
        assert 'data-testid="enforcement-summary"' in body
        assert "1 action in force" in body
        assert "Next expiry: 1 December 2026" in body
    dave = client_for(personas.dave).get(url).content.decode()
    assert 'data-testid="enforcement-summary"' not in dave


@pytest.mark.parametrize(
    ("who", "status", "named"),
    [("alice", 200, True), ("carol", 200, True), ("bob", 200, False), ("dave", 403, False)],
)
def test_the_action_page_for_every_persona(personas, world, cpw, client_for, who, status, named):
    response = client_for(getattr(personas, who)).get(detail_url(cpw))
    assert response.status_code == status
    body = response.content.decode()
    assert ("Robin NUISANCE" in body) == named
    if status == 200:
        assert "Keep the dog indoors after 10pm" in body
        assert "1 December 2026" in body  # 1 June + 6 months
        assert ("Withheld: the case" in body) == (not named)
        assert ("Record a breach" in body) == (who == "alice")


def test_an_action_of_another_case_is_404(personas, world, cpw, client_for):
    other = case_services.case_create(
        actor=personas.alice,
        team=world.work.asb,
        case_type=world.work.case_type,
        title="Another case",
        fields={"incident_count": 1},
    )
    url = reverse(
        "casework:enforcement_detail", kwargs={"code": other.code, "action_code": cpw.code}
    )
    assert client_for(personas.alice).get(url).status_code == 404


# --- Adding -------------------------------------------------------------------------------------


def _add_url(world, kind):
    return reverse("casework:enforcement_add", kwargs={"code": world.case.code, "kind": kind})


def _cpw_post(personas, world, **changes):
    police = personas.alice.organisation
    data = {
        "target": f"person:{world.adult.pk}",
        "issuing_organisation": str(police.pk),
        "issuing_team": str(world.work.asb.pk),
        "officer": str(personas.alice.pk),
        "served_on": "01/06/2026",
        "problem": "Dog barking through the night",
        "required_change": "Keep the dog indoors after 10pm",
        "deadline": "01/07/2026",
        "consequence": "",
        "conditions": "",
    }
    data.update(changes)
    return data


def test_the_owner_chooses_a_power_suited_to_the_cases_people_and_premises(
    personas, world, client_for
):
    client = client_for(personas.alice)
    url = reverse("casework:enforcement_choose", kwargs={"code": world.case.code})
    body = client.get(url).content.decode()
    assert 'value="closure_order"' in body and 'value="abc"' in body
    assert client.get(url, {"kind": "cpw"})["Location"] == _add_url(world, "cpw")
    bad = client.get(url, {"kind": "nonsense"})
    assert bad.status_code == 400 and "govuk-error-summary" in bad.content.decode()


def test_the_owner_records_a_served_cpw_through_the_page(personas, world, client_for):
    client = client_for(personas.alice)
    form = client.get(_add_url(world, "cpw")).content.decode()
    assert "Robin NUISANCE (Perpetrator)" in form
    assert "The Invented Arms" in form  # CPWs are for premises too
    response = client.post(_add_url(world, "cpw"), _cpw_post(personas, world))
    assert response.status_code == 302
    action = EnforcementAction.objects.get()
    assert response["Location"] == detail_url(action)
    assert (action.status, action.expires_on, action.officer) == (
        S.SERVED,
        date(2026, 12, 1),
        personas.alice,
    )


def test_bad_input_shows_the_error_summary_and_writes_nothing(personas, world, client_for):
    client = client_for(personas.alice)
    response = client.post(
        _add_url(world, "cpw"),
        _cpw_post(personas, world, deadline="31/05/2026", served_on="not a date", problem=""),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "Date served must be a real date" in body
    service_refusal = client.post(
        _add_url(world, "cpw"), _cpw_post(personas, world, deadline="31/05/2026", problem="")
    )
    assert service_refusal.status_code == 400
    text = service_refusal.content.decode()
    assert "The deadline must be after the date served." in text
    assert "Describe the problem the warning is about." in text
    child = client.post(
        _add_url(world, "cpw"), _cpw_post(personas, world, target=f"person:{world.child.pk}")
    )
    assert "only for people aged 16 or over" in child.content.decode()
    assert not EnforcementAction.objects.exists()


def test_a_dispersal_is_recorded_with_its_date_and_time(personas, world, client_for):
    data = _cpw_post(personas, world, served_on="14/06/2026")
    for name in ("problem", "required_change", "deadline", "consequence"):
        data.pop(name)
    data.update(
        {"served_time": "22:30", "authorised_by": "Inspector A. Example", "duration_hours": ""}
    )
    client = client_for(personas.alice)
    half = client.post(_add_url(world, "dispersal"), {**data, "served_time": ""})
    assert "Enter both the date and the time it was served" in half.content.decode()
    assert client.post(_add_url(world, "dispersal"), data).status_code == 302
    dispersal = EnforcementAction.objects.get()
    assert dispersal.expires_on == date(2026, 6, 16) and dispersal.duration_hours == 48


@pytest.mark.parametrize(("who", "status"), [("carol", 403), ("bob", 403), ("dave", 403)])
def test_only_the_owning_team_may_add_serve_breach_vary_or_end(
    personas, world, cpw, client_for, who, status
):
    client = client_for(getattr(personas, who))
    assert client.get(_add_url(world, "cpw")).status_code == status
    assert client.post(_add_url(world, "cpw"), _cpw_post(personas, world)).status_code == status
    for name in ("breach", "change", "end"):
        assert client.get(action_url(cpw, name)).status_code == status
        assert client.post(action_url(cpw, name), {"version": "0"}).status_code == status
    assert EnforcementAction.objects.count() == 1
    assert not EnforcementBreach.objects.exists()


# --- Serving, breaches, variations and ends ---------------------------------------------------


def test_the_owner_serves_a_proposed_warning_then_records_a_breach_and_discharges_it(
    personas, world, client_for
):
    client = client_for(personas.alice)
    warning = add(personas.alice, world.case, K.WARNING_LETTER, profile=world.adult)
    assert client.get(action_url(warning, "breach")).status_code == 404  # not in force yet
    served = client.post(action_url(warning, "serve"), {"served_on": "12/06/2026", "version": "0"})
    assert served.status_code == 302
    bad = client.post(
        action_url(warning, "breach"),
        {
            "occurred_on": "11/06/2026",
            "description": "Shouting",
            "reported_by": "PCSO",
            "response": "warning",
            "response_notes": "",
            "version": "1",
        },
    )
    assert bad.status_code == 400
    assert "The breach cannot come before the action was served." in bad.content.decode()
    breach = client.post(
        action_url(warning, "breach"),
        {
            "occurred_on": "13/06/2026",
            "description": "Shouting",
            "reported_by": "PCSO",
            "response": "escalated",
            "response_notes": "CPW next",
            "version": "1",
        },
    )
    assert breach.status_code == 302
    page = client.get(detail_url(warning)).content.decode()
    assert "Shouting" in page and "Escalated to the next step" in page
    ended = client.post(
        action_url(warning, "end"),
        {"status": "discharged", "ended_on": "", "outcome": "Moved away", "version": "2"},
    )
    assert ended.status_code == 302
    warning.refresh_from_db()
    assert (warning.status, warning.ended_on, warning.outcome) == (
        S.DISCHARGED,
        date(2026, 6, 15),
        "Moved away",
    )
    assert client.get(action_url(warning, "end")).status_code == 404  # already ended


def test_a_stale_variation_shows_both_versions_and_overwrites_nothing(
    personas, world, cpw, client_for
):
    client = client_for(personas.alice)
    url = action_url(cpw, "change")
    form = client.get(url).content.decode()
    assert 'name="version" value="0"' in form and "Reason for the variation" in form
    spoc = client_for(personas.spoc)
    data = {
        "problem": "Dog barking",
        "required_change": "Keep the dog indoors after 9pm",
        "deadline": "01/07/2026",
        "consequence": "",
        "conditions": "",
        "reason": "Agreed at the review",
        "version": "0",
    }
    assert spoc.post(url, data).status_code == 302
    stale = client.post(url, {**data, "required_change": "Alice's wording"})
    assert stale.status_code == 409
    body = stale.content.decode()
    assert 'data-testid="conflict-current-values"' in body
    assert "Keep the dog indoors after 9pm" in body and "Alice&#x27;s wording" in body
    cpw.refresh_from_db()
    assert (cpw.required_change, cpw.version) == ("Keep the dog indoors after 9pm", 1)


def test_a_variation_needs_a_reason(personas, world, cpw, client_for):
    response = client_for(personas.alice).post(
        action_url(cpw, "change"),
        {"problem": "x", "required_change": "y", "deadline": "01/07/2026", "version": "0"},
    )
    assert response.status_code == 400
    assert "Give the reason for the variation" in response.content.decode()


# --- Query budget -------------------------------------------------------------------------------


def test_the_ladder_page_costs_the_same_queries_with_more_actions_and_people(
    personas, world, client_for
):
    client = client_for(personas.carol)
    url = ladder_url(world.case)
    add(personas.alice, world.case, K.WARNING_LETTER, profile=world.adult)
    add(personas.alice, world.case, K.WARNING_LETTER, premises=world.pub)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    viewer = policy.viewer_for_user(personas.alice)
    for number in range(4):
        person = profile_for(personas.alice, world.work.asb, given_name=f"Extra{number}")
        case_services.case_member_add(
            actor=personas.alice,
            viewer=viewer,
            case=world.case,
            profile=person,
            role=MemberRole.PERPETRATOR,
        )
        warning = add(
            personas.alice, world.case, K.WARNING_LETTER, profile=person, served_on=date(2026, 6, 1)
        )
        EnforcementBreach.objects.create(
            action=warning,
            occurred_on=date(2026, 6, 2),
            description="Again",
            reported_by="PCSO",
            response="warning",
            recorded_by=personas.alice,
        )
    add(personas.alice, world.case, K.CLOSURE_ORDER, premises=world.pub, court="Magistrates")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_at_the_audited_level_a_partner_states_a_purpose_on_the_case_page_first(
    personas, world, cpw, client_for
):
    world.work.case_type.access_level = "audited"
    world.work.case_type.save(update_fields=["access_level"])
    client = client_for(personas.carol)
    first = client.get(ladder_url(world.case))
    assert first.status_code == 302 and first["Location"] == world.case.get_absolute_url()
    client.post(world.case.get_absolute_url(), {"purpose": "Preparing the ASB panel meeting"})
    assert client.get(ladder_url(world.case)).status_code == 200
    event = AuditEvent.objects.filter(action=Action.VIEW, target_id=str(world.case.code)).latest(
        "id"
    )
    assert event.justification == "Preparing the ASB panel meeting"
    assert client_for(personas.alice).get(ladder_url(world.case)).status_code == 200
