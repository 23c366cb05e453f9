"""The notifications permission matrix: every producer, every record state, every persona.

Built on ``records.tests.matrix`` (its world, personas, states and independent oracle, never
``sharing.policy``). Every persona is made a candidate for every event, so only the policy's
filter can keep anyone out: the partnership admin sets an alert rule per event naming each team
of the partnership, and the two people no rule can name (the other partnership's practitioner and
the system administrator, who has no team) are given watches on every record, as if left from a
time they could see it. Each producer in ``PRODUCERS`` is then run through its real service, the
background worker runs (django-tasks' immediate backend, as ``docs/tasking.md`` describes), and:

- exactly the people in a team the oracle lets see the event's section get a notification row,
  less the person who did it; a hidden record tells nobody outside its grants anything;
- each of them gets one email (at once, or in the next daily digest for those who chose one),
  which names the event and the record's reference and nothing the oracle guards (no name, no
  title, no summary, no coded detail); nobody else gets any;
- each persona's notification centre shows the notification only to those people, with the
  record's name or title only for a reader who may see its identity (people) or summary.

A grant withdrawn between the fan-out and the delivery suppresses the notice (no row shown, no
email): checked once per producer on the "request_granted" record.

To cover a new producer, add a row to ``PRODUCERS``: the event code, the section it is about,
the record kinds it is raised on, and a ``fire(matrix, kind, state)`` that runs the producer's
real service on the world's record (as ``author_of(state)``, who owns it now) and returns the
``AlertEvent`` it raised. Nothing else changes: rules, watches and expectations follow the table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from roundtable.casework.tests.matrix_helpers import TEAM_OF, author_of, cell_id, module_world, sees
from roundtable.directory.models import Membership, Partnership, Team, User
from roundtable.records.services import cases as case_services
from roundtable.records.tests.matrix import (
    PERSONAS,
    RECORD_KIND,
    STATES_BY_KIND,
    World,
    canaries_of,
)
from roundtable.sharing import kinds as record_kinds
from roundtable.sharing.models import ShareGrant
from roundtable.sharing.sections import SECTIONS_BY_KIND
from roundtable.sharing.services import grant_revoke
from roundtable.tasking import catalogue
from roundtable.tasking.models import (
    AlertEvent,
    DeliveryState,
    EmailMode,
    Notification,
    RuleScope,
    RuleTarget,
    Watch,
)
from roundtable.tasking.services.alerts import alert_fan_out, alert_rule_create
from roundtable.tasking.services.notifications import (
    notification_digests_send,
    notification_preference_set,
    notifications_deliver,
)
from roundtable.tasking.tasks import fan_out_alert_event

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
#: The section that carries a record's name or title in the notification centre.
LABEL_SECTION = {"person": "identity", "premises": "summary", "group": "summary", "case": "summary"}
#: How each kind of world record is named when it may be (``records.tests.matrix._create``).
NAMES = {
    "person": "Jory MATRIXPERSON",
    "premises": "Marigold Tavern",
    "group": "Thornbury Crew",
    "case": "Quillfeather boundary dispute",
}
#: Teams the partnership's rules can name; everyone else is made a candidate by a watch.
RULE_TEAMS = sorted({team for team in TEAM_OF.values() if team and team != "Farshire ASB Team"})
WATCHERS = ("other_partnership", "sysadmin")


@dataclass
class NotificationMatrix:
    world: World
    emails: dict[int, str] = field(default_factory=dict)  # user id -> address


@dataclass(frozen=True)
class Producer:
    """One producer of an alert event, as the matrix runs it."""

    event: str
    section: str
    kinds: tuple[str, ...]
    fire: Callable[[NotificationMatrix, str, str], AlertEvent]


def _latest(event: str, record: Any) -> AlertEvent:
    return AlertEvent.objects.filter(
        event=event, record_kind=int(record.record_kind), record_id=record.pk
    ).latest("pk")


def _case_opened(matrix: NotificationMatrix, kind: str, state: str) -> AlertEvent:
    # ``case_create`` raised it when the world opened the case; the case was put in its state
    # before the worker ran (a sweep that picked it up late), so delivery meets that state.
    return _latest("case.created", matrix.world.record(kind, state))


def _rated_red(matrix: NotificationMatrix, kind: str, state: str) -> AlertEvent:
    case = matrix.world.record(kind, state)
    case.refresh_from_db()
    case_services.case_set_rag(
        actor=matrix.world.users[author_of(state)],
        case=case,
        rag="red",
        expected_version=case.version,
    )
    return _latest("case.risk_changed", case)


PRODUCERS: tuple[Producer, ...] = (
    Producer("case.created", "summary", ("case",), _case_opened),
    Producer("case.risk_changed", "risk", ("case",), _rated_red),
)
PRODUCER_KINDS = tuple(sorted({kind for producer in PRODUCERS for kind in producer.kinds}))


def _populate(world: World) -> NotificationMatrix:
    matrix = NotificationMatrix(world=world)
    admin = User.objects.get(email="pa@police.invalid")  # the world's partnership admin
    partnership = Partnership.objects.get(short_name="matrixshire")
    for producer in PRODUCERS:
        for team_name in RULE_TEAMS:
            alert_rule_create(
                actor=admin,
                partnership=partnership,
                name=f"{producer.event} to {team_name}",
                event=producer.event,
                scope=RuleScope.ANY,
                target=RuleTarget.TEAM,
                team=Team.objects.get(name=team_name),
            )
    for record in world.records.values():
        for persona in WATCHERS:
            # Not through ``watch_add``: these people could never watch it. The policy's filter
            # at fan-out is what must keep them out.
            Watch.objects.create(
                user=world.users[persona],
                record_kind=int(record.record_kind),
                record_id=record.pk,
            )
    matrix.emails = dict(User.objects.values_list("pk", "email"))
    return matrix


notification_matrix = module_world(_populate, kinds=PRODUCER_KINDS)


EMAIL_MODES = (EmailMode.IMMEDIATE, EmailMode.DAILY)


def _cells() -> list[tuple[Producer, str, str, str]]:
    return [
        (producer, kind, state, mode)
        for producer in PRODUCERS
        for kind in producer.kinds
        for state in STATES_BY_KIND[kind]
        for mode in EMAIL_MODES
    ]


CELLS = _cells()
CELL_IDS = [cell_id((p.event, kind, state, mode)) for p, kind, state, mode in CELLS]


def _seeing_users(kind: str, state: str, section: str, actor_id: int | None) -> set[int]:
    """Everyone in a team whose persona the oracle lets see the section, less the actor."""
    teams = {
        TEAM_OF[persona]
        for persona in PERSONAS
        if TEAM_OF[persona] and section in sees(kind, state, persona)
    }
    users = set(Membership.objects.filter(team__name__in=teams).values_list("user_id", flat=True))
    return users - {actor_id}


def _run(settings: Any, capture: Any, producer: Producer, matrix: Any, kind: str, state: str):
    """Run the producer; the worker fans out and delivers as the commit would have queued it."""
    settings.TASKS = IMMEDIATE_TASKS
    with capture(execute=True):
        event = producer.fire(matrix, kind, state)
    event.refresh_from_db()
    if event.fanned_out_at is None:  # raised while the world was built: queue it now
        fan_out_alert_event.enqueue(event.pk)
    return event


def _guarded(kind: str) -> set[str]:
    """Everything about a record the oracle guards: an email must carry none of it."""
    return canaries_of(kind, frozenset(SECTIONS_BY_KIND[RECORD_KIND[kind]])) | {NAMES[kind]}


def _next_digest_time() -> datetime:
    """Tomorrow, an hour after the digest hour (local time): every digest is due then."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    hour = time(django_settings.NOTIFICATION_DIGEST_HOUR + 1)
    return timezone.make_aware(datetime.combine(tomorrow, hour))


