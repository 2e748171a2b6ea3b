"""Each section of a progress report states the figures the KPI engine and the goals give for the
same subject and period (one test per section)."""

import datetime as dt
from decimal import Decimal

import pytest

from pacekeeper.goals import progress as goal_progress
from pacekeeper.kpis.engine import ORG_SUBJECT, Level, compute
from pacekeeper.kpis.periods import Period
from pacekeeper.lib.documents import BarChart, Figure, Paragraph, Table
from pacekeeper.lib.formatting import change_percent
from pacekeeper.progress import sources
from pacekeeper.progress.building import Facts, Subject, build_document
from pacekeeper.progress.models import PeriodKind, SubjectKind

MARCH = Period.month(2026, 3)
FEBRUARY = Period.month(2026, 2)
MARCH_2025 = Period.month(2025, 3)
TODAY = dt.date(2026, 12, 3)


def _document(world, subject: Subject, period=MARCH, kind=PeriodKind.MONTH, language="en"):
    facts = Facts(world.one.org, today=TODAY)
    return build_document(facts=facts, subject=subject, period_kind=kind, period=period, language=language)


def _team(world) -> Subject:
    return Subject(SubjectKind.TEAM, world.one.team_a.pk, world.one.team_a.name)


def _section(document, title: str):
    return next(section for section in document.sections if section.title == title)


def test_goal_attainment_and_pace_are_the_goals_own(facts):
    document = _document(facts, _team(facts))
    section = _section(document, "Goal attainment and pace")
    table = next(block for block in section.blocks if isinstance(block, Table))
    expected = goal_progress.goal_progress(facts.one.goal, today=MARCH.end)
    (row,) = table.rows
    assert row[0] == "Team A sales in March"
    assert (row[2], row[3]) == (1_000_000, 730_000)  # target and actual in fen, as numbers
    assert row[4] == expected.attainment  # the attainment column, in percent
    # Team A and its sub-team in March: 5,000 + 1,500 + 800 yuan of a 10,000 yuan target.
    assert expected.attainment == 73
    assert row[6] == "Off track"
    chart = next(block for block in section.blocks if isinstance(block, BarChart))
    assert chart.title == "0 of 1 goals on track" and chart.values == (expected.attainment,)


def test_goal_section_says_when_no_goal_covers_the_period(facts):
    document = _document(facts, _team(facts), period=FEBRUARY)
    (block,) = _section(document, "Goal attainment and pace").blocks
    assert block == Paragraph("No goal with a target covers this period.")


@pytest.mark.parametrize("which", ["team", "person", "org"])
def test_kpi_figures_are_the_engines_against_the_previous_period_and_last_year(facts, which):
    one = facts.one
    subject, level, key = {
        "team": (_team(facts), Level.TEAM, one.team_a.pk),
        "person": (Subject(SubjectKind.PERSON, one.manager.pk, str(one.manager)), Level.MANAGER, one.manager.pk),
        "org": (Subject(SubjectKind.ORG, 0, one.org.name), Level.ORG, ORG_SUBJECT),
    }[which]
    metrics = ["sales_amount", "new_customers", "interactions"]
    now = compute(org=one.org, metrics=metrics, level=level, period=MARCH)[key]
    before = compute(org=one.org, metrics=metrics, level=level, period=FEBRUARY)[key]
    last_year = compute(org=one.org, metrics=metrics, level=level, period=MARCH_2025).get(key, {"sales_amount": 0})
    section = _section(_document(facts, subject), "KPI figures")
    figures = {block.label: block.value for block in section.blocks if isinstance(block, Figure)}
    assert figures["Sales amount"] == now["sales_amount"]
    assert figures["New customers won"] == now["new_customers"]
    rows = [row for block in section.blocks if isinstance(block, Table) for row in block.rows]
    sales = next(row for row in rows if row[0] == "Sales amount")
    assert sales[1:3] == (now["sales_amount"], before["sales_amount"])
    assert sales[3] == change_percent(now["sales_amount"], before["sales_amount"])
    assert sales[4] == last_year["sales_amount"]
    chart = next(block for block in section.blocks if isinstance(block, BarChart))
    assert chart.values == (last_year["sales_amount"], before["sales_amount"], now["sales_amount"])
    if which == "team":
        # Team A with its sub-team: 7,300 yuan in March against 5,000 in February.
        assert now["sales_amount"] == 730_000 and before["sales_amount"] == 500_000
        assert chart.title == "Sales amount up 46.0% on the previous month"


def test_the_periods_compared_are_stated(facts):
    document = _document(facts, _team(facts))
    assert document.footnotes[0] == "Figures of Mar 2026, against Feb 2026 and Mar 2025 (the same days last year)."
    assert document.subtitle == "one team A · Mar 2026"


