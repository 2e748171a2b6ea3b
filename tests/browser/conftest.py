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


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the browser tests a test process runs (starting it costs a second or two
    each time); every test gets its own contexts, closed after it (`_own_contexts`)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (see README)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # around it are ordinary blocking calls. Only while the browser tests run: the package
    # scope ends before any other test.
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            yield browser
            browser.close()


@pytest.fixture(autouse=True)
def _own_contexts(request):
    """Cookies, storage and pages do not outlive the test that made them."""
    yield
    if "browser" in request.fixturenames:
        browser = request.getfixturevalue("browser")
        for context in list(browser.contexts):
            context.close()


@pytest.fixture
def phone(browser):
    """A page on a 390-px phone, in Chinese."""
    return browser.new_context(locale="zh-CN", **PHONE).new_page()
