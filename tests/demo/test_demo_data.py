"""The demo looks like a real branch (issue 14): the properties a sales director notices in the
first minutes, checked on the data `pacekeeper demo` generates (same sizes and seed), on an early
day of a month, when a month-to-date spike shows most."""

import datetime as dt

import pytest
from django.utils import translation

from pacekeeper.crm.models import Customer, Interaction, Opportunity, Sale
from pacekeeper.demo.seed import demo_months, seed_organization
from pacekeeper.goals import services
from pacekeeper.goals.models import Goal, GoalChange
from pacekeeper.goals.progress import goal_progress
from pacekeeper.kpis.engine import compute
from pacekeeper.kpis.periods import Period
from pacekeeper.kpis.registry import percent
from pacekeeper.notifications.models import Notification
from pacekeeper.tenancy.models import Role, Team, User
from pacekeeper.tenancy.scopes import actor_for
from pacekeeper.work.load import UNDER_LOADED_SHARE, bookings
from pacekeeper.work.models import Comment, Quadrant, RecurringTask, Task, WorkPlan
from pacekeeper.work.plan_selectors import plan_summary
from pacekeeper.work.selectors import board_columns

TODAY = dt.date(2026, 12, 3)  # three days into December


@pytest.fixture
def demo(db, django_capture_on_commit_callbacks):
    # Notifications are delivered after commit, as they are when `pacekeeper demo` seeds.
    with django_capture_on_commit_callbacks(execute=True):
        return seed_organization(
            managers=12, customers=300, months=demo_months(TODAY), seed=2026, team_size=4, until=TODAY
        ).org


@pytest.mark.slow
def test_it_looks_like_a_real_branch(demo):
    """One generation, every property (the demo takes seconds to build; once is enough)."""
    _it_has_no_facts_after_today(demo)
    _its_month_to_date_is_in_line_with_the_season(demo)
    _its_attainment_is_spread_with_one_team_clearly_off_track(demo)
    _its_follow_ups_are_mostly_in_time_and_some_due_today(demo)
    _its_goals_have_baselines_and_a_history_judgement(demo)
    assert GoalChange.objects.filter(org=demo, status="pending").count() == 1  # for the director's overview
    _its_account_manager_has_work_in_several_quadrants(demo)
    _its_lead_has_a_board_with_every_open_column(demo)
    _its_plans_are_under_way(demo)
    _its_tasks_are_dated_around_today(demo)
    _its_workload_has_people_over_and_under_capacity(demo)
    _its_tasks_have_conversations_with_mentions(demo)
    _its_task_kpis_count_the_demos_own_completion_days(demo)
    _its_director_finds_approvals_waiting_in_the_inbox(demo)
    _its_first_lead_finds_a_closed_meeting_and_the_next_one_planned(demo)
    _its_risk_register_has_hand_kept_and_signalled_risks(demo)
    _its_team_health_shows_figures_and_a_case_in_mediation(demo)
    _its_customer_voice_has_analysed_texts(demo)
    _its_calibrated_evaluations_are_acknowledged_and_disputed(demo)
    _its_whole_amount_plan_has_statements_with_an_accelerator(demo)


def _it_has_no_facts_after_today(org):
    assert not Sale.objects.filter(org=org, ordered_on__gt=TODAY).exists()
    local_days = [moment.date() for moment in Interaction.objects.filter(org=org).values_list("occurred_at", flat=True)]
    assert max(local_days) <= TODAY
    assert not Opportunity.objects.filter(org=org, closed_on__gt=TODAY).exists()


