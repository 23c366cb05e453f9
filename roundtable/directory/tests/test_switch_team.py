from __future__ import annotations

from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent
from roundtable.directory.tests.factories import MembershipFactory, TeamFactory


def test_user_in_two_teams_switches_and_header_shows_new_team(personas, client_for):
    second = TeamFactory(organisation=personas.alice.organisation, name="Night-time Economy Team")
    MembershipFactory(user=personas.alice, team=second)
    client = client_for(personas.alice)

    response = client.post(reverse("directory:switch_team"), {"team": second.pk})

    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert 'data-testid="acting-team"' in home.content.decode()
    assert "Night-time Economy Team" in home.content.decode()
    event = AuditEvent.objects.get(action=Action.SWITCH_TEAM)
    assert event.actor == personas.alice
    assert event.team_id == second.pk


def test_user_cannot_switch_to_a_team_they_are_not_in(personas, client_for):
    foreign = TeamFactory(organisation=personas.carol.organisation, name="Council Licensing")
    client = client_for(personas.alice)

    response = client.post(reverse("directory:switch_team"), {"team": foreign.pk})

    assert response.status_code == 200
    assert "Select one of your own teams" in response.content.decode()
    assert not AuditEvent.objects.filter(action=Action.SWITCH_TEAM).exists()
