"""`pacekeeper bench kpis`: the KPI engine at scale, against hand-written SQL and a naive loop.

In a child process per database: load (or copy from a template) data made by the seed
generator, then for a month, a quarter and a year compute the ten core metrics for every
manager, every team and the organisation by the live path and the rollup path; run one
hand-written SQL GROUP BY per metric over the raw facts (manager level); time a naive loop of one
ORM query per manager per metric on a 200-manager sample, scaled linearly; time refreshing
the rollups of one day against a full rebuild; and time the team lead's dashboard.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time

from django.db import connection
from django.test import Client

from pacekeeper.crm.metrics import CORE_METRICS
from pacekeeper.kpis import components
from pacekeeper.kpis.engine import Level, compute
from pacekeeper.kpis.periods import Period
from pacekeeper.kpis.registry import COMPONENT_PROVIDER, METRICS, PROVIDERS
from pacekeeper.kpis.rollups import facts_changed, rollups_rebuild
from pacekeeper.tenancy.models import Organization, Role, TeamMembership, User

UNTIL = dt.date(2026, 6, 30)
PERIODS = {
    "month": Period.month(2026, 6),
    "quarter": Period.quarter(2026, 2),
    "year": Period(dt.date(2025, 7, 1), UNTIL),
}
NAIVE_SAMPLE = 200

# One hand-written GROUP BY per component group, over the raw facts (manager level).
RAW_SQL = {
    "sales": """SELECT manager_id, SUM(amount_minor), COUNT(*), SUM(margin_minor) FROM crm_sale
                WHERE org_id = %(org)s AND status = 'confirmed' AND ordered_on BETWEEN %(start)s AND %(end)s
                GROUP BY manager_id""",
    "sales_previous": """SELECT manager_id, SUM(amount_minor) FROM crm_sale
                WHERE org_id = %(org)s AND status = 'confirmed' AND ordered_on BETWEEN %(prev_start)s AND %(prev_end)s
                GROUP BY manager_id""",
    "new_customers": """SELECT s.manager_id, COUNT(*) FROM crm_sale s
                WHERE s.org_id = %(org)s AND s.status = 'confirmed' AND s.ordered_on BETWEEN %(start)s AND %(end)s
                AND NOT EXISTS (SELECT 1 FROM crm_sale e WHERE e.customer_id = s.customer_id AND e.status = 'confirmed'
                    AND (e.ordered_on < s.ordered_on OR (e.ordered_on = s.ordered_on AND e.id < s.id)))
                GROUP BY s.manager_id""",
    "retention": """SELECT s.manager_id, COUNT(*), SUM(CASE WHEN EXISTS (SELECT 1 FROM crm_sale a
                    WHERE a.customer_id = s.customer_id AND a.status = 'confirmed'
                    AND a.ordered_on BETWEEN %(start)s AND %(end)s) THEN 1 ELSE 0 END)
                FROM crm_sale s WHERE s.org_id = %(org)s AND s.status = 'confirmed'
                AND s.ordered_on BETWEEN %(prev_start)s AND %(prev_end)s
                AND NOT EXISTS (SELECT 1 FROM crm_sale l WHERE l.customer_id = s.customer_id AND l.status = 'confirmed'
                    AND l.ordered_on BETWEEN %(prev_start)s AND %(prev_end)s
                    AND (l.ordered_on > s.ordered_on OR (l.ordered_on = s.ordered_on AND l.id > s.id)))
                GROUP BY s.manager_id""",
    "renewals": """SELECT manager_id, SUM(CASE WHEN renewal = 'renewed' THEN 1 ELSE 0 END),
                SUM(CASE WHEN renewal = 'lost' THEN 1 ELSE 0 END) FROM crm_contract
                WHERE org_id = %(org)s AND renewal IN ('renewed', 'lost') AND ends_on BETWEEN %(start)s AND %(end)s
                GROUP BY manager_id""",
    "interactions": """SELECT manager_id, COUNT(*), SUM(CASE WHEN kind = 'visit' THEN 1 ELSE 0 END)
                FROM crm_interaction WHERE org_id = %(org)s AND occurred_at >= %(start_at)s AND occurred_at < %(end_at)s
                GROUP BY manager_id""",
    "pipeline": """SELECT manager_id, SUM((amount_minor * probability + 50) / 100) FROM crm_opportunity
                WHERE org_id = %(org)s AND stage IN ('lead', 'qualified', 'proposal', 'negotiation')
                AND expected_close_on BETWEEN %(start)s AND %(end)s GROUP BY manager_id""",
}
RAW_COMPONENTS = {
    "sales": ("sales_minor", "sales_count", "margin_minor"),
    "sales_previous": ("sales_minor@previous",),
    "new_customers": ("new_customers",),
    "retention": ("buyers_prev", "retained"),
    "renewals": ("renewals_renewed", "renewals_lost"),
    "interactions": ("interactions", "visits"),
    "pipeline": ("pipeline_weighted_minor",),
}


# The core metrics daily rollups can carry (sums by manager and day), and their raw queries.
ADDITIVE_CORE = (
    "sales_amount",
    "gross_margin",
    "renewal_rate",
    "interactions",
    "visits",
    "pipeline_weighted",
    "average_deal_size",
)
ADDITIVE_SQL = ("sales", "renewals", "interactions", "pipeline")


def raw_sql(org: Organization, period: Period, queries=tuple(RAW_SQL), metrics=CORE_METRICS):
    previous = period.previous()
    start_at, end_at = components.day_bounds(org, period)
    params = {
        "org": org.pk,
        "start": period.start,
        "end": period.end,
        "prev_start": previous.start,
        "prev_end": previous.end,
        "start_at": start_at,
        "end_at": end_at,
    }
    found: dict[int, dict[str, int]] = {}
    with connection.cursor() as cursor:
        for name in queries:
            cursor.execute(RAW_SQL[name], params)
            for manager, *values in cursor.fetchall():
                found.setdefault(manager, {}).update(
                    zip(RAW_COMPONENTS[name], (int(v or 0) for v in values), strict=True)
                )
    return {manager: {key: METRICS[key].value(_Filled(parts)) for key in metrics} for manager, parts in found.items()}


class _Filled(dict):
    def __missing__(self, key):
        return 0


def naive_loop(org: Organization, period: Period, managers: list[int]) -> dict[int, dict[str, object]]:
    """The way per-goal engines compute when not in batch: for every manager and every metric,
    the metric's own queries restricted to that one manager (Odoo gamification's non-batch mode)."""
    return {
        manager: {metric: _one_metric(org, period, manager, metric) for metric in CORE_METRICS} for manager in managers
    }


def _one_metric(org: Organization, period: Period, manager: int, metric: str):
    periods = {"": period, "previous": period.previous(), "last_year": period.same_last_year()}
    parts = _Filled()
    for need in METRICS[metric].needs:
        component, _at, shift = need.partition("@")
        provider = PROVIDERS[COMPONENT_PROVIDER[component]]
        credits = provider.compute(org, periods[shift], set(), wanted={component}, only={manager})
        parts[need] = credits.by_manager.get(manager, {}).get(component, 0)
    return METRICS[metric].value(parts)


# Reads are timed as the best of two runs: the first of any path pays for bringing the tables
# into memory, which would favour whichever path happens to run second.
READ_REPEATS = 2


def timed(function, *args, repeat: int = 1, **kwargs):
    best, result = None, None
    for _attempt in range(repeat):
        started = time.perf_counter()
        result = function(*args, **kwargs)
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def run_one() -> dict:
    """In a child process, on a database already holding the seeded organisation."""
    org = Organization.objects.get()
    figures: dict[str, object] = {}
    identical = True
    live_total = raw_total = 0.0
    for name, period in PERIODS.items():
        for level in (Level.MANAGER, Level.TEAM, Level.ORG):
            live_seconds, live = timed(
                compute, org=org, metrics=CORE_METRICS, level=level, period=period, source="live", repeat=READ_REPEATS
            )
            rollup_seconds, rolled = timed(
                compute, org=org, metrics=CORE_METRICS, level=level, period=period, repeat=READ_REPEATS
            )
            figures[f"{name}_{level}_live_s"] = round(live_seconds, 3)
            figures[f"{name}_{level}_rollup_s"] = round(rollup_seconds, 3)
            identical &= live == rolled
            if level == Level.MANAGER:
                raw_seconds, raw = timed(raw_sql, org, period, repeat=READ_REPEATS)
                figures[f"{name}_raw_sql_s"] = round(raw_seconds, 3)
                identical &= {m: v for m, v in raw.items()} == {m: live[m] for m in raw}
                live_total += live_seconds
                raw_total += raw_seconds
                if name == "year":
                    figures["rollup_vs_raw_sql_year"] = round(rollup_seconds / raw_seconds, 3)
    figures["live_vs_raw_sql"] = round(live_total / raw_total, 3)
    year = PERIODS["year"]
    additive_rollup_s, additive = timed(
        compute, org=org, metrics=ADDITIVE_CORE, level=Level.MANAGER, period=year, repeat=READ_REPEATS
    )
    additive_raw_s, raw_additive = timed(raw_sql, org, year, ADDITIVE_SQL, ADDITIVE_CORE, repeat=READ_REPEATS)
    identical &= raw_additive == {m: additive[m] for m in raw_additive}
    figures["rollup_vs_raw_sql_year_additive_metrics"] = round(additive_rollup_s / additive_raw_s, 3)
    managers = list(User.objects.filter(org=org, role=Role.MANAGER).values_list("pk", flat=True))
    sample = managers[:NAIVE_SAMPLE]
    month = PERIODS["month"]
    naive_seconds, naive = timed(naive_loop, org, month, sample, repeat=READ_REPEATS)
    live_month = figures[f"month_{Level.MANAGER}_live_s"]
    figures["naive_loop_sample_s"] = round(naive_seconds, 3)
    figures["naive_loop_vs_live"] = round(naive_seconds * len(managers) / len(sample) / live_month, 1)
    live_month_values = compute(org=org, metrics=CORE_METRICS, level=Level.MANAGER, period=month, source="live")
    identical &= all(naive[m] == live_month_values.get(m, naive[m]) for m in sample)
    refresh_seconds, _none = timed(facts_changed, org_id=org.pk, cells=[(m, UNTIL) for m in managers])
    rebuild_seconds, _rows = timed(rollups_rebuild, org=org)
    figures["refresh_one_day_s"] = round(refresh_seconds, 3)
    figures["rebuild_s"] = round(rebuild_seconds, 3)
    figures["refresh_vs_rebuild"] = round(refresh_seconds / rebuild_seconds, 4)
    figures.update(dashboard_times(org))
    figures["results_identical"] = bool(identical)
    figures["managers"] = len(managers)
    return figures


def dashboard_times(org: Organization, requests: int = 100) -> dict:
    lead_membership = TeamMembership.objects.filter(org=org, is_lead=True).select_related("user", "team").first()
    client = Client(HTTP_HOST="127.0.0.1")  # an allowed host; the test client says "testserver"
    client.force_login(lead_membership.user)
    url = f"/team/?team={lead_membership.team_id}&period={PERIODS['month']}"
    assert client.get(url).status_code == 200
    samples = []
    for _request in range(requests):
        started = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "dashboard_median_ms": round(statistics.median(samples), 1),
        "dashboard_p95_ms": round(samples[int(len(samples) * 0.95) - 1], 1),
    }
