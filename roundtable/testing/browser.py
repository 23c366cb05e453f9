"""Browser-test fixtures: Debian's Chromium driven by Playwright, sign-in steps and axe-core checks.

One Chromium per test session (started on first use), a fresh browser context (cookies, storage)
per test, pages served by pytest-django's ``live_server``. Every page opened here fails its test on
a Content-Security-Policy violation or an uncaught script error, because the app's strict nonce CSP
would otherwise break pages silently. Playwright's own browser download is never used: CI and
developers have no route to it, so ``make chromium`` installs Debian's package instead.

This module must never skip a test because Chromium is missing: a missing browser fails loudly.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import pyotp
import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from playwright.sync_api import Browser, ConsoleMessage, Error, Page, expect, sync_playwright

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
AXE_SOURCE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Long enough for a cold Argon2 hash on a busy 2-core CI machine, short enough to fail fast.
TIMEOUT_MS = 15_000


def chromium_executable() -> str:
    """Debian's Chromium: CHROMIUM_PATH when set, else the one on PATH."""
    candidate = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(candidate).exists():
        pytest.fail(
            "Debian's chromium is not installed, so the browser tests cannot run. "
            "Install it with `make chromium` (apt-get install chromium).",
            pytrace=False,
        )
    return candidate


# The one Playwright and Chromium of this process. Kept at module level (not in the fixture) so a
# test module that imports the ``chromium`` fixture, making a second fixture of the same name,
# shares this browser instead of starting Playwright twice, which its sync API refuses.
_running: dict[str, Any] = {}


def _launch() -> Browser:
    if "browser" not in _running:
        # Playwright's sync API keeps an asyncio loop running on this thread between calls, so
        # Django's async-safety guard would refuse every ORM call a test makes afterwards. The
        # tests are synchronous code that only shares a thread with that loop: the guard is off.
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        executable = chromium_executable()
        playwright = sync_playwright().start()
        _running["playwright"] = playwright
        # Playwright gives each launch a fresh, throwaway user-data directory.
        _running["browser"] = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, timeout=60_000
        )
    browser: Browser = _running["browser"]
    return browser


def _stop() -> None:
    browser = _running.pop("browser", None)
    playwright = _running.pop("playwright", None)
    if browser is not None:
        browser.close()
    if playwright is not None:
        playwright.stop()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """One headless Chromium for the whole session (per xdist worker that runs browser tests)."""
    yield _launch()
    _stop()


class OpenPage(Protocol):
    def __call__(self) -> Page: ...


