"""Mends from the user try-out of the Tasks area: "blocked" from a card asks for the reason in
place, the due-date marker follows the urgency rule, an analyst is not offered to create a task,
each form error once, and the workload's person cell in one piece."""

import datetime as dt
import re

from pacekeeper.work.models import Task


def _task(owner, title, **extra):
    return Task.objects.create(org=owner.org, owner=owner, title=title, **extra)


def test_the_card_menu_has_a_reason_field_revealed_by_choosing_blocked(world, client):
    one = world.one
    task = _task(one.manager, "Card")
    client.force_login(one.manager)
    html = client.get("/tasks/board/").content.decode()
    form = re.search(rf'<form method="post" action="/tasks/{task.pk}/status/".*?</form>', html, re.S).group(0)
    assert 'data-needs="blocked" hidden' in form
    assert 'name="blocked_reason"' in form and f'id="why-{task.pk}"' in form
    # One submission with the reason sets it; back to the board.
    response = client.post(
        f"/tasks/{task.pk}/status/", {"status": "blocked", "blocked_reason": "Waiting for legal", "next": "board"}
    )
    assert response.status_code == 302 and response.url == "/tasks/board/"
    task.refresh_from_db()
    assert (task.status, task.blocked_reason) == ("blocked", "Waiting for legal")


def test_blocked_without_a_reason_changes_nothing_and_keeps_the_choice(world, client):
    one = world.one
    task = _task(one.manager, "Card", status="doing")
    client.force_login(one.manager)
    response = client.post(f"/tasks/{task.pk}/status/", {"status": "blocked", "blocked_reason": " ", "next": "board"})
    assert response.status_code == 302
    assert response.url == f"/tasks/{task.pk}/?status=blocked#blocked_reason"
    task.refresh_from_db()
    assert (task.status, task.blocked_reason) == ("doing", "")
    html = client.get(response.url).content.decode()
    assert "Say why the task is blocked." in html
    assert '<option value="blocked" selected>' in html and '<option value="doing" selected>' not in html
    assert re.search(r'id="blocked_reason"[^>]*autofocus', html)
    # A status that needs nothing more still goes straight back to the board.
    response = client.post(f"/tasks/{task.pk}/status/", {"status": "done", "next": "board"})
    assert response.url == "/tasks/board/"
    # A made-up ?status= is ignored: the task's own status is chosen.
    html = client.get(f"/tasks/{task.pk}/?status=nonsense").content.decode()
    assert '<option value="done" selected>' in html and "autofocus" not in html


def test_the_due_marker_follows_the_urgency_rule(world, client):
    one = world.one
    today = one.actor("manager").today()
    day = dt.timedelta(days=1)
    # Hand-worked with URGENT_WITHIN_DAYS = 3: yesterday red, today and +1..+3 amber, +4 plain,
    # a blocked task due tomorrow amber too, a done task overdue with no marker at all.
    _task(one.manager, "Late", due_on=today - day)
    _task(one.manager, "Today", due_on=today)
    _task(one.manager, "Tomorrow", due_on=today + day)
    _task(one.manager, "Three", due_on=today + 3 * day)
    _task(one.manager, "Four", due_on=today + 4 * day)
    _task(one.manager, "Stuck", due_on=today + day, status="blocked", blocked_reason="w")
    _task(one.manager, "Finished", due_on=today - day, status="done")
    client.force_login(one.manager)
    for url in ("/tasks/", "/tasks/list/?status=", "/tasks/board/"):
        html = client.get(url).content.decode()
        assert "status ok" not in html, url
    html = client.get("/tasks/list/").content.decode()
    rows = {
        title: row
        for row in re.findall(r"<tr>.*?</tr>", html, re.S)
        for title in re.findall(r"<strong>([^<]+)</strong>", row)[:1]
    }
    assert "status bad" in rows["Late"] and "1 day overdue" in rows["Late"]
    assert "status warn" in rows["Today"] and "Due today" in rows["Today"]
    assert "status warn" in rows["Tomorrow"] and "Due in 1 day" in rows["Tomorrow"]
    assert "status warn" in rows["Three"] and "Due in 3 days" in rows["Three"]
    assert "status" not in re.sub(r'data-label="Status"', "", rows["Four"]).split("Due")[-1]
    assert "status warn" in rows["Stuck"]
    done = client.get("/tasks/list/?status=done").content.decode()
    assert "day overdue" not in done and "status bad" not in done
    client.cookies["django_language"] = "zh-hans"
    html = client.get("/tasks/list/").content.decode()
    assert "Due in" not in html and "还有 1 天到期" in html and "还有 3 天到期" in html


def test_an_analyst_is_not_offered_to_create_a_task(world, client):
    client.force_login(world.one.analyst)
    html = client.get("/tasks/").content.decode()
    assert "/tasks/new/" not in html and "No open tasks." in html
    client.force_login(world.one.manager)
    assert "/tasks/new/" in client.get("/tasks/").content.decode()


def test_each_form_error_shows_once(world, client):
    one = world.one
    today = one.actor("manager").today()
    client.force_login(one.manager)
    data = {"title": "X", "owner": one.manager.pk, "urgency": "auto", "status": "todo"}
    late_start = {"start_on": (today + dt.timedelta(days=5)).isoformat(), "due_on": today.isoformat()}
    html = client.post("/tasks/new/", data | late_start | {"estimate_hours": "1"}).content.decode()
    assert html.count("The due date cannot be before the start.") == 1
    html = client.post("/tasks/new/", data | {"estimate_hours": "-1"}).content.decode()
    assert html.count("The estimate cannot be below zero hours.") == 1
    assert "greater than or equal" not in html
    assert not Task.objects.filter(title="X").exists()
    # The owner panel beside the form (htmx) does not repeat them; its own page still says them.
    panel = client.get(
        "/tasks/candidates/",
        {"start_on": late_start["start_on"], "due_on": late_start["due_on"], "estimate_hours": "-1"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "cannot be" not in panel and "greater than or equal" not in panel and "Correct the dates" in panel
    page = client.get("/tasks/candidates/", {"estimate_hours": "-1"}).content.decode()
    assert "The estimate cannot be below zero hours." in page and "greater than or equal" not in page


def test_the_workload_person_cell_is_one_block(world, client):
    client.force_login(world.one.lead)
    html = client.get("/work/workload/").content.decode()
    assert re.search(r'<td class="c-person" data-label="Person"><div><strong>', html)
