"""Query budgets of the sharing lists that had none: the count must not grow with the data.

Each test reads a page once to warm the session, counts its queries with a little data, adds
more of the rows the page lists (shares, emergency access, requests, transfers, agreements),
and counts again: an N+1 would add queries per row.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roundtable.directory.models import Role
from roundtable.directory.tests.factories import MembershipFactory, TeamFactory, UserFactory
from roundtable.records.models import Profile
from roundtable.sharing.models import AccessRequest
from roundtable.sharing.sections import Section
from roundtable.sharing.services import grant_create
from roundtable.sharing.services.glass import break_glass_open
from roundtable.sharing.services.requests import access_request_create, access_request_grant
from roundtable.sharing.services.transfers import transfer_offer
from roundtable.sharing.tests.factories import agreement_between, profile_for


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def assert_flat(client: Client, url: str, grow: Callable[[], None]) -> None:
    """The page costs the same number of queries before and after ``grow()`` adds rows."""
    client.get(url)  # the first request of a session does extra work
    few = _count(client, url)
    grow()
    many = _count(client, url)
    assert many == few, f"{url}: {few} queries with a little data, {many} with more"


def _people(personas, world, count: int, start: int = 0) -> list[Profile]:
    return [
        profile_for(
            personas.alice,
            world.alice_team,
            given_name=f"Lee{chr(65 + start + n)}",
            family_name="Listly",
        )
        for n in range(count)
    ]


def _ask(personas, world, people: list[Profile]) -> list[AccessRequest]:
    return [
        access_request_create(
            actor=personas.carol,
            team=world.carol_team,
            record=person,
            sections=[Section.IDENTITY],
            reason="Joint visit (test)",
        )
        for person in people
    ]


def test_record_sharing_page_costs_the_same_however_many_shares_and_glasses(
    personas, world, client_for
):
    council = world.carol_team.organisation

    def share_and_break(count: int, start: int) -> None:
        for number in range(start, start + count):
            team = TeamFactory(organisation=council, name=f"Council team {number}")
            grant_create(
                actor=personas.alice,
                record=world.jordan,
                agreement=world.agreement,
                sections=[Section.IDENTITY],
                team=team,
            )
            member = UserFactory(email=f"glass{number}@council.invalid", organisation=council)
            MembershipFactory(user=member, team=team, role=Role.PRACTITIONER)
            break_glass_open(actor=member, team=team, record=world.jordan, reason="Urgent (test)")

    share_and_break(1, 0)
    url = reverse("sharing:record_sharing", kwargs={"kind": "person", "code": world.jordan.code})
    assert_flat(client_for(personas.alice), url, lambda: share_and_break(6, 1))


def test_request_inbox_and_my_requests_cost_the_same_however_many_requests(
    personas, world, client_for
):
    _ask(personas, world, _people(personas, world, 1))

    def more() -> None:
        asked = _ask(personas, world, _people(personas, world, 8, start=1))
        for request in asked[:3]:  # some answered, so both kinds of row are drawn
            access_request_grant(
                actor=personas.spoc,
                request=request,
                record=Profile.objects.get(pk=request.record_id),
                agreement=world.agreement,
                sections=[Section.IDENTITY],
                reason="Agreed (test)",
            )

    inbox = reverse("sharing:request_inbox")
    mine = reverse("sharing:my_requests")
    manager, asker = client_for(personas.spoc), client_for(personas.carol)
    asker.get(mine)
    mine_few = _count(asker, mine)
    assert_flat(manager, inbox, more)
    assert _count(asker, mine) == mine_few


def test_transfer_lists_cost_the_same_however_many_offers(personas, world, client_for):
    def offer(people: list[Profile]) -> None:
        for person in people:
            transfer_offer(
                actor=personas.spoc, record=person, to_team=world.carol_team, reason="Moving (test)"
            )

    offer(_people(personas, world, 1))
    url = reverse("sharing:transfer_list")
    receiving, offering = client_for(world.council_manager), client_for(personas.spoc)
    offering.get(url)
    offering_few = _count(offering, url)
    assert_flat(receiving, url, lambda: offer(_people(personas, world, 8, start=1)))
    assert _count(offering, url) == offering_few


def test_agreement_list_costs_the_same_however_many_agreements(personas, world, client_for):
    police, council = world.alice_team.organisation, world.carol_team.organisation

    def more() -> None:
        for number in range(8):
            agreement_between(police, council, reference=f"ISA-BUDGET-{number}")

    assert_flat(client_for(world.partnership_admin), reverse("sharing:agreement_list"), more)


def test_managers_home_page_costs_the_same_however_much_waits_for_them(personas, world, client_for):
    def more(count: int, start: int) -> None:
        people = _people(personas, world, 2 * count, start=start)
        _ask(personas, world, people[:count])
        for person in people[count:]:
            break_glass_open(
                actor=personas.carol, team=world.carol_team, record=person, reason="Urgent (test)"
            )

    more(1, 0)  # one of each, so each list's queries are already counted
    assert_flat(client_for(personas.spoc), reverse("home"), lambda: more(4, 2))
