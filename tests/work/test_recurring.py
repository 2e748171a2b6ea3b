"""Recurring tasks: the dates worked by hand from a calendar, the generator creating each task
once (in the organisation's time zone, catching up at most a week), pause and resume, and the
rule's input checks.

Calendar used below (worked out from 1 January 2026, a Thursday): 1 March 2026 is a Sunday, so
the Mondays of March are 2, 9, 16, 23, 30 and 6 April follows; 4 March and 1 April are
Wednesdays; 6 and 20 March and 3 April are Fridays.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.work import recurring_services as services
from pacekeeper.work.models import Occurrence, RecurringTask, Task, TaskOpenRollup
from pacekeeper.work.recurrence import Schedule, next_occurrences, occurrences

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = dt.date


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    """A moment of that day in the organisation's time zone (Asia/Shanghai)."""
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


WEDNESDAY_4_MARCH = D(2026, 3, 4)


def _rule(owner, *, active_since=WEDNESDAY_4_MARCH, **fields) -> RecurringTask:
    values = {
        "title": "Weekly report",
        "frequency": "weekly",
        "weekday": 0,
        "starts_on": D(2026, 3, 4),
        "lead_days": 7,
    } | fields
    return RecurringTask.objects.create(org=owner.org, owner=owner, active_since=active_since, **values)


def _due_dates(owner) -> list[dt.date]:
    return list(Task.objects.filter(owner=owner).order_by("due_on").values_list("due_on", flat=True))


class TestDates:
    def test_it_repeats_weekly_from_the_first_weekday_on_or_after_the_start(self):
        weekly = Schedule(frequency="weekly", interval=1, weekday=0, starts_on=D(2026, 3, 4))
        assert occurrences(weekly, since=D(2026, 3, 1), until=D(2026, 4, 6)) == [
            D(2026, 3, 9),
            D(2026, 3, 16),
            D(2026, 3, 23),
            D(2026, 3, 30),
            D(2026, 4, 6),
        ]

    def test_it_repeats_every_second_week(self):
        fortnightly = Schedule(frequency="weekly", interval=2, weekday=4, starts_on=D(2026, 3, 2))
        assert occurrences(fortnightly, since=D(2026, 3, 2), until=D(2026, 4, 5)) == [
            D(2026, 3, 6),
            D(2026, 3, 20),
            D(2026, 4, 3),
        ]
        # Asked from the middle, the cycle still counts from the first Friday (6 March).
        assert occurrences(fortnightly, since=D(2026, 3, 7), until=D(2026, 4, 5)) == [D(2026, 3, 20), D(2026, 4, 3)]

    def test_it_falls_on_the_last_day_of_months_shorter_than_the_day(self):
        on_31st = Schedule(frequency="monthly", interval=1, day_of_month=31, starts_on=D(2026, 1, 15))
        assert occurrences(on_31st, since=D(2026, 1, 1), until=D(2026, 6, 30)) == [
            D(2026, 1, 31),
            D(2026, 2, 28),
            D(2026, 3, 31),
            D(2026, 4, 30),
            D(2026, 5, 31),
            D(2026, 6, 30),
        ]
        on_29th = Schedule(frequency="monthly", interval=1, day_of_month=29, starts_on=D(2028, 1, 1))
        assert occurrences(on_29th, since=D(2028, 2, 1), until=D(2028, 3, 31)) == [D(2028, 2, 29), D(2028, 3, 29)]

    def test_it_counts_quarters_and_months_from_the_start_month(self):
        quarterly = Schedule(frequency="quarterly", interval=1, day_of_month=1, starts_on=D(2026, 1, 15))
        # 1 January is before the start: the first quarter's date passes, the next is 1 April.
        assert occurrences(quarterly, since=D(2026, 1, 1), until=D(2027, 1, 1)) == [
            D(2026, 4, 1),
            D(2026, 7, 1),
            D(2026, 10, 1),
            D(2027, 1, 1),
        ]
        monthly = Schedule(frequency="monthly", interval=1, day_of_month=1, starts_on=D(2026, 1, 15))
        assert occurrences(monthly, since=D(2026, 1, 1), until=D(2026, 3, 1)) == [D(2026, 2, 1), D(2026, 3, 1)]

    def test_it_stops_at_the_end_date(self):
        weekly = Schedule(frequency="weekly", interval=1, weekday=0, starts_on=D(2026, 3, 4), ends_on=D(2026, 3, 23))
        assert occurrences(weekly, since=D(2026, 3, 1), until=D(2026, 12, 31)) == [
            D(2026, 3, 9),
            D(2026, 3, 16),
            D(2026, 3, 23),
        ]
        assert next_occurrences(weekly, today=D(2026, 3, 17), count=5) == [D(2026, 3, 23)]

    def test_it_previews_the_next_dates_from_today(self):
        on_31st = Schedule(frequency="monthly", interval=1, day_of_month=31, starts_on=D(2026, 1, 1))
        assert next_occurrences(on_31st, today=D(2026, 2, 10), count=3) == [
            D(2026, 2, 28),
            D(2026, 3, 31),
            D(2026, 4, 30),
        ]


