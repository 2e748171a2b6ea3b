"""The API's error shapes: JSON with field-level messages and 4xx codes, never a 500."""

from django.test import Client


def test_it_reports_schema_errors_by_field(world, client):
    client.force_login(world.one.manager)
    response = client.post(
        "/api/v1/sales",
        {"customer": world.one.customers["manager"].pk, "amount": "abc"},
        content_type="application/json",
    )
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert {"amount", "ordered_on"} <= fields


def test_it_reports_business_rule_errors_by_field(world, client):
    client.force_login(world.one.manager)
    response = client.post(
        "/api/v1/contracts",
        {
            "customer": world.one.customers["manager"].pk,
            "title": "X",
            "starts_on": "2026-05-01",
            "ends_on": "2026-04-01",
            "value": "100.00",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["errors"] and body["detail"]


def test_it_refuses_a_customer_outside_scope_in_a_body(world, client):
    client.force_login(world.one.manager)
    response = client.post(
        "/api/v1/sales",
        {"customer": world.one.customers["teammate"].pk, "ordered_on": "2026-03-05", "amount": "10.00"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "customer"


def test_it_refuses_an_owner_outside_scope_in_a_body(world, client):
    client.force_login(world.one.lead)
    response = client.post(
        "/api/v1/customers", {"name": "N", "owner": world.two.manager.pk}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "owner"


def test_it_answers_401_as_json_when_logged_out(db):
    response = Client().get("/api/v1/customers")
    assert response.status_code == 401
    assert "detail" in response.json()


def test_it_requires_csrf_for_session_writes(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.one.manager)
    response = client.post("/api/v1/customers", {"name": "N"}, content_type="application/json")
    assert response.status_code == 403
    assert client.get("/api/v1/customers").status_code == 200


def test_it_keeps_money_exact(world, client):
    client.force_login(world.one.manager)
    response = client.post(
        "/api/v1/sales",
        {"customer": world.one.customers["manager"].pk, "ordered_on": "2026-03-05", "amount": "0.10", "margin": "0.03"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["amount"] == "0.10"
    sale_id = response.json()["id"]
    assert client.get(f"/api/v1/sales/{sale_id}").json()["margin"] == "0.03"


def test_it_paginates_and_filters_customers(world, client):
    from tests.factories import CustomerFactory

    for number in range(60):
        CustomerFactory(owner=world.one.manager, org=world.one.org, name=f"Bulk {number:02d}", tier="sme")
    client.force_login(world.one.manager)
    first = client.get("/api/v1/customers", {"tier": "sme", "page_size": 50}).json()
    assert first["count"] == 60 and len(first["items"]) == 50
    second = client.get("/api/v1/customers", {"tier": "sme", "page_size": 50, "page": 2}).json()
    assert len(second["items"]) == 10
    CustomerFactory(owner=world.one.manager, org=world.one.org, name="Zebra Trading Co")
    assert [c["name"] for c in client.get("/api/v1/customers", {"q": "zebra trad"}).json()["items"]] == [
        "Zebra Trading Co"
    ]


def test_it_publishes_the_openapi_schema(db, client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/customers" in schema["paths"]