def _its_month_to_date_is_in_line_with_the_season(org):
    """3 of December's 31 days have passed: about a tenth of a December's orders, allowing for
    growth and chance up to a quarter (before: every December order fell on days 1–3)."""
    month_to_date = Sale.objects.filter(org=org, ordered_on__range=(dt.date(2026, 12, 1), TODAY))
    last_december = Sale.objects.filter(org=org, ordered_on__range=(dt.date(2025, 12, 1), dt.date(2025, 12, 31)))
    assert 0 < month_to_date.count() <= last_december.count() / 4
    november = Sale.objects.filter(org=org, ordered_on__range=(dt.date(2026, 11, 1), dt.date(2026, 11, 30)))
    assert month_to_date.count() < november.count() / 3


def _its_attainment_is_spread_with_one_team_clearly_off_track(org):
    teams = [goal_progress(goal, today=TODAY) for goal in Goal.objects.filter(org=org, level="team")]
    assert len({progress.attainment for progress in teams}) == len(teams) == 3
    statuses = [progress.status for progress in teams]
    assert statuses.count("off_track") == 1 and "on_track" in statuses
    people = [goal_progress(goal, today=TODAY) for goal in Goal.objects.filter(org=org, level="manager")]
    attainments = [progress.attainment for progress in people]
    assert max(attainments) - min(attainments) >= 20  # points between the best and the worst
    assert {"on_track", "off_track"} <= {progress.status for progress in people}


def _its_follow_ups_are_mostly_in_time_and_some_due_today(org):
    open_customers = Customer.objects.filter(org=org).exclude(status=Customer.Status.LOST)
    overdue = open_customers.filter(next_due_on__lt=TODAY).count()
    assert 0.01 <= overdue / open_customers.count() <= 0.15  # a few, not 40 %
    first = open_customers.filter(owner__username="am0001")
    assert first.filter(next_due_on=TODAY).count() >= 3
    steps = Interaction.objects.filter(org=org, manager__username="am0001", next_step_on=TODAY, next_step_done=False)
    assert steps.exclude(next_step="").exists()


def _its_goals_have_baselines_and_a_history_judgement(org):
    goals = list(Goal.objects.filter(org=org, kind="goal").select_related("org", "team", "person"))
    assert goals and all(goal.baseline and goal.baseline > 0 for goal in goals)
    for goal in goals:
        if goal.level == Goal.Level.TEAM:
            assert goal.target > goal.baseline  # nobody is asked for less than last year
            assert services.goal_smart(goal, today=TODAY).likelihood is not None, goal.title
    assert Period(goals[0].starts_on, goals[0].ends_on) == Period.year(2026)


def _its_account_manager_has_work_in_several_quadrants(org):
    """am0001 signs in to My tasks: open work in at least three quadrants, one task overdue,
    one due today or tomorrow, done work and a blocked task with its reason."""
    tasks = list(Task.objects.filter(org=org, owner__username="am0001"))
    open_tasks = [task for task in tasks if task.is_open]
    assert 5 <= len(tasks) <= 12
    assert len({task.quadrant(TODAY) for task in open_tasks}) >= 3
    assert Quadrant.DO_NOW in {task.quadrant(TODAY) for task in open_tasks}
    assert any(task.is_overdue(TODAY) for task in open_tasks)
    assert any(task.due_on in (TODAY, TODAY + dt.timedelta(days=1)) for task in open_tasks)
    assert all(task.blocked_reason for task in tasks if task.status == "blocked")
    assert any(task.customer_id for task in tasks) and any(task.goal_id for task in tasks)


def _its_lead_has_a_board_with_every_open_column(org):
    lead = actor_for(User.objects.get(username="lead001"), channel="system")
    counts = {column["status"]: column["count"] for column in board_columns(lead)}
    assert counts["todo"] and counts["doing"] and counts["blocked"]
    assert RecurringTask.objects.filter(org=org, owner__username="lead001", frequency="weekly").exists()


