"""Resources on a 390-px phone, in Chinese: an account manager asks for budget from a task's page,
their lead approves it from the list of requests, and every page fits the screen."""

import pytest

from pacekeeper.work.models import ResourceRequest, Task
from tests.browser.conftest import PHONE
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, url, user):
    page.goto(f"{url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_manager_asks_and_the_lead_approves_on_a_phone(live_server, world, browser, settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = []
    task = Task.objects.create(org=world.one.org, owner=world.one.manager, title="续约 Acme", status="doing")
    page = browser.new_context(locale="zh-CN", **PHONE).new_page()
    _sign_in(page, live_server.url, world.one.manager)
    page.goto(f"{live_server.url}/tasks/{task.pk}/")
    assert _fits(page)
    page.click("text=申请资源")
    assert _fits(page)
    page.select_option("#id_kind", "budget")
    page.fill("#id_description", "客户答谢会场地")
    page.fill("#id_amount", "¥3,500")
    page.click("text=提交申请")
    page.wait_for_url(f"{live_server.url}/resources/*/")
    assert "不能审批自己的申请" in page.content() and _fits(page)
    page.goto(f"{live_server.url}/tasks/{task.pk}/")
    assert "资源未到位即开工" in page.inner_text("#resources")

    lead = browser.new_context(locale="zh-CN", **PHONE).new_page()
    _sign_in(lead, live_server.url, world.one.lead)
    lead.goto(f"{live_server.url}/resources/")
    assert _fits(lead)
    lead.click("text=客户答谢会场地")
    lead.check("input[name=decision][value=approved]")
    lead.click("text=保存审批结果")
    lead.wait_for_load_state()
    assert _fits(lead)
    assert ResourceRequest.objects.get().status == "approved"
    lead.goto(f"{live_server.url}/team/")
    assert _fits(lead)
