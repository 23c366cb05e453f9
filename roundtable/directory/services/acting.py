"""Switching the team a user acts as."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest

from roundtable.audit import context as audit_context
from roundtable.audit.models import Action
from roundtable.audit.services import audit_record
from roundtable.directory.middleware import ACTING_TEAM_SESSION_KEY
from roundtable.directory.models import Team


@transaction.atomic
def acting_team_switch(*, request: HttpRequest, team: Team) -> None:
    """Act as another of one's own teams from the next request on."""
    previous = getattr(request, "acting_team", None)
    request.session[ACTING_TEAM_SESSION_KEY] = team.pk
    with audit_context.acting_as(team=team, organisation=team.organisation):
        audit_record(
            action=Action.SWITCH_TEAM,
            target=team,
            changes={"acting_team": [previous.name if previous else None, team.name]},
        )