def _its_plans_are_under_way(org):
    """Each plan from a template: part of its estimate done (0 < share < 100), its steps shared
    among the team, in Chinese like the rest of the demo."""
    plans = list(WorkPlan.objects.filter(org=org).select_related("goal"))
    assert 2 <= len(plans) <= 3
    for plan in plans:
        tasks = list(plan.tasks.all())
        done = sum(task.estimate_hours for task in tasks if task.status == "done")
        total = sum(task.estimate_hours for task in tasks)
        assert 0 < done < total
        assert 0 < plan_summary(plan, tasks, today=TODAY).share_done < 100
        assert len({task.owner_id for task in tasks}) >= 2
        assert all("\u4e00" <= task.title[0] <= "\u9fff" for task in tasks), [task.title for task in tasks]


def _its_tasks_are_dated_around_today(org):
    """Open work is due within a week before and four weeks after today; done work was done on
    or before today, some of it after its due date."""
    tasks = Task.objects.filter(org=org)
    for task in tasks.exclude(status__in=Task.CLOSED).exclude(plan__isnull=False):
        assert TODAY - dt.timedelta(days=7) <= task.due_on <= TODAY + dt.timedelta(days=35), task.title
    done = list(tasks.filter(status="done"))
    days = [task.completed_at.astimezone(demo_zone(org)).date() for task in done]
    assert days and max(days) <= TODAY
    late = [task for task, day in zip(done, days, strict=True) if day > task.due_on]
    assert 0 < len(late) < len(done)


def _its_workload_has_people_over_and_under_capacity(org):
    """The workload view's flags on today's four weeks: someone over their weekly capacity in
    a week, someone booked under half of it over the four weeks, most people in between."""
    director = actor_for(User.objects.get(org=org, role="director"), channel="system")
    people = User.objects.filter(org=org, role__in=("manager", "lead"), is_active=True)
    capacities = dict(people.values_list("pk", "weekly_capacity_hours"))
    booked = bookings(director, capacities=capacities, today=TODAY)
    over = under = between = 0
    for load in booked.people.values():
        total = sum(load.booked(week) for week in booked.weeks)
        is_over = any(load.is_over(week) for week in booked.weeks)
        is_under = total < load.capacity * len(booked.weeks) * UNDER_LOADED_SHARE
        over, under, between = over + is_over, under + is_under, between + (not is_over and not is_under)
    assert over >= 2 and under >= 2 and between > max(over, under), (over, under, between)


def _its_tasks_have_conversations_with_mentions(org):
    comments = Comment.objects.filter(org=org)
    assert comments.count() >= 6 and comments.exclude(mentions=None).exists()
    mentioned = set(comments.values_list("mentions__username", flat=True))
    assert {"lead001", "lead002"} & mentioned and any(name and name.startswith("am") for name in mentioned)
    given = Task.objects.filter(org=org, owner__username="am0001", created_by__username="lead001")
    assert given.exists()  # the lead handed am0001 a task (the inbox tells of it)


def _its_task_kpis_count_the_demos_own_completion_days(org):
    """November's completion rates from the rollups equal a count by hand over the tasks: the
    completions are credited on the days the demo says they were done (not the day it ran)."""
    november = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    metrics = ["task_completion_rate", "on_time_completion_rate"]
    figures = compute(org=org, metrics=metrics, level="manager", period=november)
    zone = demo_zone(org)
    checked = 0
    for person in User.objects.filter(org=org, role__in=("manager", "lead")):
        tasks = list(Task.objects.filter(org=org, owner=person).exclude(status="cancelled"))
        done_on = {task.pk: task.completed_at.astimezone(zone).date() for task in tasks if task.completed_at}
        done = [task for task in tasks if task.pk in done_on and november.start <= done_on[task.pk] <= november.end]
        left_open = [
            task
            for task in tasks
            if task.due_on
            and november.start <= task.due_on <= november.end
            and not (task.pk in done_on and done_on[task.pk] <= november.end)
        ]
        on_time = [task for task in done if task.due_on and done_on[task.pk] <= task.due_on]
        dated = [task for task in done if task.due_on]
        got = figures.get(person.pk, {})
        assert got.get("task_completion_rate") == percent(len(done), len(done) + len(left_open)), person.username
        assert got.get("on_time_completion_rate") == percent(len(on_time), len(dated)), person.username
        checked += bool(done)
    assert checked >= 10  # most people finished something in November


