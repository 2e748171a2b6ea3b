"""The task metrics (docs/work.md, "Task metrics"): a worked example by hand, and random
histories written through work's services — completions, reopenings and completions again at
chosen moments, reassignments, cancellations, due dates moved, people changing team mid-period
— against the brute-force reference (tests/kpis/reference.py) at every level by both paths, with
the maintained rollups equal to a rebuild."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pacekeeper.kpis.engine import compute
from pacekeeper.kpis.periods import Period
from pacekeeper.kpis.rollups import rollups_rebuild
from pacekeeper.tenancy.models import Team, TeamMembership
from pacekeeper.work import services
from pacekeeper.work.models import Task, TaskDailyRollup, TaskMonthlyRollup, TaskOpenRollup
from pacekeeper.work.task_rollups import marks_of, tasks_changed
from tests.factories import build_org
from tests.kpis import reference

KEYS = ["task_completion_rate", "on_time_completion_rate"]
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _at(day: dt.date, hour: int = 10, tz=SHANGHAI) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=tz)


def _move(actor, task, status, when: dt.datetime):
    with mock.patch.object(timezone, "now", return_value=when):
        return services.task_move(actor=actor, task=task, status=status)


def _create(actor, owner, due, when: dt.datetime):
    with mock.patch.object(timezone, "now", return_value=when):
        return services.task_create(actor=actor, changes={"title": "t", "owner": owner.pk, "due_on": due})


class TestWorkedExample:
    def test_it_credits_completions_on_their_day_and_tasks_left_open_on_their_due_date(self, db):
        people = build_org("Tasks Org", "tk")
        director = people.actor("director")
        m, mate = people.manager, people.teammate
        march = Period.month(2026, 3)
        d = lambda day: dt.date(2026, 3, day)  # noqa: E731
        # The manager, in March:
        a = _create(director, m, d(10), _at(d(1)))
        _move(director, a, "done", _at(d(9)))  # 1. done early: done, on time
        b = _create(director, m, d(10), _at(d(1)))
        _move(director, b, "done", _at(d(12)))  # 2. done late (in March): done, not on time
        c = _create(director, m, None, _at(d(1)))
        _move(director, c, "done", _at(d(15)))  # 3. undated: done, not in the on-time rate
        _create(director, m, d(20), _at(d(1)))  # 4. due 20 March, still open: left open
        e = _create(director, m, d(25), _at(d(1)))
        _move(director, e, "done", _at(dt.date(2026, 4, 2)))  # 5. due in March, done in April: left open
        f = _create(director, m, d(5), _at(d(1)))
        _move(director, f, "cancelled", _at(d(4)))  # 6. cancelled: nowhere
        g = _create(director, m, dt.date(2026, 2, 20), _at(dt.date(2026, 2, 1)))
        _move(director, g, "done", _at(d(3)))  # 7. overdue from February, done in March: done, late
        # 8. done on 31 March at 23:30 in Shanghai (15:30 UTC), due that day: on time, in March.
        h = _create(director, m, d(31), _at(d(1)))
        _move(director, h, "done", dt.datetime(2026, 3, 31, 15, 30, tzinfo=dt.UTC))
        # 9. done on 31 March, reopened on 2 April, done again on 3 April: an April completion,
        # and due 31 March it was open at March's end.
        i = _create(director, m, d(31), _at(d(1)))
        _move(director, i, "done", _at(d(31)))
        _move(director, i, "todo", _at(dt.date(2026, 4, 2)))
        _move(director, i, "done", _at(dt.date(2026, 4, 3)))
        # The teammate: a task due 6 March done that day (23:00 in Shanghai), on time; and one due
        # 28 March, still open, reassigned from the manager: left open, the teammate's now.
        j = _create(director, mate, d(6), _at(d(1)))
        _move(director, j, "done", _at(d(6), 23))
        k = _create(director, m, d(28), _at(d(1)))
        services.task_update(actor=director, task=k, changes={"owner": mate.pk}, reason="holiday")

        # Manager, March: done = a, b, c, g, h = 5; left open = 4 (due 20), e (due 25), i (due 31) = 3.
        # Completion rate 5 / (5 + 3) = 62.50 %. Dated completions a, b, g, h = 4; on time a, h = 2:
        # 50.00 %. Teammate: done j (due 6, done 6 at 23:00 Shanghai) on time; left open k:
        # completion 1 / 2 = 50.00 %, on time 1 / 1 = 100.00 %.
        for source in ("live", "rollup"):
            people_figures = compute(org=people.org, metrics=KEYS, level="manager", period=march, source=source)
            assert people_figures[m.pk] == {
                "task_completion_rate": Decimal("62.50"),
                "on_time_completion_rate": Decimal("50.00"),
            }
            assert people_figures[mate.pk] == {
                "task_completion_rate": Decimal("50.00"),
                "on_time_completion_rate": Decimal("100.00"),
            }
            # Team A holds both: 6 / (6 + 4) = 60.00 %; on time 3 / 5 = 60.00 %. The organisation too.
            teams = compute(org=people.org, metrics=KEYS, level="team", period=march, source=source)
            assert teams[people.team_a.pk] == {
                "task_completion_rate": Decimal("60.00"),
                "on_time_completion_rate": Decimal("60.00"),
            }
            assert teams[people.team_b.pk] == {"task_completion_rate": None, "on_time_completion_rate": None}
            assert (
                compute(org=people.org, metrics=KEYS, level="org", period=march, source=source)[0]
                == teams[people.branch.pk]
            )
        # April: the manager's completions e, i (both late); nothing due in April.
        april = compute(org=people.org, metrics=KEYS, level="manager", period=Period.month(2026, 4))
        assert april[m.pk] == {"task_completion_rate": Decimal("100.00"), "on_time_completion_rate": Decimal("0.00")}

    def test_a_person_who_changes_team_takes_no_past_completions_along(self, db):
        people = build_org("Moves Org", "mv")
        director = people.actor("director")
        m = people.manager
        done_early = _create(director, m, dt.date(2026, 3, 31), _at(dt.date(2026, 3, 1)))
        _move(director, done_early, "done", _at(dt.date(2026, 3, 10)))
        _create(director, m, dt.date(2026, 3, 25), _at(dt.date(2026, 3, 1)))  # left open on 25 March
        # The manager moves from team A to team B on 20 March.
        TeamMembership.objects.filter(user=m).update(ended_on=dt.date(2026, 3, 19))
        TeamMembership.objects.create(org=people.org, team=people.team_b, user=m, started_on=dt.date(2026, 3, 20))
        for source in ("live", "rollup"):
            teams = compute(org=people.org, metrics=KEYS, level="team", period=Period.month(2026, 3), source=source)
            # Team A: the completion of 10 March (100 %, on time); team B: the task left open on 25 March (0 %).
            assert teams[people.team_a.pk]["task_completion_rate"] == Decimal("100.00")
            assert teams[people.team_b.pk]["task_completion_rate"] == Decimal("0.00")
            assert teams[people.team_b.pk]["on_time_completion_rate"] is None
            assert teams[people.branch.pk]["task_completion_rate"] == Decimal("50.00")


# --- random histories through the services ---------------------------------------------------------

DAY0 = dt.date(2026, 1, 1)
SPAN = 150
OWNERS = ("manager", "teammate", "sub_manager", "other_manager")
# Month ends and starts (Jan 31, Feb 1, Feb 28, Mar 1, Mar 31, Apr 1, Apr 30, May 1) and a few
# others, often: due dates, completion days and team moves then fall on one another and on the
# periods' edges.
EDGES = [0, 30, 31, 58, 59, 89, 90, 119, 120, 45, 46]
days = st.one_of(st.sampled_from(EDGES), st.integers(0, SPAN))
moments = st.tuples(days, st.integers(0, 23))  # a day and a UTC hour: late hours are the next day in Shanghai

# A task's life: created (owner, due date), then maybe done at a moment, maybe reopened and done
# again later; other steps reassign, cancel, move a due date or move a person to another team.
lives = st.tuples(
    st.just("task"),
    st.sampled_from(OWNERS),
    # due: none, a day, or a day either side of the local day it is done (on time and late by a day)
    st.none() | days | st.sampled_from([-1, 0, 1]).map(lambda shift: ("near", shift)),
    st.one_of(moments, moments, st.none()),  # done
    st.none() | st.tuples(moments, st.none() | moments),  # reopened, and done again
)
other_steps = st.lists(
    st.one_of(
        st.tuples(st.just("move"), st.integers(0, 20), st.sampled_from(["done", "todo", "cancelled"]), moments),
        st.tuples(st.just("reassign"), st.integers(0, 20), st.sampled_from(OWNERS)),
        st.tuples(st.just("due"), st.integers(0, 20), st.none() | days),
        st.tuples(
            st.just("change_team"), st.sampled_from(OWNERS), days, st.sampled_from(["team_a", "team_a1", "team_b"])
        ),
    ),
    max_size=8,
)
# Tasks' lives first, the other steps after them.
operations = st.tuples(st.lists(lives, min_size=3, max_size=12), other_steps).map(lambda both: both[0] + both[1])


@st.composite
def periods(draw):
    kind = draw(st.sampled_from(["month", "months", "range"]))
    if kind == "month":
        return Period.month(2026, draw(st.integers(1, 5)))
    if kind == "months":
        first = draw(st.integers(1, 5))
        return Period(Period.month(2026, first).start, Period.month(2026, draw(st.integers(first, 5))).end)
    start = DAY0 + dt.timedelta(days=draw(st.integers(0, SPAN)))
    return Period(start, start + dt.timedelta(days=draw(st.integers(0, 60))))


def _utc(moment) -> dt.datetime:
    day, hour = moment
    return dt.datetime.combine(DAY0 + dt.timedelta(days=day), dt.time(hour), tzinfo=dt.UTC)


def _apply(people, operation) -> None:
    director = people.actor("director")
    kind, *args = operation
    tasks = list(Task.objects.filter(org=people.org).order_by("pk"))
    if kind == "task":
        owner, due, done, again = args
        if isinstance(due, tuple):
            done_on = reference.local_day(_utc(done)) if done is not None else DAY0
            due_on = done_on + dt.timedelta(days=due[1])
        else:
            due_on = DAY0 + dt.timedelta(days=due) if due is not None else None
        task = _create(director, getattr(people, owner), due_on, _utc((0, 0)))
        if done is not None:
            _move(director, task, "done", _utc(done))
            if again is not None:
                reopened, redone = again
                _move(director, task, "todo", _utc(reopened))
                if redone is not None:
                    _move(director, task, "done", _utc(redone))
    elif kind == "move" and tasks:
        index, status, moment = args
        _move(director, tasks[index % len(tasks)], status, _utc(moment))
    elif kind == "reassign" and tasks:
        index, owner = args
        services.task_update(
            actor=director, task=tasks[index % len(tasks)], changes={"owner": getattr(people, owner).pk}
        )
    elif kind == "due" and tasks:
        index, due = args
        task = tasks[index % len(tasks)]
        due_on = DAY0 + dt.timedelta(days=due) if due is not None else None
        if due_on is not None and task.start_on and due_on < task.start_on:
            return
        services.task_update(actor=director, task=task, changes={"due_on": due_on})
    elif kind == "change_team":
        # From that day on, the person is in another team (credit stays with the old one before).
        who, day, team_key = args
        person, move_day = getattr(people, who), DAY0 + dt.timedelta(days=day)
        current = TeamMembership.objects.filter(user=person, ended_on__isnull=True).first()
        if current is None or current.started_on >= move_day:
            return
        current.ended_on = move_day - dt.timedelta(days=1)
        current.save(update_fields=["ended_on"])
        TeamMembership.objects.create(org=people.org, team=getattr(people, team_key), user=person, started_on=move_day)


def _rollups(org) -> dict[str, set]:
    fields = ("manager_id", "tasks_done", "tasks_done_dated", "tasks_done_on_time")
    return {
        "daily": set(TaskDailyRollup.objects.filter(org=org).values_list("day", *fields)),
        "monthly": set(TaskMonthlyRollup.objects.filter(org=org).values_list("month", *fields)),
        "open": set(
            TaskOpenRollup.objects.filter(org=org).values_list("manager_id", "due_month", "done_month", "tasks")
        ),
    }


def _facts(org) -> reference.Facts:
    facts = reference.Facts(teams=dict(Team.objects.filter(org=org).values_list("pk", "parent_id")))
    for user, team, start, end in TeamMembership.objects.filter(org=org).values_list(
        "user_id", "team_id", "started_on", "ended_on"
    ):
        facts.memberships.append({"user": user, "team": team, "start": start, "end": end})
    for owner, status, done_at, due in Task.objects.filter(org=org).values_list(
        "owner_id", "status", "completed_at", "due_on"
    ):
        facts.tasks.append({"owner": owner, "status": status, "done_at": done_at, "due": due})
    return facts


def _normalise(value):
    return str(value) if isinstance(value, Decimal) else value


@pytest.mark.django_db
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=operations, period=periods())
def test_it_agrees_with_brute_force_after_any_history_written_through_the_services(steps, period):
    with transaction.atomic():
        people = build_org("Task Metrics Org", "tm")
        for step in steps:
            _apply(people, step)
        maintained = _rollups(people.org)
        rollups_rebuild(org=people.org)
        assert maintained == _rollups(people.org)
        facts = _facts(people.org)
        subjects = {
            "manager": [getattr(people, who).pk for who in OWNERS],
            "team": [people.branch.pk, people.team_a.pk, people.team_a1.pk, people.team_b.pk],
            "org": [0],
        }
        for level, level_subjects in subjects.items():
            want = reference.expected(facts, level, period.start, period.end, level_subjects)
            for source in ("live", "rollup"):
                got = compute(org=people.org, metrics=KEYS, level=level, period=period, source=source)
                for subject in level_subjects:
                    values = {key: _normalise(v) for key, v in got.get(subject, {}).items()}
                    values = values or {key: None for key in KEYS}
                    assert values == {key: want[subject][key] for key in KEYS}, (level, source, subject, period)
        transaction.set_rollback(True)


def test_a_deleted_task_leaves_the_rollups(db):
    people = build_org("Delete Org", "del")
    director = people.actor("director")
    task = _create(director, people.manager, dt.date(2026, 3, 10), _at(dt.date(2026, 3, 1)))
    _move(director, task, "done", _at(dt.date(2026, 3, 9)))
    assert TaskDailyRollup.objects.filter(org=people.org).exists()
    marks = marks_of(people.org, [task])  # what a deleting path hands over: the task as it was
    Task.objects.filter(pk=task.pk).delete()
    tasks_changed(org=people.org, before=marks)
    assert not TaskDailyRollup.objects.filter(org=people.org).exists()
    assert not TaskMonthlyRollup.objects.filter(org=people.org).exists()
