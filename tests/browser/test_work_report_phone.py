"""A weekly work report written and submitted on a 390-px phone, in Chinese: the figures are
there before anything is typed (from the KPI engine), the page fits the screen, and the lead is
told."""

import pytest

from pacekeeper.crm.services import interaction_save, sale_save
from pacekeeper.workreports.models import WorkReport
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, url, person):
    page.goto(f"{url}/login/")
    page.fill("#id_username", person.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_a_manager_writes_and_submits_a_weekly_report_on_a_phone(live_server, world, browser):
    actor = world.one.actor("manager")
    customer = world.one.customers["manager"]
    sale_save(actor=actor, changes={"customer": customer.pk, "ordered_on": actor.today(), "amount": "12345.00"})
    interaction_save(actor=actor, changes={"customer": customer.pk, "kind": "visit", "summary": "拜访，谈续约"})
    page = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
    _sign_in(page, live_server.url, world.one.manager)
    page.goto(f"{live_server.url}/work-reports/")
    page.locator("form[action$='/work-reports/write/'] button").click()
    page.wait_for_url("**/edit/")
    # Pre-filled: the week's sales and interactions before anything is typed.
    assert page.locator("[data-metric=sales_amount] .value").inner_text() == "¥1.23万"
    assert page.locator("[data-metric=interactions] .value").inner_text() == "1"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.fill("#id_sales_progress", "续约谈妥，下周签合同")
    page.fill("#id_news_0_text", "竞品华为报价下调10%")
    page.fill("#id_news_0_competitor", "华为")
    page.fill("#id_help_0", "需要法务审合同")
    page.screenshot(path="/tmp/work_report_phone_zh.png", full_page=True)
    page.get_by_role("button", name="提交").click()
    page.wait_for_url("**/work-reports/*/")
    assert "已提交" in page.locator("body").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    report = WorkReport.objects.get(author=world.one.manager)
    assert report.status == "submitted" and report.sales_progress == "续约谈妥，下周签合同"
    assert [row["value"] for row in report.figures["metrics"]][0] == 1234500
    assert list(report.news.values_list("competitor", flat=True)) == ["华为"]
    assert list(report.help_items.values_list("text", flat=True)) == ["需要法务审合同"]
