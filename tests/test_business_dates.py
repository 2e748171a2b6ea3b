"""Absurd dates are refused with a field message on every path — pages, API, imports — and a
period outside the supported window never answers 500 (issue 13 item 9, issue 14)."""

import datetime as dt
import json

import pytest

from pacekeeper.crm.imports import import_apply
from pacekeeper.crm.models import Interaction, Opportunity, Sale
from pacekeeper.crm.services import follow_up_intervals
from pacekeeper.goals.models import Goal
from pacekeeper.incentives.models import PayoutRun, Plan
from pacekeeper.reviews.models import ReviewCycle
from tests.factories import InteractionFactory

pytestmark = pytest.mark.django_db


def send(client, method, url, body):
    return client.generic(method, url, data=json.dumps(body), content_type="application/json")


def _fields(response) -> dict[str, str]:
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def _today(world) -> dt.date:
    return world.one.actor("manager").today()


# --- periods ----------------------------------------------------------------------------------


@pytest.mark.parametrize("period", ["0001-01", "0001", "9999", "9999-12", "0001-01-01..0001-01-31"])
def test_the_kpi_api_refuses_a_period_outside_the_window_by_field(world, client, period):
    client.force_login(world.one.director)
    values = client.get("/api/v1/kpis/values", {"metrics": "sales_amount", "level": "org", "period": period})
    assert values.status_code == 400 and "2000" in _fields(values)["period"]
    board = client.get("/api/v1/kpis/leaderboard", {"metric": "sales_amount", "period": period})
    assert board.status_code == 400 and "period" in _fields(board)


@pytest.mark.parametrize("period", ["0001", "0001-01", "9999"])
def test_pages_asked_for_a_period_outside_the_window_show_this_month_and_say_why(world, client, period):
    client.force_login(world.one.lead)
    for url in ("/team/", f"/people/{world.one.manager.pk}/", "/leaderboard/"):
        response = client.get(url, {"period": period})
        assert response.status_code == 200, url
        assert "Choose a period between 1 Jan 2000" in response.content.decode(), url
    client.force_login(world.one.director)
    assert client.get("/overview/", {"period": period}).status_code == 200


def test_a_goal_from_the_year_one_is_refused_by_field(world, client):
    client.force_login(world.one.lead)
    body = {"title": "G", "metric": "sales_amount", "level": "team", "team": world.one.team_a.pk}
    response = send(client, "POST", "/api/v1/goals", body | {"starts_on": "0001-01-01", "ends_on": "0001-12-31"})
    assert response.status_code == 400 and set(_fields(response)) == {"starts_on", "ends_on"}
    response = send(client, "POST", "/api/v1/goals", body | {"starts_on": "2026-01-01", "ends_on": "9999-12-31"})
    assert response.status_code == 400 and set(_fields(response)) == {"ends_on"}
    assert not Goal.objects.exists()


def test_a_payout_run_for_the_year_one_is_refused_by_field(world, client):
    plan = Plan.objects.create(org=world.one.org, name="Plan", metric="sales_amount")
    client.force_login(world.one.admin)
    response = send(
        client, "POST", "/api/v1/payouts", {"plan": plan.pk, "starts_on": "0001-01-01", "ends_on": "0001-01-31"}
    )
    assert response.status_code == 400 and "2000" in _fields(response)["starts_on"]
    assert not PayoutRun.objects.exists()


def test_a_review_cycle_in_the_year_one_is_refused_by_field(world, client):
    client.force_login(world.one.director)
    criteria = [{"name": "Attitude", "kind": "rating", "weight": 100}]
    body = {"name": "C", "starts_on": "0001-01-01", "ends_on": "0001-06-30", "criteria": criteria}
    response = send(client, "POST", "/api/v1/review-cycles", body)
    assert response.status_code == 400 and set(_fields(response)) == {"starts_on", "ends_on"}
    assert not ReviewCycle.objects.exists()


# --- facts and plans through the API ---------------------------------------------------------------


