"""The bell and the inbox on a 390-px phone, in Chinese: the bell stays in the top bar with its
count, the inbox fits the screen, and tapping a notification opens its page and marks it read."""

import pytest
from django.utils import timezone

from pacekeeper.goals.notices import CHANGE_APPROVED
from pacekeeper.notifications.models import Notification
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_taps_the_bell_and_opens_a_notification_on_a_phone(live_server, world, phone):
    manager = world.one.manager
    for goal, minutes in (("Visits in March", 5), ("Sales in March", 0)):
        Notification.objects.create(
            org=manager.org,
            recipient=manager,
            kind=CHANGE_APPROVED,
            params={"person": "王总监", "goal": goal, "before": "20", "after": "15", "unit": "count"},
            link="/goals/",
            created_at=timezone.now() - timezone.timedelta(minutes=minutes),
        )
    page = phone
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", manager.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    bell = page.locator("header.top .bell")
    assert bell.is_visible() and page.locator("header.top .bell-count").inner_text() == "2"
    box = bell.bounding_box()
    assert box["x"] + box["width"] <= 390 and box["width"] >= 44 and box["height"] >= 44  # within thumb's reach
    bell.click()
    page.wait_for_url(f"{live_server.url}/notifications/")
    assert page.locator("h1").inner_text() == "通知"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator(".inbox-row", has_text="Sales in March").click()
    page.wait_for_url(f"{live_server.url}/goals/")
    assert page.locator("header.top .bell-count").inner_text() == "1"
    assert Notification.objects.filter(recipient=manager, read_at__isnull=True).count() == 1
