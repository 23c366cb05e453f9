"""axe-core finds no WCAG 2.2 A/AA violations on the organisation admin's pages, forms in error
included, as a SPOC meets them in Debian's Chromium (strict CSP on)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from roundtable.directory.tests.factories import TEST_PASSWORD, enrol_totp
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


def test_spoc_user_team_and_form_pages_are_accessible(
    page: Page,  # noqa: F811  (the imported fixture, requested by name)
    personas: Personas,
    totp_window: None,  # noqa: F811
) -> None:
    secret = enrol_totp(personas.spoc)
    sign_in(page, email=personas.spoc.email, password=TEST_PASSWORD, secret=secret)
    organisation = personas.alice.organisation
    assert organisation is not None

    page.goto(f"/directory/users/{personas.alice.code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Alice Ashdown")
    assert_accessible(page)

    page.goto(f"/directory/organisations/{organisation.code}/teams/")
    assert_accessible(page)
    page.get_by_test_id("team-list").get_by_role("link", name="ASB Team").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ASB Team")
    assert_accessible(page)

    page.goto(f"/directory/organisations/{organisation.code}/invite/")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)

    page.goto(f"/directory/users/{personas.alice.code}/capabilities/")
    assert_accessible(page)


def test_conflict_page_is_accessible(
    page: Page,  # noqa: F811  (the imported fixture, requested by name)
    personas: Personas,
    totp_window: None,  # noqa: F811
) -> None:
    secret = enrol_totp(personas.spoc)
    sign_in(page, email=personas.spoc.email, password=TEST_PASSWORD, secret=secret)
    page.goto(f"/directory/users/{personas.alice.code}/edit/")
    personas.alice.full_name = "Alice Changed Elsewhere"
    personas.alice.version = 1
    personas.alice.save(update_fields=["full_name", "version"])

    page.get_by_role("button", name="Save details").click()

    expect(page.locator("[data-testid=conflict-current-values]")).to_contain_text(
        re.compile("Alice Changed Elsewhere")
    )
    assert_accessible(page)
