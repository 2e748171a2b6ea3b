"""One way to start the browser for every browser test: Debian's Chromium through Playwright
for Python (no browser download). Set PACEKEEPER_CHROMIUM to another binary if yours lives
elsewhere."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("PACEKEEPER_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def browser(monkeypatch):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (see README)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # around it are ordinary blocking calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A page on a 390-px phone, in Chinese."""
    return browser.new_context(locale="zh-CN", **PHONE).new_page()