def demo_zone(org):
    from zoneinfo import ZoneInfo

    return ZoneInfo(org.time_zone)


def _its_director_finds_approvals_waiting_in_the_inbox(org):
    """The demo shows the inbox at work: its director finds the target change and the payout runs
    waiting for them, in Chinese, through the same announcers as everywhere else."""
    director = org.users.get(role=Role.DIRECTOR)
    kinds = sorted(Notification.objects.filter(org=org, recipient=director).values_list("kind", flat=True))
    # The target change, the minutes of the first lead's closed meeting (shared with the director),
    # three payout runs (one of the whole-amount plan), the three leads' resource requests (one still
    # waiting) and a disputed evaluation.
    assert kinds == [
        "evaluation_disputed",
        "goal_change_requested",
        "meeting_minutes_shared",
        "payout_run_waiting",
        "payout_run_waiting",
        "payout_run_waiting",
        *["resource_request_to_decide"] * 3,
    ]
    with translation.override("zh-hans"):
        messages = [n.message for n in Notification.objects.filter(recipient=director)]
    assert any("申请将" in message and "下调到" in message for message in messages)
    assert any("待您审批" in message for message in messages)


def _its_first_lead_finds_a_closed_meeting_and_the_next_one_planned(org):
    from pacekeeper.meetings.models import Meeting

    closed = Meeting.objects.get(org=org, status="closed")
    assert closed.agenda["members"] and closed.items.filter(kind="action", task__isnull=False).exists()
    assert Meeting.objects.filter(org=org, series=closed.series, status="planned").count() == 1


def _its_risk_register_has_hand_kept_and_signalled_risks(org):
    from pacekeeper.risks.models import Risk, RiskAction

    risks = Risk.objects.filter(org=org)
    assert {"org", "team", "customer", "goal"} <= set(risks.values_list("level", flat=True))
    assert risks.filter(review_on__lt=TODAY, status="open").count() == 1  # one review overdue
    assert RiskAction.objects.filter(org=org, task__isnull=False).count() == 1
    signalled = risks.exclude(signal_key="")
    assert signalled.exists() and all(risk.evidence for risk in signalled)


def _its_team_health_shows_figures_and_a_case_in_mediation(org):
    from pacekeeper.teamhealth.models import Conflict
    from pacekeeper.teamhealth.pulse import team_trend

    shown = [
        team
        for team in Team.objects.filter(org=org)
        if sum(figure.shown for figure in team_trend(org=org, team=team, today=TODAY, periods=4)) == 4
    ]
    assert shown  # at least one team (a branch, teams of four being too small alone) has a trend
    assert all(figure.shown for figure in team_trend(org=org, team=None, today=TODAY, periods=4))
    assert Conflict.objects.filter(org=org, status="mediation", mediator__isnull=False).count() == 1


def _its_customer_voice_has_analysed_texts(org):
    from pacekeeper.insights.models import TextAnalysis

    analyses = TextAnalysis.objects.filter(org=org)
    assert analyses.exists()
    assert analyses.filter(topics__isnull=False).exists()


def _its_calibrated_evaluations_are_acknowledged_and_disputed(org):
    from pacekeeper.reviews.models import Evaluation

    responses = Evaluation.objects.filter(org=org).exclude(response="")
    assert sorted(responses.values_list("response", flat=True)) == ["acknowledged", "disputed"]
    assert responses.get(response="acknowledged").locked_at is not None


def _its_whole_amount_plan_has_statements_with_an_accelerator(org):
    from pacekeeper.incentives.models import PayoutRun

    run = PayoutRun.objects.get(org=org, plan__tier_mode="whole")
    assert run.plan.accelerators.count() == 1
    assert run.lines.exists()
