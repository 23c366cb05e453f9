"""The task pages, each access rule from both sides.

Who sees a task page: the assignee, the assignee team and the setting team (as the team they are
working as), and holders of the linked case's Tasks section (read only). Anyone else gets 404,
the same as for a task that does not exist. Someone who sees a task but may not do an action gets
403 for that action's page.
"""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent
from roundtable.records.models import CaseTypeShareDefault
from roundtable.records.tests.case_helpers import open_case, sections_rendered, sections_withheld
from roundtable.sharing.sections import Section, to_mask
from roundtable.sharing.tests.factories import profile_for
from roundtable.tasking.models import Task, TaskComment, TaskStatus
from roundtable.tasking.services import tasks as services
from roundtable.tasking.tests.task_helpers import a_task, in_days, task_world


@pytest.fixture
def world(personas):
    return task_world(personas)


def _url(name: str, task: Task | None = None) -> str:
    return reverse(f"tasking:{name}", kwargs={"code": task.code} if task else None)


# --- My tasks ---------------------------------------------------------------------------------


def test_my_tasks_lists_what_is_assigned_to_me_soonest_due_first(personas, world, client_for):
    later = a_task(personas.spoc, world.asb, assignee_user=personas.alice, due_in=9, title="Later")
    sooner = a_task(
        personas.spoc, world.asb, assignee_user=personas.alice, due_in=1, title="Sooner"
    )
    a_task(personas.spoc, world.asb, assignee_user=world.asb_colleague, title="Not mine")
    a_task(personas.spoc, world.asb, title="In the queue")
    html = client_for(personas.alice).get(_url("my_tasks")).content.decode()
    assert html.index(sooner.reference) < html.index(later.reference)
    assert "Not mine" not in html
    assert "In the queue" not in html


def test_my_tasks_filters_by_status_priority_and_lateness(personas, world, client_for):
    urgent = a_task(
        personas.spoc, world.asb, assignee_user=personas.alice, priority="urgent", title="Urgent"
    )
    done = a_task(personas.spoc, world.asb, assignee_user=personas.alice, title="Finished")
    services.task_complete(actor=personas.alice, task=done, expected_version=0, note="Done.")
    client = client_for(personas.alice)
    default = client.get(_url("my_tasks")).content.decode()
    assert urgent.reference in default and done.reference not in default
    finished = client.get(_url("my_tasks") + "?status=done").content.decode()
    assert done.reference in finished and urgent.reference not in finished
    low = client.get(_url("my_tasks") + "?priority=low").content.decode()
    assert urgent.reference not in low
    overdue = client.get(_url("my_tasks") + "?overdue=on").content.decode()
    assert urgent.reference not in overdue
    bad = client.get(_url("my_tasks") + "?status=nonsense")
    assert bad.status_code == 200


def test_a_linked_persons_name_is_shown_only_to_those_who_can_see_the_person(
    personas, world, client_for
):
    jordan = profile_for(personas.alice, world.asb, given_name="Jordan", family_name="Linkedname")
    task = a_task(
        personas.alice,
        world.asb,
        assignee_team=world.council_asb,
        assignee_user=None,
        record=jordan,
    )
    services.task_assign(
        actor=personas.alice,
        task=task,
        expected_version=0,
        assignee_team=world.council_asb,
        assignee_user=personas.carol,
    )
    carol = client_for(personas.carol)
    for url in (_url("my_tasks"), _url("task_detail", task)):
        html = carol.get(url).content.decode()
        assert "LINKEDNAME" not in html and "Linkedname" not in html
        assert "A record you cannot see" in html
    alice_html = client_for(personas.alice).get(_url("task_detail", task)).content.decode()
    assert "Jordan LINKEDNAME" in alice_html
    assert jordan.get_absolute_url() in alice_html


# --- one task: who sees it ---------------------------------------------------------------------


def test_the_assignee_the_assignee_team_and_the_setting_team_see_a_task(
    personas, world, client_for
):
    task = a_task(personas.alice, world.asb, assignee_team=world.iom, assignee_user=personas.bob)
    for user in (personas.alice, personas.spoc, personas.bob, world.iom_manager):
        response = client_for(user).get(_url("task_detail", task))
        assert response.status_code == 200, user
    event = AuditEvent.objects.filter(action=Action.VIEW, target_id=str(task.code)).latest("id")
    assert event.target_type == "tasking.task"


def test_another_team_or_agency_gets_404_as_for_a_missing_task(personas, world, client_for):
    task = a_task(personas.alice, world.asb)
    for user in (personas.bob, personas.carol, personas.dave):
        assert client_for(user).get(_url("task_detail", task)).status_code == 404
    missing = reverse("tasking:task_detail", kwargs={"code": uuid.uuid4()})
    assert client_for(personas.alice).get(missing).status_code == 404


