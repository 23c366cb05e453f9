"""When someone leaves: their live tasks and the open cases they lead move in one audited go, to a
team-mate or to the team's queue, from a page the organisation admin reaches from the person's
page and the deactivation journey."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent
from roundtable.directory.models import Capability, Role
from roundtable.directory.tests.factories import MembershipFactory, UserFactory, grant
from roundtable.records.models import Case
from roundtable.records.services import cases as case_services
from roundtable.records.tests.case_helpers import open_case
from roundtable.tasking.models import Task
from roundtable.tasking.services import tasks as services
from roundtable.tasking.tests.task_helpers import a_task, task_world


@pytest.fixture
def world(personas):
    return task_world(personas)


@pytest.fixture
def leaving(personas, world):
    """Alice holds two ASB tasks, one IOM task (she is in both teams) and leads two ASB cases."""
    MembershipFactory(user=personas.alice, team=world.iom, role=Role.PRACTITIONER)
    tasks = [
        a_task(personas.spoc, world.asb, assignee_user=personas.alice),
        a_task(personas.spoc, world.asb, assignee_user=personas.alice),
        a_task(personas.bob, world.iom, assignee_user=personas.alice),
    ]
    done = a_task(personas.spoc, world.asb, assignee_user=personas.alice)
    services.task_complete(actor=personas.alice, task=done, expected_version=0, note="Done.")
    cases = [
        open_case(personas.alice, world.asb, world.work.case_type, lead_practitioner=personas.alice)
        for _ in range(2)
    ]
    closed = open_case(
        personas.alice, world.asb, world.work.case_type, lead_practitioner=personas.alice
    )
    case_services.case_close(
        actor=personas.alice, case=closed, outcome="Resolved", expected_version=closed.version
    )
    return {"tasks": tasks, "done": done, "cases": cases, "closed": closed}


def test_the_handover_moves_tasks_and_led_cases_team_by_team(personas, world, leaving):
    moved = services.tasks_reassign_for_leaver(
        actor=personas.spoc,
        user=personas.alice,
        destinations={world.asb.pk: world.asb_colleague},
    )
    assert (moved.tasks, moved.cases) == (3, 2)
    asb_tasks, iom_task = leaving["tasks"][:2], leaving["tasks"][2]
    for task in asb_tasks:
        task.refresh_from_db()
        assert task.assignee_user == world.asb_colleague
    iom_task.refresh_from_db()
    assert iom_task.assignee_user is None  # no IOM destination: back to the IOM queue
    for case in leaving["cases"]:
        case.refresh_from_db()
        assert case.lead_practitioner == world.asb_colleague
    # Finished work stays as it was.
    assert Task.objects.get(pk=leaving["done"].pk).assignee_user == personas.alice
    assert Case.objects.get(pk=leaving["closed"].pk).lead_practitioner == personas.alice


def test_the_handover_is_audited_task_by_task_case_by_case_and_as_a_whole(personas, world, leaving):
    services.tasks_reassign_for_leaver(actor=personas.spoc, user=personas.alice)
    for task in leaving["tasks"]:
        event = AuditEvent.objects.filter(target_id=str(task.code)).latest("id")
        assert event.action == Action.UPDATE
        assert event.changes["assignee_user"] == [str(personas.alice.code), None]
        assert event.detail["handover_from"] == str(personas.alice.code)
    for case in leaving["cases"]:
        event = AuditEvent.objects.filter(target_id=str(case.code)).latest("id")
        assert event.changes["lead_practitioner"] == [str(personas.alice.code), None]
    summary = AuditEvent.objects.filter(target_id=str(personas.alice.code)).latest("id")
    assert summary.actor_id == personas.spoc.pk
    assert summary.detail["handover"]["tasks"] == 3
    assert summary.detail["handover"]["cases"] == 2


def test_only_the_leavers_organisation_admin_may_hand_over(personas, world, leaving):
    for actor in (personas.bob, personas.carol):
        with pytest.raises(PermissionDenied):
            services.tasks_reassign_for_leaver(actor=actor, user=personas.alice)
    assert Task.objects.filter(assignee_user=personas.alice).count() == 4


def test_a_destination_outside_the_team_is_refused_and_nothing_moves(personas, world, leaving):
    with pytest.raises(ValidationError):
        services.tasks_reassign_for_leaver(
            actor=personas.spoc,
            user=personas.alice,
            destinations={world.asb.pk: personas.bob},
        )
    assert Task.objects.filter(assignee_user=personas.alice).count() == 4
    assert Case.objects.filter(lead_practitioner=personas.alice).count() == 3


def test_the_persons_page_and_the_deactivation_page_say_what_work_is_left(
    personas, world, leaving, client_for
):
    spoc = client_for(personas.spoc)
    detail = spoc.get(personas.alice.get_absolute_url()).content.decode()
    handover_url = reverse("tasking:leaver_handover", kwargs={"code": personas.alice.code})
    assert 'data-testid="open-work"' in detail
    assert "3 open tasks and 2 open cases they lead" in detail
    assert handover_url in detail
    deactivate = spoc.get(
        reverse("directory:user_deactivate", kwargs={"code": personas.alice.code})
    )
    assert "3 open tasks and 2 open cases they lead" in deactivate.content.decode()
    nobody = spoc.get(personas.bob.get_absolute_url()).content.decode()
    assert 'data-testid="open-work"' not in nobody


def test_the_organisation_admin_hands_over_from_the_page_after_deactivating(
    personas, world, leaving, client_for
):
    spoc = client_for(personas.spoc)
    deactivated = spoc.post(
        reverse("directory:user_deactivate", kwargs={"code": personas.alice.code}),
        {"reason": "Left the force", "version": personas.alice.version},
    )
    assert deactivated.status_code == 302
    url = reverse("tasking:leaver_handover", kwargs={"code": personas.alice.code})
    page = spoc.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-team="ASB Team"' in html and 'data-team="IOM Team"' in html
    response = spoc.post(
        url, {f"team_{world.asb.pk}": str(world.asb_colleague.pk), f"team_{world.iom.pk}": ""}
    )
    assert response.status_code == 302
    assert Task.objects.filter(assignee_user=world.asb_colleague).count() == 2
    assert Case.objects.filter(lead_practitioner=world.asb_colleague).count() == 2
    after = spoc.get(url).content.decode()
    assert 'data-testid="no-work"' in after


def test_a_choice_of_someone_not_in_the_team_is_an_error_on_the_page(
    personas, world, leaving, client_for
):
    url = reverse("tasking:leaver_handover", kwargs={"code": personas.alice.code})
    response = client_for(personas.spoc).post(url, {f"team_{world.asb.pk}": str(personas.bob.pk)})
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    assert Task.objects.filter(assignee_user=personas.alice).count() == 4


def test_the_handover_page_is_refused_to_others(personas, world, leaving, client_for):
    url = reverse("tasking:leaver_handover", kwargs={"code": personas.alice.code})
    # Not an organisation admin at all: 403.
    assert client_for(personas.bob).get(url).status_code == 403
    # Another organisation's admin: the person reads as missing.
    council_admin = UserFactory(
        email="cass@council.testshire.invalid",
        full_name="Cass Councilgate",
        organisation=world.council_asb.organisation,
    )
    MembershipFactory(user=council_admin, team=world.council_asb)
    grant(council_admin, Capability.ORGANISATION_ADMIN)
    assert client_for(council_admin).get(url).status_code == 404
    assert client_for(council_admin).post(url, {}).status_code == 404
    assert Task.objects.filter(assignee_user=personas.alice).count() == 4
