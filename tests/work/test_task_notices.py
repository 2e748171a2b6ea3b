"""Notifications about tasks: assigned (not to oneself), due tomorrow and overdue once per task
and due date however often the chores run, in the organisation's time zone; and the chores
registry keeps going past a failing chore."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pacekeeper.lib import chores
from pacekeeper.notifications.models import Notification
from pacekeeper.work import services
from pacekeeper.work.models import Task
from pacekeeper.work.notices import TASK_ASSIGNED, TASK_DUE_TOMORROW, TASK_OVERDUE, task_notices_send

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def _told(kind: str) -> list[tuple[str, int]]:
    return sorted((n.recipient.username, n.subject_id) for n in Notification.objects.filter(kind=kind))


@pytest.fixture
def delivered(monkeypatch):
    """notify() delivers after commit; the test's transaction never commits, so deliver at once."""
    monkeypatch.setattr("pacekeeper.notifications.services.transaction.on_commit", lambda callback: callback())


class TestAssigned:
    def test_the_owner_is_told_when_someone_else_gives_them_a_task(self, world, delivered):
        one = world.one
        task = services.task_create(actor=one.actor("lead"), changes={"title": "Call back", "owner": one.manager.pk})
        assert _told(TASK_ASSIGNED) == [("one_manager", task.pk)]
        notification = Notification.objects.get(kind=TASK_ASSIGNED)
        assert notification.link == f"/tasks/{task.pk}/"
        assert "Call back" in notification.message

    def test_nobody_is_told_of_their_own_task(self, world, delivered):
        services.task_create(actor=world.one.actor("manager"), changes={"title": "Mine"})
        assert _told(TASK_ASSIGNED) == []

    def test_reassigning_tells_the_new_owner_but_not_oneself(self, world, delivered):
        one = world.one
        lead = one.actor("lead")
        task = services.task_create(actor=one.actor("manager"), changes={"title": "Visit"})
        services.task_update(actor=lead, task=task, changes={"owner": one.teammate.pk})
        services.task_update(actor=lead, task=task, changes={"title": "Visit soon"})  # same owner: nothing
        services.task_update(actor=lead, task=task, changes={"owner": one.lead.pk})  # to self: nothing
        assert _told(TASK_ASSIGNED) == [("one_teammate", task.pk)]


class TestDueAndOverdue:
    @pytest.fixture
    def task(self, world):
        task = Task.objects.create(
            org=world.one.org, owner=world.one.manager, title="Renewal", due_on=dt.date(2026, 3, 10)
        )
        task.collaborators.set([world.one.teammate])
        return task

    def test_it_tells_owner_and_collaborators_the_day_before_once(self, world, task, delivered):
        assert task_notices_send(now=at(dt.date(2026, 3, 8))) == 0  # two days ahead: not yet
        assert task_notices_send(now=at(dt.date(2026, 3, 9))) == 1
        assert task_notices_send(now=at(dt.date(2026, 3, 9), hour=18)) == 0
        assert _told(TASK_DUE_TOMORROW) == [("one_manager", task.pk), ("one_teammate", task.pk)]
        assert _told(TASK_OVERDUE) == []

    def test_it_tells_them_once_the_day_after_it_was_due(self, world, task, delivered):
        assert task_notices_send(now=at(dt.date(2026, 3, 10))) == 0  # due today: not overdue yet
        assert task_notices_send(now=at(dt.date(2026, 3, 11))) == 1
        assert task_notices_send(now=at(dt.date(2026, 3, 12))) == 0
        assert _told(TASK_OVERDUE) == [("one_manager", task.pk), ("one_teammate", task.pk)]

    def test_a_new_due_date_earns_a_new_notice(self, world, task, delivered):
        task_notices_send(now=at(dt.date(2026, 3, 11)))
        task.due_on = dt.date(2026, 3, 12)
        task.save(update_fields=["due_on"])
        assert task_notices_send(now=at(dt.date(2026, 3, 13))) == 1
        assert len(_told(TASK_OVERDUE)) == 4

    def test_closed_tasks_and_long_overdue_ones_are_not_announced(self, world, task, delivered):
        task.status = Task.Status.DONE
        task.save(update_fields=["status"])
        Task.objects.create(org=world.one.org, owner=world.one.manager, title="Old", due_on=dt.date(2026, 3, 1))
        # 11 March: "Renewal" is done; "Old" was due 10 days ago, beyond the catch-up week.
        assert task_notices_send(now=at(dt.date(2026, 3, 11))) == 0
        assert Notification.objects.count() == 0

    def test_it_reads_tomorrow_in_the_organisations_time_zone(self, world, task, delivered):
        # 17:00 UTC on 8 March is 01:00 on 9 March in Shanghai: the task is due tomorrow there.
        assert task_notices_send(now=dt.datetime(2026, 3, 8, 17, tzinfo=dt.UTC)) == 1


class TestChores:
    def test_a_failing_chore_does_not_stop_the_others(self, monkeypatch):
        ran = []
        monkeypatch.setattr(chores, "CHORES", {})
        chores.register("broken", lambda: 1 / 0)
        chores.register("fine", lambda: ran.append("fine") or 3)
        results = chores.run_all()
        assert isinstance(results["broken"], ZeroDivisionError)
        assert results["fine"] == 3 and ran == ["fine"]
        with pytest.raises(CommandError, match="broken"):
            call_command("chores")
        assert ran == ["fine", "fine"]

    def test_the_work_chores_are_registered_and_run_from_the_command(self, world, capsys):
        assert {"recurring_tasks", "task_notices"} <= set(chores.CHORES)
        call_command("chores", "recurring_tasks")
        assert "recurring_tasks: 0" in capsys.readouterr().out
        with pytest.raises(CommandError):
            call_command("chores", "no_such_chore")
