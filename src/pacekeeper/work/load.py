"""Booked hours: how much open task work each person carries per week (docs/work.md,
"Workload and assignment").

The rule, in full:
- Only **open** tasks (to do, doing, blocked) with an estimate above zero count; done and
  cancelled tasks book nothing.
- We do not track hours already spent, so an open task's **whole estimate is still to do**.
  It is spread evenly over the **working days (Monday–Friday)** from its *effective start* to
  its due date, both inclusive. The effective start is the later of the task's start date and
  today; a task without a start date starts today (its creation date is always today or
  earlier, so "the later of creation and today" is today). Spreading over days already gone
  would hide work that still has to be done.
- A week gets the share of the estimate that its working days make of the span's working
  days: a 10-hour task from Thursday to next Tuesday (4 working days) books 5 h in the first
  week (Thu, Fri) and 5 h in the second (Mon, Tue).
- A span without a working day (Saturday to Sunday) books its whole estimate in the week it
  falls in.
- **Overdue** open tasks (due before today) are still to be done: their whole estimate is
  booked in the current week (the week of the next working day).
- **Undated** open tasks (no due date) have no span: they book no week. Their hours are shown
  apart as *unscheduled*, so they are seen without pretending to know when they happen.
- Weeks are ISO weeks (Monday to Sunday), named by their Monday. Capacity is the person's
  weekly capacity (`User.weekly_capacity_hours`) for every week, the current one included.

Speed: two narrow queries over the indexed (org, owner, status, due_on) columns — one row per
open dated task in the window, one GROUP BY owner for the overdue and undated hours — and the
spreading in Python, one small loop per task over the weeks it touches (not per day).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum

from pacekeeper.tenancy.scopes import Actor, task_load_q

from .models import Task

OPEN = tuple(status for status in Task.Status.values if status not in Task.CLOSED)
ZERO = Decimal(0)
FOUR_DAYS = dt.timedelta(days=4)
ONE_WEEK = dt.timedelta(weeks=1)
# Under-loaded: booked below half the capacity (a person with half a week free can take work).
UNDER_LOADED_SHARE = Decimal("0.5")


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def next_working_day(day: dt.date) -> dt.date:
    """The day itself on Monday–Friday, else the Monday after."""
    return day if day.weekday() < 5 else day + dt.timedelta(days=7 - day.weekday())


# _EXTRA[weekday][n]: working days among n (< 7) consecutive days starting on that weekday.
_EXTRA = [[sum(1 for offset in range(n) if (start + offset) % 7 < 5) for n in range(7)] for start in range(7)]


def working_days(first: dt.date, last: dt.date) -> int:
    """Mondays to Fridays from `first` to `last`, both inclusive (0 when last < first)."""
    if last < first:
        return 0
    weeks, rest = divmod((last - first).days + 1, 7)
    return weeks * 5 + _EXTRA[first.weekday()][rest]


def week_starts(today: dt.date, weeks: int) -> list[dt.date]:
    """The Mondays of the current week and the `weeks - 1` after it."""
    first = monday_of(today)
    return [first + dt.timedelta(weeks=n) for n in range(weeks)]


def effective_span(start_on: dt.date | None, due_on: dt.date, today: dt.date) -> tuple[dt.date, dt.date]:
    """The days an open, dated, not overdue task is spread over (see the module's rule)."""
    return max(start_on or today, today), due_on


def spread(hours: Decimal, first: dt.date, last: dt.date, *, until: dt.date | None = None) -> dict[dt.date, Decimal]:
    """{Monday: hours} of `hours` spread evenly over the working days from `first` to `last`;
    only the weeks up to `until` are worked out (a task due in years books few in a month)."""
    hours = hours if isinstance(hours, Decimal) else Decimal(str(hours))
    week = first - dt.timedelta(days=first.weekday())
    if (last - week).days < 7:  # one week holds the whole span (the common case): all of it
        return {week: hours}
    total = working_days(first, last)
    if total == 0:
        return {monday_of(first): hours}
    shares = {}
    stop = min(last, until) if until else last
    while week <= stop:
        # Within one week: from the later of `first` and Monday to the earlier of `last` and
        # Friday; a weekend `first` leaves no day (Friday comes before it).
        begin, end = max(first, week), min(last, week + FOUR_DAYS)
        days = (end - begin).days + 1
        if days > 0:
            shares[week] = hours * days / total
        week += ONE_WEEK
    return shares


def task_shares(
    *, estimate: Decimal, start_on: dt.date | None, due_on: dt.date | None, today: dt.date, until: dt.date | None = None
) -> dict[dt.date, Decimal]:
    """What one open task books, week by week (up to `until`): the rule of this module for one
    task. Undated: nothing."""
    if due_on is None or estimate <= 0:
        return {}
    if due_on < today:
        return {monday_of(next_working_day(today)): Decimal(str(estimate))}
    return spread(estimate, *effective_span(start_on, due_on, today), until=until)


@dataclass
class PersonLoad:
    """One person's booked hours per week of the window (Monday → hours), with their overdue and
    unscheduled hours (the overdue hours are already inside the current week's figure)."""

    person_id: int
    capacity: int
    weeks: dict[dt.date, Decimal]
    overdue: Decimal = ZERO
    unscheduled: Decimal = ZERO

    def booked(self, week: dt.date) -> Decimal:
        return self.weeks.get(week, ZERO)

    def is_over(self, week: dt.date) -> bool:
        return self.booked(week) > self.capacity

    def is_under(self, week: dt.date) -> bool:
        return self.capacity > 0 and self.booked(week) < self.capacity * UNDER_LOADED_SHARE


@dataclass(frozen=True)
class BookedTask:
    """An open task inside the window, as the rebalancing suggestions need it."""

    pk: int
    owner_id: int
    title: str
    status: str
    start_on: dt.date | None
    due_on: dt.date
    estimate: Decimal
    shares: dict[dt.date, Decimal] = field(hash=False)


@dataclass
class Bookings:
    weeks: list[dt.date]
    people: dict[int, PersonLoad]
    tasks: list[BookedTask]


def bookings(
    actor: Actor,
    *,
    capacities: dict[int, int],
    today: dt.date,
    weeks: int = 4,
    exclude_task: int | None = None,
    keep: tuple[str, ...] = (),
) -> Bookings:
    """Booked hours per person (the keys of `capacities`: person id → weekly hours) per week,
    from the current week for `weeks` weeks. `exclude_task` leaves one task out (ranking the
    candidates for that very task); the open tasks in the window whose status is in `keep` are
    returned too (the rebalancing suggestions' movable tasks). Two queries whatever the number
    of people."""
    window = week_starts(today, weeks)
    end = window[-1] + dt.timedelta(days=6)
    people = {pk: PersonLoad(person_id=pk, capacity=capacity, weeks={}) for pk, capacity in capacities.items()}
    base = Task.objects.filter(task_load_q(actor), owner_id__in=list(capacities), status__in=OPEN, estimate_hours__gt=0)
    if exclude_task is not None:
        base = base.exclude(pk=exclude_task)
    current = monday_of(next_working_day(today))
    for row in _late_and_undated(base, today):
        person = people[row["owner_id"]]
        person.overdue = row["overdue"] or ZERO
        person.unscheduled = row["unscheduled"] or ZERO
        if person.overdue and current in window:
            person.weeks[current] = person.weeks.get(current, ZERO) + person.overdue
    rows = (
        base.filter(Q(start_on__isnull=True) | Q(start_on__lte=end), due_on__gte=today)
        .values_list("pk", "owner_id", "title", "status", "start_on", "due_on", "estimate_hours")
        .order_by()
    )
    tasks = []
    last_week = window[-1]
    for pk, owner_id, title, status, start_on, due_on, estimate in rows:
        first = start_on if start_on is not None and start_on > today else today  # effective_span, inlined
        shares = spread(estimate, first, due_on, until=last_week)
        booked = people[owner_id].weeks
        for week, hours in shares.items():
            booked[week] = booked.get(week, ZERO) + hours
        if shares and status in keep:
            tasks.append(BookedTask(pk, owner_id, title, status, start_on, due_on, estimate, shares))
    return Bookings(weeks=window, people=people, tasks=tasks)


def _late_and_undated(base, today: dt.date) -> Iterable[dict]:
    """Per owner: the hours of open tasks already overdue, and of those without a due date."""
    return (
        base.filter(Q(due_on__lt=today) | Q(due_on__isnull=True))
        .values("owner_id")
        .annotate(
            overdue=Sum("estimate_hours", filter=Q(due_on__lt=today)),
            unscheduled=Sum("estimate_hours", filter=Q(due_on__isnull=True)),
        )
        .order_by()
    )
