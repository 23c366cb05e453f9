"""Casework as a practitioner does it all day, in Debian's Chromium with the strict CSP on.

Each journey goes through the real pages (sign-in with a TOTP code included), ends with what the
page shows, and runs axe-core (WCAG 2.2 A/AA) on every page it visits, forms in error included.
Every name and word is invented.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone
from playwright.sync_api import FilePayload, Page, expect

from roundtable.casework.models import DiaryEntry, DiaryEntryType, DocumentVersion
from roundtable.casework.tests.diary_helpers import diary_world
from roundtable.casework.tests.document_helpers import (  # documents_dir: a fixture, by name
    case_world,
    documents_dir,  # noqa: F401
    pdf_bytes,
)
from roundtable.casework.tests.enforcement_helpers import scene
from roundtable.casework.tests.letter_helpers import letter_world, pdf_text
from roundtable.casework.tests.panel_helpers import COUNCIL_TITLE, POLICE_TITLE, meeting_url, panel
from roundtable.testing.browser import OpenPage
from roundtable.tests.browser.steps import check, signed_in

if TYPE_CHECKING:
    from conftest import Personas

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _yesterday() -> date:
    return timezone.localdate() - timedelta(days=1)


def _pdf(name: str, data: bytes) -> FilePayload:
    """A file as the browser's file chooser would send it, made in the test."""
    return FilePayload(name=name, mimeType="application/pdf", buffer=data)


