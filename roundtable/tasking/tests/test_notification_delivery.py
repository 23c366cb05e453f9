"""Delivery: checked against the policy at delivery time, no more than the recipient may see, and
exactly once, even when a worker dies mid-delivery or the same work is run twice."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from roundtable.records.services import cases as case_services
from roundtable.sharing import policy
from roundtable.sharing.sections import Section
from roundtable.tasking.models import (
    AlertEvent,
    DeliveryState,
    EmailMode,
    Notification,
    OutboundEmail,
    RuleTarget,
)
from roundtable.tasking.services.alerts import alert_fan_out, alert_rule_create, watch_add
from roundtable.tasking.services.notifications import (
    CLAIM_TIMEOUT,
    claim,
    notification_preference_set,
    notifications_deliver,
    notifications_sweep,
    outbound_emails_send,
)
from roundtable.tasking.tests.alert_helpers import (
    DIARY_TEXT,
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


def everything_sent() -> str:
    return "\n".join(f"{m.subject}\n{m.body}" for m in mail.outbox)


def test_a_delivered_notification_names_the_event_and_reference_and_emails_a_link(personas, world):
    watch(personas.carol, world.case)
    stage_event(world.case, personas.alice)
    run_alerts()
    [notification] = delivered_to(personas.carol)
    assert notification.title == f"Case moved to another stage on {world.case.reference}"
    assert notification.via_team == world.work.council_asb
    assert notification.email_mode == EmailMode.IMMEDIATE
    [message] = mail.outbox
    assert message.to == [personas.carol.email]
    assert world.case.reference in message.subject
    assert f"/tasks/notifications/{notification.code}/open/" in message.body
    assert message.extra_headers["Message-ID"] == notification.email.message_id


def test_emails_never_carry_names_titles_free_text_or_coded_detail(personas, world):
    watch(personas.spoc, world.case)
    diary_event(world.case, personas.alice)
    case_services.case_set_rag(
        actor=personas.alice, case=world.case, rag="red", expected_version=world.case.version
    )
    run_alerts()
    assert len(mail.outbox) == 2
    sent = everything_sent()
    for private in (
        world.case.title,
        DIARY_TEXT,
        "Custody update",
        "custody_update",
        "Red",
        personas.alice.full_name,
    ):
        assert private not in sent
    # In the app, someone who may see the diary and the risk reads the coded detail.
    titles = [n.title for n in delivered_to(personas.spoc)]
    assert f"New diary entry (Custody update) on {world.case.reference}" in titles
    assert f"Risk rating changed (Red) on {world.case.reference}" in titles


def test_a_recipient_who_cannot_see_the_section_gets_nothing_at_all(personas, world):
    # Carol sees the case's summary and members, never its diary.
    assert Section.DIARY not in policy.sections(policy.viewer_for_user(personas.carol), world.case)
    watch(personas.carol, world.case)
    diary_event(world.case, personas.alice)
    run_alerts()
    assert Notification.objects.filter(recipient=personas.carol).count() == 0
    assert mail.outbox == []


def test_access_lost_between_fan_out_and_delivery_suppresses_the_notification(personas, world):
    watch(personas.carol, world.case)
    event = stage_event(world.case, personas.alice)
    alert_fan_out(event_id=event.pk)
    [waiting] = Notification.objects.filter(recipient=personas.carol)
    assert waiting.state == DeliveryState.PENDING
    hide(world.case, personas.alice)

    notifications_deliver()

    waiting.refresh_from_db()
    assert waiting.state == DeliveryState.SUPPRESSED
    assert waiting.title == ""
    assert mail.outbox == []
    assert delivered_to(personas.carol) == []


def test_an_email_is_not_sent_if_access_ends_before_it_goes(personas, world):
    watch(personas.carol, world.case)
    event = stage_event(world.case, personas.alice)
    alert_fan_out(event_id=event.pk)
    token, claimed = claim(Notification.objects.all(), now=timezone.now())
    from roundtable.tasking.services.notifications import _deliver_claimed, _Records

    email_id = _deliver_claimed(claimed[0], token, _Records(), timezone.now())
    assert email_id is not None
    hide(world.case, personas.alice)

    assert outbound_emails_send() == 0
    assert OutboundEmail.objects.get(pk=email_id).state == DeliveryState.SUPPRESSED
    assert mail.outbox == []


def test_delivering_twice_sends_one_email(personas, world):
    watch(personas.carol, world.case)
    stage_event(world.case, personas.alice)
    run_alerts()
    run_alerts()
    notifications_sweep()
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(recipient=personas.carol).count() == 1


def test_a_worker_that_died_mid_delivery_is_made_good_by_the_sweep_once(personas, world):
    watch(personas.carol, world.case)
    event = stage_event(world.case, personas.alice)
    alert_fan_out(event_id=event.pk)
    # A worker claimed the notification and died before finishing.
    Notification.objects.filter(recipient=personas.carol).update(
        state=DeliveryState.SENDING,
        claim_token=uuid.uuid4(),
        claimed_at=timezone.now() - timedelta(minutes=1),
    )
    notifications_sweep()
    assert mail.outbox == []  # the claim is still fresh: its worker may yet finish

    with time_machine.travel(timezone.now() + CLAIM_TIMEOUT):
        notifications_sweep()
        notifications_sweep()
    assert len(delivered_to(personas.carol)) == 1
    assert len(mail.outbox) == 1


def test_a_worker_whose_claim_was_taken_over_writes_nothing(personas, world):
    from roundtable.tasking.services.notifications import _deliver_claimed, _Records

    watch(personas.carol, world.case)
    event = stage_event(world.case, personas.alice)
    alert_fan_out(event_id=event.pk)
    slow_token, [pk] = claim(Notification.objects.all(), now=timezone.now() - CLAIM_TIMEOUT * 2)
    # The sweep takes the stale claim over and delivers.
    notifications_sweep()
    assert len(mail.outbox) == 1
    # The slow worker wakes up and finishes: nothing changes, no second email.
    assert _deliver_claimed(pk, slow_token, _Records(), timezone.now()) is None
    assert OutboundEmail.objects.count() == 1
    outbound_emails_send()
    assert len(mail.outbox) == 1


def test_an_email_left_sending_by_a_dead_worker_goes_once_with_the_same_message_id(personas, world):
    watch(personas.carol, world.case)
    event = stage_event(world.case, personas.alice)
    alert_fan_out(event_id=event.pk)
    token, claimed = claim(Notification.objects.all(), now=timezone.now())
    from roundtable.tasking.services.notifications import _deliver_claimed, _Records

    email_id = _deliver_claimed(claimed[0], token, _Records(), timezone.now())
    assert email_id is not None
    OutboundEmail.objects.filter(pk=email_id).update(
        state=DeliveryState.SENDING, claim_token=uuid.uuid4(), claimed_at=timezone.now()
    )
    notifications_sweep()
    assert mail.outbox == []
    with time_machine.travel(timezone.now() + CLAIM_TIMEOUT + timedelta(seconds=1)):
        notifications_sweep()
        notifications_sweep()
    [message] = mail.outbox
    email = OutboundEmail.objects.get(pk=email_id)
    assert email.state == DeliveryState.SENT
    assert message.extra_headers["Message-ID"] == email.message_id


def test_a_mail_server_failure_is_retried_by_the_sweep_then_given_up(personas, world, settings):
    watch(personas.carol, world.case)
    stage_event(world.case, personas.alice)
    settings.EMAIL_BACKEND = "roundtable.tasking.tests.failing_mail.RefusingBackend"
    run_alerts()
    email = OutboundEmail.objects.get()
    assert (email.state, email.attempts) == (DeliveryState.PENDING, 1)
    for _ in range(6):
        notifications_sweep()
    email.refresh_from_db()
    assert (email.state, email.attempts) == (DeliveryState.FAILED, 5)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    notifications_sweep()
    assert mail.outbox == []
    # The notification itself was delivered in the app all along.
    assert len(delivered_to(personas.carol)) == 1


def test_an_event_the_queue_lost_is_fanned_out_by_the_sweep(personas, world):
    watch(personas.carol, world.case)
    event = stage_event(world.case, personas.alice)  # its on_commit enqueue never ran here
    notifications_sweep()
    assert AlertEvent.objects.get(pk=event.pk).fanned_out_at is None  # within the grace
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        notifications_sweep()
    assert len(delivered_to(personas.carol)) == 1
    assert len(mail.outbox) == 1


def test_preferences_choose_immediate_digest_or_no_email(personas, world):
    watch(personas.carol, world.case)
    watch(world.council_manager, world.case)
    watch(personas.bob, world.case)
    notification_preference_set(user=personas.carol, email_mode=EmailMode.DAILY)
    notification_preference_set(user=world.council_manager, email_mode=EmailMode.NONE)
    stage_event(world.case, personas.alice)
    run_alerts()
    assert [m.to for m in mail.outbox] == [[personas.bob.email]]
    assert delivered_to(personas.carol)[0].email_mode == EmailMode.DAILY
    assert delivered_to(world.council_manager)[0].email_mode == EmailMode.NONE


def test_a_preference_change_is_audited(personas):
    from roundtable.audit.models import Action, AuditEvent

    notification_preference_set(user=personas.carol, email_mode=EmailMode.DAILY)
    event = AuditEvent.objects.filter(action=Action.UPDATE).latest("pk")
    assert event.changes["email_mode"] == [None, "daily"]


def test_the_email_names_a_person_record_by_its_code_only(personas, world):
    from roundtable.sharing.tests.factories import profile_for
    from roundtable.tasking.services.alerts import alert_event

    person = profile_for(personas.alice, world.work.asb, given_name="Rowan", family_name="Secret")
    watch(personas.spoc, person)
    alert_event(
        event="warning.added",
        record=person,
        actor=personas.alice,
        team=world.work.asb,
        section="warnings",
        detail={"kind": "violence"},
    )
    run_alerts()
    [message] = mail.outbox
    assert str(person.code) in message.body
    assert "Rowan" not in everything_sent()
    assert "SECRET" not in everything_sent().upper()


def test_a_rule_for_the_teams_that_see_the_diary_tells_them_and_emails_only_references(
    personas, world
):
    alert_rule_create(
        actor=world.admin,
        partnership=world.work.testshire,
        name="Custody updates",
        event="diary.created",
        condition_key="entry_type",
        condition_value="custody_update",
        target=RuleTarget.TEAMS_THAT_CAN_SEE,
    )
    diary_event(world.case, personas.spoc)
    run_alerts()
    told = {m.to[0] for m in mail.outbox}
    assert told == {personas.alice.email, personas.audrey.email}
    assert DIARY_TEXT not in everything_sent()
