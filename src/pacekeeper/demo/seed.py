"""Realistic generated data at any size, deterministic for a given seed and end date.

`seed_organization` builds one organisation: an admin, a director, an analyst, team leads
(`lead001`…), account managers (`am0001`…) in teams under branches, customers with contacts, and
`months` of interactions, sales, contracts and opportunities ending at `until`. Managers differ in
strength (sales) and diligence (follow-ups); sales follow a Chinese business year (quiet around
Spring Festival, pushes at half-year and year end) and grow year on year.

Facts are written in bulk (COPY on PostgreSQL) so that millions of rows take minutes, not hours.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction

from pacekeeper.crm.imports import SALE_COLUMNS_DB
from pacekeeper.crm.models import (
    DEFAULT_FOLLOW_UP_DAYS,
    Contact,
    Contract,
    Customer,
    Interaction,
    Opportunity,
    Sale,
    Tier,
)
from pacekeeper.kpis.periods import Period
from pacekeeper.kpis.rollups import rollups_rebuild
from pacekeeper.lib.bulk import insert_rows
from pacekeeper.tenancy.models import AccountManagerProfile, Organization, Role, Team, TeamMembership, User

from . import names
from .churn import fade_lost_customers
from .incentives import make_commission_plan
from .insights import make_insights
from .meetings import make_meetings
from .resources import make_resource_requests
from .reviews import make_review_responses
from .risks import make_risks
from .skills import make_skill_levels
from .teamhealth import make_team_health
from .tickets import make_tickets
from .training import make_training
from .work import make_work
from .work_reports import make_work_reports

MONTH_WEIGHT = {1: 0.9, 2: 0.6, 3: 1.0, 4: 1.0, 5: 1.0, 6: 1.25, 7: 0.9, 8: 0.9, 9: 1.1, 10: 0.85, 11: 1.0, 12: 1.4}
# Per tier: chance of an order in a month, median order in yuan, share of customers.
TIER_PROFILE = {
    Tier.STRATEGIC: (0.85, 600_000, 0.05),
    Tier.KEY: (0.55, 150_000, 0.15),
    Tier.STANDARD: (0.30, 40_000, 0.40),
    Tier.SME: (0.15, 8_000, 0.40),
}
KIND_WEIGHTS = [("visit", 0.35), ("call", 0.3), ("wechat", 0.15), ("email", 0.08), ("meeting", 0.1), ("other", 0.02)]
MANAGERS_PER_TEAM = 10
TEAMS_PER_BRANCH = 10


@dataclass
class SeedResult:
    org: Organization
    password: str
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class Manager:
    user_id: int
    strength: float
    diligence: float
    growth: float


def month_starts(until: dt.date, months: int) -> list[dt.date]:
    first = until.replace(day=1)
    starts = []
    for back in range(months - 1, -1, -1):
        year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
        starts.append(dt.date(year, month + 1, 1))
    return starts


def seed_organization(
    *,
    managers: int,
    customers: int,
    months: int,
    seed: int = 1,
    password: str = "pacekeeper",
    until: dt.date | None = None,
    org_name: str = "华信银行上海分行",
    team_size: int = MANAGERS_PER_TEAM,
    with_goals: bool = True,
) -> SeedResult:
    rng = random.Random(seed)
    zone = ZoneInfo("Asia/Shanghai")
    until = until or dt.datetime.now(zone).date()
    start = month_starts(until, months)[0]
    with transaction.atomic():
        org = Organization.objects.create(name=org_name, currency="CNY", time_zone="Asia/Shanghai", language="zh-hans")
        result = SeedResult(org=org, password=password)
        hashed = make_password(password)
        staff = _make_people(org, rng, hashed, managers, start, team_size)
        result.counts["managers"] = len(staff)
        customer_rows = _make_customers(org, rng, staff, customers, start, until)
        result.counts["customers"] = len(customer_rows)
        result.counts["contacts"] = _make_contacts(org, rng, customer_rows)
        counts = _make_facts(org, rng, staff, customer_rows, start, until, zone)
        result.counts.update(counts)
        result.counts["rollups"] = rollups_rebuild(org=org)
        result.counts["skill_levels"] = make_skill_levels(org, seed=seed, until=until)
        if with_goals:
            result.counts["goals"] = _make_goals(org, until)
            result.counts["payout_runs"] = _make_pay(org, until)
            result.counts["evaluations"] = _make_reviews(org, until)
            result.counts["resource_requests"] = make_resource_requests(org, until)
            result.counts.update(make_work(org, seed=seed, until=until))
            result.counts["work_reports"] = make_work_reports(org, until)
            result.counts["meetings"] = make_meetings(org, until)
            result.counts["tickets"] = make_tickets(org, seed=seed, until=until)
            result.counts["training_courses"] = make_training(org, until)
            result.counts["risks"] = make_risks(org, until)
            result.counts["pulse_answers"] = make_team_health(org, until)
            result.counts["analysed_texts"] = make_insights(org)
            result.counts["evaluation_responses"] = make_review_responses(org)
            result.counts["commission_plans"] = make_commission_plan(org, until)
    return result


def _make_reviews(org, until: dt.date) -> int:
    """Last quarter's review cycle, open: sales against the average manager's quarter (60 %) and
    customer service rated by the lead (40 %). A third of the people are calibrated, a third
    reviewed, the rest still writing their self-assessment."""
    from pacekeeper.kpis.engine import compute
    from pacekeeper.reviews import services as reviews
    from pacekeeper.reviews.models import Criterion
    from pacekeeper.tenancy.scopes import actor_for

    director = actor_for(User.objects.get(org=org, role=Role.DIRECTOR), channel="system")
    quarter = Period.quarter_of(until).previous()
    figures = compute(org=org, metrics=["sales_amount"], level="manager", period=quarter)
    sales = [values["sales_amount"] for values in figures.values() if values["sales_amount"]]
    target = Decimal(max(1, sum(sales) // max(1, len(sales)))).quantize(Decimal(1))
    cycle = reviews.cycle_save(
        actor=director,
        name=f"{quarter.start.year}年第{(quarter.start.month - 1) // 3 + 1}季度绩效考核",
        starts_on=quarter.start,
        ends_on=quarter.end,
        criteria=[
            reviews.CriterionIn(name="销售业绩", kind="metric", weight=60, metric="sales_amount", target=target),
            reviews.CriterionIn(name="客户服务", kind="rating", weight=40),
        ],
    )
    cycle = reviews.cycle_open(actor=director, cycle=cycle)
    service = cycle.criteria.get(kind=Criterion.Kind.RATING).pk
    evaluations = list(cycle.evaluations.select_related("person").order_by("person__username"))
    for index, evaluation in enumerate(evaluations):
        if index % 3 == 2:
            continue
        person = actor_for(evaluation.person, channel="system")
        reviews.self_assessment_submit(
            actor=person,
            evaluation=evaluation,
            comment="本季度重点维护存量客户，新拓展两家战略客户。",
            ratings={service: 4},
        )
        if index % 3 == 0:
            reviews.review_submit(
                actor=director,
                evaluation=evaluation,
                comment="服务响应及时，客户反馈良好。",
                ratings={service: 3 + index % 2},
            )
            reviews.calibrate(actor=director, evaluation=evaluation)
    return len(evaluations)


def _make_pay(org, until: dt.date) -> int:
    """A sales commission plan in three tiers; the month before last approved, last month
    calculated and waiting for the director."""
    from pacekeeper.incentives import services as pay
    from pacekeeper.incentives.commission import Tier
    from pacekeeper.tenancy.scopes import actor_for

    admin = actor_for(User.objects.get(org=org, role=Role.ADMIN), channel="system")
    director = actor_for(User.objects.get(org=org, role=Role.DIRECTOR), channel="system")
    plan = pay.plan_save(
        actor=admin,
        name="对公销售提成",
        metric="sales_amount",
        description="按月计提：月销售额 50 万元以内 1%，50 万至 200 万元部分 1.5%，200 万元以上部分 2%。",
        tiers=[Tier(0, Decimal(1)), Tier(50_000_000, Decimal("1.5")), Tier(200_000_000, Decimal(2))],
    )
    last = Period.month_of(until).previous()
    before_last = last.previous()
    runs = []
    for period in (before_last, last):
        # The admin runs pay and the director approves it: a second pair of eyes.
        run = pay.payout_run_start(actor=admin, plan_id=plan.pk, starts_on=period.start, ends_on=period.end)
        pay.calculate(run.pk)  # now, rather than waiting for a worker the demo may not run
        runs.append(run)
    pay.payout_run_approve(actor=director, run=runs[0], reason="已与财务核对")
    return len(runs)


def _person_name(rng: random.Random) -> str:
    given = rng.choice(names.GIVEN) + (rng.choice(names.GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(names.SURNAMES) + given


def _make_people(org, rng, hashed: str, count: int, start: dt.date, team_size: int) -> list[Manager]:
    def user(username: str, role: str, display: str) -> User:
        return User(
            org=org,
            username=username,
            role=role,
            display_name=display,
            password=hashed,
            is_staff=role == Role.ADMIN,
            email=f"{username}@example.cn",
        )

    User.objects.bulk_create(
        [
            user("admin", Role.ADMIN, "系统管理员"),
            user("director", Role.DIRECTOR, _person_name(rng)),
            user("analyst", Role.ANALYST, _person_name(rng)),
        ]
    )
    team_count = max(1, math.ceil(count / team_size))
    branch_count = max(1, math.ceil(team_count / TEAMS_PER_BRANCH))
    branches = []
    for index in range(branch_count):
        branch = Team.objects.create(
            org=org, name=f"{names.CITY_PREFIXES[index % 12]}分部{index + 1:02d}", kind=Team.Kind.BRANCH
        )
        branch.path = f"/{branch.pk}/"
        branch.save(update_fields=["path"])
        branches.append(branch)
    teams = []
    for index in range(team_count):
        parent = branches[index // TEAMS_PER_BRANCH]
        team = Team.objects.create(org=org, name=f"客户经理{index + 1:03d}组", kind=Team.Kind.TEAM, parent=parent)
        team.path = f"{parent.path}{team.pk}/"
        team.save(update_fields=["path"])
        teams.append(team)
    leads = User.objects.bulk_create(
        [user(f"lead{index + 1:03d}", Role.LEAD, _person_name(rng)) for index in range(team_count)]
    )
    members = User.objects.bulk_create(
        [user(f"am{index + 1:04d}", Role.MANAGER, _person_name(rng)) for index in range(count)]
    )
    joined = start - dt.timedelta(days=365)
    memberships = [
        TeamMembership(org=org, team=team, user=lead, is_lead=True, started_on=joined)
        for team, lead in zip(teams, leads, strict=True)
    ]
    profiles, staff = [], []
    for index, member in enumerate(members):
        team = teams[index % team_count]
        moves = len(teams) > 1 and rng.random() < 0.08
        if moves:
            # Some people change team half-way: their facts stay credited to the team of the day.
            moved_on = start + dt.timedelta(days=rng.randint(60, 300))
            other = teams[(teams.index(team) + 1) % len(teams)]
            memberships.append(
                TeamMembership(
                    org=org, team=team, user=member, started_on=joined, ended_on=moved_on - dt.timedelta(days=1)
                )
            )
            memberships.append(TeamMembership(org=org, team=other, user=member, started_on=moved_on))
        else:
            memberships.append(TeamMembership(org=org, team=team, user=member, started_on=joined))
        profiles.append(
            AccountManagerProfile(
                org=org,
                user=member,
                employee_no=f"E{index + 1:05d}",
                region=names.REGIONS[index % len(names.REGIONS)],
                hired_on=joined - dt.timedelta(days=rng.randint(0, 2000)),
                capacity=rng.choice([40, 60, 80, 100]),
            )
        )
        strength = math.exp(rng.gauss(0, 0.35))
        staff.append(
            Manager(
                member.pk, strength, min(1.6, max(0.4, strength * math.exp(rng.gauss(0, 0.25)))), rng.gauss(0.10, 0.08)
            )
        )
    TeamMembership.objects.bulk_create(memberships, batch_size=2000)
    AccountManagerProfile.objects.bulk_create(profiles, batch_size=2000)
    return staff


def _credit_code(rng: random.Random, index: int) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return "913100" + "".join(rng.choice(alphabet) for _ in range(6)) + f"{index:06d}"


def _make_customers(org, rng, staff: list[Manager], count: int, start: dt.date, until: dt.date) -> list[Customer]:
    tiers = [tier for tier in TIER_PROFILE]
    weights = [TIER_PROFILE[tier][2] for tier in tiers]
    rows = []
    for index in range(count):
        industry, suffix = rng.choice(names.INDUSTRIES)
        name = f"{rng.choice(names.CITY_PREFIXES)}{rng.choice(names.BRAND_WORDS)}{suffix}有限公司"
        owner = staff[index % len(staff)] if index < len(staff) * 3 else rng.choice(staff)
        created = (
            start - dt.timedelta(days=rng.randint(0, 900))
            if rng.random() < 0.8
            else start + dt.timedelta(days=rng.randint(0, max(0, (until - start).days - 30)))
        )
        rows.append(
            Customer(
                org=org,
                name=name,
                external_id=_credit_code(rng, index + 1),
                industry=industry,
                tier=rng.choices(tiers, weights)[0],
                region=rng.choice(names.REGIONS),
                status=Customer.Status.ACTIVE,
                owner_id=owner.user_id,
                source=rng.choice(names.SOURCES),
                created_on=created,
                needs=rng.choice(
                    ["关注融资成本", "希望提升资金归集效率", "计划扩大海外业务", "对服务响应速度要求高", ""]
                ),
            )
        )
    return Customer.objects.bulk_create(rows, batch_size=2000)


def _make_contacts(org, rng, customers: list[Customer]) -> int:
    rows = []
    for index, customer in enumerate(customers, start=1):
        for number in range(rng.choice([1, 1, 2, 2, 3])):
            rows.append(
                (
                    org.pk,
                    customer.pk,
                    "",
                    _person_name(rng),
                    rng.choice(names.TITLES),
                    f"13{rng.randint(100000000, 999999999)}",
                    "",
                    f"wx_{index}_{number}",
                    number == 0,
                )
            )
    insert_rows(
        Contact,
        ("org_id", "customer_id", "external_id", "name", "title", "phone", "email", "wechat_id", "is_decision_maker"),
        rows,
    )
    return len(rows)


def _make_facts(
    org, rng, staff: list[Manager], customers: list[Customer], start: dt.date, until: dt.date, zone: ZoneInfo
) -> dict[str, int]:
    by_id = {manager.user_id: manager for manager in staff}
    interactions, sales, contracts, opportunities = [], [], [], []
    last_contact: dict[int, dt.date] = {}
    last_sale: dict[int, dt.date] = {}
    months = month_starts(until, (until.year - start.year) * 12 + until.month - start.month + 1)
    for index, customer in enumerate(customers, start=1):
        manager = by_id[customer.owner_id]
        since = max(start, customer.created_on)
        _customer_interactions(rng, customer, manager, since, until, zone, interactions, last_contact)
        _customer_sales(rng, index, customer, manager, months, since, until, sales, last_sale)
        _customer_contracts(rng, index, customer, manager, since, until, contracts)
        _customer_opportunities(rng, customer, manager, until, opportunities)
    interactions = _tidy_follow_ups(rng, staff, customers, interactions, last_contact, until, zone)
    lost = {customer.pk for index, customer in enumerate(customers, start=1) if _is_lost(index)}
    interactions, sales, contracts = fade_lost_customers(
        random.Random(rng.getrandbits(64)), lost, interactions, sales, contracts, last_contact, last_sale, until
    )
    insert_rows(
        Interaction,
        (
            "org_id",
            "customer_id",
            "manager_id",
            "external_id",
            "kind",
            "occurred_at",
            "summary",
            "outcome",
            "next_step",
            "next_step_on",
            "next_step_done",
        ),
        [(org.pk, *row) for row in interactions],
    )
    insert_rows(
        Sale,
        SALE_COLUMNS_DB,
        [(org.pk, *row) for row in sales],
    )
    insert_rows(
        Contract,
        (
            "org_id",
            "customer_id",
            "manager_id",
            "external_id",
            "title",
            "starts_on",
            "ends_on",
            "value_minor",
            "renewal",
        ),
        [(org.pk, *row) for row in contracts],
    )
    insert_rows(
        Opportunity,
        (
            "org_id",
            "customer_id",
            "manager_id",
            "external_id",
            "name",
            "stage",
            "amount_minor",
            "probability",
            "expected_close_on",
            "closed_on",
        ),
        [(org.pk, *row) for row in opportunities],
    )
    _settle_customers(customers, last_contact, last_sale, until)
    return {
        "interactions": len(interactions),
        "sales": len(sales),
        "contracts": len(contracts),
        "opportunities": len(opportunities),
    }


def _customer_interactions(rng, customer, manager: Manager, since, until, zone, out: list, last_contact: dict) -> None:
    interval = DEFAULT_FOLLOW_UP_DAYS[customer.tier] / manager.diligence
    day = since + dt.timedelta(days=rng.randint(0, int(interval)))
    kinds, weights = zip(*KIND_WEIGHTS, strict=True)
    while day <= until:
        kind = rng.choices(kinds, weights)[0]
        moment = dt.datetime.combine(day, dt.time(rng.randint(9, 17), rng.choice([0, 15, 30, 45])), tzinfo=zone)
        has_step = rng.random() < 0.4
        step_on = day + dt.timedelta(days=rng.randint(2, 21)) if has_step else None
        out.append(
            (
                customer.pk,
                manager.user_id,
                "",
                kind,
                moment,
                rng.choice(names.SUMMARIES[kind]),
                rng.choice(names.OUTCOMES),
                rng.choice(names.NEXT_STEPS) if has_step else "",
                step_on,
                _step_done(rng, step_on, until),
            )
        )
        last_contact[customer.pk] = day
        day += dt.timedelta(days=max(1, int(rng.expovariate(1 / interval))))


# Due today on the first account manager's My day (the demo's login), and the chance that a
# customer left past due stays overdue (divided by the manager's diligence): a few, not 40 %.
DUE_TODAY_FIRST_MANAGER = 4
STAYS_OVERDUE = 0.12


def _tidy_follow_ups(
    rng, staff: list[Manager], customers: list[Customer], interactions: list, last_contact: dict, until, zone
) -> list:
    """A follow-up state like a working branch: most customers contacted within their interval
    (a catch-up contact where the generated rhythm fell behind), a few overdue, and several due
    today for the first account manager, with a promised next step due today too."""
    by_id = {manager.user_id: manager for manager in staff}
    first = staff[0].user_id
    due_today = [
        customer
        for index, customer in enumerate(customers, start=1)
        if customer.owner_id == first
        and not _is_lost(index)
        and customer.created_on <= until - dt.timedelta(days=DEFAULT_FOLLOW_UP_DAYS[customer.tier])
    ][:DUE_TODAY_FIRST_MANAGER]
    due_today_ids = {customer.pk for customer in due_today}
    # Their last contact is exactly one interval ago: drop anything later, then add that contact.
    kept = [row for row in interactions if row[0] not in due_today_ids]
    for customer in due_today:
        interval = DEFAULT_FOLLOW_UP_DAYS[customer.tier]
        day = until - dt.timedelta(days=interval)
        earlier = [row for row in interactions if row[0] == customer.pk and row[4].date() < day]
        kept.extend(earlier)
        step_on = until if customer is due_today[0] else None
        kept.append(_contact(rng, customer, first, day, zone, step_on=step_on))
        last_contact[customer.pk] = day
    for index, customer in enumerate(customers, start=1):
        if customer.pk in due_today_ids or _is_lost(index):
            continue
        interval = DEFAULT_FOLLOW_UP_DAYS[customer.tier]
        last = last_contact.get(customer.pk) or customer.created_on
        if last + dt.timedelta(days=interval) >= until:
            continue
        if rng.random() < STAYS_OVERDUE / by_id[customer.owner_id].diligence:
            continue
        day = until - dt.timedelta(days=rng.randint(1, interval - 1))
        kept.append(_contact(rng, customer, customer.owner_id, day, zone))
        last_contact[customer.pk] = day
    return kept


def _contact(rng, customer, manager_id: int, day: dt.date, zone, *, step_on: dt.date | None = None) -> tuple:
    moment = dt.datetime.combine(day, dt.time(rng.randint(9, 17), rng.choice([0, 15, 30, 45])), tzinfo=zone)
    return (
        customer.pk,
        manager_id,
        "",
        "call",
        moment,
        rng.choice(names.SUMMARIES["call"]),
        rng.choice(names.OUTCOMES),
        rng.choice(names.NEXT_STEPS) if step_on else "",
        step_on,
        False,
    )


def _step_done(rng, step_on: dt.date | None, until: dt.date) -> bool:
    """Promises older than a month were kept or dropped; recent ones are mostly still open."""
    if step_on is None:
        return False
    if step_on < until - dt.timedelta(days=30):
        return True
    return step_on < until and rng.random() < 0.5


def _customer_sales(
    rng, index: int, customer, manager: Manager, months, since, until, out: list, last_sale: dict
) -> None:
    chance, median, _share = TIER_PROFILE[customer.tier]
    first_year = months[0].year
    for month_start in months:
        if month_start < since.replace(day=1):
            continue
        growth = (1 + manager.growth) ** (month_start.year - first_year)
        if rng.random() > min(0.98, chance * MONTH_WEIGHT[month_start.month] * manager.strength):
            continue
        last_day = (month_start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        # The day is drawn over the whole month, and an order that would fall after `until` has
        # not happened yet: the month so far gets its share of the month, not all of it.
        ordered = month_start + dt.timedelta(days=rng.randint(0, (last_day - month_start).days))
        if ordered < since or ordered > until:
            continue
        yuan = median * growth * math.exp(rng.gauss(0, 0.6)) * manager.strength
        amount = int(round(yuan * 100))
        margin = int(round(amount * rng.uniform(0.12, 0.4)))
        status = Sale.Status.CANCELLED if rng.random() < 0.03 else Sale.Status.CONFIRMED
        out.append(
            (
                customer.pk,
                manager.user_id,
                f"SO{index:07d}{month_start:%y%m}",
                ordered,
                rng.choice(names.PRODUCT_LINES),
                amount,
                margin,
                status,
            )
        )
        if status == Sale.Status.CONFIRMED:
            last_sale[customer.pk] = max(ordered, last_sale.get(customer.pk, ordered))


def _customer_contracts(rng, index: int, customer, manager: Manager, since, until, out: list) -> None:
    if customer.tier == Tier.SME and rng.random() < 0.7:
        return
    begin = since + dt.timedelta(days=rng.randint(0, 200))
    number = 0
    while begin <= until:
        ends = begin + dt.timedelta(days=364)
        chance = min(0.95, 0.7 * manager.strength)
        outcome = (
            Contract.Renewal.PENDING
            if ends >= until
            else (Contract.Renewal.RENEWED if rng.random() < chance else Contract.Renewal.LOST)
        )
        value = int(TIER_PROFILE[customer.tier][1] * rng.uniform(2, 6)) * 100
        number += 1
        out.append(
            (
                customer.pk,
                manager.user_id,
                f"HT{index:07d}-{number}",
                f"{begin.year}年度服务协议",
                begin,
                ends,
                value,
                outcome,
            )
        )
        if outcome != Contract.Renewal.RENEWED:
            break
        begin = ends + dt.timedelta(days=1)


def _customer_opportunities(rng, customer, manager: Manager, until, out: list) -> None:
    if rng.random() > 0.35:
        return
    stage = rng.choices(["lead", "qualified", "proposal", "negotiation", "won", "lost"], [3, 3, 2, 2, 2, 1])[0]
    amount = int(TIER_PROFILE[customer.tier][1] * rng.uniform(0.5, 3)) * 100
    if stage in ("won", "lost"):
        closed = until - dt.timedelta(days=rng.randint(1, 180))
        expected, closed_on = closed, closed
    else:
        expected, closed_on = until + dt.timedelta(days=rng.randint(-10, 120)), None
    out.append(
        (
            customer.pk,
            manager.user_id,
            "",
            rng.choice(names.OPPORTUNITY_NAMES),
            stage,
            amount,
            Opportunity.STAGE_PROBABILITY[stage],
            expected,
            closed_on,
        )
    )


def _is_lost(index: int) -> bool:
    """Every 37th customer (counting from one) was lost: no follow-ups are due for them."""
    return index % 37 == 0


def _settle_customers(customers: list[Customer], last_contact: dict, last_sale: dict, until: dt.date) -> None:
    """Derive each customer's status and follow-up dates from the history just generated."""
    half_year_ago = until - dt.timedelta(days=183)
    for index, customer in enumerate(customers, start=1):
        customer.last_contacted_on = last_contact.get(customer.pk)
        base = customer.last_contacted_on or customer.created_on
        customer.next_due_on = base + dt.timedelta(days=DEFAULT_FOLLOW_UP_DAYS[customer.tier])
        sold = last_sale.get(customer.pk)
        if sold is None:
            customer.status = Customer.Status.PROSPECT
        elif sold < half_year_ago:
            customer.status = Customer.Status.DORMANT
        if _is_lost(index):
            customer.status = Customer.Status.LOST
    Customer.objects.bulk_update(customers, ["last_contacted_on", "next_due_on", "status"], batch_size=2000)