@pytest.mark.parametrize(("producer", "kind", "state", "mode"), CELLS, ids=CELL_IDS)
def test_rows_emails_and_centre_follow_the_oracle(
    db,
    notification_matrix,
    settings,
    django_capture_on_commit_callbacks,
    producer,
    kind,
    state,
    mode,
):
    world = notification_matrix.world
    record = world.record(kind, state)
    if mode != EmailMode.IMMEDIATE:
        for user in User.objects.all():
            notification_preference_set(user=user, email_mode=mode)
    event = _run(
        settings, django_capture_on_commit_callbacks, producer, notification_matrix, kind, state
    )
    assert event.section == producer.section
    expected = _seeing_users(kind, state, producer.section, event.actor_id)

    rows = list(Notification.objects.filter(event=event))
    assert {row.recipient_id for row in rows} == expected
    assert all(row.state == DeliveryState.SENT for row in rows)

    reference = record_kinds.label_for(record)
    label = catalogue.label_of(producer.event)
    if mode == EmailMode.DAILY:
        assert mail.outbox == []
        notification_digests_send(now=_next_digest_time())
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        notification_matrix.emails[user_id] for user_id in expected
    )
    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}"
        assert label in text and reference in text
        for guarded in _guarded(kind) | {"(Red)"}:
            assert guarded not in text, (message.to, guarded)

    title = f"{catalogue.describe(producer.event, event.detail)} on {reference}"
    for persona in PERSONAS:
        user = world.users[persona]
        centre = world.clients[persona].get(reverse("tasking:notification_list"))
        assert centre.status_code == 200
        body = centre.content.decode()
        told = user.pk in expected
        assert (title in body) is told, persona
        shows_name = told and LABEL_SECTION[kind] in sees(kind, state, persona)
        assert (NAMES[kind] in body) is shows_name, persona