def test_a_practitioner_records_a_diary_entry_sees_it_on_the_timeline_and_corrects_it(
    page: Page, personas: Personas, totp_window: None
) -> None:
    signed_in(page, personas.alice)
    case = diary_world(personas).case

    page.goto(case.get_absolute_url())
    check(page)
    page.get_by_test_id("casework-links").get_by_role("link", name="Diary").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Diary")
    expect(page.get_by_test_id("no-entries")).to_be_visible()
    check(page)

    page.get_by_test_id("add-entry").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a diary entry")
    check(page)
    page.get_by_label("Day").fill("")
    page.get_by_role("button", name="Save entry").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose what kind of entry")
    check(page)

    day = _yesterday()
    page.get_by_role("group", name="What kind of entry is it?").get_by_label("Home visit").check()
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Time it happened").fill("14:30")
    page.get_by_label("What happened").fill(
        "Visited Test Street; the tenant says the noise stopped."
    )
    page.get_by_role("button", name="Save entry").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Diary")
    expect(page.get_by_test_id("entry-count")).to_have_text("1 entry you can see")
    entry = page.get_by_test_id("diary-entry")
    expect(entry.get_by_role("heading", level=2)).to_contain_text("Home visit")
    expect(entry.get_by_test_id("entry-body")).to_have_text(
        "Visited Test Street; the tenant says the noise stopped."
    )
    expect(entry).to_contain_text(day.strftime("%-d %B %Y") + ", 14:30")
    check(page)

    page.get_by_role("link", name="Case timeline").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Case timeline")
    timeline = page.get_by_test_id("timeline")
    expect(timeline.locator("[data-kind=diary]")).to_contain_text("the tenant says the noise")
    expect(timeline.locator("[data-kind=diary]")).to_contain_text("Home visit")
    check(page)

    page.get_by_role("link", name="Case diary").click()
    page.get_by_role("link", name=re.compile(r"^Open this entry")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Home visit")
    check(page)
    page.get_by_test_id("correct").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Correct this entry")
    check(page)
    page.get_by_label("What happened").fill(
        "Visited Test Street; the tenant says the noise goes on."
    )
    page.get_by_role("button", name="Save correction").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Give a reason for the correction")
    check(page)
    page.get_by_label("Why are you correcting it?").fill("I wrote the opposite of what was said.")
    page.get_by_role("button", name="Save correction").click()

    expect(page.get_by_test_id("corrected")).to_have_text("Corrected")
    expect(page.get_by_test_id("entry-body")).to_have_text(
        "Visited Test Street; the tenant says the noise goes on."
    )
    revision = page.get_by_test_id("revision")
    expect(revision).to_have_count(1)
    expect(revision).to_contain_text("the tenant says the noise stopped.")
    expect(revision).to_contain_text("I wrote the opposite of what was said.")
    expect(revision).to_contain_text("Alice")
    check(page)
    assert DiaryEntry.objects.get().entry_type == DiaryEntryType.HOME_VISIT


def test_a_practitioner_uploads_a_document_downloads_it_and_adds_a_second_version(
    page: Page,
    personas: Personas,
    totp_window: None,
    documents_dir: Path,  # noqa: F811
) -> None:
    signed_in(page, personas.alice)
    _work, case = case_world(personas)
    first, second = pdf_bytes("Home visit notes, version one"), pdf_bytes("Version two")

    page.goto(case.get_absolute_url())
    check(page)
    page.get_by_test_id("documents-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Documents")
    check(page)
    page.get_by_role("link", name="Add a document", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a document")
    check(page)
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a file")
    check(page)

    page.get_by_label("Title").fill("Home visit notes")
    page.get_by_label("Choose the file").set_input_files(_pdf("visit notes.pdf", first))
    page.get_by_role("button", name="Upload").click()

    expect(page.get_by_test_id("document-title")).to_have_text("Home visit notes")
    versions = page.get_by_test_id("versions").locator("tbody tr")
    expect(versions).to_have_count(1)
    check(page)
    page.get_by_role("link", name="Back to the documents").click()
    row = page.get_by_test_id("documents").locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Home visit notes")
    expect(row).to_contain_text("PDF")
    check(page)

    row.get_by_role("link", name="Home visit notes").click()
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download version 1").click()
    download = downloading.value
    assert Path(download.path()).read_bytes() == first
    assert download.suggested_filename.endswith(".pdf")

    page.get_by_role("link", name="Upload a new version").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload a new version")
    check(page)
    page.get_by_label("Choose the file").set_input_files(_pdf("visit notes v2.pdf", second))
    page.get_by_role("button", name="Upload").click()

    expect(page.get_by_test_id("versions").locator("tbody tr")).to_have_count(2)
    expect(page.get_by_test_id("versions").locator("tbody tr").first).to_contain_text("Latest")
    check(page)
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download version 2").click()
    assert Path(downloading.value.path()).read_bytes() == second
    assert DocumentVersion.objects.count() == 2


def test_a_practitioner_generates_a_letter_for_a_case_member_and_records_it_served(
    page: Page,
    personas: Personas,
    totp_window: None,
    documents_dir: Path,  # noqa: F811
) -> None:
    signed_in(page, personas.alice)
    world = letter_world(personas)

    page.goto(world.case.get_absolute_url())
    check(page)
    page.get_by_test_id("documents-link").click()
    page.get_by_role("link", name="Generate a letter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Generate a letter")
    check(page)
    page.get_by_role("button", name="Generate letter").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose a letter")
    check(page)

    letters = page.get_by_role("group", name="Letter")
    letters.get_by_label(re.compile(r"^Community protection warning")).check()
    page.get_by_role("group", name="Person").get_by_label(re.compile("Wrenna")).check()
    page.get_by_role("button", name="Generate letter").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Community protection warning")
    expect(page.get_by_test_id("letter-status")).to_have_text("Generated, not yet served")
    expect(page.get_by_test_id("letter")).to_contain_text("Wrenna")
    check(page)
    with page.expect_download() as downloading:
        page.get_by_role("link", name=re.compile(r"^Download the letter")).click()
    text = pdf_text(Path(downloading.value.path()).read_bytes())
    assert "Wrenna" in text and world.case.reference in text

    page.get_by_role("link", name="Record that it was served").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record that the letter was served")
    check(page)
    served = timezone.localtime()  # not before the letter was generated, not in the future
    page.get_by_label("Date served").fill(served.strftime("%d/%m/%Y"))
    page.get_by_label("Time served").fill(served.strftime("%H:%M"))
    page.get_by_role("group", name="How was it served?").get_by_label(
        "Handed to the person"
    ).check()
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_test_id("letter-status")).to_have_text("Served")
    expect(page.get_by_test_id("letter")).to_contain_text(
        served.strftime("%-d %B %Y %H:%M") + ": Handed to the person"
    )
    check(page)
    page.get_by_role("link", name="Back to the case's documents").click()
    expect(page.get_by_test_id("letters").locator("tbody tr")).to_contain_text("Served")
    check(page)


def test_an_asb_officer_records_a_community_protection_warning_serves_it_and_sees_the_ladder(
    page: Page, personas: Personas, totp_window: None
) -> None:
    signed_in(page, personas.alice)
    world = scene(personas)
    today = timezone.localdate()

    page.goto(world.case.get_absolute_url())
    expect(page.get_by_test_id("enforcement-summary")).to_contain_text("No enforcement action")
    check(page)
    page.get_by_role("link", name="Enforcement and escalation ladder").click()
    expect(page.get_by_test_id("no-actions")).to_be_visible()
    check(page)
    page.get_by_role("link", name="Add an enforcement action").click()
    check(page)
    page.get_by_label("Community protection warning").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a community protection warning")
    check(page)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the person or premises")
    check(page)

    page.get_by_role("group", name="Who or what is it about?").get_by_label(
        "Robin NUISANCE (Perpetrator)"
    ).check()
    page.get_by_label("The problem").fill("Loud music from the flat every night")
    page.get_by_label("The change required").fill("No amplified music after 11pm")
    page.get_by_label("Deadline for the change").fill(
        (today + timedelta(days=14)).strftime("%d/%m/%Y")
    )
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Community protection warning")
    expect(page.locator("h1 [data-status]")).to_have_text("Proposed")
    expect(page.get_by_test_id("target")).to_have_text("Robin NUISANCE")
    check(page)
    page.get_by_role("link", name="Record that it was served").click()
    expect(page.get_by_label("Date served")).to_be_visible()  # the new page, before axe runs
    check(page)
    page.get_by_label("Date served").fill(today.strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Save").click()

    expect(page.locator("h1 [data-status]")).to_have_text("Served, in force")
    expect(page.get_by_test_id("expires")).not_to_have_text("No end date")
    check(page)
    page.get_by_role("link", name="Back to the ladder").click()
    target = page.get_by_test_id("ladder-target")
    expect(target.get_by_role("heading", level=2)).to_have_text("Robin NUISANCE")
    cpw = (
        target.get_by_test_id("steps")
        .get_by_role("listitem")
        .filter(has_text="Community protection warning")
    )
    expect(cpw).to_have_attribute("data-step-state", "in_force")
    expect(cpw).to_contain_text("In force")
    expect(target.get_by_test_id("next-step")).to_contain_text(
        "Keep the community protection warning under review"
    )
    expect(target.get_by_test_id("next-step")).to_contain_text("community protection notice")
    expect(target.get_by_test_id("actions").locator("tbody tr")).to_contain_text("Served")
    check(page)


def test_the_chair_and_an_attendee_see_the_panel_agenda_each_as_far_as_they_may(
    open_page: OpenPage, personas: Personas, totp_window: None
) -> None:
    chair, attendee = open_page(), open_page()
    signed_in(chair, personas.alice)
    signed_in(attendee, personas.carol)
    world = panel(personas)

    chair.goto(world.case.get_absolute_url())
    check(chair)
    chair.get_by_test_id("panel-meeting-link").get_by_role("link").click()
    items = chair.get_by_test_id("item-label")
    expect(items).to_have_count(4)
    expect(items.nth(0)).to_contain_text(f"Item 1: {world.police_case.reference}, {POLICE_TITLE}")
    expect(items.nth(1)).to_have_text(
        "Item 2: a case you cannot see (owned by Testshire District Council)"
    )
    expect(items.nth(2)).to_contain_text(world.hidden_case.reference)
    expect(items.nth(3)).to_have_text("Item 4: Rowan AGENDASON")
    carol_row = chair.locator(f"[data-readiness='{personas.carol.pk}']")
    expect(carol_row.get_by_test_id("sees-meeting")).to_have_text("Can see it")
    expect(carol_row.get_by_test_id("cannot-see")).to_have_text("3, 4")
    check(chair)

    attendee.goto(meeting_url(world.meeting))
    expect(attendee.get_by_test_id("meeting-title")).to_be_visible()
    items = attendee.get_by_test_id("item-label")
    expect(items).to_have_count(4)
    expect(items.nth(0)).to_contain_text(POLICE_TITLE)
    expect(items.nth(1)).to_contain_text(COUNCIL_TITLE)
    expect(items.nth(2)).to_have_text("Item 3: withheld")
    expect(items.nth(3)).to_have_text(
        "Item 4: a person whose record you cannot see (owned by Testshire Police)"
    )
    expect(attendee.get_by_test_id("readiness")).to_have_count(0)
    expect(attendee.get_by_test_id("meeting-notes-withheld")).to_be_visible()
    expect(
        attendee.locator("[data-agenda-item='1']").get_by_test_id("item-notes-withheld")
    ).to_be_visible()
    expect(attendee.get_by_test_id("agenda")).not_to_contain_text(world.hidden_case.reference)
    check(attendee)
