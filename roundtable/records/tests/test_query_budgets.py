"""Query budgets of the record pages that had none: the count must not grow with the data.

Each test reads a page once to warm the session, counts its queries with a little data, adds
more rows of the kind the page lists (people the viewer can and cannot see, overdue cases, case
types, default shares), and counts again: an N+1 would add queries per row.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from roundtable.directory.models import Capability
from roundtable.directory.tests.factories import TeamFactory, grant
from roundtable.records.models import PremisesRole, Profile
from roundtable.records.services import cases as case_services
from roundtable.records.services import places as place_services
from roundtable.records.tests.case_helpers import casework, open_case
from roundtable.sharing import policy
from roundtable.sharing.sections import Section
from roundtable.sharing.tests.factories import case_type_for, profile_for


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


@pytest.fixture
def work(personas):
    return casework(personas)


def _people(personas, work, count: int) -> list[Profile]:
    """People owned by the viewer's team and by a partner's, so both kinds of row are drawn."""
    people = []
    for number in range(count):
        owner, team = (
            (personas.alice, work.asb) if number % 2 else (personas.carol, work.council_asb)
        )
        people.append(
            profile_for(owner, team, given_name=f"Kit{chr(65 + number)}", family_name="Budgetson")
        )
    return people


def test_premises_page_costs_the_same_however_many_people_are_linked(personas, work, client_for):
    viewer = policy.viewer_for_user(personas.alice)
    premises = place_services.premises_create(
        actor=personas.alice, team=work.asb, name="Budget House", kind="residence"
    )

    def link(people: list[Profile]) -> None:
        for person in people:
            place_services.premises_link_add(
                actor=personas.alice,
                viewer=viewer,
                premises=premises,
                profile=person,
                role=PremisesRole.RESIDENT,
            )

    link(_people(personas, work, 1))
    url = reverse("records:premises_detail", kwargs={"code": premises.code})
    assert_flat(client_for(personas.alice), url, lambda: link(_people(personas, work, 8)[1:]))


def test_group_page_costs_the_same_however_many_members_it_has(personas, work, client_for):
    viewer = policy.viewer_for_user(personas.alice)
    group = place_services.group_create(
        actor=personas.alice, team=work.asb, name="Budget Boys", kind="peer_group"
    )

    def add(people: list[Profile]) -> None:
        for person in people:
            place_services.group_member_add(
                actor=personas.alice, viewer=viewer, group=group, profile=person, role="member"
            )

    add(_people(personas, work, 1))
    url = reverse("records:group_detail", kwargs={"code": group.code})
    assert_flat(client_for(personas.alice), url, lambda: add(_people(personas, work, 8)[1:]))


def test_overdue_reviews_cost_the_same_however_many_cases_are_overdue(personas, work, client_for):
    def open_overdue(count: int) -> None:
        # Opened 60 days ago with a 28-day review interval: overdue today.
        with time_machine.travel(timezone.now() - timedelta(days=60), tick=False):
            for _ in range(count):
                open_case(
                    personas.alice, work.asb, work.case_type, lead_practitioner=personas.alice
                )

    open_overdue(1)
    url = reverse("records:overdue_reviews")
    client = client_for(personas.alice)
    assert_flat(client, url, lambda: open_overdue(8))
    assert client.get(url).content.decode().count("Noise and threats, Test Street") >= 9


def test_case_type_pages_cost_the_same_however_many_types_and_defaults(personas, work, client_for):
    grant(personas.bob, Capability.PARTNERSHIP_ADMIN)
    client = client_for(personas.bob)

    def more_types() -> None:
        for number in range(8):
            case_type_for(work.testshire, name=f"Budget type {number}", prefix=f"BT{number}")

    assert_flat(client, reverse("records:case_type_list"), more_types)

    def more_defaults() -> None:
        for number in range(6):
            case_services.case_type_share_default_add(
                actor=personas.bob,
                case_type=work.case_type,
                agreement=work.agreement,
                sections=[Section.SUMMARY],
                team=TeamFactory(
                    organisation=work.council_asb.organisation, name=f"Council {number}"
                ),
            )

    url = reverse("records:case_type_detail", kwargs={"code": work.case_type.code})
    assert_flat(client, url, more_defaults)
