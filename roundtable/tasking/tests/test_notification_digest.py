"""The daily digest: one email a day per user who chose it, after the digest hour, never twice."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from roundtable.sharing import policy
from roundtable.tasking.models import EmailMode, Notification, OutboundEmail
from roundtable.tasking.services.alerts import watch_add
from roundtable.tasking.services.notifications import (
    notification_digests_send,
    notification_preference_set,
)
from roundtable.tasking.tests.alert_helpers import (
    DIARY_TEXT,
    alert_world,
    hide,
    run_alerts,
    stage_event,
)


@pytest.fixture
def world(personas):
    world = alert_world(personas)
    watch_add(user=personas.carol, viewer=policy.viewer_for_user(personas.carol), record=world.case)
    notification_preference_set(user=personas.carol, email_mode=EmailMode.DAILY)
    return world


def at(days: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def test_the_digest_goes_once_a_day_after_the_digest_hour(personas, world, settings):
    settings.NOTIFICATION_DIGEST_HOUR = 7
    with time_machine.travel(at(2, 6), tick=False):
        stage_event(world.case, personas.alice)
        run_alerts()
        assert mail.outbox == []  # no immediate email for a digest reader
        assert notification_digests_send() == 0  # before the hour
    with time_machine.travel(at(2, 7, 5), tick=False):
        assert notification_digests_send() == 1
    with time_machine.travel(at(2, 7, 20), tick=False):
        assert notification_digests_send() == 0
    [digest] = mail.outbox
    assert digest.to == [personas.carol.email]
    assert digest.subject == "Roundtable: 1 new notification"
    [notification] = Notification.objects.filter(recipient=personas.carol)
    assert f"/tasks/notifications/{notification.code}/open/" in digest.body
    assert world.case.reference in digest.body
    assert world.case.title not in digest.body
    assert DIARY_TEXT not in digest.body

    with time_machine.travel(at(2, 9), tick=False):
        stage_event(world.case, personas.alice)
        stage_event(world.case, personas.alice)
        run_alerts()
        assert notification_digests_send() == 0  # today's digest has gone
    with time_machine.travel(at(3, 7, 1), tick=False):
        assert notification_digests_send() == 1
        assert notification_digests_send() == 0
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject == "Roundtable: 2 new notifications"
    assert notification.code.hex not in mail.outbox[1].body.replace("-", "")


def test_two_digest_runs_at_once_make_one_email(personas, world):
    from roundtable.tasking.services.notifications import _digest_for

    with time_machine.travel(at(1, 8), tick=False):
        stage_event(world.case, personas.alice)
        run_alerts()
        day = timezone.localdate().isoformat()
        first = _digest_for(personas.carol.pk, day, timezone.now())
        second = _digest_for(personas.carol.pk, day, timezone.now())
    assert first is not None
    assert second is None
    assert OutboundEmail.objects.filter(key__startswith="digest:").count() == 1


def test_what_the_reader_can_no_longer_see_is_left_out_of_the_digest(personas, world):
    with time_machine.travel(at(1, 8), tick=False):
        stage_event(world.case, personas.alice)
        run_alerts()
        hide(world.case, personas.alice)
        assert notification_digests_send() == 0
    assert mail.outbox == []
    assert Notification.objects.get(recipient=personas.carol).email_mode == EmailMode.NONE


def test_readers_who_chose_immediate_or_no_email_get_no_digest(personas, world):
    notification_preference_set(user=personas.carol, email_mode=EmailMode.NONE)
    with time_machine.travel(at(1, 8), tick=False):
        stage_event(world.case, personas.alice)
        run_alerts()
        assert notification_digests_send() == 0
    assert mail.outbox == []