def test_a_holder_of_the_cases_tasks_section_reads_but_cannot_comment(personas, world, client_for):
    CaseTypeShareDefault.objects.filter(pk=world.work.default.pk).update(
        sections=to_mask([Section.SUMMARY, Section.MEMBERS, Section.TASKS])
    )
    case = open_case(personas.alice, world.asb, world.work.case_type)
    task = a_task(personas.alice, world.asb, record=case, title="Arrange the panel")
    carol = client_for(personas.carol)
    response = carol.get(_url("task_detail", task))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Arrange the panel" in html
    assert 'name="body"' not in html
    assert carol.post(_url("task_comment", task), {"body": "Hi"}).status_code == 403
    assert carol.get(_url("task_complete", task)).status_code == 403
    assert not TaskComment.objects.exists()


def test_a_case_without_the_tasks_section_shared_gives_partners_404(personas, world, client_for):
    case = open_case(personas.alice, world.asb, world.work.case_type)
    task = a_task(personas.alice, world.asb, record=case)
    assert client_for(personas.carol).get(_url("task_detail", task)).status_code == 404


# --- one task: what each may do -----------------------------------------------------------------


def test_only_those_who_manage_a_task_get_its_change_reassign_and_cancel_pages(
    personas, world, client_for
):
    task = a_task(personas.spoc, world.asb, assignee_team=world.iom, assignee_user=personas.bob)
    for name in ("task_edit", "task_reassign", "task_cancel"):
        assert client_for(personas.spoc).get(_url(name, task)).status_code == 200
        assert client_for(world.iom_manager).get(_url(name, task)).status_code == 200
        assert client_for(personas.bob).get(_url(name, task)).status_code == 403
        assert client_for(personas.alice).get(_url(name, task)).status_code == 403
    assert client_for(personas.bob).get(_url("task_complete", task)).status_code == 200
    assert client_for(personas.alice).get(_url("task_complete", task)).status_code == 403


def test_the_team_queue_shows_unassigned_first_and_a_member_can_take_one(
    personas, world, client_for
):
    mine = a_task(personas.spoc, world.asb, assignee_user=personas.alice, due_in=1, title="Mine")
    queued = a_task(personas.spoc, world.asb, due_in=5, title="Queued")
    client = client_for(world.asb_colleague)
    html = client.get(_url("team_queue")).content.decode()
    assert html.index(queued.reference) < html.index(mine.reference)
    response = client.post(_url("task_claim", queued), {"version": queued.version})
    assert response.status_code == 302
    queued.refresh_from_db()
    assert queued.assignee_user == world.asb_colleague
    # Another team's member cannot take it.
    other = a_task(personas.spoc, world.asb)
    assert (
        client_for(personas.bob).post(_url("task_claim", other), {"version": 0}).status_code == 404
    )
    other.refresh_from_db()
    assert other.assignee_user is None


def test_the_team_queue_and_set_by_my_team_list_only_the_acting_teams_tasks(
    personas, world, client_for
):
    for_iom = a_task(personas.alice, world.asb, assignee_team=world.iom, title="For IOM")
    bob = client_for(personas.bob)
    assert for_iom.reference in bob.get(_url("team_queue")).content.decode()
    alice = client_for(personas.alice)
    assert for_iom.reference not in alice.get(_url("team_queue")).content.decode()
    assert for_iom.reference in alice.get(_url("team_queue") + "?show=set").content.decode()
    assert (
        for_iom.reference not in client_for(personas.carol).get(_url("team_queue")).content.decode()
    )


