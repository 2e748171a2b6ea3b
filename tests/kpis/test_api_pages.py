"""KPI figures through the API and pages: right numbers, right people."""

import datetime as dt

from pacekeeper.kpis.rollups import rollups_rebuild
from tests.factories import SaleFactory


def _sales(world):
    for owner, amount in [("manager", 300), ("teammate", 500), ("sub_manager", 100), ("other_manager", 900)]:
        SaleFactory(customer=world.one.customers[owner], ordered_on=dt.date(2026, 3, 5), amount_minor=amount)
    SaleFactory(customer=world.two.customers["manager"], ordered_on=dt.date(2026, 3, 5), amount_minor=7777)
    rollups_rebuild(org=world.one.org)
    rollups_rebuild(org=world.two.org)


def test_it_lists_the_registry(world, client):
    client.force_login(world.one.manager)
    keys = {metric["key"] for metric in client.get("/api/v1/kpis/metrics").json()}
    assert {"sales_amount", "retention_rate", "follow_up_compliance", "pipeline_weighted"} <= keys


def test_it_computes_values_per_level_within_scope(world, client):
    _sales(world)
    client.force_login(world.one.lead)
    body = client.get(
        "/api/v1/kpis/values", {"metrics": "sales_amount", "level": "manager", "period": "2026-03"}
    ).json()
    by_name = {s["name"]: s["values"]["sales_amount"] for s in body["subjects"]}
    assert by_name == {"one lead": "0.00", "one manager": "3.00", "one sub_manager": "1.00", "one teammate": "5.00"}
    teams = client.get("/api/v1/kpis/values", {"metrics": "sales_amount", "level": "team", "period": "2026-03"}).json()
    assert {s["name"]: s["values"]["sales_amount"] for s in teams["subjects"]} == {
        "one team A": "9.00",
        "one team A1": "1.00",
    }
    assert (
        client.get("/api/v1/kpis/values", {"metrics": "sales_amount", "level": "org", "period": "2026-03"}).status_code
        == 403
    )
    client.force_login(world.one.director)
    org = client.get("/api/v1/kpis/values", {"metrics": "sales_amount", "level": "org", "period": "2026-Q1"}).json()
    assert org["subjects"][0]["values"]["sales_amount"] == "18.00"


def test_it_explains_bad_requests(world, client):
    client.force_login(world.one.director)
    bad_metric = client.get("/api/v1/kpis/values", {"metrics": "happiness", "level": "org", "period": "2026-03"})
    assert bad_metric.status_code == 400 and bad_metric.json()["errors"][0]["field"] == "metrics"
    bad_period = client.get("/api/v1/kpis/values", {"metrics": "sales_amount", "level": "org", "period": "March"})
    assert bad_period.status_code == 400 and bad_period.json()["errors"][0]["field"] == "period"


def test_it_ranks_an_account_managers_own_team_only(world, client):
    _sales(world)
    client.force_login(world.one.manager)
    ranks = client.get("/api/v1/kpis/leaderboard", {"metric": "sales_amount", "period": "2026-03"}).json()
    assert [(r["rank"], r["name"], r["value"]) for r in ranks] == [
        (1, "one teammate", "5.00"),
        (2, "one manager", "3.00"),
        (3, "one lead", "0.00"),
    ]
    page = client.get("/leaderboard/", {"metric": "sales_amount", "period": "2026-03-01..2026-03-31"})
    assert [row["person"].username for row in page.context["rows"]] == ["one_teammate", "one_manager", "one_lead"]
    other_team = client.get(
        "/api/v1/kpis/leaderboard", {"metric": "sales_amount", "period": "2026-03", "team": world.one.team_b.pk}
    )
    assert other_team.status_code == 404


def test_it_ranks_no_lead_without_a_portfolio(world, client):
    """As on the team page: a lead who owns no customer is not an account manager at ¥0.00."""
    _sales(world)
    client.force_login(world.one.director)
    page = client.get("/leaderboard/", {"metric": "sales_amount", "period": "2026-03"})
    names = [row["person"].username for row in page.context["rows"]]
    assert "one_lead" in names  # owns a customer: sells, so ranked
    assert "one_other_lead" not in names  # owns none
    world.one.customers["lead"].status = "lost"
    world.one.customers["lead"].save()
    page = client.get("/leaderboard/", {"metric": "sales_amount", "period": "2026-03"})
    assert "one_lead" not in [row["person"].username for row in page.context["rows"]]


def test_it_ranks_the_whole_organisation_for_the_director(world, client):
    _sales(world)
    client.force_login(world.one.director)
    ranks = client.get("/api/v1/kpis/leaderboard", {"metric": "sales_amount", "period": "2026-03"}).json()
    assert [r["name"] for r in ranks][:4] == ["one other_manager", "one teammate", "one manager", "one sub_manager"]
    assert "two manager" not in {r["name"] for r in ranks}


def test_it_sends_money_as_decimal_strings_and_counts_as_integers(world, client):
    """Like every other endpoint and the README: "15000.00", never fen (1500000) (issue 13, item 15)."""
    SaleFactory(customer=world.one.customers["manager"], ordered_on=dt.date(2026, 3, 5), amount_minor=1_500_000)
    rollups_rebuild(org=world.one.org)
    client.force_login(world.one.director)
    query = {"metrics": "sales_amount,visits", "level": "org", "period": "2026-03"}
    values = client.get("/api/v1/kpis/values", query).json()["subjects"][0]["values"]
    assert values["sales_amount"] == "15000.00"
    assert isinstance(values["visits"], int)
    ranks = client.get("/api/v1/kpis/leaderboard", {"metric": "sales_amount", "period": "2026-03"}).json()
    assert ranks[0]["value"] == "15000.00"