class TestGenerator:
    def test_it_creates_each_task_once_ahead_of_its_date(self, world):
        manager = world.one.manager
        rule = _rule(manager, estimate_hours=Decimal("1.50"), is_important=True, labels="report")
        # Wednesday 4 March, 7 days ahead: up to 11 March → Monday 9 March.
        assert services.recurring_tasks_generate(now=at(D(2026, 3, 4))) == 1
        assert services.recurring_tasks_generate(now=at(D(2026, 3, 4))) == 0
        task = Task.objects.get(owner=manager)
        assert (task.due_on, task.start_on) == (D(2026, 3, 9), D(2026, 3, 2))
        assert (task.title, task.estimate_hours, task.is_important, task.labels) == (
            "Weekly report",
            Decimal("1.50"),
            True,
            "report",
        )
        assert task.occurrence.recurring_task == rule
        # Tuesday 10 March: up to 17 March → Monday 16 March joins.
        assert services.recurring_tasks_generate(now=at(D(2026, 3, 10))) == 1
        assert _due_dates(manager) == [D(2026, 3, 9), D(2026, 3, 16)]

    def test_its_tasks_count_as_left_open_in_the_completion_rate(self, world):
        """A generated task is due on a day, so until done it is "left open" in its due month: the
        task rollups must know it without a rebuild (tests/work/test_metrics.py)."""
        manager = world.one.manager
        _rule(manager)
        services.recurring_tasks_generate(now=at(D(2026, 3, 4)))
        rows = TaskOpenRollup.objects.filter(org=manager.org, manager=manager)
        assert [(row.due_month, row.tasks) for row in rows] == [(D(2026, 3, 1), 1)]

    def test_it_refuses_a_second_occurrence_of_a_date(self, world):
        rule = _rule(world.one.manager)
        Occurrence.objects.create(org=rule.org, recurring_task=rule, occurs_on=D(2026, 3, 9))
        with pytest.raises(IntegrityError), transaction.atomic():
            Occurrence.objects.create(org=rule.org, recurring_task=rule, occurs_on=D(2026, 3, 9))
        # The generator finds the date taken and creates nothing for it.
        assert services.recurring_tasks_generate(now=at(D(2026, 3, 4))) == 0

    def test_it_catches_up_at_most_a_week_after_downtime(self, world):
        manager = world.one.manager
        _rule(manager)
        services.recurring_tasks_generate(now=at(D(2026, 3, 4)))  # 9 March
        # No worker from then until Wednesday 1 April: the window is 25 March to 8 April, so
        # 30 March and 6 April are created; 16 and 23 March are more than a week old and are not.
        assert services.recurring_tasks_generate(now=at(D(2026, 4, 1))) == 2
        assert _due_dates(manager) == [D(2026, 3, 9), D(2026, 3, 30), D(2026, 4, 6)]

    def test_it_uses_the_organisations_today(self, world):
        manager = world.one.manager
        _rule(manager, lead_days=0)
        # 16:30 UTC on Sunday 8 March is 00:30 on Monday 9 March in Shanghai: today's task is due.
        moment = dt.datetime(2026, 3, 8, 16, 30, tzinfo=dt.UTC)
        assert services.recurring_tasks_generate(now=moment) == 1
        assert _due_dates(manager) == [D(2026, 3, 9)]
        # The same moment is still Sunday in an organisation on UTC: nothing yet.
        other = world.two.manager
        world.two.org.time_zone = "UTC"
        world.two.org.save(update_fields=["time_zone"])
        _rule(other, lead_days=0)
        assert services.recurring_tasks_generate(now=moment) == 0
        assert _due_dates(other) == []

    def test_it_does_not_create_the_dates_of_a_paused_stretch(self, world):
        manager = world.one.manager
        rule = _rule(manager, active_since=D(2026, 3, 4))
        services.recurring_tasks_generate(now=at(D(2026, 3, 4)))  # 9 March
        rule.status = RecurringTask.Status.PAUSED
        rule.save()
        assert services.recurring_tasks_generate(now=at(D(2026, 3, 17))) == 0
        # Resumed on Wednesday 25 March: 23 March (inside the catch-up week) was paused, so only
        # 30 March is created.
        rule.status = RecurringTask.Status.ACTIVE
        rule.active_since = D(2026, 3, 25)
        rule.save()
        assert services.recurring_tasks_generate(now=at(D(2026, 3, 25))) == 1
        assert _due_dates(manager) == [D(2026, 3, 9), D(2026, 3, 30)]

    def test_it_stops_after_the_end_date_and_for_people_who_left(self, world):
        manager, teammate = world.one.manager, world.one.teammate
        _rule(manager, ends_on=D(2026, 3, 9))
        _rule(teammate)
        teammate.is_active = False
        teammate.save(update_fields=["is_active"])
        services.recurring_tasks_generate(now=at(D(2026, 3, 4)))
        services.recurring_tasks_generate(now=at(D(2026, 3, 10)))
        assert _due_dates(manager) == [D(2026, 3, 9)]
        assert _due_dates(teammate) == []

    def test_it_copies_active_collaborators(self, world):
        rule = _rule(world.one.manager)
        rule.collaborators.set([world.one.teammate])
        services.recurring_tasks_generate(now=at(D(2026, 3, 4)))
        assert list(Task.objects.get(owner=world.one.manager).collaborators.all()) == [world.one.teammate]


