"""The one producer wired here, end to end: opening a case and rating it red, through the pages,
the after-commit queue and the background task, to the notification centre and the email."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from roundtable.tasking.models import AlertEvent, RuleScope, RuleTarget
from roundtable.tasking.services.alerts import alert_rule_create
from roundtable.tasking.tests.alert_helpers import alert_world, delivered_to

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def world(personas, settings):
    world = alert_world(personas)
    settings.TASKS = IMMEDIATE_TASKS  # the worker runs each task as it is queued
    return world


def test_opening_a_case_tells_the_team_a_rule_names(
    personas, world, client_for, django_capture_on_commit_callbacks
):
    alert_rule_create(
        actor=world.admin,
        partnership=world.work.testshire,
        name="New ASB cases: council",
        event="case.created",
        scope=RuleScope.CASE_TYPE,
        case_type=world.work.case_type,
        target=RuleTarget.TEAM,
        team=world.work.council_asb,
    )
    url = reverse("records:case_create", kwargs={"type_code": world.work.case_type.code})
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(personas.alice).post(
            url,
            {
                "title": "Graffiti and threats, Test Lane",
                "summary": "Neighbour reports threats",
                "lead_practitioner": personas.alice.pk,
                "review_date": "",
                "field_incident_count": "2",
            },
        )
    assert response.status_code == 302
    event = AlertEvent.objects.filter(event="case.created").latest("pk")
    assert event.fanned_out_at is not None
    assert event.actor == personas.alice
    assert event.team == world.work.asb
    [notification] = delivered_to(personas.carol)
    assert notification.title.startswith("New case opened on ASB-")
    sent_to = sorted(m.to[0] for m in mail.outbox)
    assert sent_to == sorted([personas.carol.email, world.council_manager.email, world.admin.email])
    assert all("Graffiti" not in m.body and "Neighbour" not in m.body for m in mail.outbox)
    centre = client_for(personas.carol).get(reverse("tasking:notification_list"))
    assert "Graffiti and threats, Test Lane" in centre.content.decode()  # carol sees the summary


def test_rating_a_case_red_tells_the_owning_teams_managers(
    personas, world, client_for, django_capture_on_commit_callbacks
):
    alert_rule_create(
        actor=world.admin,
        partnership=world.work.testshire,
        name="Red cases",
        event="case.risk_changed",
        condition_key="rag",
        condition_value="red",
        target=RuleTarget.OWNING_TEAM_MANAGERS,
    )
    url = reverse("records:case_rag", kwargs={"code": world.case.code})
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(personas.alice).post(
            url, {"rag": "red", "note": "", "version": str(world.case.version)}
        )
    assert response.status_code == 302
    [notification] = delivered_to(personas.spoc)
    assert notification.title == f"Risk rating changed (Red) on {world.case.reference}"
    [message] = mail.outbox
    assert message.to == [personas.spoc.email]
    assert "Red" not in message.subject
    assert "(Red)" not in message.body


def test_setting_the_same_rating_again_alerts_nobody(personas, world):
    from roundtable.records.services import cases as case_services

    before = AlertEvent.objects.count()
    case_services.case_set_rag(
        actor=personas.alice, case=world.case, rag="", expected_version=world.case.version
    )
    assert AlertEvent.objects.count() == before
