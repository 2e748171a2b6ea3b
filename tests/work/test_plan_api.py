"""/api/v1/work-plans and /api/v1/plan-templates: a plan made from a template in one call, its
figures as decimal strings, field errors in the user's language with nothing changed."""

import json

from pacekeeper.goals.models import Goal
from pacekeeper.work.models import PlanTemplate, Task, WorkPlan


def _send(client, method, path, body):
    return client.generic(method, path, json.dumps(body), content_type="application/json")


def _errors(response) -> dict[str, str]:
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def _goal(person):
    return Goal.objects.create(
        org=person.org,
        title="Win back",
        metric="visits",
        level="manager",
        person=person,
        starts_on="2026-03-01",
        ends_on="2026-03-31",
        target=10,
        status="active",
    )


def test_a_lead_makes_a_plan_from_a_template_and_reads_its_figures(world, client):
    goal = _goal(world.one.manager)
    client.force_login(world.one.lead)
    body = {"goal": goal.pk, "template": "win_back", "start_on": "2026-03-02", "owner": world.one.manager.pk}
    response = _send(client, "POST", "/api/v1/work-plans", body)
    assert response.status_code == 201, response.content
    data = response.json()
    # Win back: 3 + 8 + 6 + 16 + 2 = 35 hours; none done yet. Steps end on day 30 = 1 April, after the goal.
    assert (data["title"], data["task_count"], data["estimate_hours_total"]) == (
        "Win back dormant customers",
        5,
        "35.00",
    )
    assert data["share_done"] == "0.0" and data["dates_fit"] is False and len(data["due_after_goal"]) == 1
    first, second = Task.objects.filter(plan_id=data["id"]).order_by("start_on")[:2]
    for task, status in ((first, "done"), (second, "doing")):
        task.status = status
        task.save()
    # Done: the first step, 3 of 35 hours = 8.571…% → 8.6.
    read = client.get(f"/api/v1/work-plans/{data['id']}").json()
    assert (read["share_done"], read["estimate_hours_done"], read["done_count"]) == ("8.6", "3.00", 1)
    renamed = _send(client, "PATCH", f"/api/v1/work-plans/{data['id']}", {"title": "Spring win-back"})
    assert renamed.json()["title"] == "Spring win-back"
    listed = client.get("/api/v1/work-plans", {"goal": goal.pk}).json()["items"]
    assert [item["id"] for item in listed] == [data["id"]]


def test_applying_a_template_to_a_plan(world, client):
    plan = WorkPlan.objects.create(org=world.one.org, goal=_goal(world.one.manager), title="By hand")
    client.force_login(world.one.director)
    response = _send(
        client,
        "POST",
        f"/api/v1/work-plans/{plan.pk}/apply-template",
        {"template": "renewals", "start_on": "2026-03-02"},
    )
    assert response.status_code == 200, response.content
    assert len(response.json()["tasks"]) == 5
    # The goal's person owns them when no owner is sent.
    assert set(Task.objects.filter(plan=plan).values_list("owner_id", flat=True)) == {world.one.manager.pk}


def test_bad_input_answers_field_errors_in_chinese_and_changes_nothing(world, client):
    world.one.lead.language = "zh-hans"
    world.one.lead.save(update_fields=["language"])
    plan = WorkPlan.objects.create(org=world.one.org, goal=_goal(world.one.manager), title="P")
    client.force_login(world.one.lead)
    url = f"/api/v1/work-plans/{plan.pk}/apply-template"
    cases = [
        (url, {"template": "nothing", "start_on": "2026-03-02"}, "template", 400),
        (
            url,
            {"template": "satisfaction", "start_on": "2026-03-02", "owner": world.one.other_manager.pk},
            "owner",
            400,
        ),
        (url, {"template": "satisfaction", "start_on": "1999-12-31"}, "start_on", 400),
        (url, {"template": "satisfaction", "start_on": "2026-13-01"}, "start_on", 422),
        (url, {"template": "Robert'); DROP", "start_on": "2026-03-02"}, "template", 422),
        ("/api/v1/work-plans", {"goal": _goal(world.one.other_manager).pk}, "goal", 400),
    ]
    for path, body, field, status in cases:
        response = _send(client, "POST", path, body)
        assert response.status_code == status, (body, response.content)
        assert any(key.endswith(field) for key in _errors(response)), (body, _errors(response))
        if status == 400:
            message = next(m for key, m in _errors(response).items() if key.endswith(field))
            assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
    assert not Task.objects.exists() and WorkPlan.objects.count() == 1


def test_templates_list_shipped_and_own_and_only_admins_and_directors_change_them(world, client):
    client.force_login(world.one.lead)
    step = {"title": "Call", "offset_days": 0, "duration_days": 2, "estimate_hours": "1.5"}
    assert _send(client, "POST", "/api/v1/plan-templates", {"title": "Mine", "steps": [step]}).status_code == 403
    client.force_login(world.one.director)
    made = _send(client, "POST", "/api/v1/plan-templates", {"title": "Mine", "steps": [step]})
    assert made.status_code == 201, made.content
    assert made.json()["steps"][0]["estimate_hours"] == "1.50"
    template_id = made.json()["id"]
    keys = [item["key"] for item in client.get("/api/v1/plan-templates").json()["items"]]
    assert keys[:4] == ["satisfaction", "win_back", "renewals", "key_account"] and str(template_id) in keys
    negative = _send(
        client, "PATCH", f"/api/v1/plan-templates/{template_id}", {"steps": [{**step, "estimate_hours": "-1"}]}
    )
    assert negative.status_code == 400 and "steps.0.estimate_hours" in _errors(negative)
    taken = _send(client, "POST", "/api/v1/plan-templates", {"title": "Mine", "steps": [step]})
    assert taken.status_code == 400 and "title" in _errors(taken)
    patched = _send(client, "PATCH", f"/api/v1/plan-templates/{template_id}", {"title": "Ours"})
    assert patched.json()["title"] == "Ours" and len(patched.json()["steps"]) == 1
    assert client.delete(f"/api/v1/plan-templates/{template_id}").status_code == 204
    assert not PlanTemplate.objects.exists()
