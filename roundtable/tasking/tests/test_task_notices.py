"""Tasks tell the notification centre: assignment, hand-over, reminders, overdue and escalation.

A notice about a task linked to a case is an event on the case's Tasks section (its watchers and
rules apply, the policy decides); a notice to someone who cannot see that section, or about a
task with no case, is a direct notice about the task alone, checked by the task's own rules.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from roundtable.directory.tests.factories import MembershipFactory, UserFactory
from roundtable.records.tests.case_helpers import open_case
from roundtable.sharing import policy
from roundtable.tasking.models import (
    AlertEvent,
    DeliveryState,
    Notification,
    Reason,
    RuleTarget,
)
from roundtable.tasking.services import tasks as services
from roundtable.tasking.services.alerts import alert_fan_out, alert_rule_create, watch_add
from roundtable.tasking.services.notifications import notifications_deliver
from roundtable.tasking.tests.alert_helpers import delivered_to, hide, run_alerts
from roundtable.tasking.tests.task_helpers import a_task, task_world


@pytest.fixture
def world(personas):
    world = task_world(personas)
    world.case = open_case(personas.alice, world.asb, world.work.case_type)  # type: ignore[attr-defined]
    run_alerts()
    Notification.objects.all().delete()
    return world


def watch(user, record):
    return watch_add(user=user, viewer=policy.viewer_for_user(user), record=record)


def test_a_task_with_no_record_tells_its_assignee_once_by_reference(personas, world, client_for):
    task = a_task(personas.alice, world.asb, assignee_team=world.iom, assignee_user=personas.bob)
    run_alerts()
    [notice] = delivered_to(personas.bob)
    assert notice.title == f"Task assigned (Normal): {task.reference}"
    assert notice.reason == Reason.DIRECT
    assert "Visit the address" not in notice.title
    assert delivered_to(personas.alice) == []  # never told of what one did oneself
    client = client_for(personas.bob)
    centre = client.get(reverse("tasking:notification_list")).content.decode()
    assert task.reference in centre
    opened = client.get(reverse("tasking:notification_open", kwargs={"code": notice.code}))
    assert opened.status_code == 302
    assert opened.url == task.get_absolute_url()
    assert client.get(opened.url).status_code == 200


def test_a_task_on_a_case_names_the_case_to_an_assignee_who_sees_its_tasks(personas, world):
    task = a_task(personas.alice, world.asb, assignee_user=world.asb_colleague, record=world.case)
    run_alerts()
    [notice] = delivered_to(world.asb_colleague)
    assert notice.event.record_id == world.case.pk
    assert notice.event.section == "tasks"
    assert notice.title == f"Task assigned (Normal): {task.reference} on {world.case.reference}"


def test_a_partner_assignee_without_the_cases_tasks_hears_of_the_task_not_the_case(
    personas, world, client_for
):
    # The council sees the case's summary and members, not its tasks.
    task = a_task(
        personas.alice,
        world.asb,
        assignee_team=world.council_asb,
        assignee_user=personas.carol,
        record=world.case,
    )
    run_alerts()
    [notice] = delivered_to(personas.carol)
    assert notice.event.record_id is None
    assert notice.title == f"Task assigned (Normal): {task.reference}"
    assert world.case.reference not in notice.title
    centre = client_for(personas.carol).get(reverse("tasking:notification_list"))
    assert world.case.reference not in centre.content.decode()


def test_watchers_of_the_case_hear_only_if_they_see_its_tasks_section(personas, world):
    watch(world.asb_colleague, world.case)  # the owning team sees every section
    watch(personas.bob, world.case)  # a colleague in the police sees its summary only
    a_task(personas.alice, world.asb, assignee_user=personas.spoc, record=world.case)
    run_alerts()
    assert [n.reason for n in delivered_to(world.asb_colleague)] == [Reason.WATCH]
    assert [n.reason for n in delivered_to(personas.spoc)] == [Reason.DIRECT]
    assert not Notification.objects.filter(recipient=personas.bob).exists()


def test_a_task_on_a_hidden_case_tells_no_outsider_anything(personas, world):
    hide(world.case, personas.alice)
    alert_rule_create(
        actor=_admin(personas, world),
        partnership=world.work.testshire,
        name="Tasks: council",
        event="task.assigned",
        target=RuleTarget.TEAM,
        team=world.council_asb,
    )
    a_task(personas.alice, world.asb, assignee_user=personas.spoc, record=world.case)
    run_alerts()
    assert len(delivered_to(personas.spoc)) == 1
    assert not Notification.objects.filter(recipient=personas.carol).exists()


def _admin(personas, world):
    from roundtable.directory.models import Capability
    from roundtable.directory.tests.factories import grant

    admin = UserFactory(
        email="pat.admin@council.testshire.invalid",
        full_name="Pat Admin",
        organisation=world.council_asb.organisation,
    )
    MembershipFactory(user=admin, team=world.council_asb)
    grant(admin, Capability.PARTNERSHIP_ADMIN)
    return admin


def test_reassigning_before_delivery_suppresses_the_notice(personas, world, client_for):
    task = a_task(personas.alice, world.asb, assignee_team=world.iom, assignee_user=personas.bob)
    event = AlertEvent.objects.get(event="task.assigned")
    alert_fan_out(event_id=event.pk)
    services.task_assign(
        actor=personas.alice, task=task, expected_version=task.version, assignee_team=world.asb
    )
    notifications_deliver()
    notice = Notification.objects.get(recipient=personas.bob)
    assert notice.state == DeliveryState.SUPPRESSED
    assert client_for(personas.bob).get(reverse("tasking:notification_list")).status_code == 200
    assert delivered_to(personas.bob) == []


def test_a_delivered_notice_leaves_the_centre_when_the_task_is_no_longer_yours(
    personas, world, client_for
):
    task = a_task(personas.alice, world.asb, assignee_team=world.iom, assignee_user=personas.bob)
    run_alerts()
    services.task_assign(
        actor=personas.alice, task=task, expected_version=task.version, assignee_team=world.asb
    )
    centre = client_for(personas.bob).get(reverse("tasking:notification_list"))
    assert task.reference not in centre.content.decode()


def test_a_hand_over_tells_the_new_assignee(personas, world):
    other = UserFactory(
        email="rowan@police.testshire.invalid",
        full_name="Rowan Relief",
        organisation=world.iom.organisation,
    )
    MembershipFactory(user=other, team=world.iom)
    task = a_task(personas.alice, world.asb, assignee_team=world.iom, assignee_user=personas.bob)
    run_alerts()
    services.tasks_reassign_for_leaver(
        actor=personas.spoc, user=personas.bob, destinations={world.iom.pk: other}
    )
    run_alerts()
    [notice] = delivered_to(other)
    assert notice.title == f"Task assigned (Normal): {task.reference}"


def test_reminders_overdue_and_escalation_each_reach_the_right_people_once(personas, world):
    start = timezone.localdate()
    task = a_task(
        personas.alice,
        world.asb,
        assignee_team=world.iom,
        assignee_user=personas.bob,
        due_in=1,
        priority="high",
    )
    run_alerts()
    Notification.objects.all().delete()
    assert services.tasks_remind_due(today=start) == 1
    assert services.tasks_remind_due(today=start) == 0
    run_alerts()
    assert [n.title for n in delivered_to(personas.bob)] == [
        f"Task due soon (High): {task.reference}"
    ]
    Notification.objects.all().delete()
    with time_machine.travel(start + timedelta(days=3)):
        late = start + timedelta(days=3)
        assert services.tasks_escalate_overdue(today=late) == 1
        assert services.tasks_escalate_overdue(today=late) == 0
        run_alerts()
    assert [n.title for n in delivered_to(world.iom_manager)] == [
        f"Overdue task escalated: {task.reference}"
    ]
    assert [n.title for n in delivered_to(personas.bob)] == [
        f"Task overdue (High): {task.reference}"
    ]
    assert delivered_to(personas.alice) == []


def test_a_queued_task_due_soon_tells_the_team_in_the_app(personas, world):
    a_task(personas.alice, world.asb, assignee_team=world.iom, due_in=0)
    run_alerts()
    assert services.tasks_remind_due() == 1
    run_alerts()
    assert len(delivered_to(personas.bob)) == 1
    assert len(delivered_to(world.iom_manager)) == 1


def test_a_task_roundtable_sets_itself_has_no_setter_and_tells_its_assignee(personas, world):
    task = services.task_create(
        actor=None,
        team=world.asb,
        title="Warning letter expires",
        due_on=date(2020, 1, 1),  # a source's date stands even when it has passed
        record=world.case,
        assignee_team=world.asb,
        assignee_user=personas.alice,
        source="test-source",
        source_key="one",
    )
    assert task.created_by is None
    run_alerts()
    [notice] = delivered_to(personas.alice)
    assert notice.event.actor is None


def test_roundtable_sets_tasks_only_as_the_team_owning_the_record(personas, world):
    with pytest.raises(ValueError, match="owning"):
        services.task_create(
            actor=None,
            team=world.iom,
            title="Not ours",
            due_on=timezone.localdate(),
            record=world.case,
            assignee_team=world.iom,
            source="test-source",
            source_key="two",
        )


def test_the_centre_costs_the_same_with_more_task_notices(personas, world, client_for):
    def more(count: int) -> None:
        for _number in range(count):
            a_task(personas.alice, world.asb, assignee_team=world.iom, assignee_user=personas.bob)
            a_task(
                personas.alice,
                world.asb,
                assignee_team=world.council_asb,
                assignee_user=personas.carol,
                record=world.case,
            )
        run_alerts()

    client = client_for(personas.bob)
    url = reverse("tasking:notification_list")
    more(1)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    more(6)
    with CaptureQueriesContext(connection) as many:
        body = client.get(url).content.decode()
    assert body.count("data-notification=") == 7
    assert len(many) == len(few)
