"""Skills on a 390-px phone, in Chinese: a manager rates themselves on My skills, their lead
confirms the level in the team matrix (a card per person), and both pages fit the screen."""

import pytest

from pacekeeper.skills import services
from pacekeeper.skills.models import Skill, SkillLevel
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, url, person):
    page.goto(f"{url}/login/")
    page.fill("#id_username", person.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_a_manager_rates_themselves_and_the_lead_confirms_on_a_phone(live_server, world, browser):
    admin = world.one.actor("admin")
    # The organisation was created with its default catalogue (in Chinese): eleven skills.
    analysis = Skill.objects.get(org=world.one.org, name="数据分析")
    services.skill_create(actor=admin, name="大客户管理与长期关系经营（战略客户）")  # a long name
    manager_page = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}).new_page()
    _sign_in(manager_page, live_server.url, world.one.manager)
    manager_page.goto(f"{live_server.url}/skills/")
    row = manager_page.locator(f"#skill-{analysis.pk}")
    row.locator("select").select_option("2")
    row.locator("button").click()
    manager_page.locator(f"#skill-{analysis.pk} .status.warn").wait_for()  # swapped in place: awaiting
    assert manager_page.evaluate("document.documentElement.scrollWidth") <= 390
    assert SkillLevel.objects.get(person=world.one.manager, skill=analysis).self_level == 2

    lead_page = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}).new_page()
    _sign_in(lead_page, live_server.url, world.one.lead)
    lead_page.goto(f"{live_server.url}/skills/team/")
    assert lead_page.evaluate("document.documentElement.scrollWidth") <= 390
    cell = lead_page.locator(f"#cell-{world.one.manager.pk}-{analysis.pk}")
    cell.locator("summary").click()
    cell.locator("select").select_option("3")
    cell.locator("button").click()
    lead_page.locator(f"#cell-{world.one.manager.pk}-{analysis.pk} .status.ok").wait_for()  # ✓ 已确认
    assert "3/5" in lead_page.locator(f"#cell-{world.one.manager.pk}-{analysis.pk}").inner_text()
    assert lead_page.evaluate("document.documentElement.scrollWidth") <= 390
    lead_page.locator("tbody tr").nth(1).screenshot(path="/tmp/skills_team_390_zh.png")
    level = SkillLevel.objects.get(person=world.one.manager, skill=analysis)
    assert (level.self_level, level.confirmed_level, level.confirmed_by_id) == (2, 3, world.one.lead.pk)