# How each team's target compares with the pace it keeps this year: ahead of its target, about
# on it, and clearly off track (1 / 1.30 ≈ 77 % of the expected pace); teams past the third
# get the middle stretch.
TARGET_STRETCH = (Decimal("0.93"), Decimal("1.03"), Decimal("1.30"))
TARGET_ROUNDING = Decimal(1_000_000)  # ¥10,000 in fen: targets as a director writes them


def demo_months(today: dt.date) -> int:
    """History from January two years back: goals get a baseline (last year) and a change
    between two full years (the SMART check's own-history judgement)."""
    return today.month + 24


def _make_goals(org, until: dt.date) -> int:
    """This year's objective and a sales goal per team from last year's result (the baseline),
    asking each team for more or less than it is growing, so some are ahead and one is off
    track; each split among members by portfolio size, all active. The off-track team's lead
    has asked the director to lower the target (pending on the overview)."""
    from pacekeeper.goals import services as goals
    from pacekeeper.tenancy.scopes import actor_for

    director = actor_for(User.objects.get(org=org, role=Role.DIRECTOR), channel="system")
    year = Period.year(until.year)
    objective = goals.goal_save(
        actor=director,
        changes={
            "kind": "objective",
            "title": f"{until.year}年对公业务稳健增长",
            "starts_on": year.start,
            "ends_on": year.end,
        },
    )
    goals.goal_activate(actor=director, goal=objective)
    made = 1
    teams = list(Team.objects.filter(org=org, kind=Team.Kind.TEAM).order_by("pk"))
    growth = _team_growth(org, [team.pk for team in teams], Period(year.start, until))
    # The fastest-growing team gets the smallest stretch, the slowest the largest: every
    # target stays above last year's result and one team is clearly off track.
    by_growth = sorted(teams, key=lambda team: (-growth.get(team.pk, Decimal(1)), team.pk))
    last = len(teams) - 1
    stretches = {
        team.pk: TARGET_STRETCH[0 if rank == 0 else (2 if rank == last else 1)] for rank, team in enumerate(by_growth)
    }
    for team in teams:
        goal = goals.goal_save(
            actor=director,
            changes={
                "title": f"{team.name} {until.year}年销售额",
                "metric": "sales_amount",
                "level": "team",
                "team": team.pk,
                "parent": objective.pk,
                "starts_on": year.start,
                "ends_on": year.end,
                "target": Decimal(0),
            },
        )
        stretch = stretches[team.pk]
        goal.target = _team_target(goal, year, until, growth.get(team.pk), stretch)
        goal.save(update_fields=["target"])
        goals.goal_activate(actor=director, goal=goal, override_reason="演示数据")
        for child in goals.goal_cascade(actor=director, goal=goal, method="last_share"):
            goals.goal_activate(actor=director, goal=child, override_reason="演示数据")
            made += 1
        made += 1
        if stretch == TARGET_STRETCH[-1]:
            _ask_to_lower(goal, until)
    return made


