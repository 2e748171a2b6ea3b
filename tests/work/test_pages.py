"""Task pages: My tasks in quadrant order, the form's field errors, the board and its menu,
the checklist ticked with htmx, and My day's tasks due."""

import datetime as dt

from pacekeeper.tenancy.scopes import actor_for
from pacekeeper.work.models import Task


def _task(owner, title, **extra):
    return Task.objects.create(org=owner.org, owner=owner, title=title, **extra)


def test_my_tasks_shows_the_quadrants_in_order(world, client):
    m = world.one.manager
    today = actor_for(m).today()
    _task(m, "Someday report")
    _task(m, "Sign the renewal", is_important=True, due_on=today)
    _task(m, "Plan Q3 visits", is_important=True)
    _task(world.one.teammate, "Not mine")
    client.force_login(m)
    html = client.get("/tasks/").content.decode()
    positions = [html.index(title) for title in ("Sign the renewal", "Plan Q3 visits", "Someday report")]
    assert positions == sorted(positions)
    assert "Not mine" not in html


def test_the_form_shows_field_errors_and_keeps_what_was_typed(world, client):
    client.force_login(world.one.manager)
    body = {"title": "Visit Acme", "owner": world.one.manager.pk, "urgency": "auto", "status": "todo"}
    response = client.post("/tasks/new/", {**body, "start_on": "2026-05-02", "due_on": "2026-05-01"})
    assert response.status_code == 400
    assert "The due date cannot be before the start." in response.content.decode()
    assert 'value="Visit Acme"' in response.content.decode()
    response = client.post("/tasks/new/", {**body, "estimate_hours": "-2"})
    assert "The estimate cannot be below zero hours." in response.content.decode()
    assert not Task.objects.exists()
    response = client.post("/tasks/new/", {**body, "estimate_hours": "1.5", "labels": "visit"})
    task = Task.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/tasks/{task.pk}/"


def test_a_manager_cannot_assign_a_task_to_someone_outside_their_scope(world, client):
    client.force_login(world.one.manager)
    body = {"title": "X", "owner": world.one.other_manager.pk, "urgency": "auto", "status": "todo"}
    response = client.post("/tasks/new/", body)
    assert response.status_code == 400 and not Task.objects.exists()


def test_the_board_moves_a_card_by_its_menu_and_by_a_drop(world, client):
    task = _task(world.one.manager, "Call back")
    client.force_login(world.one.lead)
    html = client.get("/tasks/board/").content.decode()
    assert 'data-status="doing"' in html and "Call back" in html and "onclick" not in html
    response = client.post(f"/tasks/{task.pk}/status/", {"status": "doing", "next": "board"})
    assert response.status_code == 302 and response["Location"] == "/tasks/board/"
    refused = client.post(f"/tasks/{task.pk}/status/", {"status": "blocked"}, headers={"HX-Request": "true"})
    assert refused.status_code == 400
    dropped = client.post(
        f"/tasks/{task.pk}/status/", {"status": "blocked", "blocked_reason": "Waiting"}, headers={"HX-Request": "true"}
    )
    assert dropped.status_code == 204
    task.refresh_from_db()
    assert (task.status, task.blocked_reason) == ("blocked", "Waiting")


def test_the_board_filters_stay_in_the_url_and_count_each_column(world, client):
    one = world.one
    _task(one.manager, "Mine A")
    _task(one.manager, "Mine B", status="doing")
    _task(one.teammate, "Theirs")
    client.force_login(one.lead)
    response = client.get("/tasks/board/", {"owner": one.manager.pk})
    columns = {c["status"]: c["count"] for c in response.context["columns"]}
    assert columns == {"todo": 1, "doing": 1, "blocked": 0, "done": 0}
    assert "Theirs" not in response.content.decode()


def test_the_checklist_is_ticked_with_htmx(world, client):
    task = _task(world.one.manager, "Visit")
    item = task.checklist.create(org=task.org, text="Bring the contract")
    client.force_login(world.one.manager)
    response = client.post(f"/tasks/checklist/{item.pk}/toggle/", headers={"HX-Request": "true"})
    assert response.status_code == 200 and "<s>Bring the contract</s>" in response.content.decode()
    item.refresh_from_db()
    assert item.is_done


def test_my_day_lists_tasks_due_today_and_overdue(world, client):
    m = world.one.manager
    client.force_login(m)
    today = client.get("/my-day/").context["today"]
    _task(m, "Overdue task", due_on=today - dt.timedelta(days=2))
    _task(m, "Today task", due_on=today)
    _task(m, "Later task", due_on=today + dt.timedelta(days=5))
    html = client.get("/my-day/").content.decode()
    assert "Overdue task" in html and "Today task" in html and "Later task" not in html


def test_the_task_pages_query_the_same_whatever_the_number_of_tasks(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    one = world.one
    client.force_login(one.lead)

    def count(path):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    def add(n):
        for number in range(n):
            owner = one.manager if number % 2 else one.teammate
            _task(owner, f"T{number}", customer=one.customers["manager"], status=("todo", "doing")[number % 2])

    paths = ["/tasks/", "/tasks/board/", "/my-day/"]
    add(1)
    before = {path: count(path) for path in paths}
    add(20)
    assert {path: count(path) for path in paths} == before


def test_the_task_page_shows_a_reassignment_in_its_recorded_changes(world, client):
    from pacekeeper.work import services

    lead = actor_for(world.one.lead)
    task = services.task_create(actor=lead, changes={"title": "Renewal", "owner": world.one.manager.pk})
    services.task_update(actor=lead, task=task, changes={"owner": world.one.teammate.pk}, reason="On leave")
    client.force_login(world.one.lead)
    html = client.get(f"/tasks/{task.pk}/").content.decode()
    assert "On leave" in html and "Recorded changes" in html
