"""The organisation admin's membership, role and capability pages."""

from __future__ import annotations

from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent
from roundtable.directory.models import Capability, CapabilityGrant, Membership, Role, Team


def _user_url(name: str, user, team: Team | None = None) -> str:
    kwargs = {"code": user.code}
    if team is not None:
        kwargs["team_code"] = team.code
    return reverse(f"directory:{name}", kwargs=kwargs)


def test_spoc_moves_a_user_to_another_team(personas, client_for):
    client = client_for(personas.spoc)
    asb, iom = Team.objects.get(name="ASB Team"), Team.objects.get(name="IOM Team")

    added = client.post(
        _user_url("membership_add", personas.alice),
        {"team": iom.pk, "role": "practitioner", "version": 0},
    )
    removed = client.post(_user_url("membership_remove", personas.alice, asb), {"version": 1})

    assert (added.status_code, removed.status_code) == (302, 302)
    assert list(
        Membership.objects.filter(user=personas.alice).values_list("team__name", flat=True)
    ) == ["IOM Team"]
    assert AuditEvent.objects.filter(action=Action.MEMBERSHIP_ADD).count() == 1
    assert AuditEvent.objects.filter(action=Action.MEMBERSHIP_REMOVE).count() == 1


def test_add_team_page_offers_only_teams_the_user_is_not_in(personas, client_for):
    html = (
        client_for(personas.spoc).get(_user_url("membership_add", personas.alice)).content.decode()
    )

    assert "IOM Team" in html
    assert "Council ASB Team" not in html
    assert f'<option value="{Team.objects.get(name="ASB Team").pk}">' not in html


def test_removing_the_last_team_is_refused_with_a_clear_message(personas, client_for):
    asb = Team.objects.get(name="ASB Team")

    response = client_for(personas.spoc).post(
        _user_url("membership_remove", personas.alice, asb), {"version": 0}
    )

    assert response.status_code == 200
    assert "Alice Ashdown must stay in at least one team" in response.content.decode()
    assert Membership.objects.filter(user=personas.alice, team=asb).exists()


def test_spoc_makes_a_practitioner_a_team_manager(personas, client_for):
    asb = Team.objects.get(name="ASB Team")

    response = client_for(personas.spoc).post(
        _user_url("membership_role", personas.alice, asb), {"role": "team_manager", "version": 0}
    )

    assert response.status_code == 302
    assert Membership.objects.get(user=personas.alice, team=asb).role == Role.TEAM_MANAGER
    event = AuditEvent.objects.get(action=Action.ROLE_CHANGE)
    assert event.changes == {"role": ["practitioner", "team_manager"]}


def test_role_form_refuses_an_unknown_role_and_changes_nothing(personas, client_for):
    asb = Team.objects.get(name="ASB Team")

    response = client_for(personas.spoc).post(
        _user_url("membership_role", personas.alice, asb), {"role": "chief", "version": 0}
    )

    assert "Select a role from the list" in response.content.decode()
    assert Membership.objects.get(user=personas.alice, team=asb).role == Role.PRACTITIONER
    assert not AuditEvent.objects.filter(action=Action.ROLE_CHANGE).exists()


def test_membership_pages_for_a_team_the_user_is_not_in_are_404(personas, client_for):
    iom = Team.objects.get(name="IOM Team")

    response = client_for(personas.spoc).get(_user_url("membership_role", personas.alice, iom))

    assert response.status_code == 404


def test_spoc_sees_and_grants_only_organisation_admin_and_auditor(personas, client_for):
    client = client_for(personas.spoc)
    page = client.get(_user_url("user_capabilities", personas.alice)).content.decode()

    response = client.post(
        _user_url("user_capabilities", personas.alice), {"capabilities": ["auditor"], "version": 0}
    )

    assert 'value="organisation_admin"' in page
    assert 'value="auditor"' in page
    assert 'value="system_admin"' not in page
    assert 'value="partnership_admin"' not in page
    assert response.status_code == 302
    assert CapabilityGrant.objects.filter(
        user=personas.alice, capability=Capability.AUDITOR
    ).exists()
    assert AuditEvent.objects.filter(action=Action.CAPABILITY_GRANT).count() == 1


def test_spoc_posting_system_admin_is_refused_and_nothing_is_granted(personas, client_for):
    response = client_for(personas.spoc).post(
        _user_url("user_capabilities", personas.alice),
        {"capabilities": ["system_admin"], "version": 0},
    )

    assert response.status_code == 200
    assert "Select only capabilities you are allowed to give" in response.content.decode()
    assert not CapabilityGrant.objects.filter(user=personas.alice).exists()
    personas.alice.refresh_from_db()
    assert not personas.alice.is_staff


def test_system_admin_grants_system_admin_which_opens_the_django_admin(personas, client_for):
    response = client_for(personas.sysadmin).post(
        _user_url("user_capabilities", personas.bob),
        {"capabilities": ["system_admin"], "version": 0},
    )

    assert response.status_code == 302
    personas.bob.refresh_from_db()
    assert (personas.bob.is_staff, personas.bob.is_superuser) == (True, True)
    assert client_for(personas.bob).get(reverse("admin:index")).status_code == 200


def test_system_admin_revokes_system_admin_which_closes_the_django_admin(personas, client_for):
    sysadmin_client = client_for(personas.sysadmin)
    sysadmin_client.post(
        _user_url("user_capabilities", personas.bob),
        {"capabilities": ["system_admin"], "version": 0},
    )

    sysadmin_client.post(_user_url("user_capabilities", personas.bob), {"version": 1})

    personas.bob.refresh_from_db()
    assert (personas.bob.is_staff, personas.bob.is_superuser) == (False, False)
    assert client_for(personas.bob).get(reverse("admin:index")).status_code == 403
    assert AuditEvent.objects.filter(action=Action.CAPABILITY_REVOKE).count() == 1
