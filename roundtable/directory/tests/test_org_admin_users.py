"""The organisation admin's user pages: the list, search, pagination, one user, and inviting."""

from __future__ import annotations

import datetime as dt
import re

import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from roundtable.audit.models import Action, AuditEvent
from roundtable.directory.models import Capability, CapabilityGrant, Membership, Team, User
from roundtable.directory.tests.factories import MembershipFactory, UserFactory


def _users_url(organisation) -> str:
    return reverse("directory:organisation_users", kwargs={"code": organisation.code})


def _add_users(organisation, team, count: int) -> None:
    for n in range(count):
        user = UserFactory(
            organisation=organisation,
            email=f"officer{n}@bulk.invalid",
            full_name=f"Bulk Officer {n:03}",
        )
        MembershipFactory(user=user, team=team)
        CapabilityGrant.objects.create(user=user, capability=Capability.AUDITOR)


# --- the list ---------------------------------------------------------------------------------


def test_spoc_landing_page_lists_their_organisations_users_with_teams_roles_and_capabilities(
    personas, client_for
):
    response = client_for(personas.spoc).get(reverse("directory:organisation_admin"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Alice Ashdown" in html
    assert "alice@police.testshire.invalid" in html
    assert "ASB Team (Team manager)" in html  # the SPOC's own row
    assert "Organisation admin (SPOC)" in html
    assert "Carol Copperfield" not in html  # another organisation
    assert "Dave Dunmore" not in html


def test_deactivated_users_are_shown_as_deactivated(personas, client_for):
    personas.bob.is_active = False
    personas.bob.save(update_fields=["is_active"])

    html = client_for(personas.spoc).get(_users_url(personas.spoc.organisation)).content.decode()

    row = re.search(r"Bob Birchwood.*?</tr>", html, re.S)
    assert row is not None
    assert "Deactivated" in row.group(0)


def test_search_matches_name_or_email(personas, client_for):
    client = client_for(personas.spoc)
    url = _users_url(personas.spoc.organisation)

    by_name = client.get(url, {"q": "birch"}).content.decode()
    by_email = client.get(url, {"q": "alice@police"}).content.decode()

    assert "Bob Birchwood" in by_name
    assert "Alice Ashdown" not in by_name
    assert "Alice Ashdown" in by_email
    assert "Bob Birchwood" not in by_email


def test_list_is_paginated_and_search_survives_paging(personas, client_for):
    organisation = personas.spoc.organisation
    _add_users(organisation, Team.objects.get(name="ASB Team"), 30)
    client = client_for(personas.spoc)

    first = client.get(_users_url(organisation), {"q": "bulk"}).content.decode()
    second = client.get(_users_url(organisation), {"q": "bulk", "page": 2}).content.decode()

    assert "Bulk Officer 000" in first
    assert "Bulk Officer 025" not in first
    assert "?q=bulk&amp;page=2" in first
    assert "Bulk Officer 025" in second
    assert "Page 2 of 2" in second


def test_user_list_query_count_does_not_grow_with_the_number_of_users(personas, client_for):
    organisation = personas.spoc.organisation
    team = Team.objects.get(name="ASB Team")
    client = client_for(personas.spoc)
    url = _users_url(organisation)
    client.get(url)  # warm the session

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _add_users(organisation, team, 40)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert "Bulk Officer 010" in response.content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(many.captured_queries) <= 20


def test_team_list_shows_active_member_counts(personas, client_for):
    html = (
        client_for(personas.spoc)
        .get(reverse("directory:team_list", kwargs={"code": personas.spoc.organisation.code}))
        .content.decode()
    )

    asb = re.search(r"ASB Team</a></td>\s*<td[^>]*>(\d+)</td>", html)
    iom = re.search(r"IOM Team</a></td>\s*<td[^>]*>(\d+)</td>", html)
    assert asb is not None and asb.group(1) == "3"  # alice, spoc, audrey
    assert iom is not None and iom.group(1) == "1"
    assert "Council ASB Team" not in html


def test_team_page_lists_members_and_roles(personas, client_for):
    team = Team.objects.get(name="ASB Team")

    html = client_for(personas.spoc).get(team.get_absolute_url()).content.decode()

    assert "Alice Ashdown" in html
    assert "Sam Spokes" in html
    assert "Team manager" in html
    assert "Bob Birchwood" not in html


def test_user_page_shows_teams_capabilities_and_actions(personas, client_for):
    html = client_for(personas.spoc).get(personas.audrey.get_absolute_url()).content.decode()

    assert "Audrey Auden" in html
    assert "ASB Team" in html
    assert "Auditor" in html
    assert reverse("directory:user_deactivate", kwargs={"code": personas.audrey.code}) in html
    assert reverse("directory:user_unlock", kwargs={"code": personas.audrey.code}) in html


def test_spoc_page_for_themselves_offers_no_deactivate_button(personas, client_for):
    html = client_for(personas.spoc).get(personas.spoc.get_absolute_url()).content.decode()

    assert reverse("directory:user_deactivate", kwargs={"code": personas.spoc.code}) not in html


# --- inviting ---------------------------------------------------------------------------------


def _invite_url(organisation) -> str:
    return reverse("directory:user_invite", kwargs={"code": organisation.code})


def _invite_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "full_name": "Nina Newcombe",
        "email": "nina@police.testshire.invalid",
        "job_title": "ASB officer",
        "team": Team.objects.get(name="IOM Team").pk,
        "role": "practitioner",
    }
    return data | overrides


def test_invite_page_creates_the_account_and_emails_a_link_that_sets_the_password(
    personas, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_for(personas.spoc)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_invite_url(personas.spoc.organisation), _invite_data())

    nina = User.objects.get(email="nina@police.testshire.invalid")
    assert response.status_code == 302
    assert response["Location"] == nina.get_absolute_url()
    assert Membership.objects.get(user=nina).team.name == "IOM Team"
    assert AuditEvent.objects.filter(action=Action.INVITE, target_id=str(nina.code)).exists()
    link = re.search(r"https?://\S+/directory/invitation/\S+/", mailoutbox[0].body)
    assert link is not None
    path = link.group(0).split("://", 1)[1].split("/", 1)[1]

    invitee = Client()
    page = invitee.get(f"/{path}")
    assert "Set your password" in page.content.decode()
    done = invitee.post(
        f"/{path}",
        {"new_password1": "marsh lantern copper 81", "new_password2": "marsh lantern copper 81"},
    )

    assert done.status_code == 302
    assert done["Location"] == reverse("account_login")
    nina.refresh_from_db()
    assert nina.check_password("marsh lantern copper 81")
    used_again = invitee.get(f"/{path}")
    assert "This link does not work" in used_again.content.decode()


def test_invitation_page_refuses_a_weak_password_and_keeps_the_link_usable(personas, client_for):
    from roundtable.directory.services import accounts

    client_for(personas.spoc).post(_invite_url(personas.spoc.organisation), _invite_data())
    nina = User.objects.get(email="nina@police.testshire.invalid")
    path = accounts.invitation_link(nina).split("://", 1)[1].split("/", 1)[1]

    response = Client().post(f"/{path}", {"new_password1": "short", "new_password2": "short"})

    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    nina.refresh_from_db()
    assert not nina.has_usable_password()


def test_invitation_link_expires_after_72_hours(personas, client_for):
    from roundtable.directory.services import accounts

    client_for(personas.spoc).post(_invite_url(personas.spoc.organisation), _invite_data())
    nina = User.objects.get(email="nina@police.testshire.invalid")
    path = accounts.invitation_link(nina).split("://", 1)[1].split("/", 1)[1]

    with time_machine.travel(timezone.now() + dt.timedelta(hours=73)):
        response = Client().get(f"/{path}")

    assert "This link does not work" in response.content.decode()


def test_invite_page_refuses_a_duplicate_email_without_naming_the_other_organisation(
    personas, client_for, mailoutbox
):
    users_before = User.objects.count()

    response = client_for(personas.spoc).post(
        _invite_url(personas.spoc.organisation),
        _invite_data(email="CAROL@council.testshire.invalid"),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "An account with this email address already exists" in html
    assert "Testshire District Council" not in html
    assert User.objects.count() == users_before
    assert not AuditEvent.objects.filter(action=Action.INVITE).exists()
    assert mailoutbox == []


def test_invite_page_shows_field_errors_and_writes_nothing_on_bad_input(personas, client_for):
    users_before = User.objects.count()

    response = client_for(personas.spoc).post(
        _invite_url(personas.spoc.organisation),
        {"full_name": "", "email": "not-an-email", "team": "", "role": "chief"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "Enter the person&#x27;s full name" in html
    assert "Enter an email address in the correct format" in html
    assert "Select a team" in html
    assert "Select a role from the list" in html
    assert 'aria-describedby="id_email_helptext id_email-error"' in html  # hint and error
    assert User.objects.count() == users_before


def test_invite_page_offers_only_the_organisations_active_teams(personas, client_for):
    council_team = Team.objects.get(name="Council ASB Team")
    users_before = User.objects.count()

    response = client_for(personas.spoc).post(
        _invite_url(personas.spoc.organisation), _invite_data(team=council_team.pk)
    )

    assert "Select one of the organisation&#x27;s active teams" in response.content.decode()
    assert User.objects.count() == users_before


def test_resend_invitation_emails_a_new_link(
    personas, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_for(personas.spoc)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_invite_url(personas.spoc.organisation), _invite_data())
    nina = User.objects.get(email="nina@police.testshire.invalid")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("directory:user_invitation_resend", kwargs={"code": nina.code})
        )

    assert response.status_code == 302
    assert len(mailoutbox) == 2
    assert AuditEvent.objects.filter(action=Action.INVITE, target_id=str(nina.code)).count() == 2