def test_the_api_refuses_a_visit_in_the_future_and_a_next_step_before_it(world, client):
    client.force_login(world.one.manager)
    customer = world.one.customers["manager"].pk
    today = _today(world)
    future = send(
        client,
        "POST",
        "/api/v1/interactions",
        {"customer": customer, "summary": "x", "occurred_at": f"{today.year + 5}-05-01T10:00:00+08:00"},
    )
    assert future.status_code == 400 and "occurred_at" in _fields(future)
    backwards = send(
        client,
        "POST",
        "/api/v1/interactions",
        {"customer": customer, "summary": "x", "occurred_at": f"{today}T10:00:00+08:00", "next_step_on": "1900-01-01"},
    )
    assert backwards.status_code == 400 and set(_fields(backwards)) == {"next_step_on"}
    earlier = today - dt.timedelta(days=3)
    before = send(
        client,
        "POST",
        "/api/v1/interactions",
        {"customer": customer, "summary": "x", "occurred_at": f"{today}T10:00:00+08:00", "next_step_on": str(earlier)},
    )
    assert before.status_code == 400 and "cannot be before" in _fields(before)["next_step_on"]
    assert not Interaction.objects.exists()


def test_the_api_refuses_a_sale_in_2099_and_an_opportunity_closing_in_1970(world, client):
    client.force_login(world.one.manager)
    customer = world.one.customers["manager"].pk
    sale = send(client, "POST", "/api/v1/sales", {"customer": customer, "ordered_on": "2099-01-01", "amount": "10.00"})
    assert sale.status_code == 400 and "ordered_on" in _fields(sale)
    deal = {"customer": customer, "name": "Deal", "amount": "100.00", "expected_close_on": "1970-01-01"}
    opportunity = send(client, "POST", "/api/v1/opportunities", deal)
    assert opportunity.status_code == 400 and "expected_close_on" in _fields(opportunity)
    assert not Sale.objects.exists() and not Opportunity.objects.exists()
    contract = {"customer": customer, "title": "C", "starts_on": "1970-01-01", "ends_on": "2099-12-31", "value": "1"}
    response = send(client, "POST", "/api/v1/contracts", contract)
    assert response.status_code == 400 and set(_fields(response)) == {"starts_on", "ends_on"}
    created = send(client, "POST", "/api/v1/customers", {"name": "Later", "created_on": "2099-01-01"})
    assert created.status_code == 400 and "created_on" in _fields(created)


def test_the_api_answers_in_chinese_for_a_chinese_speaking_user(world, client):
    world.one.manager.language = "zh-hans"
    world.one.manager.save(update_fields=["language"])
    client.force_login(world.one.manager)
    customer = world.one.customers["manager"].pk
    sale = send(client, "POST", "/api/v1/sales", {"customer": customer, "ordered_on": "2099-01-01", "amount": "10.00"})
    assert sale.status_code == 400 and "年" in _fields(sale)["ordered_on"]


# --- the visit form -----------------------------------------------------------------------------------


