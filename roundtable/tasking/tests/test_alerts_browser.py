"""In a real browser: watch a case from its page, then read the notification in the centre, and
the alert rule form; axe-core finds no WCAG 2.2 A/AA violation on any of them (strict CSP on)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from roundtable.directory.tests.factories import TEST_PASSWORD, enrol_totp
from roundtable.tasking.tests.alert_helpers import alert_world, run_alerts, stage_event
from roundtable.testing.browser import assert_accessible, sign_in

if TYPE_CHECKING:
    from conftest import Personas

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_a_partner_watches_a_case_and_reads_the_notification(
    page: Page, personas: Personas, totp_window: None
) -> None:
    world = alert_world(personas)
    carol = personas.carol
    secret = enrol_totp(carol)
    sign_in(page, email=carol.email, password=TEST_PASSWORD, secret=secret)
    page.goto(world.case.get_absolute_url())
    page.get_by_role("button", name="Watch this record").click()
    expect(page.get_by_test_id("watching")).to_be_visible()
    assert_accessible(page)

    stage_event(world.case, personas.alice)
    run_alerts()
    page.goto("/tasks/notifications/")
    expect(page.get_by_test_id("unread-count")).to_have_text("1 unread")
    title = f"Case moved to another stage on {world.case.reference}"
    expect(page.get_by_role("link", name=title)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {world.case.reference}")
    expect(page.get_by_test_id("unread-count")).to_have_count(0)


def test_the_alert_rule_form_is_accessible_with_its_errors(
    page: Page, personas: Personas, totp_window: None
) -> None:
    world = alert_world(personas)
    secret = enrol_totp(world.admin)
    sign_in(page, email=world.admin.email, password=TEST_PASSWORD, secret=secret)
    page.goto("/tasks/alert-rules/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an alert rule")
    assert_accessible(page)
    page.get_by_role("button", name="Save alert rule").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
