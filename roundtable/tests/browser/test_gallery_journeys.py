"""The Foreign Nationals journey of issue 5, in Debian's Chromium (strict CSP), with axe-core on
every page: a person is added to the seeded gallery, prison staff record a custody update on
the custody page, the Home Office team reads both alerts in its notification centre, then opens
the partnership's top 20. Every name and word is invented.

The IOM officer (a managing team) adds the person through the gallery's pages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from roundtable.galleries.models import GalleryMembership
from roundtable.galleries.tests.seed_helpers import seeded_world, shared
from roundtable.risk.tests.risk_helpers import person
from roundtable.tasking.tests.alert_helpers import run_alerts
from roundtable.testing.browser import OpenPage
from roundtable.tests.browser.steps import check, signed_in

if TYPE_CHECKING:
    from conftest import Personas

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
]

IOM = "Integrated Offender Management"
PRISON = "Offender Management Unit"
HOME_OFFICE = "Immigration Compliance and Enforcement"


def test_a_foreign_national_is_added_updated_from_custody_and_the_home_office_hears(
    open_page: OpenPage, personas: Personas, totp_window: None
) -> None:
    world = seeded_world(personas)
    prison, home_office, adder = open_page(), open_page(), open_page()
    officer = world.users[IOM]
    signed_in(adder, officer)
    signed_in(prison, world.users[PRISON])
    signed_in(home_office, world.users[HOME_OFFICE])

    someone = person(officer, "Ilan", "Abroad")
    shared(world, officer, someone, world.teams[PRISON], ["identity", "diary", "offending"])
    shared(world, officer, someone, world.teams[HOME_OFFICE], ["identity", "diary", "offending"])
    # The IOM officer (a managing team of Foreign Nationals) adds them through the pages.
    adder.goto(world.foreign.get_absolute_url())
    adder.get_by_role("link", name="Add someone").click()
    expect(adder.get_by_role("heading", level=1)).to_have_text("Add someone to the gallery")
    check(adder)
    adder.locator("#id_q").fill("Abroad")
    adder.get_by_role("button", name="Search").click()
    adder.get_by_test_id("found-people").get_by_role("link").first.click()
    check(adder)
    for index, value in enumerate((5, 1, 2026)):
        adder.locator(f"#id_added_on_{index}").fill(str(value))
    adder.get_by_label("Why are they being added?").fill(
        "Convicted of burglary; not a British citizen."
    )
    adder.get_by_label("In custody", exact=True).check()
    adder.locator("#id_field_nationality").select_option("AL")
    adder.locator("#id_field_home_office_reference").fill("HO/TEST/77")
    adder.locator("form button[type=submit]").last.click()
    expect(adder.get_by_role("heading", level=1)).to_have_text("Ilan ABROAD")
    check(adder)
    spell = GalleryMembership.objects.get(gallery=world.foreign, profile=someone)
    assert spell.status == "In custody" and spell.reason_added.startswith("Convicted")

    prison.goto(f"/galleries/members/{spell.code}/custody/")
    expect(prison.get_by_role("heading", level=1)).to_have_text("Record a custody update")
    expect(prison.get_by_test_id("country-guidance")).to_contain_text("Albania")
    check(prison)
    prison.get_by_role("button", name="Save custody update").click()  # nothing filled in
    expect(prison.locator(".govuk-error-summary")).to_contain_text("Choose the custody status")
    check(prison)
    today = timezone.localdate()
    prison.get_by_label("Sentenced", exact=True).check()
    prison.get_by_label("Establishment", exact=True).fill("HMP Testmoor")
    for index, value in enumerate((today.day, today.month, today.year)):
        prison.locator(f"#id_on_{index}").fill(str(value))
    for index, value in enumerate((1, 6, today.year + 1)):
        prison.locator(f"#id_expected_release_{index}").fill(str(value))
    prison.get_by_label("Note (optional)").fill("Settled on the wing; no adjudications.")
    prison.get_by_role("button", name="Save custody update").click()
    expect(prison.get_by_text("Custody update recorded.")).to_be_visible()
    expect(prison.get_by_test_id("custody-current")).to_contain_text("Sentenced")
    check(prison)
    run_alerts()

    home_office.goto("/")
    expect(home_office.get_by_test_id("unread-count")).to_have_text("2 unread")
    home_office.get_by_test_id("notifications-link").click()
    items = home_office.get_by_test_id("notification-list").get_by_role("listitem")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text("New diary entry (Custody update)")
    expect(items.nth(1)).to_contain_text("Added to a gallery (Foreign nationals)")
    check(home_office)

    # The Home Office team is national, not in the partnership: its top 20 is the gallery's.
    home_office.goto(world.foreign.get_absolute_url())
    home_office.get_by_test_id("top20-link").click()
    expect(home_office.get_by_role("heading", level=1)).to_contain_text("top 20 by harm")
    check(home_office)
