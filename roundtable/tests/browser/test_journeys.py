"""The main journeys, as a person takes them in a real Chromium: sign in, switch team, sign out."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Page, expect

from roundtable.directory.tests.factories import (
    TEST_PASSWORD,
    MembershipFactory,
    TeamFactory,
    enrol_totp,
)
from roundtable.testing.browser import enter_totp_code, sign_in_with_password, totp_code

if TYPE_CHECKING:
    from conftest import Personas

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

BASE32_SECRET = re.compile(r"\b[A-Z2-7]{16,}\b")


def test_practitioner_signs_in_with_a_code_switches_team_and_signs_out(
    page: Page, personas: Personas, live_server: Any, totp_window: None
) -> None:
    alice = personas.alice
    night_time = TeamFactory(organisation=alice.organisation, name="Night-time Economy Team")
    MembershipFactory(user=alice, team=night_time)
    secret = enrol_totp(alice)

    sign_in_with_password(page, email=alice.email, password=TEST_PASSWORD)
    enter_totp_code(page, secret=secret)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    expect(page.get_by_test_id("acting-team")).to_contain_text("ASB Team")

    page.get_by_test_id("acting-team").click()
    expect(page).to_have_url(re.compile(r"/directory/switch-team/$"))
    page.get_by_label("Night-time Economy Team").check()
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_test_id("acting-team")).to_contain_text("Night-time Economy Team")

    page.get_by_test_id("sign-out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_test_id("sign-out")).to_have_count(0)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_wrong_code_keeps_the_user_on_the_code_page_with_an_error(
    page: Page, personas: Personas, totp_window: None
) -> None:
    secret = enrol_totp(personas.alice)
    wrong = f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"

    sign_in_with_password(page, email=personas.alice.email, password=TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.locator("input[name=code]").fill(wrong)
    page.locator("main form button[type=submit]").first.click()

    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.get_by_test_id("sign-out")).to_have_count(0)


def _shown_secret(page: Page) -> str:
    """The authenticator secret as the enrolment page shows it, in text or a read-only field."""
    values = page.locator("main input").evaluate_all("(inputs) => inputs.map((i) => i.value)")
    for text in [page.locator("main").inner_text(), *values]:
        found = BASE32_SECRET.search(text.replace(" ", ""))
        if found:
            return found.group(0)
    raise AssertionError("The enrolment page does not show the authenticator secret")


def test_first_sign_in_enrols_an_authenticator_and_reaches_home(
    page: Page, personas: Personas, live_server: Any, totp_window: None
) -> None:
    from allauth.mfa.models import Authenticator

    carol = personas.carol

    sign_in_with_password(page, email=carol.email, password=TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    page.goto("/")  # the home page is out of reach until an authenticator is enrolled
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))

    secret = _shown_secret(page)
    page.locator("input[name=code]").fill(totp_code(secret))
    page.locator("main form button[type=submit]").first.click()

    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    page.goto("/")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    assert Authenticator.objects.filter(user=carol, type=Authenticator.Type.TOTP).count() == 1
