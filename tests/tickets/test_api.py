"""/api/v1/tickets and /api/v1/ticket-sla-policies: wiring, scope, errors, timers."""

import datetime as dt
import json

import pytest

from pacekeeper.tickets.models import Ticket
from tests.tickets.conftest import open_ticket

pytestmark = pytest.mark.django_db


def _json(client, method, url, body=None):
    return client.generic(method, url, data=json.dumps(body or {}), content_type="application/json")


def _fields(response) -> set[str]:
    return {error["field"] for error in response.json()["errors"]}


def _body(world, owner="manager", **extra):
    body = {"customer": world.one.customers[owner].pk, "channel": "wechat", "kind": "complaint", "subject": "Slow"}
    body.update(extra)
    return body


def test_it_opens_a_ticket_and_shows_its_timers(world, clock, client):
    client.force_login(world.one.manager)
    created = _json(client, "POST", "/api/v1/tickets", _body(world, severity="high"))
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["assignee"] == world.one.manager.pk and data["status"] == "new"
    # High: 4 working hours to respond, from Monday 09:00 → due 13:00 Shanghai (05:00 UTC).
    assert data["first_response"]["target_hours"] == 4 and data["first_response"]["running"]
    due = dt.datetime.fromisoformat(data["first_response"]["due_at"])
    assert due == dt.datetime(2026, 11, 30, 5, tzinfo=dt.UTC)
    listed = client.get("/api/v1/tickets").json()
    assert [item["id"] for item in listed["items"]] == [data["id"]]


def test_a_customer_out_of_scope_is_a_field_error(world, clock, client):
    client.force_login(world.one.manager)
    refused = _json(client, "POST", "/api/v1/tickets", _body(world, owner="teammate"))
    assert refused.status_code == 400
    assert _fields(refused) == {"customer"}
    other_org = _json(
        client, "POST", "/api/v1/tickets", {**_body(world), "customer": world.two.customers["manager"].pk}
    )
    assert other_org.status_code == 400 and _fields(other_org) == {"customer"}
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"subject": "x" * 201},
        {"subject": "<script>alert(1)</script>" + "y" * 1_000_000},
        {"channel": "fax"},
        {"customer": "1e9999"},
        {"customer": 10**30},
        {"severity": None},
        {"contact": -1},
        {"assignee": "me"},
    ],
)
def test_bad_input_is_a_4xx_and_writes_nothing(world, clock, client, change):
    client.force_login(world.one.manager)
    refused = _json(client, "POST", "/api/v1/tickets", _body(world, **change))
    assert 400 <= refused.status_code < 500
    assert not Ticket.objects.exists()


def test_script_in_a_subject_is_kept_as_text(world, clock, client):
    client.force_login(world.one.manager)
    created = _json(client, "POST", "/api/v1/tickets", _body(world, subject="<script>alert(1)</script>"))
    assert created.status_code == 201
    page = client.get(f"/tickets/{created.json()['id']}/")
    assert b"<script>alert(1)</script>" not in page.content and b"&lt;script&gt;" in page.content


def test_closing_before_the_report_back_is_refused_with_a_field_error(world, clock, client):
    ticket = open_ticket(world)
    client.force_login(world.one.manager)
    resolved = _json(client, "POST", f"/api/v1/tickets/{ticket.pk}/status", {"status": "resolved"})
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"
    refused = _json(client, "POST", f"/api/v1/tickets/{ticket.pk}/status", {"status": "closed"})
    assert refused.status_code == 400 and _fields(refused) == {"status"}
    told = _json(client, "POST", f"/api/v1/tickets/{ticket.pk}/entries", {"kind": "report_back", "body": "Done"})
    assert told.status_code == 201
    closed = _json(client, "POST", f"/api/v1/tickets/{ticket.pk}/status", {"status": "closed"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    thread = client.get(f"/api/v1/tickets/{ticket.pk}/entries").json()
    assert [entry["kind"] for entry in thread["items"]] == ["report_back"]


def test_the_analyst_reads_and_cannot_write(world, clock, client):
    ticket = open_ticket(world)
    client.force_login(world.one.analyst)
    assert client.get(f"/api/v1/tickets/{ticket.pk}").status_code == 200
    assert _json(client, "POST", f"/api/v1/tickets/{ticket.pk}/status", {"status": "resolved"}).status_code == 403
    assert _json(client, "POST", "/api/v1/tickets", _body(world)).status_code == 403


def test_a_ticket_assigned_to_a_manager_is_seen_by_them(world, clock, client):
    ticket = open_ticket(world, actor="lead", owner="teammate", assignee_id=world.one.manager.pk)
    client.force_login(world.one.manager)
    assert client.get(f"/api/v1/tickets/{ticket.pk}").status_code == 200
    client.force_login(world.one.other_manager)
    assert client.get(f"/api/v1/tickets/{ticket.pk}").status_code == 404


def test_filters_narrow_the_list(world, clock, client):
    complaint = open_ticket(world)
    open_ticket(world, kind="suggestion", severity="low")
    client.force_login(world.one.director)
    found = client.get("/api/v1/tickets?kind=complaint&status=new&breached=false").json()["items"]
    assert [item["id"] for item in found] == [complaint.pk]
    assert client.get("/api/v1/tickets?q=nothing-like-this").json()["items"] == []
    assert (
        client.get("/api/v1/tickets?kind=praise").status_code == 422
        or client.get("/api/v1/tickets?kind=praise").status_code == 400
    )


def test_the_org_admin_sets_sla_targets(world, clock, client):
    client.force_login(world.one.admin)
    body = {"severity": "high", "tier": "", "first_response_hours": 2, "resolution_hours": 12}
    created = _json(client, "POST", "/api/v1/ticket-sla-policies", body)
    assert created.status_code == 201
    assert client.get("/api/v1/ticket-sla-policies").json()["items"][0]["resolution_hours"] == 12
    client.force_login(world.one.director)
    assert _json(client, "POST", "/api/v1/ticket-sla-policies", body).status_code == 403
    bad = _json(client, "POST", "/api/v1/ticket-sla-policies", {**body, "first_response_hours": 0})
    assert 400 <= bad.status_code < 500
    client.force_login(world.two.admin)
    assert _json(client, "DELETE", f"/api/v1/ticket-sla-policies/{created.json()['id']}").status_code == 404
