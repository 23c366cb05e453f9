"""The page shell's figures: the unread and overdue counts, the user's capabilities and whether
they read case reviews come from one query per page, asked afresh on every page, so a user's own
action (or anyone else's) shows on the next page at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roundtable.directory.models import Capability, CapabilityGrant
from roundtable.directory.tests.factories import grant
from roundtable.sharing import policy
from roundtable.tasking.services.alerts import watch_add
from roundtable.tasking.tests.alert_helpers import alert_world, run_alerts, stage_event
from roundtable.tasking.tests.task_helpers import a_task, in_days, task_world

SHELL_TABLES = (
    '"tasking_notification"',
    '"tasking_task"',
    '"directory_capabilitygrant"',
    '"casework_casereviewsettings"',
)
MY_CASES = reverse("records:my_cases")
HOME = reverse("home")


def _shell_queries(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [
        query["sql"]
        for query in captured.captured_queries
        if any(table in query["sql"] for table in SHELL_TABLES)
    ]


def _unread(html: str) -> str | None:
    marker = 'data-testid="unread-count">'
    return html.split(marker, 1)[1].split("<", 1)[0] if marker in html else None


def test_the_shell_asks_all_its_figures_in_one_query(personas, client_for):
    grant(personas.alice, Capability.AUDITOR)
    client = client_for(personas.alice)
    client.get(MY_CASES)  # the first request of a session does extra work
    [query] = _shell_queries(client, MY_CASES)
    assert all(table in query for table in SHELL_TABLES)
    # ...and the capabilities it loaded are the ones the navigation then offers.
    assert reverse("audit:event_list") in client.get(MY_CASES).content.decode()


def test_reading_notifications_clears_the_count_on_the_very_next_page(personas, client_for):
    world = alert_world(personas)
    watch_add(user=personas.carol, viewer=policy.viewer_for_user(personas.carol), record=world.case)
    client = client_for(personas.carol)
    assert _unread(client.get(HOME).content.decode()) is None
    stage_event(world.case, personas.alice)
    stage_event(world.case, personas.alice)
    run_alerts()  # delivered by the background task, not by the user's request
    assert _unread(client.get(HOME).content.decode()) == "2"
    # The compiled query is shared; each user's page binds their own values.
    assert _unread(client_for(personas.alice).get(HOME).content.decode()) is None
    assert client.post(reverse("tasking:notification_read_all")).status_code == 302
    assert _unread(client.get(HOME).content.decode()) is None


def test_completing_an_overdue_task_clears_the_badge_on_the_very_next_page(
    personas, client_for, time_machine
):
    world = task_world(personas)
    task = a_task(personas.spoc, world.asb, assignee_user=personas.alice, due_in=0)
    time_machine.move_to(in_days(1).isoformat() + "T10:00:00+00:00")
    client = client_for(personas.alice)
    assert 'data-testid="nav-badge">1<' in client.get(HOME).content.decode()
    done = client.post(
        reverse("tasking:task_complete", kwargs={"code": task.code}),
        {"note": "Visited.", "version": 0},
    )
    assert done.status_code == 302
    assert 'data-testid="nav-badge"' not in client.get(HOME).content.decode()


@pytest.mark.parametrize(
    ("capability", "link"),
    [
        (Capability.AUDITOR, "audit:event_list"),
        (Capability.PARTNERSHIP_ADMIN, "sharing:agreement_list"),
    ],
)
def test_a_capability_granted_or_removed_shows_in_the_navigation_at_once(
    personas, client_for, capability, link
):
    client = client_for(personas.bob)
    href = f'href="{reverse(link)}"'
    assert href not in client.get(HOME).content.decode()
    grant(personas.bob, capability)
    assert href in client.get(HOME).content.decode()
    CapabilityGrant.objects.filter(user=personas.bob, capability=capability).delete()
    assert href not in client.get(HOME).content.decode()
