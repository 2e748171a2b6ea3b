"""Issue 15 leftovers, seen in a browser: at 1366 px the top bar is one line in both languages
(the less used places behind "More") and the board's status columns all fit; at 390 px the task
tabs and the list's sort choice stay on screen, "Add a task" covers no row, and the board says
that more columns lie to the right."""

import pytest

from pacekeeper.work.models import Task
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = {"zh-hans": "zh-CN", "en": "en-GB"}


@pytest.fixture
def tasks(world):
    one = world.one
    for status in ("todo", "doing", "blocked", "done"):
        Task.objects.create(
            org=one.org, owner=one.manager, title=f"一个很长的任务标题，{status}", status=status,
            blocked_reason="等待" if status == "blocked" else "", due_on=one.actor("lead").today(),
        )  # fmt: skip


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _right(page, selector: str) -> list[float]:
    return page.eval_on_selector_all(selector, "els => els.map(e => e.getBoundingClientRect().right)")


def test_the_desktop_top_bar_is_one_line_and_the_board_columns_fit(live_server, world, tasks, browser, settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = []
    for language, locale in LANGUAGES.items():
        context = browser.new_context(locale=locale, viewport={"width": 1366, "height": 900})
        context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        page = context.new_page()
        # The org admin has the most places (the lead's are checked by tests/test_navigation.py).
        _sign_in(page, live_server.url, world.one.admin.username)
        page.goto(f"{live_server.url}/tasks/board/")
        tops = page.eval_on_selector_all(
            ".top .brand, .top nav.places > a, .places-more > summary, .me > a",
            "els => els.map(e => Math.round(e.getBoundingClientRect().top))",
        )
        assert max(tops) - min(tops) <= 12, (language, tops)
        page.click(".places-more > summary")
        assert page.locator(".places-menu a").first.is_visible()
        page.keyboard.press("Escape")
        assert not page.locator(".places-menu a").first.is_visible()
        # The four status columns side by side, none cut off, so no scroll hint.
        columns = _right(page, ".board .column")
        assert len(columns) == 4 and max(columns) <= 1366 - 20, columns
        assert page.locator(".board-scroll-hint").is_hidden()
        context.close()


def test_the_task_pages_fit_a_phone(live_server, world, tasks, phone):
    page = phone
    _sign_in(page, live_server.url, world.one.lead.username)
    page.goto(f"{live_server.url}/tasks/list/")
    assert max(_right(page, ".task-tabs a")) <= 390
    sort = page.locator("select[name=sort]").bounding_box()
    assert sort["x"] + sort["width"] <= 390 and sort["width"] > 300  # a whole line, not clipped
    assert page.locator(".fab").count() == 0  # "Add a task" sits in the heading, over no row
    assert page.get_by_role("link", name="新建任务").is_visible()
    page.goto(f"{live_server.url}/tasks/board/")
    # A column at a time: the next one lies to the right, and the board says so.
    assert page.locator(".board-scroll-hint").is_visible()
    assert "more-right" in page.locator(".board-frame").get_attribute("class")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
