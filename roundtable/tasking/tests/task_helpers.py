"""Shared setup for the task tests: the personas' teams, extra managers and a task maker.

Alice is a practitioner and Sam Spokes (spoc) the manager of the police ASB team; Bob works in
the police IOM team, managed by Ivy; Carol is in the council's ASB team (same partnership), Dave
in another partnership. Every name is invented and every address ends in .invalid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from roundtable.directory.models import Role, Team, User
from roundtable.directory.tests.factories import MembershipFactory, UserFactory
from roundtable.records.tests.case_helpers import Casework, casework, team_of
from roundtable.tasking.models import Task
from roundtable.tasking.services import tasks as services


@dataclass
class TaskWorld:
    work: Casework
    asb: Team
    iom: Team
    council_asb: Team
    far_team: Team
    iom_manager: User
    asb_colleague: User


def task_world(personas: Any) -> TaskWorld:
    """The personas' teams, a manager for the IOM team and a second ASB practitioner."""
    work = casework(personas)
    iom = team_of(personas.bob)
    iom_manager = UserFactory(
        email="ivy@police.testshire.invalid",
        full_name="Ivy Ironside",
        organisation=iom.organisation,
    )
    MembershipFactory(user=iom_manager, team=iom, role=Role.TEAM_MANAGER)
    asb_colleague = UserFactory(
        email="ash@police.testshire.invalid",
        full_name="Ash Alderley",
        organisation=work.asb.organisation,
    )
    MembershipFactory(user=asb_colleague, team=work.asb, role=Role.PRACTITIONER)
    return TaskWorld(
        work=work,
        asb=work.asb,
        iom=iom,
        council_asb=work.council_asb,
        far_team=work.far_team,
        iom_manager=iom_manager,
        asb_colleague=asb_colleague,
    )


def in_days(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def a_task(
    actor: User,
    team: Team,
    *,
    assignee_team: Team | None = None,
    assignee_user: User | None = None,
    due_in: int = 3,
    title: str = "Visit the address and report back",
    **fields: Any,
) -> Task:
    """A task set by ``actor`` as ``team``, through the service."""
    return services.task_create(
        actor=actor,
        team=team,
        title=title,
        due_on=in_days(due_in),
        assignee_team=assignee_team or team,
        assignee_user=assignee_user,
        **fields,
    )
