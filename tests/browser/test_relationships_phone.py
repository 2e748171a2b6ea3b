"""An account manager on a phone opens the churn risks, then a customer's reasons, and sees the
health card on the customer page — all within the 390-px screen, in Chinese."""

import datetime as dt

import pytest

from tests.factories import PASSWORD, CustomerFactory, SaleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def quiet_customer(world):
    customer = CustomerFactory(owner=world.one.manager, name="沉默的长期客户有限公司", created_on=dt.date(2024, 1, 1))
    SaleFactory(customer=customer, ordered_on=dt.date(2026, 2, 1), amount_minor=12_345_600)
    return customer


def test_it_shows_churn_risks_on_a_phone(live_server, world, quiet_customer, phone):
    page = phone
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", world.one.manager.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/my-day/")
    page.goto(f"{live_server.url}/relationships/")
    assert page.locator("h1").inner_text().startswith("流失风险")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click(f"text={quiet_customer.name}")
    page.wait_for_url(f"{live_server.url}/relationships/customers/{quiet_customer.pk}/")
    assert "联系及时性" in page.locator("body").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(f"{live_server.url}/customers/{quiet_customer.pk}/")
    card = page.locator("#relationship-health")
    card.wait_for()
    assert "客户关系健康度" in card.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
