"""The organisation admin's team pages: create, rename and deactivate."""

from __future__ import annotations

from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent
from roundtable.directory.models import Team


def _org_url(name: str, organisation) -> str:
    return reverse(f"directory:{name}", kwargs={"code": organisation.code})


def test_spoc_creates_a_team(personas, client_for):
    response = client_for(personas.spoc).post(
        _org_url("team_create", personas.spoc.organisation),
        {"name": "Licensing Unit", "description": "Pubs and clubs", "email": ""},
    )

    team = Team.objects.get(name="Licensing Unit")
    assert response.status_code == 302
    assert response["Location"] == team.get_absolute_url()
    assert team.organisation == personas.spoc.organisation
    event = AuditEvent.objects.get(action=Action.CREATE, target_id=str(team.code))
    assert event.changes["name"] == [None, "Licensing Unit"]


def test_team_create_refuses_a_duplicate_name_and_writes_nothing(personas, client_for):
    teams_before = Team.objects.count()

    response = client_for(personas.spoc).post(
        _org_url("team_create", personas.spoc.organisation), {"name": "asb TEAM"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "The organisation already has a team with this name" in html
    assert Team.objects.count() == teams_before
    assert not AuditEvent.objects.filter(action=Action.CREATE).exists()


def test_team_create_shows_field_errors_for_bad_input(personas, client_for):
    teams_before = Team.objects.count()

    response = client_for(personas.spoc).post(
        _org_url("team_create", personas.spoc.organisation), {"name": "", "email": "nope"}
    )

    html = response.content.decode()
    assert "Enter the team&#x27;s name" in html
    assert "Enter an email address in the correct format" in html
    assert Team.objects.count() == teams_before


def test_spoc_renames_a_team(personas, client_for):
    team = Team.objects.get(name="IOM Team")

    response = client_for(personas.spoc).post(
        reverse("directory:team_edit", kwargs={"code": team.code}),
        {"name": "Integrated Offender Management", "description": "", "email": "", "version": 0},
    )

    assert response.status_code == 302
    team.refresh_from_db()
    assert team.name == "Integrated Offender Management"
    event = AuditEvent.objects.get(action=Action.UPDATE, target_id=str(team.code))
    assert event.changes == {"name": ["IOM Team", "Integrated Offender Management"]}


def test_stale_rename_gets_a_conflict_with_the_current_name(personas, client_for):
    team = Team.objects.get(name="IOM Team")
    url = reverse("directory:team_edit", kwargs={"code": team.code})
    client_for(personas.sysadmin).post(url, {"name": "IOM Hub", "version": 0})

    response = client_for(personas.spoc).post(url, {"name": "IOM Unit", "version": 0})

    assert response.status_code == 409
    assert "IOM Hub" in response.content.decode()
    team.refresh_from_db()
    assert team.name == "IOM Hub"


def test_team_with_active_members_cannot_be_deactivated_and_the_page_says_why(personas, client_for):
    team = Team.objects.get(name="IOM Team")

    response = client_for(personas.spoc).post(
        reverse("directory:team_deactivate", kwargs={"code": team.code}), {"version": 0}
    )

    assert response.status_code == 200
    assert "IOM Team still has 1 active member" in response.content.decode()
    team.refresh_from_db()
    assert team.is_active


def test_empty_team_is_deactivated(personas, client_for):
    client = client_for(personas.spoc)
    client.post(
        reverse("directory:user_deactivate", kwargs={"code": personas.bob.code}),
        {"reason": "Retired", "version": 0},
    )
    team = Team.objects.get(name="IOM Team")

    response = client.post(
        reverse("directory:team_deactivate", kwargs={"code": team.code}), {"version": 0}
    )

    assert response.status_code == 302
    team.refresh_from_db()
    assert not team.is_active
    assert AuditEvent.objects.filter(action=Action.DEACTIVATE, target_id=str(team.code)).exists()


def test_system_admin_creates_a_team_in_any_organisation(personas, client_for):
    council = personas.carol.organisation

    response = client_for(personas.sysadmin).post(
        _org_url("team_create", council), {"name": "Council Licensing"}
    )

    assert response.status_code == 302
    assert Team.objects.get(name="Council Licensing").organisation == council
