"""The risks API: wiring, field errors for bad input (nothing written), an out-of-scope id in a
body is a 400 field error, history, actions as tasks, the heat map per viewer, receivables and
the signal thresholds."""

import datetime as dt

from pacekeeper.risks.models import Receivable, Risk
from pacekeeper.work.models import Task
from tests.factories import SaleFactory

URL = "/api/v1/risks"


def _body(world, **extra) -> dict:
    body = {
        "level": "customer",
        "customer": world.one.customers["manager"].pk,
        "title": "Key account may leave",
        "category": "market",
        "probability": 3,
        "impact": 4,
        "review_on": (dt.date.today() + dt.timedelta(days=7)).isoformat(),
    }
    return body | extra


def _fields(response) -> set[str]:
    return {error["field"] for error in response.json()["errors"]}


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def _patch(client, url, body):
    return client.patch(url, body, content_type="application/json")


def test_it_records_changes_and_tells_the_history(world, client):
    client.force_login(world.one.manager)
    made = _post(client, URL, _body(world))
    assert made.status_code == 201, made.content
    risk = made.json()
    assert (risk["score"], risk["band"], risk["owner"], risk["residual_score"]) == (
        12,
        "high",
        world.one.manager.pk,
        None,
    )
    changed = _patch(
        client,
        f"{URL}/{risk['id']}",
        {"probability": 5, "response": "control", "residual_probability": 2, "residual_impact": 3, "note": "Tender"},
    )
    assert changed.status_code == 200, changed.content
    assert (changed.json()["score"], changed.json()["residual_score"]) == (20, 6)
    history = client.get(f"{URL}/{risk['id']}/history").json()
    assert [(step["score"], step["note"]) for step in history] == [(20, "Tender"), (12, "Recorded")]


def test_bad_input_is_refused_next_to_the_field_and_nothing_is_written(world, client):
    client.force_login(world.one.director)
    for extra, status, field in (
        ({"probability": 6}, 422, "probability"),
        ({"impact": 0}, 422, "impact"),
        ({"review_on": (dt.date.today() - dt.timedelta(days=1)).isoformat()}, 400, "review_on"),
        ({"customer": world.two.customers["manager"].pk}, 400, "customer"),  # another organisation's
        ({"owner": world.two.manager.pk}, 400, "owner"),
    ):
        response = _post(client, URL, _body(world, **extra))
        assert response.status_code == status, (extra, response.content)
        assert field in response.content.decode(), (extra, response.content)
    assert not Risk.objects.exists()
    risk = _post(client, URL, _body(world)).json()
    assert _patch(client, f"{URL}/{risk['id']}", {"impact": 9}).status_code == 422
    past = (dt.date.today() - dt.timedelta(days=2)).isoformat()
    refused = _patch(client, f"{URL}/{risk['id']}", {"review_on": past, "probability": 5})
    assert refused.status_code == 400 and "review_on" in _fields(refused)
    assert Risk.objects.get(pk=risk["id"]).probability == 3  # nothing changed


def test_actions_are_tasks_and_the_heat_map_counts_what_each_viewer_sees(world, client):
    client.force_login(world.one.director)
    mine = _post(client, URL, _body(world, probability=5, impact=5)).json()
    _post(client, URL, _body(world, customer=world.one.customers["other_manager"].pk, probability=1, impact=2))
    due = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    action = _post(client, f"{URL}/{mine['id']}/actions", {"title": "Call the CFO", "due_on": due})
    assert action.status_code == 201, action.content
    task = Task.objects.get(pk=action.json()["task"])
    assert (task.title, task.customer_id) == ("Call the CFO", world.one.customers["manager"].pk)
    assert [row["title"] for row in client.get(f"{URL}/{mine['id']}/actions").json()] == ["Call the CFO"]

    grid = client.get("/api/v1/risk-heatmap").json()
    assert (grid[0][4]["count"], grid[4][1]["count"]) == (1, 1)  # 5 × 5 and 1 × 2
    client.force_login(world.one.manager)
    grid = client.get("/api/v1/risk-heatmap").json()
    assert (grid[0][4]["count"], grid[4][1]["count"]) == (1, 0)  # not another manager's customer
    assert client.get(URL, {"probability": 7}).status_code == 422


def test_receivables_and_thresholds(world, client):
    sale = SaleFactory(customer=world.one.customers["manager"], ordered_on=dt.date(2026, 10, 1))
    client.force_login(world.one.manager)
    made = _post(client, "/api/v1/risk-receivables", {"sale": sale.pk, "due_on": "2026-11-01"})
    assert made.status_code == 201, made.content
    again = _post(client, "/api/v1/risk-receivables", {"sale": sale.pk, "due_on": "2026-11-01"})
    assert again.status_code == 400 and "sale" in _fields(again)
    theirs = SaleFactory(customer=world.one.customers["teammate"])
    assert "sale" in _fields(_post(client, "/api/v1/risk-receivables", {"sale": theirs.pk, "due_on": "2026-11-01"}))
    paid = _patch(client, f"/api/v1/risk-receivables/{made.json()['id']}", {"paid_on": "2026-11-20"})
    assert paid.status_code == 200 and paid.json()["is_paid"]
    future = _patch(client, f"/api/v1/risk-receivables/{made.json()['id']}", {"paid_on": "2027-06-01"})
    assert future.status_code == 400 and Receivable.objects.get().paid_on == dt.date(2026, 11, 20)

    assert _patch(client, "/api/v1/risk-settings", {"concentration_top_n": 5}).status_code == 403
    client.force_login(world.one.admin)
    assert client.get("/api/v1/risk-settings").json()["concentration_top_n"] == 3
    bad = _patch(client, "/api/v1/risk-settings", {"concentration_threshold": 150})
    assert bad.status_code == 400 and "concentration_threshold" in _fields(bad)
    assert _patch(client, "/api/v1/risk-settings", {"concentration_top_n": 5}).json()["concentration_top_n"] == 5