def _ask_to_lower(goal, until: dt.date) -> None:
    from pacekeeper.goals import services as goals
    from pacekeeper.tenancy.scopes import actor_for

    lead = TeamMembership.objects.current(until).filter(team_id=goal.team_id, is_lead=True).first()
    if lead is None:
        return
    lower = (goal.target * Decimal("0.9") / TARGET_ROUNDING).quantize(Decimal(1)) * TARGET_ROUNDING
    reason = "两家战略客户年内预算冻结，申请将全年目标下调 10%。"
    goals.goal_set_target(actor=actor_for(lead.user, channel="system"), goal=goal, target=lower, reason=reason)


def _team_growth(org, team_ids: list[int], so_far: Period) -> dict[int, Decimal]:
    """Each team's sales this year so far against the same days last year (1.08: 8 % more)."""
    from pacekeeper.kpis.engine import compute

    now = compute(org=org, metrics=["sales_amount"], level="team", period=so_far)
    before = compute(org=org, metrics=["sales_amount"], level="team", period=so_far.same_last_year())
    growth = {}
    for team_id in team_ids:
        this_year = Decimal(now.get(team_id, {}).get("sales_amount") or 0)
        last_year = Decimal(before.get(team_id, {}).get("sales_amount") or 0)
        if this_year and last_year:
            growth[team_id] = this_year / last_year
    return growth


def _team_target(goal, year: Period, until: dt.date, growth: Decimal | None, stretch: Decimal) -> Decimal:
    """Last year's result grown as the team is growing, times the stretch (at least 2 % over
    last year: nobody is asked for less than last year); where there is no
    full last year (a short seed), this year's pace plus 5 %. Rounded to ¥10,000."""
    from pacekeeper.kpis.engine import compute

    if goal.baseline and growth:
        target = goal.baseline * max(growth * stretch, Decimal("1.02"))
    else:
        so_far = compute(org=goal.org, metrics=["sales_amount"], level="team", period=Period(year.start, until))
        done = Decimal(so_far.get(goal.team_id, {}).get("sales_amount") or 0)
        target = done / ((until - year.start).days + 1) * year.days * Decimal("1.05")
    rounded = (target / TARGET_ROUNDING).quantize(Decimal(1)) * TARGET_ROUNDING
    return max(rounded, TARGET_ROUNDING)
