"""Mends from the review of the board and My tasks: each column loads its own cards and counts,
the status menu only for those who may move the card, My tasks in pages, the edit form keeps
the links it cannot offer, and the dates as one sentence."""

import datetime as dt
import re

import pytest

from pacekeeper.goals.models import Goal
from pacekeeper.work import selectors, views
from pacekeeper.work.models import Task


def _task(owner, title, **extra):
    return Task.objects.create(org=owner.org, owner=owner, title=title, **extra)


def test_a_crowded_column_no_longer_starves_the_others(world, client, monkeypatch):
    monkeypatch.setattr(selectors, "CARDS_PER_COLUMN", 2)
    one = world.one
    today = one.actor("lead").today()
    # Five "do now" to-dos outrank the one doing task: loading 2 × 4 cards across all columns
    # in quadrant order used to fill them with to-dos and leave "doing" empty beside its (1).
    for n in range(5):
        _task(one.manager, f"Urgent {n}", is_important=True, due_on=today)
    _task(one.teammate, "Slow burner", status="doing")
    client.force_login(one.lead)
    response = client.get("/tasks/board/", {"q": "r"})
    columns = {c["status"]: c for c in response.context["columns"]}
    assert (columns["todo"]["count"], len(columns["todo"]["cards"])) == (5, 2)
    assert (columns["doing"]["count"], [t.title for t in columns["doing"]["cards"]]) == (1, ["Slow burner"])
    html = response.content.decode()
    assert "Show all 5 in the list" in html
    assert re.search(r'href="/tasks/list/\?q=r&amp;status=todo"', html)


def test_the_status_menu_shows_only_to_those_who_may_move_the_card(world, client):
    one = world.one
    own = _task(one.manager, "Own task")
    shared = _task(one.teammate, "Shared task")
    shared.collaborators.add(one.manager)
    about_mine = _task(one.teammate, "About my customer", customer=one.customers["manager"])

    def menus(user) -> set[int]:
        client.force_login(user)
        html = client.get("/tasks/board/").content.decode()
        return {int(pk) for pk in re.findall(r'id="status-(\d+)"', html)}

    # The manager moves their own task and the one they collaborate on; the teammate's task
    # about their customer they only see.
    assert menus(one.manager) == {own.pk, shared.pk}
    assert menus(one.lead) == {own.pk, shared.pk, about_mine.pk}
    assert menus(one.analyst) == set()
    assert "Sortable.min.js" not in client.get("/tasks/board/").content.decode()
    # The cards the manager cannot move carry no drop address either.
    client.force_login(one.manager)
    html = client.get("/tasks/board/").content.decode()
    assert f'data-id="{about_mine.pk}" data-url' not in html and f'data-id="{own.pk}" data-url' in html


def test_the_board_decides_who_may_move_what_in_a_bounded_number_of_queries(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    one = world.one
    client.force_login(one.manager)

    def count():
        with CaptureQueriesContext(connection) as queries:
            client.get("/tasks/board/")
        return len(queries)

    _task(one.teammate, "About my customer", customer=one.customers["manager"])
    before = count()
    for n in range(6):
        task = _task(one.teammate, f"Shared {n}", status=("todo", "doing", "blocked")[n % 3], blocked_reason="w")
        task.collaborators.add(one.manager)
    assert count() == before


def test_my_tasks_come_in_pages_with_whole_group_counts(world, client, monkeypatch):
    monkeypatch.setattr(views, "MY_TASKS_PER_PAGE", 2)
    m = world.one.manager
    today = world.one.actor("manager").today()
    _task(m, "Do now A", is_important=True, due_on=today)
    _task(m, "Do now B", is_important=True, due_on=today + dt.timedelta(days=1))
    _task(m, "Drop C")
    client.force_login(m)
    first = client.get("/tasks/")
    groups = {g["quadrant"]: g for g in first.context["groups"]}
    assert [t.title for t in groups[1]["tasks"]] == ["Do now A", "Do now B"]
    assert groups[4]["count"] == 1 and groups[4]["tasks"] == [] and groups[4]["page"] == 2
    assert first.context["count"] == 3
    assert "These tasks start on page 2." in first.content.decode()
    second = client.get("/tasks/", {"page": 2})
    groups = {g["quadrant"]: g for g in second.context["groups"]}
    assert [t.title for t in groups[4]["tasks"]] == ["Drop C"]
    assert groups[1]["count"] == 2 and groups[1]["page"] == 1


@pytest.fixture
def out_of_reach(world):
    """A task of the lead's manager linked to a closed goal and to a customer of team B: the
    lead may edit the task but could pick neither link."""
    one = world.one
    goal = Goal.objects.create(
        org=one.org,
        title="Last year's push",
        metric="visits",
        level="manager",
        person=one.manager,
        status="closed",
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 12, 31),
        target=10,
    )
    customer = one.customers["other_manager"]
    return _task(one.manager, "Old follow-up", goal=goal, customer=customer), goal, customer


def test_the_edit_form_keeps_links_the_editor_could_not_pick(world, client, out_of_reach):
    task, goal, customer = out_of_reach
    client.force_login(world.one.lead)
    html = client.get(f"/tasks/{task.pk}/edit/").content.decode()
    assert f'<option value="{goal.pk}" selected>Last year&#x27;s push</option>' in html
    assert f'<option value="{customer.pk}" selected>' in html
    body = {
        "title": "Old follow-up, renamed",
        "owner": world.one.manager.pk,
        "urgency": "auto",
        "status": "todo",
        "goal": goal.pk,
        "customer": customer.pk,
    }
    response = client.post(f"/tasks/{task.pk}/edit/", body)
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.title, task.goal_id, task.customer_id) == ("Old follow-up, renamed", goal.pk, customer.pk)


def test_the_task_page_says_its_dates_in_one_sentence(world, client):
    task = _task(world.one.manager, "Visit", start_on=dt.date(2026, 3, 2), due_on=dt.date(2026, 3, 9))
    undated = _task(world.one.manager, "Plan", start_on=dt.date(2026, 3, 2))
    client.force_login(world.one.manager)
    assert "From 2 Mar 2026 to 9 Mar 2026" in client.get(f"/tasks/{task.pk}/").content.decode()
    assert "From 2 Mar 2026, with no due date" in client.get(f"/tasks/{undated.pk}/").content.decode()
    client.cookies["django_language"] = "zh-hans"
    assert "2026年3月2日至2026年3月9日" in client.get(f"/tasks/{task.pk}/").content.decode()


def test_the_task_pages_link_to_each_other(world, client):
    client.force_login(world.one.manager)
    html = client.get("/tasks/board/").content.decode()
    for path in ("/tasks/", "/tasks/board/", "/tasks/list/", "/tasks/calendar/"):
        assert f'href="{path}"' in html
