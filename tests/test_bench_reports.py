"""`pacekeeper bench reports` at two small sizes: it generates every report as the scheduled run
does, and the queries a report costs do not grow with the size of the organisation."""

import datetime as dt

import pytest
from django.db import transaction

from pacekeeper.bench import reports as reports_bench
from pacekeeper.demo.seed import seed_organization
from pacekeeper.progress.models import ProgressReport
from pacekeeper.tenancy.models import Role, Team, User

UNTIL = dt.date(2026, 6, 30)


def _measure(managers: int) -> dict:
    with transaction.atomic():  # each size on its own, undone after
        seeded = seed_organization(
            managers=managers, customers=managers * 3, months=14, seed=5, until=UNTIL, team_size=3
        )
        figures = reports_bench.run_one()
        teams = Team.objects.filter(org=seeded.org).count()
        people = User.objects.filter(org=seeded.org, is_active=True, role__in=(Role.MANAGER, Role.LEAD)).count()
        assert figures["reports"] == 1 + teams + people == ProgressReport.objects.filter(org=seeded.org).count()
        transaction.set_rollback(True)
    return figures


@pytest.mark.slow
def test_queries_per_report_do_not_grow_with_the_organisation(db):
    small = _measure(6)
    large = _measure(18)
    assert large["reports"] > 2 * small["reports"]
    assert large["queries_per_report_max"] == small["queries_per_report_max"]
    assert large["queries_per_report_max_after_first"] == small["queries_per_report_max_after_first"]
    assert small["median_ms"] > 0 and small["total_s"] >= 0
