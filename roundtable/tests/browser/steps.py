"""Steps the casework and tasking journeys share: sign a persona in, and check a page.

``check(page)`` is what every journey runs on every page it visits: axe-core's WCAG 2.2 A/AA
rules, plus three things axe leaves out or only marks "needs review":

- each GOV.UK error summary link leads to the field it is about (the first box of a date, the
  first radio or checkbox of a group), so that following it puts the cursor there;
- every hint and error message of a form field is named by that field's (or its fieldset's)
  ``aria-describedby``, and every id an ``aria-describedby`` or ``aria-labelledby`` names is on
  the page, so a hint or an error is read out with its field (WCAG 1.3.1, 3.3.1);
- no id is used twice (WCAG 4.1.1 as it was; a repeated id breaks those references).
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from roundtable.directory.tests.factories import TEST_PASSWORD, enrol_totp
from roundtable.testing.browser import assert_accessible, sign_in

FOCUSABLE_FIELDS = ("INPUT", "SELECT", "TEXTAREA")


def signed_in(page: Page, user: Any) -> None:
    """Sign ``user`` in on ``page`` through the real pages: password, then a TOTP code.

    Journeys sign everyone in first and build their records afterwards, so that every code is
    computed early in the 30-second window ``totp_window`` starts the test in: a code computed
    in a window's last instant would be refused a moment later (allauth allows no drift).
    """
    secret = enrol_totp(user)
    sign_in(page, email=user.email, password=TEST_PASSWORD, secret=secret)


def error_summary_problems(page: Page) -> list[str]:
    """Each error summary link that does not lead to a visible field on the page."""
    found: list[dict[str, str]] = page.evaluate(
        """() => Array.from(document.querySelectorAll('.govuk-error-summary__list a'), (a) => {
            const href = a.getAttribute('href') || '';
            const target = href.startsWith('#') && href.length > 1
                ? document.getElementById(href.slice(1)) : null;
            const type = target ? (target.getAttribute('type') || '') : '';
            return {text: a.textContent.trim(), href: href,
                    tag: target ? target.tagName : '', type: type};
        })"""
    )
    return [
        f"'{link['text']}' links to {link['href']!r}, "
        + (f"a {link['tag'].lower()}" if link["tag"] else "which is not on the page")
        for link in found
        if link["tag"] not in FOCUSABLE_FIELDS or link["type"] == "hidden"
    ]


def reference_problems(page: Page) -> list[str]:
    """ARIA references to ids that are not on the page, and ids used more than once."""
    problems: list[str] = page.evaluate(
        """() => {
            const problems = [];
            const referring = '[aria-describedby], [aria-labelledby]';
            for (const element of document.querySelectorAll(referring)) {
                for (const name of ['aria-describedby', 'aria-labelledby']) {
                    for (const id of (element.getAttribute(name) || '').split(/\\s+/)) {
                        if (id && !document.getElementById(id)) {
                            problems.push(`${name}="${id}" on <${element.tagName.toLowerCase()} `
                                + `id="${element.id}">: no element has that id`);
                        }
                    }
                }
            }
            const described = new Set();
            for (const element of document.querySelectorAll('[aria-describedby]')) {
                for (const id of element.getAttribute('aria-describedby').split(/\\s+/)) {
                    described.add(id);
                }
            }
            const notes = '.govuk-form-group .govuk-hint, .govuk-form-group .govuk-error-message';
            for (const note of document.querySelectorAll(notes)) {
                if (!note.id || !described.has(note.id)) {
                    problems.push(`"${note.textContent.trim()}" (${note.className}) is not `
                        + 'named by the aria-describedby of the field it is about');
                }
            }
            const counts = {};
            for (const element of document.querySelectorAll('[id]')) {
                counts[element.id] = (counts[element.id] || 0) + 1;
            }
            for (const [id, count] of Object.entries(counts)) {
                if (count > 1) problems.push(`id="${id}" is used ${count} times`);
            }
            return problems;
        }"""
    )
    return problems


def check(page: Page) -> None:
    """axe-core finds nothing, every error summary link goes to its field, every ARIA reference
    resolves and no id is repeated."""
    assert_accessible(page)
    problems = error_summary_problems(page) + reference_problems(page)
    if problems:
        pytest.fail(
            f"Accessibility problems on {page.url}:\n- " + "\n- ".join(problems),
            pytrace=False,
        )