def test_task_completion_is_the_engines(facts):
    one = facts.one
    keys = ["task_completion_rate", "on_time_completion_rate"]
    team = compute(org=one.org, metrics=keys, level=Level.TEAM, period=MARCH)[one.team_a.pk]
    people = compute(org=one.org, metrics=keys, level=Level.MANAGER, period=MARCH)
    section = _section(_document(facts, _team(facts)), "Task completion")
    figures = {block.label: block.value for block in section.blocks if isinstance(block, Figure)}
    assert figures["Task completion rate"] == team["task_completion_rate"]
    assert figures["On-time completion rate"] == team["on_time_completion_rate"]
    # Two done of three due (one left open); one of the two done on time.
    assert team["task_completion_rate"] == Decimal("66.67") and team["on_time_completion_rate"] == 50
    table = next(block for block in section.blocks if isinstance(block, Table))
    rows = {row[0]: row[1:] for row in table.rows}
    manager = people[one.manager.pk]
    assert rows[str(one.manager)] == (manager["task_completion_rate"], manager["on_time_completion_rate"])
    # Team A's own people, then its sub-team as the engine counts it.
    assert list(rows)[-1] == one.team_a1.name and str(one.sub_manager) not in rows
    sub_team = compute(org=one.org, metrics=keys, level=Level.TEAM, period=MARCH)[one.team_a1.pk]
    assert rows[one.team_a1.name] == (sub_team["task_completion_rate"], sub_team["on_time_completion_rate"])


def test_key_changes_name_the_largest_movers_by_the_engines_figures(facts):
    one = facts.one
    now = compute(org=one.org, metrics=["sales_amount"], level=Level.MANAGER, period=MARCH)
    before = compute(org=one.org, metrics=["sales_amount"], level=Level.MANAGER, period=FEBRUARY)
    section = _section(_document(facts, _team(facts)), "Key changes")
    chart = next(block for block in section.blocks if isinstance(block, BarChart))
    # The manager +3,000 yuan, the teammate -1,500, the sub-team's manager +800; not team B's.
    changes = dict(zip(chart.labels, chart.values, strict=True))
    for person in (one.manager, one.teammate, one.sub_manager):
        expected = now.get(person.pk, {}).get("sales_amount", 0) - before.get(person.pk, {}).get("sales_amount", 0)
        assert changes[str(person)] == expected
    assert str(one.other_manager) not in changes
    assert chart.labels[0] == str(one.manager)
    assert chart.title == f"Sales amount up 46.0% on the previous month, {one.manager} grew the most"


def test_a_personal_report_has_no_key_changes(facts):
    one = facts.one
    document = _document(facts, Subject(SubjectKind.PERSON, one.manager.pk, str(one.manager)))
    assert "Key changes" not in [section.title for section in document.sections]


def test_problems_and_measures_say_so_when_there_are_none(facts):
    table = _section(_document(facts, _team(facts)), "Problems and measures").blocks[0]
    assert table.rows == () and table.empty_text == "No problems were recorded in this period."


def test_problems_and_measures_come_from_the_registered_sources(facts):
    one = facts.one
    asked = {}

    def source(*, org, person_ids, start, end):
        asked.update(org=org, person_ids=set(person_ids), start=start, end=end)
        return [
            {
                "date": dt.date(2026, 3, 9),
                "person_id": one.teammate.pk,
                "problem": "Key customer delays payment",
                "measure": "",
                "source": "Weekly meeting",
                "url": "/meetings/1/",
            }
        ]

    sources.register_problem_source("test", source)
    try:
        table = _section(_document(facts, _team(facts)), "Problems and measures").blocks[0]
    finally:
        sources.unregister_problem_source("test")
    assert asked["org"] == one.org and (asked["start"], asked["end"]) == (MARCH.start, MARCH.end)
    # Team A's people, its sub-team's included (the lead too), not team B's.
    assert asked["person_ids"] == {one.lead.pk, one.manager.pk, one.teammate.pk, one.sub_manager.pk}
    assert table.rows == (
        (dt.date(2026, 3, 9), str(one.teammate), "Key customer delays payment", "No measure yet", "Weekly meeting"),
    )


def test_it_is_written_in_the_language_asked(facts):
    document = _document(facts, _team(facts), language="zh-hans")
    titles = [section.title for section in document.sections]
    assert titles[0] == "目标达成与进度"
    chart = next(b for b in _section(document, "KPI 指标").blocks if isinstance(b, BarChart))
    assert chart.title == "销售额较上月增长 46.0%"


def test_a_running_period_is_compared_day_for_day(facts):
    one = facts.one
    running = Facts(one.org, today=dt.date(2026, 3, 10))
    document = build_document(
        facts=running, subject=_team(facts), period_kind=PeriodKind.MONTH, period=MARCH, language="en"
    )
    assert document.footnotes[0].startswith(
        "Figures of 1 Mar 2026 – 10 Mar 2026, against 1 Feb 2026 – 10 Feb 2026 and 1 Mar 2025 – 10 Mar 2025"
    )
    so_far = compute(
        org=one.org, metrics=["sales_amount"], level=Level.TEAM, period=Period(MARCH.start, dt.date(2026, 3, 10))
    )
    figures = {b.label: b.value for b in _section(document, "KPI figures").blocks if isinstance(b, Figure)}
    assert figures["Sales amount"] == so_far[one.team_a.pk]["sales_amount"] == 650_000
