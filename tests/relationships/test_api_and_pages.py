"""The relationship API and pages: writes through the same services, bad input answers 4xx with
the field, out-of-scope ids in a body are a 400 field error, and the churn page's scope."""

import datetime as dt
import json

from pacekeeper.relationships.models import EducationSession, SessionInvitee, ValueService
from tests.factories import ContactFactory, CustomerFactory


def _post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def _service_body(customer, **extra):
    return {"customer": customer.pk, "kind": "consulting", "delivered_on": "2026-11-02", "effort_hours": "2.5", **extra}


def test_it_logs_a_service_and_refuses_bad_input(world, client):
    client.force_login(world.one.manager)
    mine, theirs = world.one.customers["manager"], world.one.customers["teammate"]
    response = _post(client, "/api/v1/value-services", _service_body(mine, rating=4, note="<script>x</script>"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["effort_hours"] == "2.5" and body["delivered_by"] == world.one.manager.pk and body["rating"] == 4
    assert ValueService.objects.get(pk=body["id"]).note == "<script>x</script>"  # stored as text, shown escaped
    out_of_scope = _post(client, "/api/v1/value-services", _service_body(theirs))
    assert out_of_scope.status_code == 400 and out_of_scope.json()["errors"][0]["field"] == "customer"
    other_org = _post(client, "/api/v1/value-services", _service_body(world.two.customers["manager"]))
    assert other_org.status_code == 400
    for bad in ({"effort_hours": "0"}, {"effort_hours": "1000.5"}, {"delivered_on": "2099-01-01"}):
        response = _post(client, "/api/v1/value-services", _service_body(mine, **bad))
        assert response.status_code == 400, (bad, response.content)
        assert response.json()["errors"][0]["field"] in bad
    for bad in (
        {"rating": 6},
        {"rating": True},
        {"rating": 4.5},
        {"rating": "4"},
        {"kind": "massage"},
        {"effort_hours": 2.5},
        {"org": 1},
        {"delivered_on": "0"},
    ):
        assert _post(client, "/api/v1/value-services", _service_body(mine, **bad)).status_code == 422, bad
    someone_elsewhere = _post(client, "/api/v1/value-services", _service_body(mine, delivered_by=world.two.admin.pk))
    assert someone_elsewhere.status_code == 400
    assert ValueService.objects.count() == 1


def test_it_rates_and_deletes_a_service_but_the_analyst_only_reads(world, client):
    client.force_login(world.one.manager)
    created = _post(client, "/api/v1/value-services", _service_body(world.one.customers["manager"])).json()
    path = f"/api/v1/value-services/{created['id']}"
    rated = client.patch(path, json.dumps({"rating": 5}), content_type="application/json")
    assert rated.status_code == 200 and rated.json()["rating"] == 5
    for bad in (True, 4.5, "4"):
        assert client.patch(path, json.dumps({"rating": bad}), content_type="application/json").status_code == 422
    client.force_login(world.one.analyst)
    assert client.get(path).status_code == 200
    assert client.delete(path).status_code == 403
    assert _post(client, "/api/v1/value-services", _service_body(world.one.customers["manager"])).status_code == 403
    client.force_login(world.one.lead)
    assert client.delete(path).status_code == 204


def test_it_plans_a_session_and_records_attendance(world, client):
    client.force_login(world.one.manager)
    mine = world.one.customers["manager"]
    invited, absent = ContactFactory(customer=mine), ContactFactory(customer=mine)
    stranger = ContactFactory(customer=world.one.customers["teammate"])
    body = {"customer": mine.pk, "title": "理财知识讲座", "held_on": "2026-11-20", "invitees": [invited.pk, absent.pk]}
    refused = _post(client, "/api/v1/education-sessions", {**body, "invitees": [invited.pk, stranger.pk]})
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "invitees"
    assert (
        _post(client, "/api/v1/education-sessions", {**body, "survey_link": "javascript:alert(1)"}).status_code == 422
    )
    created = _post(client, "/api/v1/education-sessions", body)
    assert created.status_code == 201, created.content
    session_id = created.json()["id"]
    attendance = f"/api/v1/education-sessions/{session_id}/attendance"
    assert _post(client, attendance, {"attended": [stranger.pk]}).status_code == 400
    answered = _post(client, attendance, {"attended": [invited.pk]})
    assert answered.status_code == 200
    came = {row["contact"]: row["attended"] for row in answered.json()["invitees"]}
    assert came == {invited.pk: True, absent.pk: False}
    future = EducationSession.objects.create(
        org=mine.org, customer=mine, title="Later", held_on=dt.date(2026, 12, 30), host=world.one.manager
    )
    SessionInvitee.objects.create(org=mine.org, session=future, contact=invited)
    assert (
        _post(client, f"/api/v1/education-sessions/{future.pk}/attendance", {"attended": [invited.pk]}).status_code
        == 400
    )


def test_it_explains_a_customers_health_in_the_api(world, client):
    client.force_login(world.one.manager)
    mine = world.one.customers["manager"]
    body = client.get(f"/api/v1/relationship-health/{mine.pk}").json()
    assert [reason["factor"] for reason in body["reasons"]] == [
        "recency",
        "satisfaction",
        "sales",
        "renewal",
        "complaints",
    ]
    assert {reason["weight"] for reason in body["reasons"]} == {30, 20, 25, 15, 10}
    assert client.get(f"/api/v1/relationship-health/{world.one.customers['teammate'].pk}").status_code == 404
    assert client.get("/api/v1/relationship-health/abc").status_code in (404, 422)


def test_it_lists_churn_risks_by_value_at_risk_with_a_next_step(world, client, django_assert_max_num_queries):
    from tests.factories import SaleFactory

    small, large = (CustomerFactory(owner=world.one.manager, created_on=dt.date(2024, 1, 1)) for _ in range(2))
    SaleFactory(customer=small, ordered_on=dt.date(2026, 2, 1), amount_minor=100_00)
    SaleFactory(customer=large, ordered_on=dt.date(2026, 2, 1), amount_minor=900_00)
    client.force_login(world.one.manager)
    items = client.get("/api/v1/churn-risks").json()["items"]
    ids = [item["id"] for item in items]
    assert ids.index(large.pk) < ids.index(small.pk)
    assert items[ids.index(large.pk)]["value_at_risk"] == "900.00" and items[0]["next_step"]
    for _index in range(10):
        CustomerFactory(owner=world.one.manager, created_on=dt.date(2024, 1, 1))
    with django_assert_max_num_queries(25):
        page = client.get("/relationships/")
    assert page.status_code == 200
    text = page.content.decode()
    assert large.name in text and 'title="¥900.00">¥900</span>' in text  # short on cards, full in the title
    client.force_login(world.one.other_manager)
    assert large.name not in client.get("/relationships/").content.decode()


def test_the_pages_write_through_the_services(world, client):
    mine = world.one.customers["manager"]
    contact = ContactFactory(customer=mine)
    client.force_login(world.one.manager)
    base = f"/relationships/customers/{mine.pk}"
    assert client.get(f"{base}/card/").status_code == 200
    mine.needs = "对服务响应速度要求高"
    mine.save(update_fields=["needs"])
    assert "对服务响应速度要求高" in client.get(f"{base}/").content.decode()  # the crm field, not "nothing recorded"
    response = client.post(f"{base}/profile/edit/", {"needs": "低成本融资", "preferred_channel": "wechat"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.needs == "低成本融资"  # one source: the crm customer's field
    assert "低成本融资" in client.get(f"/customers/{mine.pk}/").content.decode()
    response = client.post(
        f"{base}/services/create/", {"kind": "market_report", "delivered_on": "2026-11-30", "effort_hours": "0"}
    )
    assert response.status_code == 400  # effort must be above 0: the form keeps what was typed
    response = client.post(
        f"{base}/services/create/", {"kind": "market_report", "delivered_on": "2026-11-30", "effort_hours": "12345.67"}
    )
    assert "at most 4 digits before the decimal point and 1 after it" in response.content.decode()
    response = client.post(
        f"{base}/services/create/", {"kind": "market_report", "delivered_on": "2026-11-30", "effort_hours": "3"}
    )
    assert response.status_code == 302
    response = client.post(
        f"{base}/sessions/create/", {"title": "Workshop", "held_on": "2026-11-28", "invitees": [contact.pk]}
    )
    assert response.status_code == 302
    page = client.get(f"{base}/").content.decode()
    assert "低成本融资" in page and "Workshop" in page and "Market report" in page


def test_only_the_org_admin_sets_the_weights(world, client):
    client.force_login(world.one.director)
    assert client.get("/relationships/weights/").status_code == 403
    client.force_login(world.one.admin)
    fields = {f"weight_{f}": 0 for f in ("recency", "satisfaction", "sales", "renewal", "complaints")}
    assert client.post("/relationships/weights/", {**fields, "at_risk_below": 50}).status_code == 400
    fields["weight_sales"] = 10
    assert client.post("/relationships/weights/", {**fields, "at_risk_below": 50}).status_code == 302
