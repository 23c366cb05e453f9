"""axe-core finds no WCAG 2.2 A/AA violations on the task pages, a form in error included, as a
team manager meets them in Debian's Chromium (strict CSP on)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from roundtable.directory.tests.factories import TEST_PASSWORD, enrol_totp
from roundtable.records.tests.case_helpers import open_case
from roundtable.tasking.services import tasks as services
from roundtable.tasking.tests.task_helpers import a_task, task_world
from roundtable.testing.browser import (  # noqa: F401  (pytest fixtures, used by name)
    assert_accessible,
    chromium,
    open_page,
    page,
    sign_in,
    totp_window,
)

if TYPE_CHECKING:
    from conftest import Personas

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_task_pages_are_accessible(
    page: Page,  # noqa: F811  (the imported fixture, requested by name)
    personas: Personas,
    totp_window: None,  # noqa: F811
) -> None:
    world = task_world(personas)
    case = open_case(personas.alice, world.asb, world.work.case_type)
    mine = a_task(personas.alice, world.asb, assignee_user=personas.spoc, record=case)
    services.task_comment_add(actor=personas.alice, task=mine, body="Called twice, no answer.")
    a_task(personas.alice, world.asb, priority="urgent")
    a_task(personas.alice, world.asb, assignee_user=personas.alice)
    secret = enrol_totp(personas.spoc)
    sign_in(page, email=personas.spoc.email, password=TEST_PASSWORD, secret=secret)

    for path in ("/tasks/", "/tasks/team/", "/tasks/team/?show=set", "/tasks/manage/"):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)

    page.goto(mine.get_absolute_url())
    expect(page.get_by_test_id("comment")).to_have_count(1)
    assert_accessible(page)

    page.goto("/tasks/new/")
    page.get_by_role("button", name="Set task").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)

    page.goto(f"/tasks/leavers/{personas.alice.code}/")
    expect(page.get_by_test_id("leaver-work")).to_be_visible()
    assert_accessible(page)
