"""An account manager on a phone logs a visit and sees it on the customer's timeline.

Drives Debian's Chromium through Playwright (tests/browser/conftest.py).
"""

import pytest

from tests.factories import PASSWORD, ContactFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def contact(world):
    # Made before the browser starts: with Playwright's event loop running in this thread, the
    # ORM would open a second database connection that nothing closes (and the test database
    # could not be dropped at the end of the run).
    return ContactFactory(customer=world.one.customers["manager"], name="李总")


def test_it_lets_a_manager_log_a_visit_from_a_phone(live_server, world, contact, phone):
    customer = contact.customer
    page = phone
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", world.one.manager.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/my-day/")
    assert page.locator("h1").inner_text().startswith("我的一天")

    page.goto(f"{live_server.url}/customers/")
    page.click(f"text={customer.name}")
    page.click("text=记录跟进")
    page.check("input[name=kind][value=visit]")
    page.check("text=李总")
    page.fill("#id_summary", "上门拜访，客户计划下季度扩产")
    page.click("button[type=submit]")

    page.wait_for_url(f"{live_server.url}/customers/{customer.pk}/")
    timeline = page.locator(".timeline").inner_text()
    assert "上门拜访，客户计划下季度扩产" in timeline and "李总" in timeline
    assert "已记录" in page.locator(".messages").inner_text()
    # The page fits the phone: nothing wider than the 390-px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
