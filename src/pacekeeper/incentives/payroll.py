"""Reading what a payout run needs, in a fixed number of grouped queries whatever the number of
people (DESIGN rule 3), and turning it into lines with their statement items.

- the figure per person comes from the KPI engine; when the plan has tiers of its own for some
  product lines, those lines' share of it is read with one grouped query on the sales, and the
  rest of the engine's figure is the "other lines" pool;
- who the plan applies to: its assignments (role, team, person) overlapping the period; a plan
  without any applies to everyone the engine credits;
- attainment: the person's own goal on the plan's metric for exactly the run's period (active
  or closed), against the engine's figure;
- draws outstanding: what approved runs of the plan advanced minus what they recovered;
- clawbacks: orders of approved runs' periods that those runs counted (id at most the run's
  `sales_through_id`, not already cancelled then) and that are cancelled now, not yet clawed
  back by a live run of the plan; each is taken back at the rate its pool was paid.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Max, Q, Sum

from pacekeeper.crm.models import Sale
from pacekeeper.kpis.engine import Level, compute
from pacekeeper.kpis.periods import Period

from .commission import OTHER_LINES, Accelerator, Clawback, multiplier_for, statement, tiers_from_rules
from .models import PayoutDetail, PayoutLine, PayoutRun

SALE_FIGURE = {"sales_amount": "amount_minor", "gross_margin": "margin_minor"}
DEAD = (PayoutRun.Status.CANCELLED, PayoutRun.Status.FAILED)


def run_lines(run: PayoutRun) -> list[PayoutLine]:
    period = Period(run.starts_on, run.ends_on)
    metric = run.plan.metric
    terms = run.terms or {}
    tiers = tiers_from_rules(run.rules)
    own_lines = {tier.product_line for tier in tiers if tier.product_line != OTHER_LINES}
    org_sales = Sale.objects.filter(org_id=run.org_id)
    in_period = org_sales.filter(ordered_on__range=(period.start, period.end))
    sales_through = org_sales.aggregate(top=Max("pk"))["top"] or 0
    cancelled_now = list(in_period.filter(status=Sale.Status.CANCELLED).values_list("pk", flat=True))
    PayoutRun.objects.filter(pk=run.pk).update(sales_through_id=sales_through, cancelled_sale_ids=cancelled_now)

    figures = compute(org=run.org, metrics=[metric], level=Level.MANAGER, period=period)
    totals = {person: int(values[metric] or 0) for person, values in figures.items()}
    eligible = _eligible(run, period, set(totals))
    pools: dict[int, dict[str, int]] = {}
    by_line: dict[int, dict[str, int]] = defaultdict(dict)
    if own_lines:
        rows = (
            in_period.filter(status=Sale.Status.CONFIRMED, product_line__in=own_lines)
            .values("manager_id", "product_line")
            .annotate(figure=Sum(SALE_FIGURE[metric]))
        )
        for row in rows:
            by_line[row["manager_id"]][row["product_line"]] = int(row["figure"] or 0)
    for person in eligible:
        own = by_line.get(person, {})
        pools[person] = {**own, OTHER_LINES: totals.get(person, 0) - sum(own.values())}

    accelerators = [Accelerator(Decimal(a), Decimal(m)) for a, m in terms.get("accelerators", [])]
    attainment = _attainment(run, period, totals, eligible) if accelerators else {}
    draws = _draws_outstanding(run)
    clawbacks = _clawbacks(run, metric)

    lines = []
    for person in sorted(eligible | set(clawbacks) | {p for p, owed in draws.items() if owed > 0}):
        person_pools = pools.get(person, {})
        basis = totals.get(person, 0) if person in eligible else 0
        achieved = attainment.get(person)
        result = statement(
            pools={line: amount for line, amount in person_pools.items() if amount > 0},
            tiers=tiers,
            mode=terms.get("mode", "marginal"),
            multiplier=multiplier_for(achieved, accelerators),
            cap_minor=terms.get("cap"),
            floor_minor=terms.get("floor") if person in eligible else None,
            draw_outstanding=draws.get(person, Decimal(0)),
            clawbacks=clawbacks.get(person, []),
        )
        if not result.items and basis <= 0:
            continue
        line = PayoutLine(
            org_id=run.org_id,
            run=run,
            person_id=person,
            basis_minor=basis,
            calculated_minor=result.total_minor,
            amount_minor=result.total_minor,
            rates=result.rates,
            multiplier=result.multiplier,
            attainment_percent=achieved,
        )
        line.statement_items = result.items
        lines.append(line)
    return lines


def _eligible(run: PayoutRun, period: Period, credited: set[int]) -> set[int]:
    from pacekeeper.tenancy.models import TeamMembership, User

    every = list(run.plan.assignments.all())
    if not every:  # a plan assigned to nobody in particular pays everyone the engine credits
        return set(credited)
    assignments = [a for a in every if a.starts_on <= period.end and (a.ends_on is None or a.ends_on >= period.start)]
    people: set[int] = {a.person_id for a in assignments if a.person_id}
    roles = {a.role for a in assignments if a.role}
    if roles:
        people |= set(User.objects.filter(org_id=run.org_id, role__in=roles).values_list("pk", flat=True))
    teams = {a.team_id for a in assignments if a.team_id}
    if teams:
        members = TeamMembership.objects.filter(team_id__in=teams, started_on__lte=period.end).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=period.start)
        )
        people |= set(members.values_list("user_id", flat=True))
    return people


def _attainment(run: PayoutRun, period: Period, totals: dict[int, int], people: set[int]) -> dict[int, Decimal]:
    """Percent of each person's own goal on the plan's metric for exactly the run's period."""
    from pacekeeper.goals.models import Goal

    goals = Goal.objects.filter(
        org_id=run.org_id,
        level=Goal.Level.PERSON,
        metric=run.plan.metric,
        starts_on=period.start,
        ends_on=period.end,
        status__in=(Goal.Status.ACTIVE, Goal.Status.CLOSED),
        target__gt=0,
        person_id__in=people,
    ).values_list("person_id", "target")
    return {
        person: (Decimal(totals.get(person, 0)) / Decimal(target) * 100).quantize(Decimal("0.1"))
        for person, target in goals
    }


