"""On a 390-px phone: choosing "blocked" in a board card's menu reveals the reason in the card
and one submission sets both; the board scrolls inside itself, never the page, even with long
titles and goal names; a workload person's name is not squeezed to a letter a line."""

import pytest

from pacekeeper.goals.models import Goal
from pacekeeper.work.models import Task
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG = "整理并核对第四季度所有重点客户的续约材料与拜访记录以便周会汇报" * 2


@pytest.fixture
def tasks(world):
    # Made before the browser starts (see test_field_visit.py).
    one = world.one
    goal = Goal.objects.filter(org=one.org).first()
    if goal is not None:
        Goal.objects.filter(pk=goal.pk).update(title=LONG[:120])
    return [Task.objects.create(org=one.org, owner=one.manager, title=title) for title in ("拜访客户", LONG)]


def _sign_in(page, live_server, user):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_blocked_from_the_card_menu_asks_why_in_place(live_server, world, tasks, phone):
    page = phone
    _sign_in(page, live_server, world.one.manager)
    page.goto(f"{live_server.url}/tasks/board/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    why = page.locator(f"#why-{tasks[0].pk}")
    assert not why.is_visible()
    page.select_option(f"#status-{tasks[0].pk}", "blocked")
    assert why.is_visible()  # revealed, and nothing submitted yet
    assert page.evaluate("document.activeElement.id") == f"why-{tasks[0].pk}"
    why.fill("等客户回复")
    with page.expect_navigation():
        why.press("Enter")
    card = page.locator(f'ul[data-status="blocked"] li.deal[data-id="{tasks[0].pk}"]')
    assert card.count() == 1 and "等客户回复" in card.inner_text()
    # Cards off to the right (here in the third column) no longer widen the page.
    page.goto(f"{live_server.url}/tasks/board/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_workload_name_is_not_squeezed(live_server, world, tasks, phone):
    page = phone
    _sign_in(page, live_server, world.one.lead)
    page.goto(f"{live_server.url}/work/workload/?team={world.one.team_a.pk}")
    cell = page.locator("table.workload td.c-person strong").first
    box = cell.bounding_box()
    assert box["width"] > 30 and box["height"] < 40  # one line, not a letter a line
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
