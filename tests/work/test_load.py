"""Booked hours (work/load.py), worked out by hand: overlapping tasks, part-weeks, overdue,
undated, closed and weekend-only tasks; working days; the flags of the workload view."""

import datetime as dt
from decimal import Decimal

import pytest

from pacekeeper.tenancy.scopes import Actor
from pacekeeper.work import load
from pacekeeper.work.models import Task
from pacekeeper.work.workload import team_workload

# Wednesday 2 December 2026. Its ISO week starts on Monday 30 November; the next three on
# 7, 14 and 21 December.
TODAY = dt.date(2026, 12, 2)
W49, W50, W51, W52 = (dt.date(2026, 11, 30), dt.date(2026, 12, 7), dt.date(2026, 12, 14), dt.date(2026, 12, 21))


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(Actor, "today", lambda self: TODAY)
    return TODAY


def _task(owner, hours, *, start=None, due=None, status="todo", title="T"):
    extra = {"blocked_reason": "waiting"} if status == "blocked" else {}
    return Task.objects.create(
        org=owner.org,
        owner=owner,
        title=title,
        estimate_hours=Decimal(hours),
        start_on=start,
        due_on=due,
        status=status,
        **extra,
    )


def test_it_counts_working_days_monday_to_friday():
    assert load.working_days(dt.date(2026, 12, 3), dt.date(2026, 12, 8)) == 4  # Thu, Fri, Mon, Tue
    assert load.working_days(dt.date(2026, 12, 5), dt.date(2026, 12, 6)) == 0  # a weekend
    assert load.working_days(dt.date(2026, 11, 30), dt.date(2026, 12, 13)) == 10  # two whole weeks
    assert load.working_days(dt.date(2026, 12, 8), dt.date(2026, 12, 7)) == 0  # backwards


def test_it_splits_a_task_from_thursday_to_next_tuesday_by_working_days():
    shares = load.spread(Decimal(10), dt.date(2026, 12, 3), dt.date(2026, 12, 8))
    assert shares == {W49: Decimal(5), W50: Decimal(5)}


def test_it_sums_overlapping_tasks_and_part_weeks_per_person_and_week(world, today):
    a, b = world.one.manager, world.one.teammate
    _task(a, 10, start=dt.date(2026, 12, 3), due=dt.date(2026, 12, 8))  # Thu–Tue: 5 + 5
    _task(a, 30, due=dt.date(2026, 12, 11))  # no start: from today, Wed–Fri + Mon–Fri = 8 days: 11.25 + 18.75
    _task(a, 8, due=dt.date(2026, 11, 27), status="doing")  # overdue: all 8 this week
    _task(a, 6)  # undated: no week, 6 unscheduled
    _task(a, 20, due=dt.date(2026, 12, 4), status="done")  # done: nothing
    _task(a, 7, due=dt.date(2026, 12, 4), status="cancelled")  # cancelled: nothing
    _task(a, 12, start=dt.date(2026, 12, 14), due=dt.date(2026, 12, 25), status="blocked")  # 2 whole weeks: 6 + 6
    _task(a, 4, start=dt.date(2026, 12, 5), due=dt.date(2026, 12, 6))  # Sat–Sun: no working day, all in its week
    _task(a, 5, start=dt.date(2026, 11, 20), due=dt.date(2026, 12, 4))  # started before today: Wed–Fri only
    _task(a, 40, start=dt.date(2027, 1, 4), due=dt.date(2027, 1, 8))  # after the window
    _task(b, 25, start=dt.date(2026, 12, 2), due=dt.date(2026, 12, 4))
    actor = world.one.actor("lead")

    booked = load.bookings(actor, capacities={a.pk: 40, b.pk: 20}, today=TODAY, weeks=4)

    assert booked.weeks == [W49, W50, W51, W52]
    mine = booked.people[a.pk]
    # Week 49: 5 + 11.25 + 8 + 4 + 5; week 50: 5 + 18.75; weeks 51 and 52: 6 each.
    assert mine.weeks == {W49: Decimal("33.25"), W50: Decimal("23.75"), W51: Decimal(6), W52: Decimal(6)}
    assert (mine.overdue, mine.unscheduled) == (Decimal(8), Decimal(6))
    assert booked.people[b.pk].weeks == {W49: Decimal(25)}


def test_it_flags_over_and_under_loaded_people(world, today):
    one = world.one
    one.teammate.weekly_capacity_hours = 20
    one.teammate.save(update_fields=["weekly_capacity_hours"])
    _task(one.manager, 10, start=dt.date(2026, 12, 3), due=dt.date(2026, 12, 8))  # 5 + 5 of 40
    _task(one.teammate, 25, start=dt.date(2026, 12, 2), due=dt.date(2026, 12, 4))  # 25 of 20 this week
    for week in (W49, W50, W51, W52):  # the sub-team's manager: 30 of 40 every week
        _task(one.sub_manager, 30, start=week, due=week + dt.timedelta(days=4))

    view = team_workload(one.actor("lead"), one.team_a)

    rows = {row.person.pk: row for row in view.rows}
    # Team A and its sub-team, the lead included; not team B.
    assert set(rows) == {one.lead.pk, one.manager.pk, one.teammate.pk, one.sub_manager.pk}
    teammate, manager, sub = rows[one.teammate.pk], rows[one.manager.pk], rows[one.sub_manager.pk]
    assert [c.booked for c in teammate.cells] == [Decimal(25), 0, 0, 0]
    assert teammate.cells[0].is_over and teammate.is_over
    # 5 of 40 is under half; 10 h in 160 is under half over the four weeks.
    assert manager.cells[0].is_under and manager.is_under and not manager.is_over
    # 30 of 40 is neither (20 is half); the week 49 task started Monday: spread from today, still 30.
    assert [c.booked for c in sub.cells] == [Decimal(30)] * 4
    assert not sub.is_under and not sub.is_over
    assert not any(cell.is_under or cell.is_over for cell in sub.cells)


def test_a_person_away_with_no_capacity_is_never_under_loaded(world, today):
    one = world.one
    one.manager.weekly_capacity_hours = 0
    one.manager.save(update_fields=["weekly_capacity_hours"])
    view = team_workload(one.actor("lead"), one.team_a)
    row = next(row for row in view.rows if row.person.pk == one.manager.pk)
    assert not row.is_under and not row.is_over
    _task(one.manager, 1, due=dt.date(2026, 12, 4))
    row = next(row for row in team_workload(one.actor("lead"), one.team_a).rows if row.person.pk == one.manager.pk)
    assert row.is_over


def test_the_load_query_is_two_queries_whatever_the_team(world, today, django_assert_num_queries):
    one = world.one
    for person in (one.manager, one.teammate, one.sub_manager):
        _task(person, 10, due=dt.date(2026, 12, 10))
        _task(person, 3, due=dt.date(2026, 11, 10))
    actor = one.actor("lead")
    with django_assert_num_queries(2):
        load.bookings(actor, capacities={one.manager.pk: 40, one.teammate.pk: 40}, today=TODAY, weeks=4)
