"""The family view in Debian's Chromium with the strict CSP on: from a person's record to their
family, then opening a family case with chosen relatives. axe-core and the GOV.UK checks run on
every page. Every name is invented."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from roundtable.records.models import Case, CaseMember, MemberRole
from roundtable.records.tests.family_helpers import family
from roundtable.tests.browser.steps import check, signed_in

if TYPE_CHECKING:
    from conftest import Personas

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_a_practitioner_opens_a_family_case_from_a_persons_family_view(
    page: Page, personas: Personas, totp_window: None
) -> None:
    signed_in(page, personas.alice)
    world = family(personas)

    page.goto(world.centre.get_absolute_url())
    check(page)
    page.get_by_test_id("family-view-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Robin CENTREHAM's family")
    relatives = page.get_by_test_id("family-relatives")
    expect(relatives).to_contain_text("Sasha PARTNERTON")
    expect(relatives).to_contain_text("Partner's child")
    expect(relatives.locator(f'[data-code="{world.child.code}"]')).to_contain_text("Request access")
    expect(relatives).not_to_contain_text("HIDDENSIB")
    expect(relatives.locator(f'[data-code="{world.hidden_sibling.code}"]')).to_have_count(0)
    check(page)

    page.get_by_label("Sasha PARTNERTON (partner)").check()
    page.get_by_label("Casey CENTREHAM (child)").check()
    page.get_by_test_id("open-family-case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open a supporting families case")
    expect(page.get_by_test_id("family-case-people")).to_contain_text("Casey CENTREHAM (child)")
    check(page)

    page.get_by_role("button", name="Open case").click()  # no title yet
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a title")
    check(page)
    page.get_by_label("Title").fill("Centreham family: whole-family support")
    page.get_by_role("button", name="Open case").click()

    case = Case.objects.get(title="Centreham family: whole-family support")
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.reference)
    expect(page.locator("body")).to_contain_text(f"Family case {case.reference} opened.")
    check(page)
    assert set(CaseMember.objects.filter(case=case).values_list("profile_id", "role")) == {
        (world.centre.pk, MemberRole.SUBJECT),
        (world.partner.pk, MemberRole.FAMILY_MEMBER),
        (world.child.pk, MemberRole.FAMILY_MEMBER),
    }
