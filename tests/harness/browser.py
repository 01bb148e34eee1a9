"""Headless system Chromium for the browser tests: one per session, a fresh context per test.

Playwright's sync API runs an event loop for as long as it is open, so there must be exactly one
`browser` fixture in a session: the root conftest imports these for every test folder.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect, sync_playwright

# Playwright's 5 s defaults are for a developer's laptop: on CI's 2 busy cores a chart of a compare
# view took 5.7-6.7 s to appear. These are ceilings on waits for events, not fixed sleeps.
WAIT_MS = 20_000
expect.set_options(timeout=WAIT_MS)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser context per test; any console error or failed page load fails the test."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    errors: list[str] = []

    def on_console(message) -> None:
        # Chromium logs every 4xx answer ("Failed to load resource"); tests provoke some on purpose.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"browser console errors: {errors}"
