"""Stored analyses: made from interaction notes and survey comments, credited to the manager and
their team on the day, re-made only when the text or the topic list changes; the figures the
pages show worked by hand, through the scope."""

import datetime as dt

import pytest

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.insights import selectors, services, sources
from pacekeeper.insights.models import TextAnalysis, Topic
from pacekeeper.tenancy.audit import AuditEntry
from tests.feedback.conftest import answer, ask

from .conftest import ORIGINAL_SOURCES, note

NOV = dt.date(2026, 11, 10)


def _topic(world, code):
    return Topic.objects.get(org=world.one.org, code=code)


def test_every_organisation_starts_with_the_bilingual_topics(world):
    codes = list(Topic.objects.filter(org=world.one.org).values_list("code", flat=True))
    assert codes[:6] == ["price", "response_speed", "service_attitude", "product_quality", "billing", "delivery"]
    price = _topic(world, "price")
    assert (price.name_zh, price.name_en) == ("价格", "Price")
    assert "贵" in price.keyword_list("zh") and "expensive" in price.keyword_list("en")


def test_notes_and_survey_comments_are_analysed_once_and_credited(world, surveys):
    visit = note(world, "manager", "价格太贵了，客户不是很满意。", NOV)
    sent = ask(world, surveys, "teammate")
    answer(sent, csat=2, text="The invoice was wrong twice, not happy.")
    counts = services.analyse_org(world.one.org)
    assert counts == {"analysed": 2, "unchanged": 0, "removed": 0}
    stored = TextAnalysis.objects.get(source="interaction", source_id=visit.pk)
    assert (stored.day, stored.manager, stored.team, stored.customer) == (
        NOV,
        world.one.manager,
        world.one.team_a,
        world.one.customers["manager"],
    )
    assert stored.sentiment == "negative"
    assert list(stored.topics.values_list("code", flat=True)) == ["price"]
    comment = TextAnalysis.objects.get(source="survey_answer")
    assert (comment.manager, comment.sentiment) == (world.one.teammate, "negative")
    assert list(comment.topics.values_list("code", flat=True)) == ["billing"]
    # Again: nothing to do.
    assert services.analyse_org(world.one.org) == {"analysed": 0, "unchanged": 2, "removed": 0}
    assert not TextAnalysis.objects.filter(org=world.two.org).exists()


def test_a_changed_topic_list_or_text_is_analysed_again_and_a_gone_text_removed(world):
    visit = note(world, "manager", "交付很慢", NOV)
    other = note(world, "teammate", "Nice visit", NOV)
    services.analyse_org(world.one.org)
    first = TextAnalysis.objects.get(source_id=visit.pk)
    assert list(first.topics.values_list("code", flat=True)) == ["delivery"]
    director = world.one.actor("director")
    services.topic_update(actor=director, topic_id=_topic(world, "response_speed").pk, values={"keywords_zh": "慢"})
    assert services.analyse_org(world.one.org)["analysed"] == 2  # the topic list changed: all again
    again = TextAnalysis.objects.get(source_id=visit.pk)
    assert sorted(again.topics.values_list("code", flat=True)) == ["delivery", "response_speed"]
    visit.summary = "服务态度很好"
    visit.save()
    other.delete()
    counts = services.analyse_org(world.one.org)
    assert counts == {"analysed": 1, "unchanged": 0, "removed": 1}
    changed = TextAnalysis.objects.get(source_id=visit.pk)
    assert (changed.sentiment, list(changed.topics.values_list("code", flat=True))) == (
        "positive",
        ["service_attitude"],
    )
    assert AuditEntry.objects.filter(field="keywords_zh", after="慢").exists()


def test_another_app_registers_its_texts(world):
    seen = []

    def texts(org):
        seen.append(org.pk)
        yield sources.SourceText(7, "投诉：账单多扣了钱", NOV, world.one.customers["manager"].pk, world.one.manager.pk)

    sources.register(sources.Source("ticket", "Ticket", texts))
    try:
        services.analyse_org(world.one.org, kinds=["ticket"])
    finally:
        del sources.SOURCES["ticket"]
    stored = TextAnalysis.objects.get(source="ticket")
    assert (stored.source_id, stored.sentiment, seen) == (7, "negative", [world.one.org.pk])


def test_a_manager_sees_their_portfolios_texts_only(world):
    for owner in ("manager", "teammate", "sub_manager", "other_manager"):
        note(world, owner, f"{owner}: 价格太贵", NOV)
    note(world, "manager", "two: 价格太贵", NOV, org="two")
    services.analyse_org(world.one.org)
    services.analyse_org(world.two.org)

    def seen(role):
        return sorted(a.excerpt.split(":")[0] for a in selectors.analyses(world.one.actor(role)))

    assert seen("manager") == ["manager"]
    assert seen("lead") == ["manager", "sub_manager", "teammate"]
    assert seen("analyst") == ["manager", "other_manager", "sub_manager", "teammate"]


@pytest.fixture
def history(world):
    """By hand: Nov 2026 three texts (2 price — one negative —, 1 billing negative), Oct one
    price, and Jul 2026 two billing (negative) — today is 2026-12-03."""
    note(world, "manager", "价格太贵", dt.date(2026, 11, 3))
    note(world, "teammate", "价格实惠，很满意", dt.date(2026, 11, 20))
    note(world, "teammate", "账单多扣了钱", dt.date(2026, 11, 21))
    note(world, "manager", "Fair price", dt.date(2026, 10, 2))
    note(world, "manager", "The invoice was wrong", dt.date(2026, 7, 2))
    note(world, "other_manager", "重复扣费，账单错误", dt.date(2026, 7, 9))
    services.analyse_org(world.one.org)


