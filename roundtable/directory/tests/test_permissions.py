"""The permission matrix of the organisation admin area: every admin URL against every persona.

Generated rather than hand-picked: each URL is built against an object of the SPOC's own
organisation (Testshire Police) and against one of another organisation (the council), and each
persona's answer is derived from one rule table, so a new URL only needs a line in ``URLS``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from roundtable.audit.models import AuditEvent
from roundtable.directory.models import Membership, Team, User


@dataclass(frozen=True)
class Target:
    """The objects an admin URL can point at, all inside one organisation."""

    organisation_code: str
    user: User
    team: Team


@dataclass(frozen=True)
class AdminUrl:
    name: str
    kwargs: Callable[[Target], dict[str, Any]]
    post: dict[str, Any] | None = None  # a valid payload for the POST side; None: GET only
    get: bool = True


def _org(target: Target) -> dict[str, Any]:
    return {"code": target.organisation_code}


def _user(target: Target) -> dict[str, Any]:
    return {"code": target.user.code}


def _team(target: Target) -> dict[str, Any]:
    return {"code": target.team.code}


def _membership(target: Target) -> dict[str, Any]:
    return {"code": target.user.code, "team_code": target.team.code}


URLS = [
    AdminUrl("directory:organisation_users", _org),
    AdminUrl("directory:team_list", _org),
    AdminUrl(
        "directory:user_invite",
        _org,
        post={"full_name": "Ivy Invitee", "email": "ivy@matrix.invalid", "role": "practitioner"},
    ),
    AdminUrl("directory:team_create", _org, post={"name": "Matrix Team"}),
    AdminUrl("directory:team_detail", _team),
    AdminUrl("directory:team_edit", _team, post={"name": "Renamed Team", "version": 0}),
    AdminUrl("directory:team_deactivate", _team, post={"version": 0}),
    AdminUrl("directory:user_detail", _user),
    AdminUrl("directory:user_edit", _user, post={"full_name": "Someone Else", "version": 0}),
    AdminUrl("directory:user_deactivate", _user, post={"reason": "Left", "version": 0}),
    AdminUrl("directory:user_reactivate", _user, post={"version": 0}),
    AdminUrl(
        "directory:user_capabilities", _user, post={"capabilities": ["auditor"], "version": 0}
    ),
    AdminUrl("directory:membership_add", _user, post={"role": "practitioner", "version": 0}),
    AdminUrl("directory:membership_role", _membership, post={"role": "team_manager", "version": 0}),
    AdminUrl("directory:membership_remove", _membership, post={"version": 0}),
    AdminUrl("directory:user_unlock", _user, post={}, get=False),
    AdminUrl("directory:user_invitation_resend", _user, post={}, get=False),
]

PERSONAS = ["spoc", "sysadmin", "alice", "audrey", "anonymous"]


def expected_status(persona: str, own_organisation: bool) -> int:
    """The one rule: SPOCs manage their own organisation (another reads as missing), system
    admins manage any, everyone else is refused, and the signed-out are sent to sign in."""
    if persona == "anonymous":
        return 302
    if persona == "sysadmin":
        return 200
    if persona == "spoc":
        return 200 if own_organisation else 404
    return 403


@pytest.fixture
def targets(personas: Any) -> dict[bool, Target]:
    """True: objects in the SPOC's own organisation; False: objects in the council."""
    police_team = Team.objects.get(name="ASB Team")
    council_team = Team.objects.get(name="Council ASB Team")
    assert Membership.objects.filter(user=personas.alice, team=police_team).exists()
    assert Membership.objects.filter(user=personas.carol, team=council_team).exists()
    return {
        True: Target(str(personas.alice.organisation.code), personas.alice, police_team),
        False: Target(str(personas.carol.organisation.code), personas.carol, council_team),
    }


def _client(persona: str, personas: Any, client_for: Any) -> Client:
    if persona == "anonymous":
        return Client()
    client: Client = client_for(getattr(personas, persona))
    return client


@pytest.mark.parametrize("own_organisation", [True, False], ids=["own_org", "other_org"])
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url", [u for u in URLS if u.get], ids=lambda u: u.name)
def test_admin_page_answers_each_persona_by_the_rule(
    url: AdminUrl,
    persona: str,
    own_organisation: bool,
    personas: Any,
    targets: Any,
    client_for: Any,
) -> None:
    client = _client(persona, personas, client_for)
    path = reverse(url.name, kwargs=url.kwargs(targets[own_organisation]))

    response = client.get(path)

    assert response.status_code == expected_status(persona, own_organisation)
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))


# Every refused (persona, organisation) pair; the allowed side of each write has its own test
# file (test_org_admin_*.py), where the effect and the audit event are checked.
REFUSED_WRITES = [
    pytest.param(url, persona, own, id=f"{url.name}-{persona}-{'own_org' if own else 'other_org'}")
    for url, persona, own in itertools.product(
        [u for u in URLS if u.post is not None],
        ["spoc", "alice", "audrey", "anonymous"],
        [True, False],
    )
    if expected_status(persona, own) != 200
]


@pytest.mark.parametrize(("url", "persona", "own_organisation"), REFUSED_WRITES)
def test_refused_writes_change_nothing(
    url: AdminUrl,
    persona: str,
    own_organisation: bool,
    personas: Any,
    targets: Any,
    client_for: Any,
) -> None:
    client = _client(persona, personas, client_for)
    target = targets[own_organisation]
    path = reverse(url.name, kwargs=url.kwargs(target))
    events_before = AuditEvent.objects.count()
    user_before = User.objects.values().get(pk=target.user.pk)
    team_before = Team.objects.values().get(pk=target.team.pk)
    users_before = User.objects.count()
    teams_before = Team.objects.count()

    response = client.post(path, url.post)

    assert response.status_code == expected_status(persona, own_organisation)
    assert User.objects.values().get(pk=target.user.pk) == user_before
    assert Team.objects.values().get(pk=target.team.pk) == team_before
    assert (User.objects.count(), Team.objects.count()) == (users_before, teams_before)
    assert AuditEvent.objects.count() == events_before


@pytest.mark.parametrize(
    ("persona", "status"),
    [("spoc", 200), ("sysadmin", 200), ("alice", 403), ("audrey", 403), ("anonymous", 302)],
)
def test_landing_page_is_for_admins_only(
    persona: str, status: int, personas: Any, client_for: Any
) -> None:
    response = _client(persona, personas, client_for).get(reverse("directory:organisation_admin"))

    assert response.status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [("sysadmin", 200), ("spoc", 403), ("alice", 403), ("audrey", 403), ("anonymous", 302)],
)
def test_only_system_admins_choose_among_all_organisations(
    persona: str, status: int, personas: Any, client_for: Any
) -> None:
    response = _client(persona, personas, client_for).get(reverse("directory:organisation_list"))

    assert response.status_code == status


def test_spoc_cannot_reach_a_system_admin_account(personas: Any, client_for: Any) -> None:
    response = client_for(personas.spoc).get(
        reverse("directory:user_detail", kwargs={"code": personas.sysadmin.code})
    )

    assert response.status_code == 404


def test_system_admin_picks_an_organisation_and_manages_it(personas: Any, client_for: Any) -> None:
    client = client_for(personas.sysadmin)
    council = personas.carol.organisation

    listing = client.get(reverse("directory:organisation_admin"))
    page = client.get(reverse("directory:organisation_users", kwargs={"code": council.code}))

    assert (
        reverse("directory:organisation_users", kwargs={"code": council.code})
        in listing.content.decode()
    )
    assert "Carol Copperfield" in page.content.decode()
    assert "Alice Ashdown" not in page.content.decode()
