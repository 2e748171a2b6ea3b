"""Survey KPIs from the engine against a hand computation: credited to the manager responsible
when the survey was sent (a customer moved afterwards included), by team and organisation, live
and from the rollups; and a satisfaction goal like any other."""

import datetime as dt
from decimal import Decimal

import pytest

from pacekeeper.crm.services import customers_transfer
from pacekeeper.feedback.rollups import survey_rollups_rebuild
from pacekeeper.goals import services as goals
from pacekeeper.goals.progress import goal_progress
from pacekeeper.kpis import engine
from pacekeeper.kpis.periods import Period
from tests.feedback.conftest import answer, ask

pytestmark = pytest.mark.django_db

METRICS = ("csat_average", "csat_satisfied", "nps", "survey_response_rate")


@pytest.fixture
def answered(world, surveys):
    """manager 5 (their customer then moved to the teammate), teammate 2 and NPS 9, sub_manager 4
    and NPS 6, other_manager 3 and NPS 7; the lead's customer did not answer."""
    first = ask(world, surveys, "manager")
    customers_transfer(
        actor=world.one.actor("director"),
        customer_ids=[world.one.customers["manager"].pk],
        to_manager_id=world.one.teammate.pk,
        reason="rebalancing",
    )
    answer(first, csat=5)
    answer(ask(world, surveys, "teammate"), csat=2)
    answer(ask(world, surveys, "sub_manager"), csat=4)
    answer(ask(world, surveys, "other_manager"), csat=3)
    ask(world, surveys, "lead")
    for owner, score in (("teammate", 9), ("sub_manager", 6), ("other_manager", 7)):
        sent = ask(world, surveys, owner, "nps", now=first.invitation.sent_at)
        answer(sent, nps=score)
    return first


def figures(world, level, source):
    today = world.one.actor("director").today()
    return engine.compute(
        org=world.one.org,
        metrics=METRICS,
        level=level,
        period=Period(today - dt.timedelta(days=40), today),
        source=source,
    )


@pytest.mark.parametrize("source", ["live", "rollup"])
def test_it_credits_answers_to_the_manager_at_sending_time(world, answered, source):
    people = figures(world, "manager", source)
    manager, teammate = people[world.one.manager.pk], people[world.one.teammate.pk]
    assert manager["csat_average"] == Decimal("5.00")  # the customer is the teammate's now
    assert manager["csat_satisfied"] == Decimal("100.00")
    assert teammate["csat_average"] == Decimal("2.00")
    assert teammate["nps"] == Decimal("100.00")  # one promoter
    assert people[world.one.sub_manager.pk]["nps"] == Decimal("-100.00")  # 6: a detractor
    assert people[world.one.other_manager.pk]["nps"] == Decimal("0.00")  # 7: passive
    assert people[world.one.lead.pk]["survey_response_rate"] == Decimal("0.00")
    assert people[world.one.teammate.pk]["survey_response_rate"] == Decimal("100.00")


@pytest.mark.parametrize("source", ["live", "rollup"])
def test_it_rolls_answers_up_to_teams_and_the_organisation(world, answered, source):
    teams = figures(world, "team", source)
    team_a = teams[world.one.team_a.pk]  # manager 5, teammate 2, sub-team A1's 4
    assert team_a["csat_average"] == Decimal("3.67")  # 11 / 3
    assert team_a["csat_satisfied"] == Decimal("66.67")  # 2 of 3
    assert team_a["nps"] == Decimal("0.00")  # one promoter, one detractor of two
    org = figures(world, "org", source)[engine.ORG_SUBJECT]
    assert org["csat_average"] == Decimal("3.50")  # 14 / 4
    assert org["csat_satisfied"] == Decimal("50.00")
    assert org["nps"] == Decimal("0.00")  # 1 promoter − 1 detractor of 3
    assert org["survey_response_rate"] == Decimal("87.50")  # 7 of 8 invitations answered


def test_a_rebuild_gives_the_rollups_the_write_path_kept(world, answered):
    before = figures(world, "team", "rollup")
    survey_rollups_rebuild(world.one.org.pk)
    assert figures(world, "team", "rollup") == before == figures(world, "team", "live")


def test_a_satisfaction_goal_is_checked_paced_and_forecast_like_any_other(world, answered):
    director = world.one.actor("director")
    today = director.today()
    objective = goals.goal_save(
        actor=director,
        changes={"kind": "objective", "title": "Customers first", "starts_on": today, "ends_on": today},
    )
    goal = goals.goal_save(
        actor=director,
        changes={
            "parent": objective.pk,
            "title": "Satisfaction +5 points",
            "metric": "csat_satisfied",
            "level": "team",
            "team": world.one.team_a.pk,
            "target": Decimal("71.67"),
            "starts_on": today - dt.timedelta(days=10),
            "ends_on": today + dt.timedelta(days=80),
        },
    )
    report = goals.goal_smart(goal, today=today)
    assert not report.hard_failures
    progress = goal_progress(goal, today=today)
    assert progress.actual == Decimal("66.67")
    assert progress.status
    out_of_range = goals.goal_preview(
        actor=director,
        changes={
            "title": "NPS",
            "metric": "nps",
            "level": "org",
            "target": Decimal("150"),
            "starts_on": today,
            "ends_on": today + dt.timedelta(days=80),
        },
    )
    assert out_of_range.hard_failures  # NPS cannot pass 100
