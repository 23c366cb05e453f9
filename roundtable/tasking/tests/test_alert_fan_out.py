"""Fan-out: who is told of an event (named users, rules, watchers); never the actor or outsiders."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from roundtable.directory.tests.factories import MembershipFactory, TeamFactory, UserFactory
from roundtable.records.services import cases as case_services
from roundtable.sharing import policy
from roundtable.tasking.models import (
    AlertEvent,
    AlertRule,
    Notification,
    Reason,
    RuleScope,
    RuleTarget,
)
from roundtable.tasking.services.alerts import (
    alert_event,
    alert_fan_out,
    alert_rule_create,
    watch_add,
)
from roundtable.tasking.tests.alert_helpers import (
    alert_world,
    delivered_to,
    diary_event,
    hide,
    run_alerts,
    stage_event,
)


@pytest.fixture
def world(personas):
    return alert_world(personas)


def watch(user, record):
    return watch_add(user=user, viewer=policy.viewer_for_user(user), record=record)


def rule(world, **values):
    defaults: dict[str, Any] = {
        "name": "Test rule",
        "event": "case.stage_changed",
        "target": RuleTarget.TEAM,
    }
    defaults.update(values)
    if defaults["target"] == RuleTarget.TEAM:
        defaults.setdefault("team", world.work.council_asb)
    return alert_rule_create(actor=world.admin, partnership=world.work.testshire, **defaults)


def test_an_event_is_recorded_in_the_producers_transaction_and_rolls_back_with_it(personas, world):
    before = AlertEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        stage_event(world.case, personas.alice)
        raise RuntimeError("the producer's change failed")
    assert AlertEvent.objects.count() == before


def test_the_fan_out_is_queued_after_commit(personas, world, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        event = stage_event(world.case, personas.alice)
    queued = DBTaskResult.objects.get(task_path__endswith="fan_out_alert_event")
    assert queued.args_kwargs["args"] == [event.pk]


def test_watchers_are_told_and_the_actor_is_not(personas, world):
    watch(personas.bob, world.case)
    watch(personas.alice, world.case)
    stage_event(world.case, personas.alice)
    run_alerts()
    assert [n.reason for n in delivered_to(personas.bob)] == [Reason.WATCH]
    assert delivered_to(personas.alice) == []


def test_named_recipients_are_told_first_as_direct(personas, world):
    watch(personas.bob, world.case)
    alert_event(
        event="task.assigned",
        record=world.case,
        actor=personas.alice,
        team=world.work.asb,
        section="tasks",
        recipients=[personas.spoc],
    )
    run_alerts()
    assert [n.reason for n in delivered_to(personas.spoc)] == [Reason.DIRECT]
    # Bob watches the case but cannot see its tasks: he hears nothing of them.
    assert delivered_to(personas.bob) == []


def test_a_rule_for_a_team_tells_every_member_who_can_see_the_section(personas, world):
    created = rule(world)
    stage_event(world.case, personas.alice)
    run_alerts()
    for member in (personas.carol, world.council_manager, world.admin):
        [notification] = delivered_to(member)
        assert notification.reason == Reason.RULE
        assert notification.rule == created


def test_a_rule_for_a_team_that_cannot_see_the_section_tells_it_nothing(personas, world):
    rule(world, event="diary.created")
    diary_event(world.case, personas.alice)
    run_alerts()
    assert Notification.objects.filter(recipient=personas.carol).count() == 0


def test_a_rule_for_the_owning_teams_managers_tells_only_the_managers(personas, world):
    rule(
        world,
        name="Red cases",
        event="case.risk_changed",
        condition_key="rag",
        condition_value="red",
        target=RuleTarget.OWNING_TEAM_MANAGERS,
    )
    case_services.case_set_rag(
        actor=personas.alice, case=world.case, rag="red", expected_version=world.case.version
    )
    run_alerts()
    assert [n.event.event for n in delivered_to(personas.spoc)] == ["case.risk_changed"]
    assert delivered_to(personas.audrey) == []  # a practitioner in the same team
    assert Notification.objects.filter(recipient=personas.alice).count() == 0  # the actor


def test_a_condition_on_the_detail_must_match(personas, world):
    rule(
        world,
        name="Red cases",
        event="case.risk_changed",
        condition_key="rag",
        condition_value="red",
        target=RuleTarget.OWNING_TEAM_MANAGERS,
    )
    case_services.case_set_rag(
        actor=personas.alice, case=world.case, rag="amber", expected_version=world.case.version
    )
    run_alerts()
    assert delivered_to(personas.spoc) == []


def test_a_rule_for_every_team_that_can_see_the_section_follows_the_policy(personas, world):
    rule(world, name="All who see it", target=RuleTarget.TEAMS_THAT_CAN_SEE)
    stage_event(world.case, personas.spoc)
    run_alerts()
    told = {n.recipient for n in Notification.objects.filter(reason=Reason.RULE)}
    # The owning team, the police organisation's other team (summary) and the council team.
    assert {personas.alice, personas.audrey, personas.bob, personas.carol} <= told
    assert personas.dave not in told
    assert personas.spoc not in told  # the actor


def test_a_case_type_rule_ignores_other_types_and_switched_off_rules_tell_nobody(personas, world):
    from roundtable.sharing.tests.factories import case_type_for

    other = case_type_for(world.work.testshire, name="Hate crime", prefix="HATE")
    rule(world, name="Hate only", scope=RuleScope.CASE_TYPE, case_type=other)
    off = rule(world, name="Switched off")
    AlertRule.objects.filter(pk=off.pk).update(is_active=False)
    stage_event(world.case, personas.alice)
    run_alerts()
    assert Notification.objects.filter(reason=Reason.RULE).count() == 0


def test_a_case_type_rule_matches_a_person_in_an_open_case_of_that_type(personas, world):
    from roundtable.sharing.tests.factories import profile_for

    person = profile_for(personas.alice, world.work.asb)
    case_services.case_member_add(
        actor=personas.alice,
        viewer=policy.viewer_for_user(personas.alice),
        case=world.case,
        profile=person,
        role="perpetrator",
    )
    rule(
        world,
        name="Warnings on ASB people",
        event="warning.added",
        scope=RuleScope.CASE_TYPE,
        case_type=world.work.case_type,
        target=RuleTarget.OWNING_TEAM_MANAGERS,
    )
    alert_event(
        event="warning.added",
        record=person,
        actor=personas.alice,
        team=world.work.asb,
        section="warnings",
        detail={"kind": "violence"},
    )
    run_alerts()
    assert [n.event.event for n in delivered_to(personas.spoc)] == ["warning.added"]


def test_a_hidden_record_produces_no_notification_at_all_to_outsiders(personas, world):
    watch(personas.carol, world.case)
    watch(personas.bob, world.case)
    rule(world, name="Council hears of everything")
    hide(world.case, personas.alice)
    stage_event(world.case, personas.alice)
    run_alerts()
    for outsider in (personas.carol, personas.bob, world.council_manager, world.admin):
        assert Notification.objects.filter(recipient=outsider).count() == 0
    # The owning team still hears of its own record.
    watch(personas.spoc, world.case)
    stage_event(world.case, personas.alice)
    run_alerts()
    assert len(delivered_to(personas.spoc)) == 1


def test_a_member_of_several_teams_is_told_once(personas, world):
    MembershipFactory(user=personas.carol, team=world.work.iom)
    rule(world, name="Council", team=world.work.council_asb)
    rule(world, name="IOM", team=world.work.iom)
    stage_event(world.case, personas.alice)
    run_alerts()
    assert len(delivered_to(personas.carol)) == 1


def test_inactive_users_are_not_told(personas, world):
    leaver = UserFactory(email="leaver@council.testshire.invalid", is_active=False)
    MembershipFactory(user=leaver, team=world.work.council_asb)
    rule(world)
    stage_event(world.case, personas.alice)
    run_alerts()
    assert Notification.objects.filter(recipient=leaver).count() == 0


def test_fanning_out_again_adds_nothing(personas, world):
    watch(personas.bob, world.case)
    rule(world)
    event = stage_event(world.case, personas.alice)
    assert alert_fan_out(event_id=event.pk) == 4
    assert alert_fan_out(event_id=event.pk) == 0
    AlertEvent.objects.filter(pk=event.pk).update(fanned_out_at=None)  # as if it never finished
    assert alert_fan_out(event_id=event.pk) == 0
    assert Notification.objects.filter(event=event).count() == 4


def test_rules_of_another_partnership_never_apply(personas, world):
    from roundtable.directory.models import Capability
    from roundtable.directory.tests.factories import grant

    far_admin = UserFactory(organisation=personas.dave.organisation)
    MembershipFactory(user=far_admin, team=TeamFactory(organisation=personas.dave.organisation))
    grant(far_admin, Capability.PARTNERSHIP_ADMIN)
    elsewhere = personas.dave.organisation.partnership
    alert_rule_create(
        actor=far_admin,
        partnership=elsewhere,
        name="Everything",
        event="case.stage_changed",
        target=RuleTarget.TEAMS_THAT_CAN_SEE,
    )
    stage_event(world.case, personas.alice)
    run_alerts()
    assert Notification.objects.filter(reason=Reason.RULE).count() == 0


def test_unknown_events_sections_and_free_text_detail_are_refused(personas, world):
    with pytest.raises(ValueError, match="Unknown alert event"):
        alert_event(
            event="case.gossip", record=world.case, actor=None, team=None, section="summary"
        )
    with pytest.raises(ValueError, match="has no section"):
        alert_event(
            event="case.created", record=world.case, actor=None, team=None, section="identity"
        )
    with pytest.raises(ValueError, match="short lower-case code"):
        alert_event(
            event="diary.created",
            record=world.case,
            actor=None,
            team=None,
            section="diary",
            detail={"entry_type": "Custody update: arrested at 14 Test Street"},
        )
    with pytest.raises(ValueError, match="carries no detail"):
        alert_event(
            event="diary.created",
            record=world.case,
            actor=None,
            team=None,
            section="diary",
            detail={"note": "x"},
        )
    with pytest.raises(ValueError, match="cannot be"):
        alert_event(
            event="case.risk_changed",
            record=world.case,
            actor=None,
            team=None,
            section="risk",
            detail={"rag": "purple"},
        )