def test_the_visit_form_shows_the_date_problems_next_to_the_fields_and_saves_nothing(world, client):
    client.force_login(world.one.manager)
    customer = world.one.customers["manager"]
    today = _today(world)
    response = client.post(
        f"/customers/{customer.pk}/log/",
        {"kind": "visit", "occurred_at": f"{today.year + 5}-05-01T10:00", "summary": "x", "next_step_on": "1900-01-01"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "no later than" in errors["occurred_at"][0]
    assert "between 1 Jan 2000" in errors["next_step_on"][0]
    assert not Interaction.objects.exists()


# --- imports ------------------------------------------------------------------------------------


def test_an_import_reports_a_sale_dated_2099_with_the_same_message(world):
    mine = world.one.customers["manager"].external_id
    csv = f"订单号,客户编号,下单日期,金额\nSO-1,{mine},2026-03-05,100\nSO-2,{mine},2099-01-01,100\n"
    report = import_apply(actor=world.one.actor("manager"), kind="sales", data=csv.encode(), filename="s.csv")
    assert [(e.row, e.field, e.value) for e in report.errors] == [(3, "ordered_on", "2099-01-01")]
    assert "no later than" in report.errors[0].reason
    assert not Sale.objects.exists()


def test_an_import_reports_a_visit_in_the_future_and_a_next_step_before_it(world):
    mine = world.one.customers["manager"].external_id
    future = _today(world).year + 5
    csv = (
        "customer,date,summary,next step date\n"
        f"{mine},2026-03-05,ok,2026-03-10\n"
        f"{mine},{future}-01-01,future,\n"
        f"{mine},2026-03-05,backwards,1900-01-01\n"
        f"{mine},2026-03-05,before,2026-03-01\n"
    )
    report = import_apply(actor=world.one.actor("manager"), kind="interactions", data=csv.encode(), filename="v.csv")
    assert [(e.row, e.field) for e in report.errors] == [(3, "occurred_at"), (4, "next_step_on"), (5, "next_step_on")]
    assert "cannot be before" in report.errors[2].reason
    assert not Interaction.objects.exists()


# --- rows saved before the rules existed ------------------------------------------------------------


def test_a_visit_dated_years_ahead_does_not_count_as_the_latest_contact(world, client):
    """The reported case: a visit dated 2031 with a next step in 1900 took the customer off My
    day, and a later, correct visit did not bring it back."""
    customer = world.one.customers["manager"]
    interval = dt.timedelta(days=follow_up_intervals(world.one.org.pk)[customer.tier])
    customer.next_due_on = customer.created_on + interval  # as customer_save sets it
    customer.save(update_fields=["next_due_on"])
    today = _today(world)
    ahead = dt.datetime(today.year + 5, 5, 1, 10, tzinfo=dt.UTC)
    InteractionFactory(customer=customer, occurred_at=ahead, next_step_on=dt.date(1900, 1, 1))
    customer.refresh_from_db()
    assert customer.last_contacted_on is None and customer.next_due_on < today
    client.force_login(world.one.manager)
    assert customer in client.get("/my-day/").context["overdue"]
    response = send(client, "POST", "/api/v1/interactions", {"customer": customer.pk, "summary": "Visited today"})
    assert response.status_code == 201
    customer.refresh_from_db()
    assert customer.last_contacted_on == today
    assert customer.next_due_on == today + interval


# --- moments at the edges of what a datetime holds (converting them overflowed: a 500) -------------

EDGE_MOMENTS = ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"]


@pytest.mark.parametrize("moment", EDGE_MOMENTS)
def test_the_api_refuses_a_visit_at_the_edge_of_time_by_field(world, client, moment):
    client.force_login(world.one.manager)
    customer = world.one.customers["manager"].pk
    body = {"customer": customer, "summary": "x", "occurred_at": moment}
    response = send(client, "POST", "/api/v1/interactions", body)
    assert response.status_code == 400 and "2000" in _fields(response)["occurred_at"]
    assert not Interaction.objects.exists()


@pytest.mark.parametrize("moment", EDGE_MOMENTS)
def test_a_visit_cannot_be_moved_to_the_edge_of_time(world, client, moment):
    visit = InteractionFactory(customer=world.one.customers["manager"])
    client.force_login(world.one.manager)
    response = send(client, "PATCH", f"/api/v1/interactions/{visit.pk}", {"occurred_at": moment})
    assert response.status_code == 400 and "2000" in _fields(response)["occurred_at"]
    visit.refresh_from_db()
    assert visit.occurred_at.year > 2000


@pytest.mark.parametrize("moment", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_the_visit_form_refuses_a_moment_at_the_edge_of_time_by_field(world, client, moment):
    client.force_login(world.one.manager)
    customer = world.one.customers["manager"]
    response = client.post(f"/customers/{customer.pk}/log/", {"kind": "visit", "occurred_at": moment, "summary": "x"})
    assert response.status_code == 200
    assert "occurred_at" in response.context["form"].errors
    assert not Interaction.objects.exists()


@pytest.mark.parametrize("query", [{"since": "0001-01-01"}, {"until": "9999-12-31"}])
@pytest.mark.parametrize("file_format", [None, "csv", "xlsx"])
def test_the_audit_page_refuses_a_filter_date_outside_the_window_by_field(world, client, query, file_format):
    client.force_login(world.one.admin)
    response = client.get("/audit/", query | ({"format": file_format} if file_format else {}))
    assert response.status_code == 200
    assert "between 1 Jan 2000" in response.context["form"].errors[next(iter(query))][0]
