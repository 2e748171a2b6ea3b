"""Issue 15 leftovers: the board's status menu keeps the board's grouping and filters; an owner
column's "show all" lists the statuses the column holds; no one makes the org admin account a
task's owner (form, API, service alike); a deleted task takes its attachment files with it."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from pacekeeper.work import discussion
from pacekeeper.work.models import Attachment, Task

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40


def _task(owner, title, **extra) -> Task:
    return Task.objects.create(org=owner.org, owner=owner, title=title, **extra)


def test_the_status_menu_returns_to_the_board_as_it_was_grouped(world, client):
    one = world.one
    task = _task(one.manager, "Visit")
    client.force_login(one.lead)
    board = client.get("/tasks/board/", {"by": "owner", "q": "Visit"}).content.decode()
    assert 'name="board_query" value="by=owner&amp;q=Visit"' in board
    response = client.post(
        f"/tasks/{task.pk}/status/",
        {"status": "doing", "next": "board", "board_query": "by=owner&q=Visit&evil=https://x.example"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/tasks/board/?q=Visit&by=owner"  # only the board's own parameters
    task.refresh_from_db()
    assert task.status == "doing"
    # Without a query, the plain board as before.
    response = client.post(f"/tasks/{task.pk}/status/", {"status": "todo", "next": "board"})
    assert response["Location"] == "/tasks/board/"


def test_an_owner_columns_show_all_lists_only_open_tasks(world, client):
    one = world.one
    for title, status in [("Open one", "todo"), ("Working", "doing"), ("Stuck", "blocked"), ("Finished", "done")]:
        _task(one.manager, title, status=status, blocked_reason="waiting" if status == "blocked" else "")
    _task(one.manager, "Dropped", status="cancelled")
    client.force_login(one.lead)
    response = client.get("/tasks/list/", {"owner": one.manager.pk, "status": "open"})
    assert response.status_code == 200
    titles = {task.title for task in response.context["page"].object_list}
    assert titles == {"Open one", "Working", "Stuck"}


def test_the_api_refuses_the_org_admin_as_owner_like_the_form(world, client):
    one = world.one
    client.force_login(one.director)
    offered = dict(client.get("/tasks/new/").context["form"].fields["owner"].choices)
    assert one.manager.pk in offered and one.admin.pk not in offered
    body = {"title": "Set up the year", "owner": one.admin.pk}
    response = client.post("/api/v1/tasks", json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["owner"]
    task = _task(one.manager, "Keep me")
    response = client.patch(
        f"/api/v1/tasks/{task.pk}", json.dumps({"owner": one.admin.pk}), content_type="application/json"
    )
    assert response.status_code == 400
    task.refresh_from_db()
    assert task.owner_id == one.manager.pk
    # The admin creating a task with no owner would own it: refused too, the owner field named.
    client.force_login(one.admin)
    response = client.post("/api/v1/tasks", json.dumps({"title": "Mine?"}), content_type="application/json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "owner"
    assert not Task.objects.filter(title__in=["Set up the year", "Mine?"]).exists()


def test_a_deleted_task_takes_its_attachment_files_along(world, django_capture_on_commit_callbacks):
    one = world.one
    task = _task(one.manager, "With files")
    files = []
    for name in ("a.png", "b.png"):
        attachment = discussion.attachment_add(
            actor=one.actor("manager"), task=task, file=SimpleUploadedFile(name, PNG)
        )
        files.append(discussion.attachment_path(attachment))
    assert all(path.exists() for path in files)
    with django_capture_on_commit_callbacks(execute=True):
        task.delete()
    assert not Attachment.objects.exists()
    assert not any(path.exists() for path in files)


def test_suggest_an_owner_says_the_loads_leave_the_task_out(world, client):
    one = world.one
    task = _task(one.manager, "Report", estimate_hours=4)
    client.force_login(one.lead)
    html = client.get(f"/tasks/{task.pk}/candidates/").content.decode()
    assert "booked hours in the task's busiest week without this task, the current owner's too" in html


def test_the_role_predicates_crm_and_the_calendar_ask_live_in_tenancy_scopes():
    from types import SimpleNamespace

    from pacekeeper.tenancy import scopes

    def answers(predicate):
        return {
            role
            for role in ("admin", "director", "analyst", "lead", "manager")
            if predicate(SimpleNamespace(role=role))
        }

    assert answers(scopes.holds_portfolio) == {"lead", "manager"}
    assert answers(scopes.may_change_credit) == {"admin", "director"}
    assert answers(scopes.may_set_follow_up_policy) == {"admin", "director"}
    assert answers(scopes.sees_only_own_tasks_calendar) == {"manager"}
