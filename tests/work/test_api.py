"""/api/v1/tasks: field errors in the user's language and nothing changed; decimals as text;
the list in quadrant order."""

import json

from pacekeeper.work.models import Task


def _post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def _patch(client, path, body):
    return client.patch(path, json.dumps(body), content_type="application/json")


def _errors(response) -> dict[str, str]:
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def test_it_creates_a_task_with_its_estimate_as_a_decimal_string(world, client):
    client.force_login(world.one.lead)
    body = {"title": "Renewal", "owner": world.one.manager.pk, "estimate_hours": "2.5", "is_important": True}
    response = _post(client, "/api/v1/tasks", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["estimate_hours"], data["owner"], data["quadrant"]) == ("2.50", world.one.manager.pk, 2)
    item = _post(client, f"/api/v1/tasks/{data['id']}/checklist", {"text": "Draft the offer"})
    assert item.status_code == 201
    ticked = _patch(client, f"/api/v1/checklist-items/{item.json()['id']}", {"is_done": True})
    assert ticked.json()["is_done"] is True


def test_bad_input_answers_field_errors_in_chinese_and_changes_nothing(world, client):
    world.one.manager.language = "zh-hans"
    world.one.manager.save(update_fields=["language"])
    client.force_login(world.one.manager)
    task = Task.objects.create(org=world.one.org, owner=world.one.manager, title="Visit")
    cases = [
        ({"status": "finished"}, "status", 422),
        ({"owner": world.one.other_manager.pk}, "owner", 400),
        ({"start_on": "2026-05-02", "due_on": "2026-05-01"}, "due_on", 400),
        ({"estimate_hours": "-1"}, "estimate_hours", 400),
        ({"status": "blocked"}, "blocked_reason", 400),
    ]
    for body, field, status in cases:
        response = _patch(client, f"/api/v1/tasks/{task.pk}", body)
        assert response.status_code == status, (body, response.content)
        assert field in _errors(response), body
        if status == 400:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in _errors(response)[field]), _errors(response)
    fresh = Task.objects.get(pk=task.pk)
    assert (fresh.status, fresh.owner_id, fresh.due_on, fresh.estimate_hours) == ("todo", world.one.manager.pk, None, 0)


def test_the_list_is_in_quadrant_order_and_scoped(world, client):
    one = world.one
    Task.objects.create(org=one.org, owner=one.manager, title="someday")
    Task.objects.create(org=one.org, owner=one.manager, title="now", is_important=True, urgency="urgent")
    Task.objects.create(org=one.org, owner=one.other_manager, title="not mine")
    client.force_login(one.manager)
    titles = [item["title"] for item in client.get("/api/v1/tasks").json()["items"]]
    assert titles == ["now", "someday"]


def test_a_task_due_in_the_year_9999_is_refused_by_field(world, client):
    client.force_login(world.one.manager)
    response = _post(client, "/api/v1/tasks", {"title": "Later", "due_on": "9999-12-31"})
    assert response.status_code == 400 and set(_errors(response)) == {"due_on"}
    assert not Task.objects.exists()
