"""On a 390-px phone, a card dragged from "to do" to "doing" on the task board stays there
after a reload; the card's status menu does the same without dragging."""

import pytest

from pacekeeper.work.models import Task
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tasks(world):
    # Made before the browser starts (see test_field_visit.py).
    one = world.one
    return [Task.objects.create(org=one.org, owner=one.manager, title=title) for title in ("拜访客户", "准备续约材料")]


def _sign_in(page, live_server, user):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/my-day/")


def test_a_card_dragged_to_doing_on_a_phone_is_saved(live_server, world, tasks, phone):
    page = phone
    _sign_in(page, live_server, world.one.manager)
    page.goto(f"{live_server.url}/tasks/board/")
    # The board shows "to do" with the edge of "doing" beside it (a column at a time).
    card = page.locator(f'li.deal[data-id="{tasks[0].pk}"]')
    target = page.locator('ul[data-status="doing"]')
    start, end = card.bounding_box(), target.bounding_box()
    with page.expect_response(lambda r: r.url.endswith(f"/tasks/{tasks[0].pk}/status/")) as saved:
        page.mouse.move(start["x"] + start["width"] - 20, start["y"] + 36)  # on the owner line, not the link
        page.mouse.down()
        page.mouse.move(end["x"] + 30, end["y"] + 20, steps=12)
        page.mouse.move(end["x"] + 32, end["y"] + 24, steps=4)
        page.mouse.up()
    assert saved.value.status == 204
    page.reload()
    assert page.locator(f'ul[data-status="doing"] li.deal[data-id="{tasks[0].pk}"]').count() == 1
    assert page.locator("#col-doing small").inner_text() == "(1)"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_status_menu_moves_a_card_without_dragging(live_server, world, tasks, phone):
    page = phone
    _sign_in(page, live_server, world.one.manager)
    page.goto(f"{live_server.url}/tasks/board/")
    with page.expect_navigation():
        page.select_option(f"#status-{tasks[1].pk}", "done")
    assert page.locator(f'ul[data-status="done"] li.deal[data-id="{tasks[1].pk}"]').count() == 1
