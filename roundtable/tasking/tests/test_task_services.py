"""The task services: what they refuse, the status rules, who may act, and what they audit."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from roundtable.audit.models import Action, AuditEvent
from roundtable.records.tests.case_helpers import hidden_profile, open_case
from roundtable.sharing.tests.factories import profile_for
from roundtable.tasking.models import Task, TaskComment, TaskStatus
from roundtable.tasking.services import tasks as services
from roundtable.tasking.services.tasks import StaleRecord
from roundtable.tasking.tests.task_helpers import a_task, in_days, task_world


@pytest.fixture
def world(personas):
    return task_world(personas)


def _events(task: Task) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(target_type="tasking.task", target_id=str(task.code)).order_by(
            "id"
        )
    )


# --- setting a task -------------------------------------------------------------------------


def test_a_task_is_set_open_and_audited_by_its_reference_only(personas, world):
    task = a_task(personas.alice, world.asb, assignee_user=personas.alice, priority="high")
    assert task.status == TaskStatus.OPEN
    assert task.version == 0
    (event,) = _events(task)
    assert event.action == Action.CREATE
    assert event.target_label == f"Task {task.reference}"
    assert "Visit the address" not in event.target_label
    assert event.changes["priority"] == [None, "high"]


def test_the_actor_must_belong_to_the_setting_team(personas, world):
    with pytest.raises(PermissionDenied):
        a_task(personas.bob, world.asb)
    assert not Task.objects.exists()


def test_the_assignee_must_be_an_active_member_of_the_assignee_team(personas, world):
    with pytest.raises(ValidationError) as refused:
        a_task(personas.alice, world.asb, assignee_user=personas.bob)
    assert "assignee_user" in refused.value.error_dict
    world.asb_colleague.is_active = False
    world.asb_colleague.save(update_fields=["is_active"])
    with pytest.raises(ValidationError):
        a_task(personas.alice, world.asb, assignee_user=world.asb_colleague)
    assert not Task.objects.exists()


def test_a_task_may_go_to_a_partner_team_in_the_partnership_but_not_beyond(personas, world):
    task = a_task(personas.alice, world.asb, assignee_team=world.council_asb)
    assert task.assignee_team == world.council_asb
    with pytest.raises(ValidationError) as refused:
        a_task(personas.alice, world.asb, assignee_team=world.far_team)
    assert "assignee_team" in refused.value.error_dict


def test_the_due_date_cannot_be_in_the_past_and_the_title_is_required(personas, world):
    with pytest.raises(ValidationError) as refused:
        a_task(personas.alice, world.asb, due_in=-1)
    assert "due_on" in refused.value.error_dict
    with pytest.raises(ValidationError) as refused:
        a_task(personas.alice, world.asb, title="   ")
    assert "title" in refused.value.error_dict


def test_a_task_can_be_linked_only_to_a_record_the_setting_team_can_open(personas, world):
    jordan = profile_for(personas.alice, world.asb)
    task = a_task(personas.alice, world.asb, record=jordan)
    assert (task.record_kind, task.record_id) == (jordan.record_kind, jordan.pk)
    witness = hidden_profile(personas.carol, world.council_asb)
    with pytest.raises(ValidationError) as refused:
        a_task(personas.alice, world.asb, record=witness)
    assert "record" in refused.value.error_dict


def test_a_live_task_for_the_same_source_and_key_is_made_once(personas, world):
    fields = {
        "actor": personas.alice,
        "team": world.asb,
        "title": "Check the warning has expired",
        "due_on": in_days(5),
        "assignee_team": world.asb,
        "source": "enforcement-expiry",
        "source_key": "enforcement:42",
    }
    first, created = services.task_create_once(**fields)
    again, created_again = services.task_create_once(**fields)
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    with pytest.raises(ValidationError) as refused:
        services.task_create(**fields)
    assert "source_key" in refused.value.error_dict
    assert Task.objects.count() == 1
    # Once the first is done, the same thing may need doing again.
    services.task_complete(
        actor=personas.alice, task=first, expected_version=first.version, note="Checked."
    )
    later, created_later = services.task_create_once(**fields)
    assert created_later and later.pk != first.pk


def test_the_database_refuses_a_second_live_task_for_a_source_key(personas, world):
    task = a_task(personas.alice, world.asb, source="review", source_key="case:1")
    duplicate = Task(
        title="Again",
        team=world.asb,
        assignee_team=world.asb,
        due_on=task.due_on,
        created_by=personas.alice,
        source="review",
        source_key="case:1",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


# --- status -----------------------------------------------------------------------------------


def test_a_task_moves_open_to_in_progress_to_done_with_a_completion_note(personas, world):
    task = a_task(personas.alice, world.asb, assignee_user=personas.alice)
    task = services.task_start(actor=personas.alice, task=task, expected_version=0)
    assert task.status == TaskStatus.IN_PROGRESS
    task = services.task_complete(
        actor=personas.alice, task=task, expected_version=1, note="Visited; nobody home."
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert task.completion_note == "Visited; nobody home."
    assert task.closed_by == personas.alice
    assert task.closed_at is not None
    assert [e.changes.get("status") for e in _events(task)[1:]] == [
        ["open", "in_progress"],
        ["in_progress", "done"],
    ]


def test_completing_without_a_note_is_refused_and_nothing_changes(personas, world):
    task = a_task(personas.alice, world.asb, assignee_user=personas.alice)
    with pytest.raises(ValidationError) as refused:
        services.task_complete(actor=personas.alice, task=task, expected_version=0, note="  ")
    assert "note" in refused.value.error_dict
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN and task.version == 0


def test_the_database_refuses_a_done_task_without_a_note(personas, world):
    task = a_task(personas.alice, world.asb)
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(status=TaskStatus.DONE)


def test_done_and_cancelled_tasks_are_final(personas, world):
    done = a_task(personas.alice, world.asb, assignee_user=personas.alice)
    services.task_complete(actor=personas.alice, task=done, expected_version=0, note="Done.")
    with pytest.raises(ValidationError):
        services.task_start(actor=personas.alice, task=done, expected_version=1)
    with pytest.raises(ValidationError):
        services.task_cancel(actor=personas.spoc, task=done, expected_version=1, reason="No.")
    cancelled = a_task(personas.alice, world.asb)
    services.task_cancel(
        actor=personas.spoc, task=cancelled, expected_version=0, reason="Duplicate."
    )
    with pytest.raises(ValidationError):
        services.task_complete(
            actor=personas.alice, task=cancelled, expected_version=1, note="Did it anyway."
        )
    with pytest.raises(ValidationError):
        services.task_update(
            actor=personas.alice,
            task=cancelled,
            expected_version=1,
            title="New",
            due_on=in_days(2),
            priority="low",
        )


def test_cancelling_needs_a_reason(personas, world):
    task = a_task(personas.alice, world.asb)
    with pytest.raises(ValidationError) as refused:
        services.task_cancel(actor=personas.alice, task=task, expected_version=0, reason="")
    assert "reason" in refused.value.error_dict


def test_starting_a_task_from_the_queue_takes_it(personas, world):
    task = a_task(personas.spoc, world.asb)
    task = services.task_start(actor=personas.alice, task=task, expected_version=0)
    assert task.assignee_user == personas.alice


def test_a_stale_version_is_refused_and_nothing_is_overwritten(personas, world):
    task = a_task(personas.alice, world.asb)
    services.task_update(
        actor=personas.alice,
        task=task,
        expected_version=0,
        title="First change",
        due_on=task.due_on,
        priority="normal",
    )
    with pytest.raises(StaleRecord) as stale:
        services.task_update(
            actor=personas.alice,
            task=task,
            expected_version=0,
            title="Second change",
            due_on=task.due_on,
            priority="normal",
        )
    assert Task.objects.get(pk=task.pk).title == "First change"
    assert stale.value.current.pk == task.pk
    task.refresh_from_db()
    assert task.title == "First change" and task.version == 1


def test_a_new_due_date_clears_the_escalation_and_reminder(personas, world):
    task = a_task(personas.alice, world.asb)
    Task.objects.filter(pk=task.pk).update(escalated_at=task.created_at, reminded_on=in_days(0))
    task.refresh_from_db()
    services.task_update(
        actor=personas.alice,
        task=task,
        expected_version=0,
        title=task.title,
        due_on=in_days(10),
        priority="normal",
    )
    task.refresh_from_db()
    assert task.escalated_at is None and task.reminded_on is None


# --- who may act ----------------------------------------------------------------------------


def test_someone_outside_both_teams_may_not_work_manage_or_comment(personas, world):
    task = a_task(personas.alice, world.asb)
    for write in (
        lambda: services.task_start(actor=personas.bob, task=task, expected_version=0),
        lambda: services.task_complete(actor=personas.bob, task=task, expected_version=0, note="x"),
        lambda: services.task_cancel(actor=personas.bob, task=task, expected_version=0, reason="x"),
        lambda: services.task_comment_add(actor=personas.bob, task=task, body="Hello"),
        lambda: services.task_assign(
            actor=personas.bob, task=task, expected_version=0, assignee_team=world.iom
        ),
    ):
        with pytest.raises(PermissionDenied):
            write()
    task.refresh_from_db()
    assert task.version == 0 and not task.comments.exists()


def test_a_team_member_claims_from_the_queue_but_cannot_take_a_colleagues_task(personas, world):
    queued = a_task(personas.spoc, world.asb)
    services.task_assign(
        actor=personas.alice,
        task=queued,
        expected_version=0,
        assignee_team=world.asb,
        assignee_user=personas.alice,
    )
    queued.refresh_from_db()
    assert queued.assignee_user == personas.alice
    with pytest.raises(PermissionDenied):
        services.task_assign(
            actor=world.asb_colleague,
            task=queued,
            expected_version=1,
            assignee_team=world.asb,
            assignee_user=world.asb_colleague,
        )
    # The assignee may hand it back to the queue.
    services.task_assign(
        actor=personas.alice, task=queued, expected_version=1, assignee_team=world.asb
    )
    queued.refresh_from_db()
    assert queued.assignee_user is None


def test_a_practitioner_cannot_send_a_task_to_another_team_but_its_setter_can(personas, world):
    task = a_task(personas.spoc, world.asb, assignee_team=world.iom)
    with pytest.raises(PermissionDenied):
        services.task_assign(
            actor=personas.bob, task=task, expected_version=0, assignee_team=world.council_asb
        )
    services.task_assign(
        actor=personas.spoc, task=task, expected_version=0, assignee_team=world.council_asb
    )
    task.refresh_from_db()
    assert task.assignee_team == world.council_asb


def test_the_assignee_teams_manager_may_reassign_and_cancel(personas, world):
    task = a_task(personas.alice, world.asb, assignee_team=world.iom)
    services.task_assign(
        actor=world.iom_manager,
        task=task,
        expected_version=0,
        assignee_team=world.iom,
        assignee_user=personas.bob,
    )
    task.refresh_from_db()
    assert task.assignee_user == personas.bob
    with pytest.raises(PermissionDenied):
        services.task_cancel(actor=personas.bob, task=task, expected_version=1, reason="Busy.")
    services.task_cancel(actor=world.iom_manager, task=task, expected_version=1, reason="Not ours.")
    task.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED


def test_a_setting_team_practitioner_who_did_not_set_it_may_comment_but_not_manage(personas, world):
    task = a_task(personas.spoc, world.asb, assignee_team=world.iom)
    comment = services.task_comment_add(actor=personas.alice, task=task, body="Any news?")
    assert comment.team == world.asb
    with pytest.raises(PermissionDenied):
        services.task_update(
            actor=personas.alice,
            task=task,
            expected_version=0,
            title="Changed",
            due_on=task.due_on,
            priority="low",
        )


def test_comments_are_kept_with_the_author_and_team_and_audited(personas, world):
    task = a_task(personas.alice, world.asb, assignee_team=world.iom)
    services.task_comment_add(actor=personas.bob, task=task, body="On it tomorrow.")
    with pytest.raises(ValidationError):
        services.task_comment_add(actor=personas.bob, task=task, body=" ")
    (comment,) = TaskComment.objects.filter(task=task)
    assert (comment.author, comment.team, comment.body) == (
        personas.bob,
        world.iom,
        "On it tomorrow.",
    )
    assert _events(task)[-1].detail == {"comment_id": comment.pk}


def test_a_case_task_links_the_case(personas, world):
    case = open_case(personas.alice, world.asb, world.work.case_type)
    task = a_task(personas.alice, world.asb, record=case)
    assert task.record_id == case.pk
