"""The pages work under their Content-Security-Policy: charts draw, htmx searches, pickers
submit, and the browser reports no blocked script or style."""

import pytest

from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Collects what the browser refused under the page's policy, from the first script on.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__violations.push(e.violatedDirective + " " + (e.blockedURI || e.sample || "")));
"""


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-US")
    context.add_init_script(RECORD_VIOLATIONS)
    return context.new_page()


def test_pages_work_under_their_content_security_policy(live_server, world, desktop):
    page = desktop
    customer = world.one.customers["manager"]
    response = page.goto(f"{live_server.url}/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.fill("#id_username", world.one.manager.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/my-day/")
    page.wait_for_selector("#trend-chart svg")  # ECharts drew the chart
    assert page.evaluate("window.__violations") == []

    # htmx: typing in the search box replaces the rows without a page load.
    page.goto(f"{live_server.url}/customers/")
    with page.expect_response(lambda r: "q=" in r.url and r.request.headers.get("hx-request") == "true"):
        page.fill("input[name=q]", customer.name[:3])
    page.wait_for_selector(f"#customer-rows >> text={customer.name}")
    assert page.evaluate("window.__violations") == []

    # A picker marked data-autosubmit submits its form when changed.
    page.goto(f"{live_server.url}/leaderboard/")
    second = page.locator("#metric option").nth(1).get_attribute("value")
    with page.expect_navigation():
        page.select_option("#metric", second)
    assert f"metric={second}" in page.url
    assert page.evaluate("window.__violations") == []
