"""The SMART check's hard limits and its fallback to peers when a subject's history is short."""

import datetime as dt
from decimal import Decimal

from pacekeeper.goals import services
from pacekeeper.kpis.rollups import rollups_rebuild
from pacekeeper.tenancy.models import TeamMembership
from tests.factories import LONG_AGO, CustomerFactory, SaleFactory, UserFactory

from .test_goals import _objective, _team_goal, _team_sales

TODAY = dt.date(2026, 2, 1)
YEAR = {"starts_on": dt.date(2026, 1, 1), "ends_on": dt.date(2026, 12, 31)}


def _achievable(report):
    return next(f for f in report.findings if f.criterion == "achievable")


def _person_goal(world, person, target, metric="sales_amount"):
    return services.goal_save(
        actor=world.one.actor("lead"),
        changes={
            "title": "Personal sales",
            "metric": metric,
            "level": "manager",
            "person": person.pk,
            "target": Decimal(target),
            "parent": _objective(world).pk,
            **YEAR,
        },
    )


def _peers_in_team_b(world, sales_by_year: dict[int, int], count=5):
    """`count` more managers in team B, each selling the given amount on 10 March of each year."""
    for number in range(count):
        peer = UserFactory(org=world.one.org, username=f"peer{number}")
        TeamMembership.objects.create(org=world.one.org, team=world.one.team_b, user=peer, started_on=LONG_AGO)
        customer = CustomerFactory(org=world.one.org, owner=peer)
        for year, amount in sales_by_year.items():
            SaleFactory(customer=customer, ordered_on=dt.date(year, 3, 10), amount_minor=amount + number * 10_000)


def test_a_target_many_times_last_years_result_is_a_hard_failure(world):
    """The issue's case: ¥10亿 for a subject whose baseline is ¥633万 (158×)."""
    _team_sales(world, {2024: 600_000_000, 2025: 633_000_000})
    report = services.goal_smart(_team_goal(world, 100_000_000_000), today=TODAY)
    finding = _achievable(report)
    assert finding.severity == "hard" and not report.passes
    assert "158" in finding.message and "6,330,000.00" in finding.message


def test_a_stretch_within_reason_is_not_a_hard_failure(world):
    _team_sales(world, {2024: 1_000_000, 2025: 1_000_000})
    report = services.goal_smart(_team_goal(world, 4_000_000), today=TODAY)  # 4×: unrealistic, not absurd
    assert _achievable(report).severity == "warning"
    assert report.passes


def test_a_negative_target_is_a_hard_failure(world):
    _team_sales(world, {2024: 900_000, 2025: 1_000_000})
    report = services.goal_smart(_team_goal(world, -5), today=TODAY)
    finding = _achievable(report)
    assert finding.severity == "hard" and "0.00" in finding.message
    assert not report.passes


def test_a_share_above_one_hundred_percent_is_a_hard_failure(world):
    goal = services.goal_save(
        actor=world.one.actor("lead"),
        changes={
            "title": "Compliance",
            "metric": "follow_up_compliance",
            "level": "team",
            "team": world.one.team_a.pk,
            "target": Decimal(120),
            "parent": _objective(world).pk,
            **YEAR,
        },
    )
    report = services.goal_smart(goal, today=TODAY)
    assert _achievable(report).severity == "hard" and "100%" in _achievable(report).message


def test_one_year_of_history_is_judged_by_the_peers_growth(world):
    """The manager sold only last year; five peers grew 10 % a year: +10 % is likely, +80 % is not."""
    SaleFactory(customer=world.one.customers["manager"], ordered_on=dt.date(2025, 3, 10), amount_minor=1_000_000)
    _peers_in_team_b(world, {2024: 1_000_000, 2025: 1_100_000})
    rollups_rebuild(org=world.one.org)
    likely = services.goal_smart(_person_goal(world, world.one.manager, 1_100_000), today=TODAY)
    unlikely = services.goal_smart(_person_goal(world, world.one.manager, 1_800_000), today=TODAY)
    assert _achievable(likely).severity == "ok" and "peers" in _achievable(likely).message
    assert _achievable(unlikely).severity == "warning" and "peers" in _achievable(unlikely).message
    assert likely.likelihood > 25 and unlikely.likelihood < 1


def test_one_year_of_history_and_too_few_peers_says_so(world):
    SaleFactory(customer=world.one.customers["manager"], ordered_on=dt.date(2025, 3, 10), amount_minor=1_000_000)
    rollups_rebuild(org=world.one.org)
    report = services.goal_smart(_person_goal(world, world.one.manager, 1_100_000), today=TODAY)
    finding = _achievable(report)
    assert finding.severity == "warning" and "too few peers" in finding.message
    assert report.likelihood is None


def test_no_result_of_its_own_is_judged_against_what_peers_reached(world):
    """A newcomer with no sales last year: the target is compared with the five peers' results."""
    _peers_in_team_b(world, {2025: 1_000_000})  # peers reached ¥10,000.00 … ¥10,400.00
    rollups_rebuild(org=world.one.org)
    middle = services.goal_smart(_person_goal(world, world.one.manager, 1_025_000), today=TODAY)
    absurd = services.goal_smart(_person_goal(world, world.one.manager, 60_000_000), today=TODAY)
    assert _achievable(middle).severity == "ok"
    assert "3 of them" in _achievable(middle).message and "10,400.00" in _achievable(middle).message
    assert _achievable(absurd).severity == "hard"
