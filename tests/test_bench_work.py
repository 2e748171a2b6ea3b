"""`pacekeeper bench work` at a small size: it adds the tasks, rebuilds their rollups, times
the pages and finds the engine's completion rates equal to the hand-written SQL's."""

import datetime as dt

import pytest

from pacekeeper.bench import work as work_bench
from pacekeeper.demo.seed import seed_organization
from pacekeeper.work.models import Task, TaskMonthlyRollup

UNTIL = dt.date(2026, 6, 30)


@pytest.mark.slow
def test_it_measures_a_small_organisation(db):
    seeded = seed_organization(managers=12, customers=30, months=2, seed=3, until=UNTIL, team_size=4)

    demo_tasks = Task.objects.filter(org=seeded.org).count()  # the demo's own work, if any

    figures = work_bench.run_one(tasks_per_month=3, months=14, requests=3)

    assert figures["tasks"] == 12 * 3 * 14 == Task.objects.filter(org=seeded.org).count() - demo_tasks
    assert TaskMonthlyRollup.objects.filter(org=seeded.org).exists()
    assert figures["completion_identical"] is True
    assert figures["completion_rollup_vs_raw_sql_year"] > 0
    assert figures["board_median_ms"] > 0 and figures["board_p95_ms"] >= figures["board_median_ms"]
    assert figures["board_team_people"] >= 5  # a team of 4 (the nearest 10 people), its lead, maybe a newcomer
    assert figures["workload_p95_ms"] >= figures["workload_median_ms"] > 0
    assert figures["workload_branch_people"] >= 12  # the one branch: everyone
