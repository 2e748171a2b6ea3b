"""`pacekeeper bench payouts`: a quarter's commission run for every account manager, on the KPI
benchmark's data.

In a child process per database, on a fresh copy of the KPI benchmark's seeded database: a plan
with marginal tiers for most product lines, whole-amount tiers of their own for two product
lines, accelerators at 100 % and 120 % of each person's own goal for the quarter (a goal per
manager, targets spread around their figure), a cap and a floor. The quarter before is run and
approved first, then 1 % of its orders are cancelled; the measured run is the quarter's, which
claws those back. Timed: the calculation (`services.calculate`, as the background task runs it)
and its queries — queries do not grow with the number of people.
"""

from __future__ import annotations

import os
import time
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone

from pacekeeper.crm.models import Sale
from pacekeeper.goals.models import Goal
from pacekeeper.incentives import services
from pacekeeper.incentives.commission import Accelerator, Tier
from pacekeeper.incentives.models import PayoutDetail, PayoutLine, PayoutRun, Plan
from pacekeeper.kpis.engine import Level, compute
from pacekeeper.kpis.periods import Period
from pacekeeper.tenancy.models import Organization, Role, User

from .reports import _Counter

QUARTER = Period.quarter(2026, 2)
BEFORE = Period.quarter(2026, 1)


def _plan(org: Organization, product_lines: list[str]) -> Plan:
    tiers = [Tier(0, Decimal("1.5")), Tier(200_000_00, Decimal("2.5")), Tier(500_000_00, Decimal("4"))]
    for line in product_lines[:2]:
        tiers += [Tier(0, Decimal("3"), line), Tier(100_000_00, Decimal("5"), line)]
    plan = Plan.objects.create(org=org, name="Bench commission", metric="sales_amount", cap_minor=200_000_00)
    plan.tiers.bulk_create(
        [
            plan.tiers.model(
                org=org, plan=plan, from_minor=t.from_minor, rate_percent=t.rate_percent, product_line=t.product_line
            )
            for t in tiers
        ]
    )
    for a in (Accelerator(Decimal(100), Decimal("1.5")), Accelerator(Decimal(120), Decimal(2))):
        plan.accelerators.create(org=org, from_percent=a.from_percent, multiplier=a.multiplier)
    return plan


def _goals(org: Organization, managers: list[int]) -> None:
    figures = compute(org=org, metrics=["sales_amount"], level=Level.MANAGER, period=QUARTER)
    goals = []
    for index, person in enumerate(managers):
        actual = int((figures.get(person) or {}).get("sales_amount") or 0)
        # Targets from 70 % to 130 % of the figure: some under, some over each accelerator.
        target = max(1, actual * (70 + index % 61) // 100)
        goals.append(
            Goal(
                org=org, title="Q2 sales", metric="sales_amount", level=Goal.Level.PERSON, person_id=person,
                starts_on=QUARTER.start, ends_on=QUARTER.end, target=target, status=Goal.Status.ACTIVE,
            )
        )  # fmt: skip
    Goal.objects.bulk_create(goals, batch_size=2000)


def _run(org: Organization, plan: Plan, period: Period) -> PayoutRun:
    run = PayoutRun.objects.create(
        org=org,
        plan=plan,
        starts_on=period.start,
        ends_on=period.end,
        rules=services.rules_of(services.plan_tiers(plan)),
        terms=services.plan_terms(plan),
    )
    services.calculate(run.pk)
    run.refresh_from_db()
    if run.status != PayoutRun.Status.CALCULATED:
        raise SystemExit(f"the run ended {run.status}: {run.failure}")
    return run


def run_one() -> dict:
    org = Organization.objects.get()
    managers = list(User.objects.filter(org=org, role=Role.MANAGER).values_list("pk", flat=True))
    lines_by_volume = (
        Sale.objects.filter(org=org, ordered_on__range=(QUARTER.start, QUARTER.end))
        .values("product_line")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    product_lines = [row["product_line"] for row in lines_by_volume if row["product_line"]]
    plan = _plan(org, product_lines)
    _goals(org, managers)
    before_started = time.perf_counter()
    before = _run(org, plan, BEFORE)
    before_s = time.perf_counter() - before_started
    PayoutRun.objects.filter(pk=before.pk).update(status=PayoutRun.Status.APPROVED, approved_at=timezone.now())
    paid = Sale.objects.filter(
        org=org, status=Sale.Status.CONFIRMED, ordered_on__range=(BEFORE.start, BEFORE.end), amount_minor__gt=0
    )
    cancelled = list(paid.order_by("pk").values_list("pk", flat=True)[::100])  # 1 % of the orders
    Sale.objects.filter(pk__in=cancelled).update(status=Sale.Status.CANCELLED)

    counter = _Counter()
    load_before = os.getloadavg()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        run = _run(org, plan, QUARTER)
        total_s = time.perf_counter() - started
    lines = PayoutLine.objects.filter(run=run)
    details = PayoutDetail.objects.filter(line__run=run)
    by_kind = dict(details.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    sum_of_lines = lines.aggregate(total=Sum("amount_minor"))["total"] or 0
    return {
        "engine": connection.vendor,
        "managers": len(managers),
        "quarter": f"{QUARTER.start}..{QUARTER.end}",
        "lines": lines.count(),
        "statement_items": details.count(),
        "items_by_kind": by_kind,
        "clawbacks": by_kind.get("clawback", 0),
        "orders_cancelled": len(cancelled),
        "accelerated_lines": lines.filter(multiplier__gt=1).count(),
        "own_tier_product_lines": product_lines[:2],
        "total_equals_sum_of_lines": run.total_minor == sum_of_lines,
        "previous_quarter_run_s": round(before_s, 2),
        "run_s": round(total_s, 2),
        "queries": counter.count,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }
