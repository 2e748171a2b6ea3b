"""A customer's contact answers a survey on a 390-px phone from the link, without an account,
in Chinese; the account manager's CSAT moves."""

import datetime as dt
from decimal import Decimal

import pytest

from pacekeeper.kpis import engine
from pacekeeper.kpis.periods import Period
from tests.browser.conftest import PHONE
from tests.feedback.conftest import ask
from tests.feedback.conftest import surveys as surveys_fixture  # noqa: F401 (a fixture, under this name)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _csat(world):
    today = world.one.actor("director").today()
    period = Period(today - dt.timedelta(days=7), today)
    values = engine.compute(org=world.one.org, metrics=["csat_average"], level="manager", period=period)
    return values.get(world.one.manager.pk, {}).get("csat_average")


def test_a_contact_answers_on_a_phone_and_the_managers_csat_moves(
    live_server,
    world,
    surveys_fixture,  # noqa: F811 (the fixture imported above)
    browser,
    settings,
):
    settings.PUBLIC_URL = live_server.url
    sent = ask(world, surveys_fixture)
    assert _csat(world) is None
    context = browser.new_context(locale="zh-CN", **PHONE)
    page = context.new_page()
    page.goto(sent.url + "?lang=zh-hans")
    assert page.locator("h1").inner_text() == "客户满意度调查"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_label("4", exact=True).check()
    page.fill("textarea", "响应很快，但价格偏高")
    page.screenshot(path="/tmp/feedback_survey_form_390_zh.png", full_page=True)
    page.get_by_role("button", name="提交我的回答").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "谢谢"
    page.screenshot(path="/tmp/feedback_survey_390_zh.png")
    context.close()
    assert _csat(world) == Decimal("4.00")
