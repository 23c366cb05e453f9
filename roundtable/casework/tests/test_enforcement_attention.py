"""Expiries and reviews that need attention, the hourly task that flags them, and the timeline."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from roundtable.audit.models import AuditEvent
from roundtable.casework import timeline
from roundtable.casework.models import EnforcementAction, EnforcementSettings
from roundtable.casework.powers import EnforcementKind as K
from roundtable.casework.powers import EnforcementStatus as S
from roundtable.casework.selectors.enforcement import (
    enforcement_attention_due,
    enforcement_timeline,
)
from roundtable.casework.services import enforcement as services
from roundtable.casework.tasks import enforcement_attention
from roundtable.casework.tests.enforcement_helpers import add, scene
from roundtable.directory.models import Team
from roundtable.records.models import MemberRole
from roundtable.records.services.cases import case_member_add
from roundtable.records.tests.case_helpers import open_case
from roundtable.sharing import policy
from roundtable.sharing.sections import RecordKind
from roundtable.sharing.tests.factories import profile_for
from roundtable.tasking import schedule
from roundtable.tasking.models import AlertEvent, Task

NOW = "2026-06-15 10:00:00+01:00"
TODAY = date(2026, 6, 15)
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def world(personas):
    with time_machine.travel(NOW, tick=False):
        yield scene(personas)


def _warning(personas, world, **dates):
    return add(
        personas.alice,
        world.case,
        K.WARNING_LETTER,
        profile=world.adult,
        served_on=date(2026, 6, 1),
        **dates,
    )


def _due(on=TODAY):
    return [(item.action.pk, item.reason, item.due_on) for item in enforcement_attention_due(on=on)]


def test_expiries_and_reviews_within_the_default_14_days_are_due(personas, world):
    soon = _warning(personas, world, expires_on=date(2026, 6, 25))  # in 10 days
    later = _warning(personas, world, expires_on=date(2026, 7, 6))  # in 21 days
    review = _warning(personas, world, review_on=date(2026, 6, 29))  # in 14 days exactly
    add(
        personas.alice,
        world.case,
        K.WARNING_LETTER,
        profile=world.adult,
        expires_on=date(2026, 6, 20),
    )  # proposed: nothing is in force yet
    assert _due() == [
        (soon.pk, "expiry", date(2026, 6, 25)),
        (review.pk, "review", date(2026, 6, 29)),
    ]
    assert later.pk not in {pk for pk, _reason, _day in _due()}


def test_a_partnerships_own_lead_time_changes_the_answer(personas, world):
    later = _warning(personas, world, expires_on=date(2026, 7, 6))
    EnforcementSettings.objects.create(partnership=world.work.testshire, attention_lead_days=30)
    assert _due() == [(later.pk, "expiry", date(2026, 7, 6))]


def test_a_dispersals_expiry_raises_no_task_and_a_flagged_date_is_not_due_again(personas, world):
    add(
        personas.alice,
        world.case,
        K.DISPERSAL,
        profile=world.adult,
        served_at=datetime(2026, 6, 15, 9, 0, tzinfo=LONDON),
        authorised_by="Inspector A. Example",
    )
    soon = _warning(personas, world, expires_on=date(2026, 6, 25), review_on=date(2026, 6, 20))
    assert {reason for _pk, reason, _day in _due()} == {"expiry", "review"}
    flagged = services.enforcement_attention_flag(on=TODAY)
    assert {(item.action.pk, item.reason) for item in flagged} == {
        (soon.pk, "expiry"),
        (soon.pk, "review"),
    }
    soon.refresh_from_db()
    assert (soon.expiry_flagged_on, soon.review_flagged_on) == (TODAY, TODAY)
    assert _due() == []
    assert services.enforcement_attention_flag(on=TODAY) == []
    events = AuditEvent.objects.filter(
        target_id=str(world.case.code), changes__has_key="expiry_flagged_on"
    )
    assert events.count() == 1


def test_a_task_title_names_the_power_the_case_and_the_date_never_the_person(personas, world):
    _warning(personas, world, expires_on=date(2026, 6, 25))
    (item,) = enforcement_attention_due(on=TODAY)
    assert item.title == f"Warning letter on {world.case.reference} expires on 25 June 2026"
    assert "Nuisance" not in item.title + item.description
    assert item.assignee is None  # no officer recorded


def test_the_hourly_task_is_registered_and_flags_then_expires(personas, world):
    assert "casework.enforcement_attention" in {task.name for task in schedule.registered()}
    lapsed = _warning(personas, world, expires_on=date(2026, 6, 10))
    assert enforcement_attention.call() == {"flagged": 1, "expired": 1}
    lapsed.refresh_from_db()
    assert (lapsed.status, lapsed.expiry_flagged_on) == (S.EXPIRED, TODAY)
    assert enforcement_attention.call() == {"flagged": 0, "expired": 0}


def test_the_timeline_source_is_registered_and_follows_the_policy(personas, world):
    assert timeline.sources()["enforcement"] is enforcement_timeline
    cpw = add(
        personas.alice,
        world.case,
        K.CPW,
        profile=world.adult,
        problem="Noise",
        required_change="Quiet",
        deadline=date(2026, 7, 1),
    )
    services.enforcement_serve(
        actor=personas.alice,
        viewer=policy.viewer_for_user(personas.alice),
        action=cpw,
        expected_version=0,
        served_on=date(2026, 6, 15),
    )
    with time_machine.travel("2026-06-20 10:00:00+01:00", tick=False):
        cpw.refresh_from_db()
        services.enforcement_breach_record(
            actor=personas.alice,
            viewer=policy.viewer_for_user(personas.alice),
            action=cpw,
            expected_version=cpw.version,
            occurred_on=date(2026, 6, 19),
            description="Noise again",
            reported_by="A neighbour",
            response="escalated",
        )
    owner = enforcement_timeline(policy.viewer_for_user(personas.alice), world.case)
    assert [item.label for item in owner] == [
        "Community protection warning proposed",
        "Community protection warning served",
        "Community protection warning breached",
    ]
    assert all(item.kind == "enforcement" and item.section == "summary" for item in owner)
    assert "about Robin NUISANCE" in owner[1].summary
    assert "expires 15 December 2026" in owner[1].summary
    colleague = enforcement_timeline(policy.viewer_for_user(personas.bob), world.case)
    assert len(colleague) == 3
    assert not any("NUISANCE" in item.summary for item in colleague)
    assert enforcement_timeline(policy.viewer_for_user(personas.dave), world.case) == []


def test_an_action_past_its_expiry_reads_as_expired_before_the_sweep(personas, world):
    lapsed = _warning(personas, world, expires_on=date(2026, 6, 10))
    assert EnforcementAction.objects.get(pk=lapsed.pk).status == S.SERVED
    entries = enforcement_timeline(policy.viewer_for_user(personas.alice), world.case)
    assert entries[-1].label == "Warning letter expired"


def test_running_the_hourly_task_twice_raises_one_task_for_the_owning_team(
    personas, world, client_for
):
    soon = _warning(personas, world, expires_on=date(2026, 6, 25))
    with time_machine.travel(NOW, tick=False):
        assert enforcement_attention.call() == {"flagged": 1, "expired": 0}
    with time_machine.travel("2026-06-15 11:00:00+01:00", tick=False):
        assert enforcement_attention.call() == {"flagged": 0, "expired": 0}
    [task] = Task.objects.filter(source="enforcement-expiry")
    assert task.source_key == f"{soon.pk}:2026-06-25"
    assert (task.team, task.assignee_team) == (world.work.asb, world.work.asb)
    assert task.assignee_user is None  # no officer recorded: the team's queue
    assert task.created_by is None  # Roundtable set it
    assert (task.record_kind, task.record_id) == (RecordKind.CASE, world.case.pk)
    assert (task.due_on, task.priority) == (date(2026, 6, 25), "high")
    assert "Nuisance" not in task.title + task.description
    assert AlertEvent.objects.filter(event="enforcement.due").count() == 1
    with time_machine.travel("2026-06-15 11:00:00+01:00", tick=False):
        client = client_for(personas.alice)
        assert task.reference in client.get(reverse("tasking:team_queue")).content.decode()
        page = client.get(task.get_absolute_url()).content.decode()
    assert 'data-testid="set-by-roundtable"' in page


def test_the_task_goes_to_the_issuing_officer_when_they_are_in_the_owning_team(personas, world):
    review = _warning(personas, world, review_on=date(2026, 6, 20))
    EnforcementAction.objects.filter(pk=review.pk).update(officer=personas.alice)
    with time_machine.travel(NOW, tick=False):
        enforcement_attention.call()
    task = Task.objects.get(source="enforcement-review")
    assert (task.assignee_user, task.priority) == (personas.alice, "normal")
    assert task.source_key == f"{review.pk}:2026-06-20"


def test_a_case_owned_by_a_closed_team_is_left_unflagged_and_the_others_go_on(
    personas, world, caplog
):
    stuck = _warning(personas, world, expires_on=date(2026, 6, 25))
    with time_machine.travel(NOW, tick=False):
        other_case = open_case(personas.carol, world.work.council_asb, world.work.case_type)
        tenant = profile_for(personas.carol, world.work.council_asb, given_name="Tam")
        case_member_add(
            actor=personas.carol,
            viewer=policy.viewer_for_user(personas.carol),
            case=other_case,
            profile=tenant,
            role=MemberRole.PERPETRATOR,
        )
        fine = add(
            personas.carol,
            other_case,
            K.WARNING_LETTER,
            served_on=date(2026, 6, 1),
            expires_on=date(2026, 6, 26),
            profile=tenant,
        )
    Team.objects.filter(pk=world.work.asb.pk).update(is_active=False)
    with time_machine.travel(NOW, tick=False):
        assert enforcement_attention.call()["flagged"] == 1
    stuck.refresh_from_db()
    fine.refresh_from_db()
    assert (stuck.expiry_flagged_on, fine.expiry_flagged_on) == (None, TODAY)
    assert f"enforcement action {stuck.code}" in caplog.text
    assert Task.objects.filter(source="enforcement-expiry").count() == 1