def test_topics_per_month_by_hand(world, history):
    actor = world.one.actor("director")
    table = selectors.topics_by_month(
        actor, selectors.Filters(), first=dt.date(2026, 7, 1), last=dt.date(2026, 12, 1), language="en"
    )
    rows = {r["topic"].code: [c for _m, c in r["cells"]] for r in table["rows"]}
    assert rows["price"] == [0, 0, 0, 1, 2, 0]
    assert rows["billing"] == [2, 0, 0, 0, 1, 0]
    assert table["chart"]["labels"][0] == "Jul 2026"
    mine = selectors.topics_by_month(
        world.one.actor("manager"),
        selectors.Filters(),
        first=dt.date(2026, 7, 1),
        last=dt.date(2026, 12, 1),
        language="en",
    )
    mine_rows = {r["topic"].code: [c for _m, c in r["cells"]] for r in mine["rows"]}
    assert mine_rows["billing"] == [1, 0, 0, 0, 0, 0]  # not the other manager's July note


def test_what_changed_compares_like_for_like_months(world, history):
    changed = selectors.what_changed(
        world.one.actor("director"), selectors.Filters(), today=dt.date(2026, 12, 3), months=3, language="en"
    )
    assert changed["period"] == (dt.date(2026, 9, 1), dt.date(2026, 11, 30))
    assert changed["previous"] == (dt.date(2026, 6, 1), dt.date(2026, 8, 31))
    assert (changed["texts_now"], changed["texts_before"]) == (4, 2)
    rows = {r["topic"].code: r for r in changed["rows"]}
    # price: 3 of 4 texts now (75 %), 0 of 2 before; billing 1 of 4 (25 %) against 2 of 2 (100 %).
    assert (rows["price"]["share_now"], rows["price"]["points"]) == (75.0, 75.0)
    assert (rows["billing"]["share_before"], rows["billing"]["points"]) == (100.0, -75.0)
    assert rows["billing"]["negative_before"] == 2
    assert changed["rows"][0]["topic"].code == "price"  # rising first


def test_top_issues_per_manager_and_team(world, history):
    f = selectors.Filters(since=dt.date(2026, 9, 1), until=dt.date(2026, 11, 30))
    by_manager = selectors.top_issues(world.one.actor("director"), f, by="manager")
    found = {row["owner"].username: [(i["topic"].code, i["count"]) for i in row["issues"]] for row in by_manager}
    assert found == {"one_manager": [("price", 1)], "one_teammate": [("billing", 1)]}
    by_team = selectors.top_issues(world.one.actor("director"), f, by="team")
    assert [(r["owner"], r["total"]) for r in by_team] == [(world.one.team_a, 2)]


def test_only_admins_and_directors_change_the_topics(world):
    with pytest.raises(Forbidden):
        services.topic_create(actor=world.one.actor("lead"), values={"code": "x", "name_zh": "x", "name_en": "x"})
    with pytest.raises(ValidationFailed) as refused:
        services.topic_create(
            actor=world.one.actor("admin"),
            values={"code": "price", "name_zh": "价", "name_en": "P", "keywords_zh": "价"},
        )
    assert "code" in refused.value.errors
    with pytest.raises(ValidationFailed) as refused:
        services.topic_create(actor=world.one.actor("admin"), values={"code": "new", "name_zh": "新", "name_en": "N"})
    assert "keywords_zh" in refused.value.errors
    topic = services.topic_create(
        actor=world.one.actor("admin"),
        values={"code": "security", "name_zh": "安全", "name_en": "Security", "keywords_zh": "安全\n诈骗"},
    )
    result, found = services.analyse_text(actor=world.one.actor("manager"), text="担心诈骗短信")
    assert found == [topic]


def test_a_huge_text_to_analyse_is_refused(world):
    with pytest.raises(ValidationFailed) as refused:
        services.analyse_text(actor=world.one.actor("manager"), text="x" * 1_000_000)
    assert "text" in refused.value.errors


def test_staff_notes_are_left_out_of_the_customers_voice_by_default(world, surveys, monkeypatch):
    """An account manager's own visit note is not the customer talking: with the registry as
    shipped only survey answers and tickets are analysed, and a note analysed before is removed."""
    visit = note(world, "manager", "上门拜访，了解今年资金需求与扩产计划", NOV)
    sent = ask(world, surveys, "teammate")
    answer(sent, csat=2, text="The invoice was wrong twice, not happy.")
    services.analyse_org(world.one.org)
    assert TextAnalysis.objects.filter(source="interaction", source_id=visit.pk).exists()
    monkeypatch.setitem(sources.SOURCES, "interaction", ORIGINAL_SOURCES["interaction"])
    assert "interaction" not in sources.analysed_kinds() and "survey_answer" in sources.analysed_kinds()
    assert services.analyse_org(world.one.org) == {"analysed": 0, "unchanged": 1, "removed": 1}
    assert list(TextAnalysis.objects.filter(org=world.one.org).values_list("source", flat=True)) == ["survey_answer"]


def test_each_topic_is_counted_on_its_own_texts(world):
    """Product quality and ease of use had the same count every month in the demo: one note
    named both (网银 + 故障), not a counting bug. Worked by hand: two texts for quality, one for
    ease of use, one naming both."""
    note(world, "manager", "软件经常崩溃", NOV)
    note(world, "manager", "设备坏了两次", NOV)
    note(world, "manager", "登录验证码总是收不到", NOV)
    note(world, "manager", "协助客户处理网银故障", NOV)
    services.analyse_org(world.one.org)
    month = dt.date(2026, 11, 1)
    trend = selectors.topics_by_month(
        world.one.actor("director"), selectors.Filters(), first=month, last=month, language="en"
    )
    totals = {row["topic"].code: row["total"] for row in trend["rows"]}
    assert (totals["product_quality"], totals["usability"]) == (3, 2)
