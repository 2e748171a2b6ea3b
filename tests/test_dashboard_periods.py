"""First screens compare like with like and say which periods they compare (issue 14), and a
lead who sells nothing is not listed as a member of their own team."""

import datetime as dt

import pytest

from pacekeeper.goals.models import Goal
from pacekeeper.kpis.periods import Period, like_for_like
from pacekeeper.kpis.rollups import rollups_rebuild
from pacekeeper.tenancy.scopes import Actor
from tests.factories import OpportunityFactory, SaleFactory

TODAY = dt.date(2026, 11, 3)


@pytest.fixture
def on_the_third(monkeypatch):
    monkeypatch.setattr(Actor, "today", lambda self: TODAY)


def test_it_compares_a_running_month_with_the_same_days_of_last_month():
    shown, compared, to_date = like_for_like(Period.month(2026, 11), TODAY)
    assert (shown, compared, to_date) == (
        Period(dt.date(2026, 11, 1), TODAY),
        Period(dt.date(2026, 10, 1), dt.date(2026, 10, 3)),
        True,
    )
    # 31 March to date against February: the same days, but never past February's end.
    assert like_for_like(Period.month(2026, 3), dt.date(2026, 3, 30))[1] == Period.month(2026, 2)


def test_it_compares_a_finished_period_whole_with_the_whole_previous_one():
    assert like_for_like(Period.month(2026, 10), TODAY) == (Period.month(2026, 10), Period.month(2026, 9), False)


def test_the_overview_compares_month_to_date_with_the_same_days_of_last_month(world, client, on_the_third):
    one = world.one
    SaleFactory(customer=one.customers["manager"], ordered_on=dt.date(2026, 11, 2), amount_minor=100_000)
    SaleFactory(customer=one.customers["manager"], ordered_on=dt.date(2026, 10, 2), amount_minor=80_000)
    SaleFactory(customer=one.customers["manager"], ordered_on=dt.date(2026, 10, 20), amount_minor=900_000)
    rollups_rebuild(org=one.org)
    client.force_login(one.director)
    page = client.get("/overview/")
    assert page.context["org"]["sales_amount"] == 100_000
    assert page.context["previous"]["sales_amount"] == 80_000  # 1–3 October only, not the whole month
    html = page.content.decode()
    assert "▲ +25.0%" in html  # the change itself, not just "up"
    assert "Month to date" in html and "against the same days of last month" in html
    assert "1 Oct 2026 – 3 Oct 2026" in html
    team_a = {row["team"].name: row for row in page.context["teams"]}["one team A"]
    assert team_a["previous"]["sales_amount"] == 80_000  # the growth column compares the same spans


def test_the_team_page_shows_goal_progress_in_the_goals_own_period(world, client, on_the_third):
    one = world.one
    SaleFactory(customer=one.customers["manager"], ordered_on=dt.date(2026, 3, 2), amount_minor=600_000)
    SaleFactory(customer=one.customers["manager"], ordered_on=dt.date(2026, 11, 2), amount_minor=100_000)
    rollups_rebuild(org=one.org)
    Goal.objects.create(
        org=one.org, title="Wang's year", metric="sales_amount", level="manager", person=one.manager,
        starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31), target=1_000_000, status="active",
    )  # fmt: skip
    client.force_login(one.lead)
    page = client.get("/team/")
    row = {r["person"].username: r for r in page.context["rows"]}["one_manager"]
    assert row["figures"]["sales_amount"] == 100_000  # the month to date
    assert row["progress"].actual == 700_000  # the goal's year to date
    html = page.content.decode()
    for text in (">¥7.0K<", ">¥10.0K<", "2026 (full year)", "70.0%", "Month to date"):
        assert text in html


def test_a_lead_without_a_portfolio_is_no_member_row(world, client):
    one = world.one
    client.force_login(one.lead)
    rows = {r["person"].username: r for r in client.get("/team/").context["rows"]}
    assert rows["one_lead"]["is_lead"]  # the world's lead owns a customer: they sell, so they are listed
    one.customers["lead"].delete()
    page = client.get("/team/")
    assert "one_lead" not in {r["person"].username for r in page.context["rows"]}
    assert "one lead:" not in page.content.decode()  # nor flagged as quiet


def test_the_overview_takes_the_pipeline_over_the_whole_month_and_has_no_retention_to_date(world, client, on_the_third):
    """On 3 November, "this month": deals closing on 2 and 20 November are this month's pipeline
    (weighted 500,000 × 20 % + 1,000,000 × 40 % = 500,000); a deal closing in December is not.
    Retention compares whole months: a customer who bought in October and not yet in November
    has not been lost, so there is no figure until November is over (was 0.0 %)."""
    one = world.one
    customer = one.customers["manager"]
    for amount, probability, closes in ((500_000, 20, (11, 2)), (1_000_000, 40, (11, 20)), (9_000_000, 90, (12, 5))):
        OpportunityFactory(
            customer=customer, amount_minor=amount, probability=probability, expected_close_on=dt.date(2026, *closes)
        )
    SaleFactory(customer=customer, ordered_on=dt.date(2026, 9, 10), amount_minor=80_000)
    SaleFactory(customer=customer, ordered_on=dt.date(2026, 10, 20), amount_minor=80_000)
    rollups_rebuild(org=one.org)
    client.force_login(one.director)
    page = client.get("/overview/")
    team_a = {row["team"].name: row for row in page.context["teams"]}["one team A"]
    assert team_a["figures"]["pipeline_weighted"] == 500_000
    assert page.context["org"]["pipeline_weighted"] == 500_000
    assert team_a["figures"]["retention_rate"] is None
    assert page.context["org"]["retention_rate"] is None
    html = page.content.decode()
    assert "Known when the period ends" in html and "0.0%" not in html.split("Customer retention rate")[1][:200]
    # October is over: its retention is a figure again (bought in September and October).
    october = client.get("/overview/?period=2026-10")
    assert october.context["org"]["retention_rate"] == 100
    assert "Known when the period ends" not in october.content.decode()


def test_a_persons_page_has_no_customers_lost_before_the_month_ends(world, client, on_the_third):
    """A customer who bought in October and not yet by 3 November is not lost (was 1 lost)."""
    one = world.one
    SaleFactory(customer=one.customers["manager"], ordered_on=dt.date(2026, 10, 20), amount_minor=80_000)
    rollups_rebuild(org=one.org)
    client.force_login(one.lead)
    page = client.get(f"/people/{one.manager.pk}/")
    assert page.context["figures"]["customers_lost"] is None
    assert "Known when the period ends" in page.content.decode()
    october = client.get(f"/people/{one.manager.pk}/?period=2026-10")
    assert october.context["figures"]["customers_lost"] == 0