REVOKED_STATE = "request_granted"  # the partner's sections come from one grant, made on request
REVOKE_CELLS = [(producer, kind) for producer in PRODUCERS for kind in producer.kinds]


@pytest.mark.parametrize(
    ("producer", "kind"), REVOKE_CELLS, ids=[f"{p.event}-{k}" for p, k in REVOKE_CELLS]
)
def test_a_grant_withdrawn_before_delivery_suppresses_the_notice(
    db, notification_matrix, settings, django_capture_on_commit_callbacks, producer, kind
):
    world = notification_matrix.world
    record = world.record(kind, REVOKED_STATE)
    with django_capture_on_commit_callbacks(execute=False):
        event = producer.fire(notification_matrix, kind, REVOKED_STATE)
    alert_fan_out(event_id=event.pk)
    partner_team = {TEAM_OF["partner"]}
    told_before = {row.recipient_id: row for row in Notification.objects.filter(event=event)}
    partner = world.users["partner"]
    assert (partner.pk in told_before) is (producer.section in sees(kind, REVOKED_STATE, "partner"))
    for grant in ShareGrant.objects.filter(
        record_kind=int(record.record_kind),
        record_id=record.pk,
        team__name__in=partner_team,
        revoked_at__isnull=True,
    ):
        grant_revoke(actor=world.users["manager"], grant=grant, record=record, reason="Ended")
    notifications_deliver(event_id=event.pk)
    for user_id, row in told_before.items():
        row.refresh_from_db()
        in_partner_team = Membership.objects.filter(
            user_id=user_id, team__name__in=partner_team
        ).exists()
        expected_state = DeliveryState.SUPPRESSED if in_partner_team else DeliveryState.SENT
        assert row.state == expected_state, user_id
    assert partner.email not in {message.to[0] for message in mail.outbox}
    centre = world.clients["partner"].get(reverse("tasking:notification_list"))
    assert record_kinds.label_for(record) not in centre.content.decode()
