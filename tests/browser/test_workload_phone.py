"""On a 390-px phone a lead reads the team's workload — one card per person, nothing wider than
the screen — with the over-loaded flag and a rebalancing suggestion, and a task's "Suggest an
owner" panel fills in by htmx with the reasons."""

import datetime as dt

import pytest

from pacekeeper.tenancy.scopes import actor_for
from pacekeeper.work.models import Task
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tasks(world):
    # Made before the browser starts (see test_field_visit.py). The manager has 45 h this
    # working week or the next (capacity 40); the teammate nothing.
    one = world.one
    today = actor_for(one.lead).today()
    monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=1)
    friday = monday + dt.timedelta(days=4)
    return [
        Task.objects.create(org=one.org, owner=one.manager, title=title, estimate_hours=hours, start_on=monday,
                            due_on=friday)
        for title, hours in (("准备续约材料", 30), ("整理拜访记录", 15))
    ]  # fmt: skip


def test_a_lead_reads_the_workload_and_the_owner_suggestions_on_a_phone(live_server, world, tasks, phone):
    page = phone
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", world.one.lead.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/team/**")
    page.goto(f"{live_server.url}/work/workload/?team={world.one.team_a.pk}")
    assert page.locator("table.workload").is_visible()
    assert "45/40 h" in page.locator("table.workload").inner_text()
    assert "超负荷" in page.locator("table.workload").inner_text()
    assert "准备续约材料" in page.locator("ul.suggestions").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(f"{live_server.url}/tasks/{tasks[0].pk}/")
    page.locator("#owner-candidates li").first.wait_for()
    assert "负荷" in page.locator("#owner-candidates").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