class TestRuleService:
    def _changes(self, **extra):
        return {
            "title": "Monthly portfolio review",
            "frequency": "monthly",
            "day_of_month": 31,
            "starts_on": D(2026, 1, 1),
            "lead_days": 3,
        } | extra

    def test_a_lead_sets_a_rule_for_their_person(self, world):
        actor = world.one.actor("lead")
        rule = services.recurring_task_create(actor=actor, changes=self._changes(owner=world.one.manager.pk))
        assert rule.owner == world.one.manager
        assert rule.created_by == world.one.lead
        assert rule.weekday is None and rule.day_of_month == 31

    def test_a_manager_may_not_set_one_for_a_teammate(self, world):
        actor = world.one.actor("manager")
        with pytest.raises(ValidationFailed) as error:
            services.recurring_task_create(actor=actor, changes=self._changes(owner=world.one.teammate.pk))
        assert set(error.value.errors) == {"owner"}
        assert not RecurringTask.objects.exists()

    @pytest.mark.parametrize(
        "changes,field",
        [
            ({"frequency": "daily"}, "frequency"),
            ({"frequency": "weekly", "weekday": None}, "weekday"),
            ({"frequency": "weekly", "weekday": 7}, "weekday"),
            ({"day_of_month": 0}, "day_of_month"),
            ({"day_of_month": None}, "day_of_month"),
            ({"interval": 0}, "interval"),
            ({"interval": "two"}, "interval"),
            ({"lead_days": 91}, "lead_days"),
            ({"starts_on": None}, "starts_on"),
            ({"starts_on": D(1900, 1, 1)}, "starts_on"),
            ({"ends_on": D(2025, 12, 31)}, "ends_on"),
            ({"estimate_hours": "-1"}, "estimate_hours"),
        ],
    )
    def test_it_refuses_bad_input_with_a_field_error(self, world, changes, field):
        actor = world.one.actor("manager")
        with pytest.raises(ValidationFailed) as error:
            services.recurring_task_create(actor=actor, changes=self._changes(**changes))
        assert field in error.value.errors
        assert not RecurringTask.objects.exists()

    def test_pausing_and_resuming_restarts_from_today(self, world):
        actor = world.one.actor("manager")
        rule = services.recurring_task_create(actor=actor, changes=self._changes())
        rule.active_since = D(2026, 1, 1)
        rule.save(update_fields=["active_since"])
        services.recurring_task_pause(actor=actor, rule=rule)
        assert rule.is_paused
        services.recurring_task_resume(actor=actor, rule=rule)
        assert not rule.is_paused and rule.active_since == actor.today()

    def test_only_who_may_change_the_owners_tasks_changes_the_rule(self, world):
        rule = services.recurring_task_create(actor=world.one.actor("manager"), changes=self._changes())
        for role in ("teammate", "analyst", "other_lead"):
            with pytest.raises(Forbidden):
                services.recurring_task_pause(actor=world.one.actor(role), rule=rule)
        services.recurring_task_pause(actor=world.one.actor("lead"), rule=rule)
        made = rule.occurrences.exclude(task=None).count()
        assert services.recurring_task_delete(actor=world.one.actor("lead"), rule=rule) == made
        assert not RecurringTask.objects.exists()
        assert Task.objects.filter(owner=world.one.manager).count() == made  # the tasks stay
