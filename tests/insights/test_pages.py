"""The insights pages in both languages: the chart's data and the table, drill-down scoped to the
viewer's portfolio, the topic page for admins and directors only."""

import datetime as dt
import json

import pytest

from pacekeeper.insights import services
from pacekeeper.insights.models import Topic

from .conftest import note


@pytest.fixture
def analysed(world):
    note(world, "manager", "价格太贵了，不是很满意", dt.date(2026, 11, 10))
    note(world, "other_manager", "<b>信号</b>很差 <script>alert(1)</script>", dt.date(2026, 11, 12))
    note(world, "manager", "The invoice was wrong", dt.date(2026, 8, 12))
    services.analyse_org(world.one.org)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_overview_shows_topics_over_time_and_what_changed(world, login, analysed, language):
    client = login(world.one.director)
    response = client.get("/insights/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    page = response.content.decode()
    chart = json.loads(page.split('id="insights-trend-data" type="application/json">')[1].split("</script>")[0])
    names = {s["name"] for s in chart["series"]}
    assert names == ({"价格", "网络与信号"} if language == "zh-hans" else {"Price", "Network and signal"})
    assert all(link.startswith("/insights/comments/?") for links in chart["links"] for link in links)
    # The chart follows the period (3 whole months by default: September to November, without
    # the partial December); August's invoice note shows with 6 months.
    assert len(chart["labels"]) == 3 and ("11月" in chart["labels"][-1] or "Nov" in chart["labels"][-1])
    assert "insights/insights.js" in page
    assert "<script>alert(1)" not in page
    six = client.get("/insights/?months=6", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    chart = json.loads(six.split('id="insights-trend-data" type="application/json">')[1].split("</script>")[0])
    assert len(chart["labels"]) == 6
    assert {s["name"] for s in chart["series"]} == (
        {"价格", "网络与信号", "账单与计费"} if language == "zh-hans" else {"Price", "Network and signal", "Billing"}
    )


def test_drill_down_shows_only_the_portfolios_comments(world, login, analysed):
    network = Topic.objects.get(org=world.one.org, code="network")
    mine = login(world.one.manager).get("/insights/comments/").content.decode()
    assert "价格太贵了" in mine and "信号" not in mine
    theirs = login(world.one.manager).get(f"/insights/comments/?topic={network.pk}").content.decode()
    assert "信号" not in theirs
    director = login(world.one.director).get(f"/insights/comments/?topic={network.pk}").content.decode()
    assert "&lt;b&gt;信号&lt;/b&gt;" in director and "<script>alert(1)" not in director
    assert "价格太贵了" not in director
    # A manager who is not in scope filters to nothing, and junk filters are ignored.
    odd = login(world.one.manager).get(f"/insights/comments/?manager={world.one.other_manager.pk}&since=x&topic=abc")
    assert odd.status_code == 200 and "价格太贵了" not in odd.content.decode()


def test_the_topic_page_is_kept_by_admins_and_directors(world, login):
    assert login(world.one.manager).post("/insights/topics/", {"action": "create", "code": "x"}).status_code == 403
    response = login(world.one.admin).post(
        "/insights/topics/",
        {
            "action": "create",
            "code": "fraud",
            "name_zh": "诈骗",
            "name_en": "Fraud",
            "keywords_zh": "诈骗",
            "position": 9,
        },
    )
    assert response.status_code == 302
    topic = Topic.objects.get(org=world.one.org, code="fraud")
    bad = login(world.one.admin).post(
        f"/insights/topics/{topic.pk}/",
        {"code": "price", "name_zh": "x", "name_en": "x", "keywords_zh": "x", "position": 1},
    )
    assert bad.status_code == 400
    tried = login(world.one.manager).post("/insights/topics/", {"action": "try", "text": "被诈骗了，很不满意"})
    assert tried.status_code == 200
    assert "诈骗" in tried.content.decode()
    assert login(world.one.manager).post(f"/insights/topics/{topic.pk}/", {"action": "delete"}).status_code == 403
    assert login(world.one.director).post(f"/insights/topics/{topic.pk}/", {"action": "delete"}).status_code == 302
    assert not Topic.objects.filter(pk=topic.pk).exists()