def _watch_for_errors(page: Page, errors: list[str]) -> None:
    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and re.search(r"Content.Security.Policy", message.text, re.I):
            errors.append(f"CSP violation on {page.url}: {message.text}")

    def on_page_error(error: Error) -> None:
        errors.append(f"Script error on {page.url}: {error.message}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)


@pytest.fixture
def browser_errors() -> list[str]:
    """CSP violations and script errors seen so far; a test may drop a known one, saying why."""
    return []


@pytest.fixture
def open_page(chromium: Browser, live_server: Any, browser_errors: list[str]) -> Iterator[OpenPage]:
    """``open_page()``: a page in a new browser context whose relative URLs go to the live server.

    The context is closed after the test; a CSP violation or script error on any page fails it.
    """
    cache.clear()  # used TOTP codes and rate limits live in the cache; start each journey clean
    contexts = []
    errors = browser_errors

    def _open() -> Page:
        context = chromium.new_context(base_url=live_server.url, locale="en-GB")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        _watch_for_errors(page, errors)
        return page

    yield _open
    for context in contexts:
        context.close()
    if errors:
        pytest.fail("\n".join(errors), pytrace=False)


@pytest.fixture
def page(open_page: OpenPage) -> Page:
    """A single page in a fresh browser context: the usual starting point of a browser test."""
    return open_page()


@pytest.fixture
def totp_window() -> Iterator[None]:
    """Start the test at the beginning of a 30-second TOTP window, with the clock still running.

    A code computed in the last second of a window is refused a moment later by the server (no
    drift tolerance is configured), which would make sign-in journeys flaky. The live server runs
    in this process, so moving the clock here moves the server's clock too.
    """
    period = 30
    now = datetime.now(tz=UTC).timestamp()
    next_window = (int(now) // period + 1) * period
    with time_machine.travel(datetime.fromtimestamp(next_window + 0.2, tz=UTC), tick=True):
        yield


def totp_code(secret: str) -> str:
    """The current one-time code for an authenticator secret, as the user's phone would show it."""
    return str(pyotp.TOTP(secret).now())


def sign_in_with_password(page: Page, *, email: str, password: str) -> None:
    """Fill in and send allauth's sign-in form (fields ``login`` and ``password``)."""
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name=re.compile(r"^sign in$", re.I)).click()


def enter_totp_code(page: Page, *, secret: str) -> None:
    """Answer the MFA code page (allauth's ``/accounts/2fa/authenticate/``, field ``code``)."""
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.locator("input[name=code]").fill(totp_code(secret))
    page.get_by_role("button", name=re.compile(r"^(continue|sign in|verify)$", re.I)).click()


def sign_in(page: Page, *, email: str, password: str, secret: str) -> None:
    """The whole sign-in: password, then the authenticator's code; ends on the home page."""
    sign_in_with_password(page, email=email, password=password)
    enter_totp_code(page, secret=secret)
    expect(page).to_have_url(re.compile(r"/$"))


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core against the page as it stands and return its WCAG 2.2 A/AA violations.

    axe is evaluated through the DevTools protocol, which the page's CSP does not govern, so the
    page is checked exactly as users get it (CSP enforced) instead of in a CSP-bypassing context.
    A step that has just clicked a link should first expect something of the new page; waiting
    for its load here also keeps axe from starting while the old page is torn down.
    """
    page.wait_for_load_state("load")
    page.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
    result: dict[str, Any] = page.evaluate(
        """async (tags) => await axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        WCAG_TAGS,
    )
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """One readable block per violation: rule id, impact, help text and the offending elements."""
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation['help']} "
            f"[{violation.get('helpUrl', '')}]"
        )
        for node in violation["nodes"]:
            summary = " ".join(str(node.get("failureSummary", "")).split())
            lines.append(f"    at {node['target']}: {summary}")
    return "\n".join(lines)


# The forms engine's inputs (``id_field_<key>``, ``-<n>`` for a choice) that reveal a question.
REVEALING_INPUT = re.compile(r"^#id_field_[a-z0-9_]+(-\d+)?$")


def govuk_reveal_known_issue(node: dict[str, Any]) -> bool:
    """GOV.UK Frontend's own script puts aria-expanded on a radio or checkbox that reveals a
    question. axe calls that invalid ARIA; GOV.UK keeps it on purpose, because screen readers
    announce it (alphagov/govuk-frontend#979, a documented known issue). Only that is excused,
    and only on the forms engine's revealing inputs."""
    summary = str(node.get("failureSummary", ""))
    targets = [str(target) for target in node.get("target", [])]
    return (
        "aria-expanded" in summary
        and summary.count("ARIA attribute is not allowed") == 1
        and all(REVEALING_INPUT.match(target) for target in targets)
    )


def assert_accessible(page: Page) -> None:
    """Fail with each violation's id, help and target selectors when axe finds any (beyond
    GOV.UK's documented conditional-reveal one, ``govuk_reveal_known_issue``)."""
    violations = []
    for violation in axe_violations(page):
        nodes = violation["nodes"]
        if violation["id"] == "aria-allowed-attr":
            nodes = [node for node in nodes if not govuk_reveal_known_issue(node)]
        if nodes:
            violations.append({**violation, "nodes": nodes})
    if violations:
        pytest.fail(
            f"axe-core found {len(violations)} WCAG 2.2 A/AA violation(s) on {page.url}:\n"
            + describe_violations(violations),
            pytrace=False,
        )


__all__ = [
    "CHROMIUM_ARGS",
    "WCAG_TAGS",
    "OpenPage",
    "assert_accessible",
    "axe_violations",
    "browser_errors",
    "chromium",
    "enter_totp_code",
    "open_page",
    "page",
    "sign_in",
    "sign_in_with_password",
    "totp_code",
    "totp_window",
]
