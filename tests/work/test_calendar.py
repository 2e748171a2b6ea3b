"""The calendar of due dates: tasks and follow-ups on the right days (worked by hand on March
2026, whose 1st is a Sunday), weeks from Monday, and bad parameters answered kindly."""

import datetime as dt

import pytest

from pacekeeper.crm.models import Customer
from pacekeeper.work.models import Task
from tests.factories import CustomerFactory, InteractionFactory

D = dt.date


def _task(owner, title, due, **extra):
    return Task.objects.create(org=owner.org, owner=owner, title=title, due_on=due, **extra)


def _placed(response) -> dict[dt.date, list[str]]:
    """Titles by day over the days of the month or week shown (not the grid's spill-over)."""
    return {
        day.day: sorted(e.title for e in day.entries) for day in response.context["calendar"]["days"] if day.entries
    }


@pytest.fixture
def march(world):
    one = world.one
    mine = one.customers["manager"]
    _task(one.manager, "Prepare renewal", D(2026, 3, 2))
    joint = _task(one.teammate, "Joint visit", D(2026, 3, 4))
    joint.collaborators.add(one.manager)
    # About the manager's customer but neither theirs nor shared: on the team's calendar only.
    _task(one.teammate, "Teammate's call", D(2026, 3, 4), customer=mine)
    _task(one.manager, "Cancelled visit", D(2026, 3, 5), status="cancelled")
    _task(one.manager, "Filed report", D(2026, 3, 31), status="done")
    _task(one.manager, "February wrap-up", D(2026, 2, 27))  # in the grid's first week, not in March
    InteractionFactory(customer=mine, next_step="Send the quote", next_step_on=D(2026, 3, 6))
    InteractionFactory(customer=mine, next_step="Already sent", next_step_on=D(2026, 3, 6), next_step_done=True)
    Customer.objects.filter(pk=mine.pk).update(next_due_on=D(2026, 3, 4))
    CustomerFactory(org=one.org, owner=one.manager, name="Lost Ltd", status="lost", next_due_on=D(2026, 3, 4))
    Customer.objects.filter(pk=one.customers["teammate"].pk).update(next_due_on=D(2026, 3, 9))


def test_an_account_managers_month_holds_their_tasks_and_follow_ups(world, client, march):
    client.force_login(world.one.manager)
    response = client.get("/tasks/calendar/", {"view": "month", "date": "2026-03-17"})
    assert response.status_code == 200
    calendar = response.context["calendar"]
    # Monday 23 Feb to Sunday 5 Apr: six whole weeks.
    assert calendar["weeks"][0][0].day == D(2026, 2, 23) and calendar["weeks"][-1][-1].day == D(2026, 4, 5)
    assert len(calendar["weeks"]) == 6 and all(len(week) == 7 for week in calendar["weeks"])
    assert _placed(response) == {
        D(2026, 3, 2): ["Prepare renewal"],
        D(2026, 3, 4): ["Joint visit", "one manager's customer"],
        D(2026, 3, 6): ["Send the quote"],
        D(2026, 3, 31): ["Filed report"],
    }
    assert calendar["count"] == 5
    kinds = {e.title: e.kind for day in calendar["days"] for e in day.entries}
    assert kinds["one manager's customer"] == "follow_up" and kinds["Send the quote"] == "next_step"
    html = response.content.decode()
    assert "Mar 2026" in html and 'href="#day-2026-03-04"' in html and 'id="day-2026-03-04"' in html
    assert "date=2026-02-01" in html and "date=2026-04-01" in html  # previous and next month


def test_a_week_runs_monday_to_sunday_and_a_lead_sees_the_team_or_one_person(world, client, march):
    one = world.one
    client.force_login(one.lead)
    response = client.get("/tasks/calendar/", {"view": "week", "date": "2026-03-04"})
    calendar = response.context["calendar"]
    assert [d.day for d in calendar["days"]] == [D(2026, 3, 2) + dt.timedelta(days=n) for n in range(7)]
    assert calendar["days"][0].weekday == "Monday"
    assert _placed(response) == {
        D(2026, 3, 2): ["Prepare renewal"],
        D(2026, 3, 4): ["Joint visit", "Teammate's call", "one manager's customer"],
        D(2026, 3, 6): ["Send the quote"],
    }
    assert "date=2026-02-23" in response.content.decode() and "date=2026-03-09" in response.content.decode()
    teammate = client.get("/tasks/calendar/", {"view": "week", "date": "2026-03-08", "person": one.teammate.pk})
    assert _placed(teammate) == {D(2026, 3, 4): ["Joint visit", "Teammate's call"]}
    next_week = client.get("/tasks/calendar/", {"view": "week", "date": "2026-03-09", "person": one.teammate.pk})
    assert _placed(next_week) == {D(2026, 3, 9): ["one teammate's customer"]}


def test_an_account_manager_cannot_look_at_someone_elses_calendar(world, client, march):
    client.force_login(world.one.manager)
    response = client.get("/tasks/calendar/", {"view": "week", "date": "2026-03-09", "person": world.one.teammate.pk})
    assert _placed(response) == {}


@pytest.mark.parametrize(
    "query",
    [
        {"date": "2026-02-30"},
        {"date": "0001-01-01"},
        {"date": "9999-12-31"},
        {"date": "yesterday"},
        {"view": "year"},
        {"person": "99999999999999999999"},
        {"person": "abc", "view": "week"},
    ],
)
def test_bad_parameters_get_a_message_and_todays_calendar(world, client, query):
    client.force_login(world.one.lead)
    response = client.get("/tasks/calendar/", query)
    assert response.status_code == 200
    calendar = response.context["calendar"]
    assert calendar["shows_today"]
    assert 'class="error"' in response.content.decode()


def test_the_first_business_month_has_no_previous_link(world, client):
    client.force_login(world.one.manager)
    response = client.get("/tasks/calendar/", {"date": "2000-01-15"})
    assert response.context["calendar"]["previous"] is None and 'rel="prev"' not in response.content.decode()


def test_it_speaks_chinese_dates(world, client, march):
    client.force_login(world.one.manager)
    client.cookies["django_language"] = "zh-hans"
    html = client.get("/tasks/calendar/", {"date": "2026-03-17"}).content.decode()
    assert "2026年3月" in html and "2026年3月4日" in html


def test_the_calendar_queries_the_same_whatever_the_number_of_items(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    one = world.one
    client.force_login(one.lead)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/tasks/calendar/", {"date": "2026-03-01"}).status_code == 200
        return len(queries)

    _task(one.manager, "T", D(2026, 3, 3))
    before = count()
    for n in range(8):
        _task(one.teammate, f"T{n}", D(2026, 3, 3 + n))
        InteractionFactory(customer=one.customers["manager"], next_step=f"S{n}", next_step_on=D(2026, 3, 10 + n))
    assert count() == before
