"""The workload table, its rebalancing suggestions and the owner candidates' reasons name a
week the same way, in both languages: 本周 / this week, else 12月7日那周 / week of 7 Dec."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from pacekeeper.tenancy.scopes import Actor
from pacekeeper.work.models import Task
from pacekeeper.work.workload import team_workload

TODAY = dt.date(2026, 12, 2)  # a Wednesday: this week is the one of Monday 30 November
W49, W50 = dt.date(2026, 11, 30), dt.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(Actor, "today", lambda self: TODAY)


def _week(owner, hours, monday, title):
    """A to-do task from Monday to Friday of one week (this week: booked from today on)."""
    return Task.objects.create(
        org=owner.org,
        owner=owner,
        title=title,
        estimate_hours=Decimal(hours),
        start_on=monday,
        due_on=monday + dt.timedelta(days=4),
    )


def _over_in_both_weeks(one):
    """The manager has 45 h this week and 45 h the next (capacity 40): in each week the 30-hour
    task moves to a teammate with room (all others have nothing booked)."""
    _week(one.manager, 30, W49, "Now big")
    _week(one.manager, 15, W49, "Now small")
    _week(one.manager, 30, W50, "Next big")
    _week(one.manager, 15, W50, "Next small")


@pytest.mark.parametrize(
    "language,this_week,next_week,colon",
    [("en", "This week", "Week of 7 Dec", ":"), ("zh-hans", "本周", "12月7日那周", "：")],
)
def test_table_and_suggestions_use_the_same_week_label(world, language, this_week, next_week, colon):
    one = world.one
    _over_in_both_weeks(one)
    with translation.override(language):
        view = team_workload(one.actor("lead"), one.team_a, weeks=2)
    labels = [cell.label for cell in view.rows[0].cells]
    assert [label[0].upper() + label[1:] for label in labels] == [this_week, next_week]
    reasons = {move.title: move.reason for move in view.suggestions}
    assert set(reasons) == {"Now big", "Next big"}
    assert reasons["Now big"].startswith(this_week + colon)
    assert reasons["Next big"].startswith(next_week + colon)
    assert "第" not in "".join(reasons.values())


def test_the_chinese_page_shows_one_label_per_week(world, client):
    one = world.one
    one.lead.language = "zh-hans"
    one.lead.save(update_fields=["language"])
    _over_in_both_weeks(one)
    client.force_login(one.lead)
    html = client.get("/work/workload/", {"team": one.team_a.pk, "weeks": 2}).content.decode()
    assert "本周" in html and "12月7日那周" in html
    assert "11月第5周" not in html and "12月第1周" not in html
