"""A lead on a phone, in Chinese, types a target too large for the field: the page says why
beside the field and keeps what was typed (DESIGN rule 8)."""

import datetime as dt
from decimal import Decimal

import pytest

from pacekeeper.goals import services
from pacekeeper.goals.models import Goal
from tests.browser.conftest import PHONE
from tests.browser.test_first_screens import _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_refused_target_is_explained_beside_its_field_on_a_phone(live_server, world, browser, settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = []
    goal = services.goal_save(
        actor=world.one.actor("director"),
        changes={"title": "A组销售", "metric": "sales_amount", "level": "team", "team": world.one.team_a.pk}
        | {"target": Decimal(1_000_000), "starts_on": dt.date(2026, 1, 1), "ends_on": dt.date(2026, 12, 31)},
    )
    Goal.objects.filter(pk=goal.pk).update(status=Goal.Status.ACTIVE)
    context = browser.new_context(locale="zh-CN", **PHONE)
    context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
    page = context.new_page()
    _sign_in(page, live_server.url, world.one.lead.username)
    page.goto(f"{live_server.url}/goals/{goal.pk}/")
    page.fill("#id_target", "12345678901234567890")
    page.fill("#id_reason", "新网点开业")
    page.click("#target button")
    page.wait_for_load_state()
    error = page.locator("#target .field-target .error")
    assert error.inner_text() == "数值过大。"
    assert page.input_value("#id_target") == "12345678901234567890"
    assert page.input_value("#id_reason") == "新网点开业"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("#target").screenshot(path="/tmp/goalsux_target_390_zh.png")
    context.close()
