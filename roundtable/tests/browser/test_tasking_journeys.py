"""Tasks and notifications as practitioners meet them all day, in Debian's Chromium (strict CSP).

Each journey goes through the real pages, ends with what the page shows, and runs axe-core
(WCAG 2.2 A/AA) on every page it visits. The parametrised test at the end checks the other
casework and tasking pages reachable by a GET, each as the person who uses it. The alert fan-out
runs synchronously in the test (``run_alerts``), as the background worker would after the commit.
Every name and word is invented.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from roundtable.casework.models import CaseReviewActivation
from roundtable.casework.services.letter_seeds import letter_templates_seed
from roundtable.casework.tests.enforcement_helpers import scene
from roundtable.casework.tests.test_case_review import complain
from roundtable.directory.models import Capability
from roundtable.directory.tests.factories import grant
from roundtable.sharing import policy
from roundtable.tasking.models import RuleScope, RuleTarget, Task, TaskStatus
from roundtable.tasking.services.alerts import alert_rule_create, watch_add
from roundtable.tasking.tests.alert_helpers import alert_world, run_alerts
from roundtable.tasking.tests.task_helpers import a_task, in_days, task_world
from roundtable.testing.browser import OpenPage
from roundtable.tests.browser.steps import check, signed_in

if TYPE_CHECKING:
    from conftest import Personas

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_a_task_set_for_a_team_is_taken_from_its_queue_and_done(
    open_page: OpenPage, personas: Personas, totp_window: None
) -> None:
    setter, worker = open_page(), open_page()
    signed_in(setter, personas.alice)
    signed_in(worker, personas.bob)
    world = task_world(personas)

    setter.goto("/tasks/")
    expect(setter.get_by_role("heading", level=1)).to_have_text("My tasks")
    check(setter)
    setter.get_by_role("link", name="Set a task").click()
    expect(setter.get_by_role("heading", level=1)).to_have_text("Set a task")
    check(setter)
    setter.get_by_label("Title").fill("Check the address of the nominal with the IOM team")
    setter.get_by_label("Details (optional)").fill("He may have moved to Nowhere Lane.")
    setter.get_by_label("Team", exact=True).select_option(
        label=f"{world.iom.name}, {world.iom.organisation.name}"
    )
    setter.get_by_label("Due date").fill(in_days(5).strftime("%d/%m/%Y"))
    setter.get_by_role("group", name="Priority").get_by_label("High").check()
    setter.get_by_role("button", name="Set task").click()
    expect(setter.get_by_role("heading", level=1)).to_have_text(
        "Check the address of the nominal with the IOM team"
    )
    expect(setter.get_by_test_id("assignee")).to_contain_text("in the team's queue")
    check(setter)
    task = Task.objects.get()

    worker.goto("/tasks/team/")
    expect(worker.get_by_role("heading", level=1)).to_have_text("Team queue")
    row = worker.locator(f"[data-task='{task.reference}']")
    expect(row).to_contain_text("Check the address of the nominal")
    expect(row).to_contain_text(f"{world.iom.name}'s queue")
    check(worker)
    row.get_by_role("button", name=f"Take it {task.reference}").click()
    expect(worker.get_by_test_id("assignee")).to_contain_text(personas.bob.full_name)
    check(worker)

    worker.get_by_role("link", name="Back to my tasks").click()
    mine = worker.locator(f"[data-task='{task.reference}']")
    expect(mine).to_contain_text("Check the address of the nominal")
    check(worker)
    mine.get_by_role("link", name=re.compile("^Check the address")).click()
    expect(worker.get_by_test_id("assignee")).to_contain_text(personas.bob.full_name)
    worker.get_by_test_id("complete").click()
    expect(worker.get_by_role("heading", level=1)).to_have_text("Mark the task done")
    check(worker)
    worker.get_by_role("button", name="Mark as done").click()
    expect(worker.locator(".govuk-error-summary")).to_be_visible()
    check(worker)
    worker.get_by_label("What was done?").fill("Visited: he lives at Nowhere Lane now.")
    worker.get_by_role("button", name="Mark as done").click()

    expect(worker.get_by_test_id("task-status")).to_contain_text("Done")
    expect(worker.get_by_test_id("completion-note")).to_have_text(
        "Visited: he lives at Nowhere Lane now."
    )
    check(worker)
    worker.goto("/tasks/")
    expect(worker.locator(f"[data-task='{task.reference}']")).to_have_count(0)
    worker.get_by_label("Status").select_option(label="Done")
    worker.get_by_role("button", name="Filter").click()
    expect(worker.locator(f"[data-task='{task.reference}']")).to_contain_text("Done")
    check(worker)

    setter.reload()
    expect(setter.get_by_test_id("completion-note")).to_have_text(
        "Visited: he lives at Nowhere Lane now."
    )
    assert Task.objects.get().status == TaskStatus.DONE


def test_a_watcher_is_told_of_a_risk_change_and_marks_it_read(
    open_page: OpenPage, personas: Personas, totp_window: None
) -> None:
    watcher, colleague = open_page(), open_page()
    signed_in(watcher, personas.spoc)
    signed_in(colleague, personas.alice)
    case = alert_world(personas).case

    watcher.goto(case.get_absolute_url())
    watcher.get_by_role("button", name="Watch this record").click()
    expect(watcher.get_by_test_id("watching")).to_be_visible()
    check(watcher)

    colleague.goto(case.get_absolute_url())
    check(colleague)
    colleague.get_by_role("link", name="Set risk rating").click()
    expect(colleague.get_by_role("heading", level=1)).to_have_text("Set the risk rating")
    check(colleague)
    colleague.get_by_role("group", name="Risk rating").get_by_label("Red").check()
    colleague.get_by_label("Reason").fill("Threats to the neighbour's children")
    colleague.get_by_role("button", name="Save rating").click()
    expect(colleague.get_by_test_id("rag")).to_contain_text("Red")
    check(colleague)
    run_alerts()

    watcher.goto("/")
    expect(watcher.get_by_test_id("unread-count")).to_have_text("1 unread")
    check(watcher)
    watcher.get_by_test_id("notifications-link").click()
    title = f"Risk rating changed (Red) on {case.reference}"
    item = watcher.get_by_test_id("notification-list").get_by_role("listitem")
    expect(item).to_have_count(1)
    expect(item.get_by_role("link", name=title)).to_be_visible()
    expect(item.get_by_test_id("unread")).to_be_visible()
    expect(item.get_by_test_id("record-label")).to_contain_text(case.title)
    check(watcher)
    item.get_by_role("button", name=re.compile(rf"^Mark as read\W+{re.escape(title)}$")).click()

    expect(watcher.get_by_test_id("unread-count")).to_have_count(0)
    expect(item.get_by_test_id("unread")).to_have_count(0)
    expect(item.get_by_role("link", name=title)).to_be_visible()
    check(watcher)
    watcher.get_by_role("link", name="Unread").click()
    expect(watcher.get_by_test_id("notification-list")).to_have_text("You have no notifications.")
    check(watcher)


# --- The other pages reachable by a GET, each as the person who uses it ----------------------


def _settings(personas: Any) -> str:
    scene(personas)
    return "/casework/settings/"


def _enforcement_settings(personas: Any) -> str:
    scene(personas)
    return "/casework/settings/enforcement/"


def _case_review_settings(personas: Any) -> str:
    scene(personas)
    return "/casework/settings/case-review/"


def _case_reviews(personas: Any) -> str:
    world = scene(personas)
    today = timezone.localdate()
    for days_ago in (60, 30, 5):
        incident = today - timedelta(days=days_ago)
        complain(personas.alice, world.victim, incident, incident + timedelta(days=1))
    assert CaseReviewActivation.objects.count() == 1
    return "/casework/case-reviews/"


def _alert_rules(personas: Any) -> str:
    world = scene(personas)
    alert_rule_create(
        actor=personas.spoc,
        partnership=world.work.testshire,
        name="New ASB cases: council",
        event="case.created",
        scope=RuleScope.CASE_TYPE,
        case_type=world.work.case_type,
        target=RuleTarget.TEAM,
        team=world.work.council_asb,
    )
    return "/tasks/alert-rules/"


def _letter_templates(personas: Any) -> str:
    world = scene(personas)
    letter_templates_seed(world.work.testshire)
    return "/casework/letter-templates/"


def _letter_template(personas: Any) -> str:
    world = scene(personas)
    template = letter_templates_seed(world.work.testshire)[0]
    return str(template.get_absolute_url())


def _new_letter_template(personas: Any) -> str:
    scene(personas)
    return "/casework/letter-templates/new/"


def _preferences(personas: Any) -> str:
    return "/tasks/notifications/preferences/"


def _watches(personas: Any) -> str:
    world = scene(personas)
    viewer = policy.viewer_for_user(personas.spoc)
    watch_add(user=personas.spoc, viewer=viewer, record=world.case)
    watch_add(user=personas.spoc, viewer=viewer, record=world.adult)
    return "/tasks/watches/"


def _overdue_task(setter: Any, team: Any, **fields: Any) -> Task:
    """A task set a week ago, due three days ago: a due date in the past cannot be set today."""
    with time_machine.travel(timezone.now() - timedelta(days=7), tick=True):
        return a_task(setter, team, due_in=4, **fields)


def _manager(personas: Any) -> str:
    world = task_world(personas)
    a_task(personas.alice, world.asb, assignee_user=personas.alice, priority="urgent")
    _overdue_task(personas.spoc, world.asb, assignee_user=world.asb_colleague)
    a_task(personas.spoc, world.asb)
    return "/tasks/manage/"


def _leaver(personas: Any) -> str:
    world = task_world(personas)
    a_task(personas.spoc, world.asb, assignee_user=personas.alice)
    _overdue_task(personas.spoc, world.asb, assignee_user=personas.alice)
    return f"/tasks/leavers/{personas.alice.code}/"


PAGES: dict[str, Callable[[Any], str]] = {
    "casework settings": _settings,
    "enforcement settings": _enforcement_settings,
    "case review settings": _case_review_settings,
    "case reviews list": _case_reviews,
    "alert rules": _alert_rules,
    "letter templates": _letter_templates,
    "a letter template": _letter_template,
    "new letter template": _new_letter_template,
    "notification preferences": _preferences,
    "records watched": _watches,
    "manager's view": _manager,
    "leaver hand-over": _leaver,
}


@pytest.mark.parametrize("name", list(PAGES))
def test_the_other_casework_and_tasking_pages_are_accessible(
    page: Page, personas: Personas, totp_window: None, name: str
) -> None:
    # Sam Spokes manages the police ASB team and administers the organisation (the SPOC); made
    # a partnership admin too, one person reaches every page here.
    signed_in(page, personas.spoc)
    grant(personas.spoc, Capability.PARTNERSHIP_ADMIN)
    path = PAGES[name](personas)

    response = page.goto(path)
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    check(page)
