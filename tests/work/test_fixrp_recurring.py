"""Try-out fix: on the recurring-task list no two tabs lead to the same page; the status is a
filter that keeps the chosen "Mine" / "My team's" tab."""

import datetime as dt
import re

from pacekeeper.tenancy.scopes import actor_for
from pacekeeper.work.models import RecurringTask


def _rule(owner, **fields) -> RecurringTask:
    values = {"title": "Weekly report", "frequency": "weekly", "weekday": 0, "starts_on": dt.date(2026, 1, 5)}
    return RecurringTask.objects.create(
        org=owner.org, owner=owner, active_since=actor_for(owner).today(), **(values | fields)
    )


def test_the_tabs_lead_to_different_pages_and_the_status_filter_keeps_the_tab(world, client):
    _rule(world.one.manager, title="Manager's report")
    _rule(world.one.lead, title="Lead's review", status="paused")
    client.force_login(world.one.lead)
    for language in ("en", "zh-hans"):
        world.one.lead.language = language
        world.one.lead.save(update_fields=["language"])
        page = client.get("/tasks/recurring/?whose=team").content.decode()
        tabs = re.findall(r'<nav class="tabs".*?</nav>', page, re.S)
        links = [href for nav in tabs for href in re.findall(r'href="([^"]*)"', nav)]
        assert links and len(links) == len(set(links)), links
        assert 'name="whose" value="team"' in page and 'name="status"' in page
    paused = client.get("/tasks/recurring/?whose=team&status=paused").content.decode()
    assert "Lead&#x27;s review" in paused and "Manager&#x27;s report" not in paused
    everything = client.get("/tasks/recurring/?whose=team&status=").content.decode()
    assert "Lead&#x27;s review" in everything and "Manager&#x27;s report" in everything
