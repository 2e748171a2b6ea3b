"""One formatting module (DESIGN rule 11): the same figure reads the same way everywhere."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import translation

from pacekeeper.lib.formatting import (
    amount_in_words,
    change_percent,
    format_amount,
    format_percent,
    format_period,
    month_label,
)
from pacekeeper.tenancy.templatetags.formatting import due


@pytest.mark.parametrize(
    "minor,language,expected",
    [
        (500_000, "zh-hans", "0.5万元"),  # 5000 typed meaning 5000万 reads as 0.5万元
        (50_000_000_000, "zh-hans", "5亿元"),
        (123_450_000, "zh-hans", "123.45万元"),
        (500_000, "en", "5 thousand"),
        (1_250_000_000, "en", "12.5 million"),
        (9_900, "en", "99"),
    ],
)
def test_it_echoes_a_typed_amount_in_words(minor, language, expected):
    assert amount_in_words(minor, "CNY", language) == expected


def test_english_short_amounts_never_say_wan():
    assert format_amount(1_234_500_000, "CNY", "en", short=True) == "¥12.3M"
    assert "万" not in format_amount(12_345_600, "CNY", "en", short=True)
    assert format_amount(1_234_500_000, "CNY", "zh-hans", short=True) == "¥1234.50万"


@pytest.mark.parametrize(
    "start,end,zh,en",
    [
        (dt.date(2026, 1, 1), dt.date(2026, 12, 31), "2026年全年", "2026 (full year)"),
        (dt.date(2026, 1, 1), dt.date(2026, 3, 31), "2026年第1季度", "Q1 2026"),
        (dt.date(2026, 7, 1), dt.date(2026, 7, 31), "2026年7月", "Jul 2026"),
        (dt.date(2026, 3, 5), dt.date(2026, 3, 9), "2026年3月5日 – 2026年3月9日", "5 Mar 2026 – 9 Mar 2026"),
    ],
)
def test_it_names_periods_as_people_do(start, end, zh, en):
    assert (format_period(start, end, "zh-hans"), format_period(start, end, "en")) == (zh, en)


def test_chart_months_read_7yue_and_jul():
    assert (month_label(dt.date(2026, 7, 1), "zh-hans"), month_label(dt.date(2026, 7, 1), "en")) == ("7月", "Jul")


def test_changes_and_percentages_have_one_decimal():
    assert change_percent(125, 100) == Decimal("25.0") and change_percent(1, 3) == Decimal("-66.7")
    assert change_percent(5, 0) is None and change_percent(None, 5) is None
    assert format_percent(Decimal("87.85")) == "87.9%" and format_percent(None) == "—"


def test_one_day_overdue_is_singular(world):
    actor = world.one.actor("manager")
    with translation.override("en"):
        assert "1 day overdue" in due({"actor": actor}, actor.today() - dt.timedelta(days=1))
        assert "2 days overdue" in due({"actor": actor}, actor.today() - dt.timedelta(days=2))


def test_the_goal_form_echoes_a_money_target_in_words(world, client):
    client.force_login(world.one.director)
    response = client.post(
        "/goals/check/", {"metric": "sales_amount", "target": "5000"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert "¥5,000.00 — 0.5万元" in response.content.decode()
    page = client.get("/goals/new/").content.decode()
    assert 'class="input-unit"' in page  # the unit sits beside the target input


def test_chart_data_carries_month_names_and_the_language_for_its_axis(world, client):
    client.force_login(world.one.manager)
    chart = client.get("/my-day/", HTTP_ACCEPT_LANGUAGE="en").context["chart"]
    assert chart["language"] == "en" and all(len(label) == 3 for label in chart["labels"])


def test_moments_read_as_dates_with_the_time():
    from pacekeeper.lib.formatting import format_datetime

    moment = dt.datetime(2026, 3, 5, 14, 5, 9)
    assert format_datetime(moment, "zh-hans") == "2026年3月5日 14:05"
    assert format_datetime(moment, "en", seconds=True) == "5 Mar 2026 14:05:09"


def test_the_audit_trail_shows_times_in_the_date_format_of_the_language(world, client):
    from pacekeeper.tenancy.audit import audit_record

    one = world.one
    audit_record(actor=one.actor("director"), obj=one.manager, field="role", before="lead", after="manager")
    client.force_login(one.director)
    html = client.get("/audit/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r"\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2}", html)
    assert not re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", html)


def test_a_commission_rate_reads_as_it_was_set():
    from decimal import Decimal

    from pacekeeper.lib.formatting import format_rate

    assert [format_rate(Decimal(v)) for v in ("1.500", "0.250", "3", "12.3456")] == ["1.5%", "0.25%", "3%", "12.3456%"]


def test_it_joins_items_with_the_readers_punctuation():
    from pacekeeper.lib.formatting import join_items

    assert join_items(["拜访客户", "发送报价"], "zh-hans") == "拜访客户；发送报价"
    assert join_items(["Visit", "Quote"], "en") == "Visit; Quote"
