"""The organisation administration services: their rules, their audit events, their refusals."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from roundtable.audit.models import Action, AuditEvent
from roundtable.directory.models import Capability, CapabilityGrant, Membership, Role, Team, User
from roundtable.directory.services import accounts
from roundtable.directory.tests.factories import MembershipFactory, TeamFactory, UserFactory


def _team(name: str) -> Team:
    return Team.objects.get(name=name)


def _invite(personas: Any, **overrides: Any) -> User:
    arguments: dict[str, Any] = {
        "actor": personas.spoc,
        "organisation": personas.spoc.organisation,
        "email": "Nina.Newcombe@Police.Testshire.invalid",
        "full_name": " Nina Newcombe ",
        "job_title": "ASB officer",
        "team": _team("ASB Team"),
        "role": Role.PRACTITIONER,
    }
    return accounts.user_invite(**(arguments | overrides))


# --- invitations ------------------------------------------------------------------------------


def test_invite_creates_an_account_without_a_usable_password_and_emails_a_link(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = _invite(personas)

    user.refresh_from_db()
    assert user.email == "nina.newcombe@police.testshire.invalid"
    assert user.full_name == "Nina Newcombe"
    assert not user.has_usable_password()
    assert Membership.objects.get(user=user).team.name == "ASB Team"
    event = AuditEvent.objects.get(action=Action.INVITE)
    assert event.actor == personas.spoc
    assert event.target_id == str(user.code)
    assert event.changes["email"] == [None, "nina.newcombe@police.testshire.invalid"]
    assert event.changes["team"] == [None, "ASB Team"]
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["nina.newcombe@police.testshire.invalid"]
    assert "/directory/invitation/" in mailoutbox[0].body


def test_invitation_email_waits_for_the_commit(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _invite(personas)

    assert len(callbacks) == 1
    assert mailoutbox == []


@pytest.mark.parametrize(
    "email", ["ALICE@police.testshire.invalid", "carol@council.testshire.invalid"]
)
def test_invite_refuses_an_existing_email_whatever_its_case_or_organisation(personas, email):
    users_before = User.objects.count()

    with pytest.raises(ValidationError) as raised:
        _invite(personas, email=email)

    assert raised.value.message_dict == {"email": [accounts.DUPLICATE_EMAIL]}
    assert "Council" not in accounts.DUPLICATE_EMAIL
    assert User.objects.count() == users_before
    assert not AuditEvent.objects.filter(action=Action.INVITE).exists()


def test_invite_refuses_a_team_of_another_organisation(personas):
    with pytest.raises(ValidationError) as raised:
        _invite(personas, team=_team("Council ASB Team"))

    assert "team" in raised.value.message_dict
    assert not User.objects.filter(email__startswith="nina").exists()


def test_spoc_cannot_invite_into_another_organisation(personas):
    with pytest.raises(PermissionDenied):
        _invite(personas, organisation=personas.carol.organisation, team=_team("Council ASB Team"))

    assert not User.objects.filter(email__startswith="nina").exists()


def test_invitation_link_works_for_72_hours_and_not_after(personas):
    user = _invite(personas)
    token = accounts.invitation_tokens.make_token(user)

    with time_machine.travel(timezone.now() + dt.timedelta(hours=71, minutes=59)):
        assert accounts.invitation_tokens.check_token(user, token)
    with time_machine.travel(timezone.now() + dt.timedelta(hours=72, minutes=1)):
        assert not accounts.invitation_tokens.check_token(user, token)


def test_invitation_link_is_single_use(personas):
    user = _invite(personas)
    token = accounts.invitation_tokens.make_token(user)

    accounts.invitation_accept(user=user, password="a long and unusual passphrase 7")

    user.refresh_from_db()
    assert user.has_usable_password()
    assert not accounts.invitation_tokens.check_token(user, token)
    event = AuditEvent.objects.get(action=Action.PASSWORD_RESET)
    assert event.detail == {"via": "invitation"}
    assert event.changes["password"] == ["***", "***"]


def test_invitation_link_dies_when_the_invitee_is_deactivated(personas):
    user = _invite(personas)
    token = accounts.invitation_tokens.make_token(user)

    accounts.user_deactivate(
        actor=personas.spoc, user=user, expected_version=0, reason="Wrong person"
    )

    user.refresh_from_db()
    assert not accounts.invitation_tokens.check_token(user, token)


def test_a_password_reset_token_is_not_an_invitation(personas):
    from django.contrib.auth.tokens import default_token_generator

    user = _invite(personas)

    assert not accounts.invitation_tokens.check_token(
        user, default_token_generator.make_token(user)
    )


# --- deactivation -----------------------------------------------------------------------------


def test_deactivation_ends_sessions_and_is_audited_with_the_reason(personas):
    alice = personas.alice

    accounts.user_deactivate(
        actor=personas.spoc, user=alice, expected_version=0, reason="Left the force"
    )

    alice.refresh_from_db()
    assert not alice.is_active
    assert alice.deactivated_at is not None
    assert alice.session_generation == 1
    assert alice.version == 1
    event = AuditEvent.objects.get(action=Action.DEACTIVATE)
    assert event.changes["is_active"] == [True, False]
    assert event.justification == "Left the force"


def test_deactivation_needs_a_reason(personas):
    with pytest.raises(ValidationError) as raised:
        accounts.user_deactivate(
            actor=personas.spoc, user=personas.alice, expected_version=0, reason="  "
        )

    assert "reason" in raised.value.message_dict
    personas.alice.refresh_from_db()
    assert personas.alice.is_active


def test_spoc_cannot_deactivate_themselves(personas):
    with pytest.raises(ValidationError) as raised:
        accounts.user_deactivate(
            actor=personas.spoc, user=personas.spoc, expected_version=0, reason="Test"
        )

    assert "cannot deactivate your own account" in raised.value.message_dict["reason"][0]
    personas.spoc.refresh_from_db()
    assert personas.spoc.is_active


def test_stale_version_is_refused_and_changes_nothing(personas):
    accounts.user_update(
        actor=personas.spoc,
        user=personas.alice,
        expected_version=0,
        full_name="Alice Ashdown-Hale",
        job_title="",
    )

    with pytest.raises(accounts.StaleVersion) as raised:
        accounts.user_deactivate(
            actor=personas.spoc, user=personas.alice, expected_version=0, reason="Left"
        )

    assert isinstance(raised.value.current, User)
    assert raised.value.current.full_name == "Alice Ashdown-Hale"
    personas.alice.refresh_from_db()
    assert personas.alice.is_active
    assert not AuditEvent.objects.filter(action=Action.DEACTIVATE).exists()


def test_reactivation_lets_the_user_back_in(personas):
    alice = accounts.user_deactivate(
        actor=personas.spoc, user=personas.alice, expected_version=0, reason="Leave"
    )

    accounts.user_reactivate(actor=personas.spoc, user=alice, expected_version=1)

    alice.refresh_from_db()
    assert alice.is_active
    assert alice.deactivated_at is None
    assert AuditEvent.objects.get(action=Action.REACTIVATE).changes["is_active"] == [False, True]


def test_spoc_cannot_change_a_system_admin_in_their_organisation(personas):
    operator = UserFactory(
        organisation=personas.spoc.organisation, email="operator@police.testshire.invalid"
    )
    CapabilityGrant.objects.create(user=operator, capability=Capability.SYSTEM_ADMIN)

    with pytest.raises(PermissionDenied):
        accounts.user_deactivate(
            actor=personas.spoc, user=operator, expected_version=0, reason="Takeover"
        )

    operator.refresh_from_db()
    assert operator.is_active


# --- memberships and roles --------------------------------------------------------------------


def test_membership_add_and_remove_move_a_user_between_teams(personas):
    alice = personas.alice
    iom = _team("IOM Team")

    accounts.membership_add(
        actor=personas.spoc, user=alice, expected_version=0, team=iom, role=Role.TEAM_MANAGER
    )
    accounts.membership_remove(
        actor=personas.spoc, user=alice, expected_version=1, team=_team("ASB Team")
    )

    assert list(Membership.objects.filter(user=alice).values_list("team__name", "role")) == [
        ("IOM Team", Role.TEAM_MANAGER)
    ]
    add = AuditEvent.objects.get(action=Action.MEMBERSHIP_ADD)
    remove = AuditEvent.objects.get(action=Action.MEMBERSHIP_REMOVE)
    assert add.changes == {"teams": [None, "IOM Team"], "role": [None, "team_manager"]}
    assert remove.changes == {"teams": ["ASB Team", None], "role": ["practitioner", None]}


def test_a_user_must_keep_at_least_one_team(personas):
    with pytest.raises(ValidationError) as raised:
        accounts.membership_remove(
            actor=personas.spoc, user=personas.alice, expected_version=0, team=_team("ASB Team")
        )

    assert "must stay in at least one team" in raised.value.messages[0]
    assert Membership.objects.filter(user=personas.alice).count() == 1


def test_a_membership_in_a_deactivated_team_does_not_count_as_a_team(personas):
    closed = TeamFactory(
        organisation=personas.alice.organisation, name="Closed Team", is_active=False
    )
    MembershipFactory(user=personas.alice, team=closed)

    with pytest.raises(ValidationError):
        accounts.membership_remove(
            actor=personas.spoc, user=personas.alice, expected_version=0, team=_team("ASB Team")
        )


def test_membership_add_refuses_a_team_of_another_organisation(personas):
    with pytest.raises(ValidationError):
        accounts.membership_add(
            actor=personas.spoc,
            user=personas.alice,
            expected_version=0,
            team=_team("Council ASB Team"),
            role=Role.PRACTITIONER,
        )

    assert Membership.objects.filter(user=personas.alice).count() == 1


def test_role_change_is_audited_with_old_and_new_role(personas):
    accounts.membership_change_role(
        actor=personas.spoc,
        user=personas.alice,
        expected_version=0,
        team=_team("ASB Team"),
        role=Role.TEAM_MANAGER,
    )

    assert Membership.objects.get(user=personas.alice).role == Role.TEAM_MANAGER
    event = AuditEvent.objects.get(action=Action.ROLE_CHANGE)
    assert event.changes == {"role": ["practitioner", "team_manager"]}
    assert event.detail["team"] == "ASB Team"


# --- capabilities -----------------------------------------------------------------------------


def test_spoc_grants_and_revokes_auditor(personas):
    accounts.capability_grant(
        actor=personas.spoc, user=personas.alice, expected_version=0, capability=Capability.AUDITOR
    )
    assert CapabilityGrant.objects.get(user=personas.alice).granted_by == personas.spoc

    accounts.capability_revoke(
        actor=personas.spoc, user=personas.alice, expected_version=1, capability=Capability.AUDITOR
    )

    assert not CapabilityGrant.objects.filter(user=personas.alice).exists()
    assert AuditEvent.objects.get(action=Action.CAPABILITY_GRANT).changes == {
        "capabilities": [None, "auditor"]
    }
    assert AuditEvent.objects.get(action=Action.CAPABILITY_REVOKE).changes == {
        "capabilities": ["auditor", None]
    }


@pytest.mark.parametrize("capability", [Capability.PARTNERSHIP_ADMIN, Capability.SYSTEM_ADMIN])
def test_spoc_cannot_grant_partnership_or_system_admin(personas, capability):
    with pytest.raises(PermissionDenied):
        accounts.capability_grant(
            actor=personas.spoc, user=personas.alice, expected_version=0, capability=capability
        )

    assert not CapabilityGrant.objects.filter(user=personas.alice).exists()


def test_system_admin_capability_sets_and_clears_the_staff_flags(personas):
    alice = personas.alice

    accounts.capability_grant(
        actor=personas.sysadmin, user=alice, expected_version=0, capability=Capability.SYSTEM_ADMIN
    )
    alice.refresh_from_db()
    assert (alice.is_staff, alice.is_superuser) == (True, True)

    accounts.capability_revoke(
        actor=personas.sysadmin, user=alice, expected_version=1, capability=Capability.SYSTEM_ADMIN
    )
    alice.refresh_from_db()
    assert (alice.is_staff, alice.is_superuser) == (False, False)
    revoke = AuditEvent.objects.get(action=Action.CAPABILITY_REVOKE)
    assert revoke.changes["is_staff"] == [True, False]


def test_spoc_cannot_remove_their_own_organisation_admin_capability(personas):
    with pytest.raises(ValidationError):
        accounts.capability_revoke(
            actor=personas.spoc,
            user=personas.spoc,
            expected_version=0,
            capability=Capability.ORGANISATION_ADMIN,
        )

    assert CapabilityGrant.objects.filter(
        user=personas.spoc, capability=Capability.ORGANISATION_ADMIN
    ).exists()


def test_capabilities_set_changes_only_what_the_actor_manages(personas):
    alice = personas.alice
    CapabilityGrant.objects.create(user=alice, capability=Capability.PARTNERSHIP_ADMIN)

    accounts.capabilities_set(
        actor=personas.spoc, user=alice, expected_version=0, capabilities={"auditor"}
    )

    held = set(CapabilityGrant.objects.filter(user=alice).values_list("capability", flat=True))
    assert held == {"auditor", "partnership_admin"}


# --- teams ------------------------------------------------------------------------------------


def test_team_create_rename_and_deactivate_are_audited(personas):
    organisation = personas.spoc.organisation

    team = accounts.team_create(
        actor=personas.spoc, organisation=organisation, name="Licensing Unit"
    )
    team = accounts.team_update(
        actor=personas.spoc, team=team, expected_version=0, name="Licensing and Events"
    )
    team = accounts.team_deactivate(actor=personas.spoc, team=team, expected_version=1)

    team.refresh_from_db()
    assert (team.name, team.is_active) == ("Licensing and Events", False)
    events = AuditEvent.objects.filter(target_id=str(team.code)).order_by("id")
    assert [e.action for e in events] == [Action.CREATE, Action.UPDATE, Action.DEACTIVATE]
    assert events[1].changes == {"name": ["Licensing Unit", "Licensing and Events"]}


def test_team_names_are_unique_in_an_organisation_whatever_the_case(personas):
    with pytest.raises(ValidationError) as raised:
        accounts.team_create(
            actor=personas.spoc, organisation=personas.spoc.organisation, name="asb team"
        )

    assert "already has a team" in raised.value.message_dict["name"][0]
    assert Team.objects.filter(name__iexact="asb team").count() == 1


def test_a_team_with_active_members_cannot_be_deactivated(personas):
    with pytest.raises(ValidationError) as raised:
        accounts.team_deactivate(actor=personas.spoc, team=_team("IOM Team"), expected_version=0)

    assert "still has 1 active member" in raised.value.messages[0]
    assert _team("IOM Team").is_active


def test_a_team_whose_members_are_all_deactivated_can_be_deactivated(personas):
    accounts.user_deactivate(
        actor=personas.spoc, user=personas.bob, expected_version=0, reason="Retired"
    )

    team = accounts.team_deactivate(actor=personas.spoc, team=_team("IOM Team"), expected_version=0)

    assert not team.is_active


def test_spoc_cannot_create_a_team_in_another_organisation(personas):
    with pytest.raises(PermissionDenied):
        accounts.team_create(
            actor=personas.spoc, organisation=personas.carol.organisation, name="Sneaky Team"
        )

    assert not Team.objects.filter(name="Sneaky Team").exists()
