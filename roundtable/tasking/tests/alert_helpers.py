"""Shared setup for the alert and notification tests. Everyone and everything here is invented.

``AlertWorld`` is the records tests' casework (the police ASB team owns an ASB case; the council
ASB team receives summary and members of every ASB case by default; colleagues in the police see
summary) plus a partnership admin and a manager of the council team. ``run_alerts`` does what the
background worker would: fan out every waiting event and deliver every due notification.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from roundtable.directory.models import Capability, Role, User
from roundtable.directory.tests.factories import MembershipFactory, UserFactory, grant
from roundtable.records.models import Case
from roundtable.records.tests.case_helpers import Casework, casework, open_case
from roundtable.sharing.models import Visibility
from roundtable.sharing.services import record_set_visibility
from roundtable.tasking.models import AlertEvent, DeliveryState, Notification
from roundtable.tasking.services.alerts import alert_event, alert_fan_out
from roundtable.tasking.services.notifications import notifications_deliver

DIARY_TEXT = "Seen shouting at Test Street; says he will move to Nowhere Lane"


@dataclass
class AlertWorld:
    work: Casework
    case: Case
    admin: User
    council_manager: User


def alert_world(personas: Any) -> AlertWorld:
    work = casework(personas)
    admin = UserFactory(
        email="pat.admin@council.testshire.invalid",
        full_name="Pat Admin",
        organisation=work.council_asb.organisation,
    )
    MembershipFactory(user=admin, team=work.council_asb)
    grant(admin, Capability.PARTNERSHIP_ADMIN)
    council_manager = UserFactory(
        email="cleo.manager@council.testshire.invalid",
        full_name="Cleo Manager",
        organisation=work.council_asb.organisation,
    )
    MembershipFactory(user=council_manager, team=work.council_asb, role=Role.TEAM_MANAGER)
    case = open_case(personas.alice, work.asb, work.case_type, summary=DIARY_TEXT)
    run_alerts()
    return AlertWorld(work=work, case=case, admin=admin, council_manager=council_manager)


def run_alerts() -> int:
    """What the worker does after each commit: fan out waiting events, deliver what is due."""
    for event_id in AlertEvent.objects.filter(fanned_out_at__isnull=True).values_list(
        "pk", flat=True
    ):
        alert_fan_out(event_id=event_id)
    return notifications_deliver()


def diary_event(case: Case, actor: User, **kwargs: Any) -> AlertEvent:
    """A custody update recorded in a case's diary (diary entries arrive with casework)."""
    return alert_event(
        event="diary.created",
        record=case,
        actor=actor,
        team=None,
        section="diary",
        detail={"entry_type": "custody_update"},
        **kwargs,
    )


def stage_event(case: Case, actor: User) -> AlertEvent:
    return alert_event(
        event="case.stage_changed", record=case, actor=actor, team=None, section="summary"
    )


def hide(record: Any, owner: User) -> None:
    record.refresh_from_db()
    record_set_visibility(
        actor=owner,
        record=record,
        visibility=Visibility.HIDDEN,
        expected_version=record.version,
        reason="Protected witness (test)",
    )


def delivered_to(user: User) -> list[Notification]:
    return list(
        Notification.objects.filter(recipient=user, state=DeliveryState.SENT).order_by("pk")
    )