def _draws_outstanding(run: PayoutRun) -> dict[int, Decimal]:
    rows = (
        PayoutDetail.objects.filter(
            org_id=run.org_id,
            line__run__plan_id=run.plan_id,
            line__run__status=PayoutRun.Status.APPROVED,
            kind__in=(PayoutDetail.Kind.DRAW, PayoutDetail.Kind.DRAW_RECOVERY),
        )
        .values("line__person_id")
        .annotate(owed=Sum("exact_amount"))
    )
    return {row["line__person_id"]: row["owed"] for row in rows if row["owed"]}


def _clawbacks(run: PayoutRun, metric: str) -> dict[int, list[Clawback]]:
    approved = list(PayoutRun.objects.filter(plan_id=run.plan_id, status=PayoutRun.Status.APPROVED).exclude(pk=run.pk))
    if not approved:
        return {}
    counted = Q(pk__in=[])
    for paid in approved:
        counted |= Q(ordered_on__range=(paid.starts_on, paid.ends_on), pk__lte=paid.sales_through_id or 0)
    # Orders already cancelled when a run counted its period were never paid: left out here, in
    # Python (a list of ids in the SQL could pass SQLite's limit on variables).
    never_paid = {sale_id for paid in approved for sale_id in paid.cancelled_sale_ids or []}
    cancelled = [
        row
        for row in Sale.objects.filter(org_id=run.org_id, status=Sale.Status.CANCELLED)
        .filter(counted)
        .values_list("pk", "manager_id", "ordered_on", "product_line", SALE_FIGURE[metric])
        if row[0] not in never_paid
    ]
    if not cancelled:
        return {}
    done = set(
        PayoutDetail.objects.filter(
            org_id=run.org_id,
            kind=PayoutDetail.Kind.CLAWBACK,
            sale_id__in=[row[0] for row in cancelled],
            line__run__plan_id=run.plan_id,
        )
        .exclude(line__run__status__in=DEAD)
        .values_list("sale_id", flat=True)
    )
    rates = {
        (run_id, person): rates
        for run_id, person, rates in PayoutLine.objects.filter(
            run__in=approved, person_id__in={row[1] for row in cancelled}
        ).values_list("run_id", "person_id", "rates")
    }
    result: dict[int, list[Clawback]] = defaultdict(list)
    for sale_id, manager, ordered_on, product_line, figure in cancelled:
        if sale_id in done or not figure:
            continue
        paid = next(p for p in approved if p.starts_on <= ordered_on <= p.ends_on)
        own = {rule[2] for rule in paid.rules if len(rule) > 2}
        pool = product_line if product_line in own else OTHER_LINES
        rate = (rates.get((paid.pk, manager)) or {}).get(pool)
        if rate is None or Decimal(rate) == 0:
            continue
        result[manager].append(Clawback(sale_id, paid.pk, pool, int(figure), Decimal(rate)))
    return result