def test_the_managers_view_counts_each_persons_tasks_and_is_for_managers_only(
    personas, world, client_for, time_machine
):
    a_task(personas.spoc, world.asb, assignee_user=personas.alice, due_in=0)
    a_task(personas.spoc, world.asb, assignee_user=personas.alice, due_in=5)
    a_task(personas.spoc, world.asb, due_in=0)
    time_machine.move_to(in_days(2).isoformat() + "T10:00:00+00:00")
    response = client_for(personas.spoc).get(_url("manager_view"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-assignee="alice@police.testshire.invalid"' in html
    assert 'data-assignee="queue"' in html
    assert html.count('data-task="') == 2  # the two overdue tasks
    assert client_for(personas.alice).get(_url("manager_view")).status_code == 403
    assert client_for(world.iom_manager).get(_url("manager_view")).status_code == 200
    assert (
        'data-task="'
        not in client_for(world.iom_manager).get(_url("manager_view")).content.decode()
    )


# --- forms -------------------------------------------------------------------------------------


def test_setting_a_task_about_a_record_from_its_page_address(personas, world, client_for):
    case = open_case(personas.alice, world.asb, world.work.case_type)
    client = client_for(personas.alice)
    page = client.get(_url("task_create") + f"?record_kind=case&record={case.code}")
    assert str(case.code) in page.content.decode()
    response = client.post(
        _url("task_create"),
        {
            "title": "Book the multi-agency meeting",
            "description": "",
            "assignee_team": world.iom.pk,
            "assignee_user": "",
            "due_on": in_days(4).strftime("%d/%m/%Y"),
            "priority": "high",
            "record_kind": "case",
            "record": f"http://testserver{case.get_absolute_url()}",
        },
    )
    task = Task.objects.get()
    assert response.status_code == 302 and response.url == task.get_absolute_url()
    assert (task.team, task.assignee_team, task.record_id) == (world.asb, world.iom, case.pk)


def test_a_bad_task_form_shows_errors_and_writes_nothing(personas, world, client_for):
    witness_case = open_case(personas.carol, world.council_asb, world.work.case_type)
    response = client_for(personas.bob).post(
        _url("task_create"),
        {
            "title": "",
            "assignee_team": world.iom.pk,
            "due_on": "31/02/2026",
            "priority": "normal",
            "record_kind": "case",
            "record": str(witness_case.code),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Enter a title" in html
    assert not Task.objects.exists()


def test_a_record_the_team_cannot_open_is_refused_on_the_form(personas, world, client_for):
    council_case = open_case(personas.carol, world.council_asb, world.work.case_type)
    response = client_for(personas.bob).post(
        _url("task_create"),
        {
            "title": "Look into it",
            "assignee_team": world.iom.pk,
            "due_on": in_days(3).strftime("%d/%m/%Y"),
            "priority": "normal",
            "record_kind": "case",
            "record": str(council_case.code),
        },
    )
    assert response.status_code == 400
    assert "No record your team can open has that reference" in response.content.decode()
    assert not Task.objects.exists()


def test_a_stale_edit_gets_the_conflict_page_and_nothing_is_overwritten(
    personas, world, client_for
):
    task = a_task(personas.alice, world.asb)
    services.task_update(
        actor=personas.spoc,
        task=task,
        expected_version=0,
        title="Changed by the manager",
        due_on=task.due_on,
        priority="urgent",
    )
    response = client_for(personas.alice).post(
        _url("task_edit", task),
        {
            "title": "My late change",
            "description": "",
            "due_on": task.due_on.strftime("%d/%m/%Y"),
            "priority": "low",
            "version": 0,
        },
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-testid="conflict-current-values"' in html
    assert "Changed by the manager" in html and "My late change" in html
    task.refresh_from_db()
    assert (task.title, task.priority, task.version) == ("Changed by the manager", "urgent", 1)


def test_completing_without_a_note_shows_the_error_and_keeps_the_task_open(
    personas, world, client_for
):
    task = a_task(personas.alice, world.asb, assignee_user=personas.alice)
    client = client_for(personas.alice)
    response = client.post(_url("task_complete", task), {"note": "", "version": 0})
    assert response.status_code == 400
    assert "Say what was done" in response.content.decode()
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN
    done = client.post(_url("task_complete", task), {"note": "Visited.", "version": 0})
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert client.get(_url("task_complete", task)).status_code == 404


def test_start_and_comment_from_the_task_page(personas, world, client_for):
    task = a_task(personas.spoc, world.asb, assignee_team=world.iom)
    bob = client_for(personas.bob)
    assert bob.post(_url("task_start", task), {"version": 0}).status_code == 302
    task.refresh_from_db()
    assert (task.status, task.assignee_user) == (TaskStatus.IN_PROGRESS, personas.bob)
    assert bob.post(_url("task_comment", task), {"body": "Knocked, no answer."}).status_code == 302
    empty = bob.post(_url("task_comment", task), {"body": ""})
    assert empty.status_code == 400
    html = client_for(personas.spoc).get(_url("task_detail", task)).content.decode()
    assert "Knocked, no answer." in html
    assert TaskComment.objects.count() == 1
    # A stale button press changes nothing and says why.
    response = bob.post(_url("task_start", task), {"version": 0}, follow=True)
    assert "Someone else changed this task" in response.content.decode()


# --- the case page and the header ------------------------------------------------------------


def test_the_case_page_lists_its_tasks_to_holders_of_the_tasks_section_only(
    personas, world, client_for
):
    case = open_case(personas.alice, world.asb, world.work.case_type)
    a_task(personas.alice, world.asb, record=case, title="Check CCTV")
    owner = client_for(personas.alice).get(case.get_absolute_url()).content.decode()
    assert "tasks" in sections_rendered(owner)
    assert "Check CCTV" in owner
    event = AuditEvent.objects.filter(action=Action.VIEW, target_id=str(case.code)).latest("id")
    assert "tasks" in event.sections
    partner = client_for(personas.carol).get(case.get_absolute_url()).content.decode()
    assert "tasks" not in sections_rendered(partner)
    assert "tasks" in sections_withheld(partner)
    assert "Check CCTV" not in partner


def test_the_header_links_to_tasks_with_my_overdue_count(personas, world, client_for, time_machine):
    a_task(personas.spoc, world.asb, assignee_user=personas.alice, due_in=0)
    client = client_for(personas.alice)
    html = client.get(reverse("home")).content.decode()
    assert reverse("tasking:my_tasks") in html
    assert 'data-testid="nav-badge"' not in html
    time_machine.move_to(in_days(1).isoformat() + "T10:00:00+00:00")
    # A new sign-in: a day later the first session has long timed out.
    html = client_for(personas.alice).get(reverse("home")).content.decode()
    assert 'data-testid="nav-badge">1<' in html
