"""In a real browser: GOV.UK's conditional reveal works under the strict CSP, and axe finds no
WCAG 2.2 A/AA problem on the case form, its error page, or a form's administration page."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from roundtable.customforms.services import form_draft_update, form_version_publish
from roundtable.customforms.tests.helpers import make_admin
from roundtable.directory.tests.factories import TEST_PASSWORD, enrol_totp
from roundtable.records.tests.case_helpers import casework
from roundtable.testing.browser import assert_accessible, sign_in

if TYPE_CHECKING:
    from conftest import Personas

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
QUESTIONS = {
    "fields": [
        {"key": "incident_count", "label": "Number of incidents", "type": "number"},
        {"key": "first_report", "label": "First reported", "type": "date"},
        {"key": "weapon", "label": "Was a weapon used", "type": "yes_no"},
        {
            "key": "weapon_detail",
            "label": "Describe the weapon",
            "type": "text",
            "required": True,
            "show_when": {"field": "weapon", "equals": True},
        },
        {"key": "nationality", "label": "Nationality", "type": "country"},
        {"key": "home", "label": "Home address", "type": "address"},
        {
            "key": "places",
            "label": "Where it happens",
            "type": "multi_choice",
            "choices": ["Home", "Street"],
            "section": "risk",
        },
    ]
}


def test_a_case_form_reveals_its_conditional_question_and_is_accessible(
    page: Page, personas: Personas, totp_window: None
) -> None:
    work = casework(personas)
    definition = work.case_type.form
    assert definition is not None
    form_draft_update(
        actor=None, definition=definition, schema=QUESTIONS, expected_version=definition.version
    )
    definition.refresh_from_db()
    form_version_publish(actor=None, definition=definition, expected_version=definition.version)
    secret = enrol_totp(personas.alice)
    sign_in(page, email=personas.alice.email, password=TEST_PASSWORD, secret=secret)

    page.goto(f"/records/cases/new/{work.case_type.code}/")
    detail = page.get_by_label("Describe the weapon")
    expect(detail).to_be_hidden()
    page.get_by_role("radio", name="Yes").check()
    expect(detail).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Title").fill("Threats with a weapon")
    page.get_by_role("button", name="Open case").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter Describe the weapon.")
    expect(page.get_by_label("Describe the weapon")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Describe the weapon").fill("A bat")
    page.get_by_role("button", name="Open case").click()
    expect(page).to_have_url(re.compile(r"/records/cases/[0-9a-f-]+/$"))
    expect(page.get_by_test_id("type-answers")).to_contain_text("A bat")
    assert_accessible(page)


def test_a_forms_administration_page_is_accessible(
    page: Page, personas: Personas, totp_window: None
) -> None:
    work = casework(personas)
    admin = make_admin(personas.spoc)
    secret = enrol_totp(admin)
    sign_in(page, email=admin.email, password=TEST_PASSWORD, secret=secret)
    assert work.case_type.form is not None
    page.goto(work.case_type.form.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Anti-social behaviour")
    assert_accessible(page)
