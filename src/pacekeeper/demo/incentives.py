"""Demo commission plan with the newer terms: the first team's retail push pays whole-amount
tiers (the rate of the tier reached on the whole month) and a 1.2 × accelerator once a person
reaches their goal; last month's run is calculated, so its statements show both."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pacekeeper.incentives import services as pay
from pacekeeper.incentives.commission import WHOLE, Accelerator, Tier
from pacekeeper.kpis.periods import Period
from pacekeeper.tenancy.models import Organization, Role, TeamMembership, User
from pacekeeper.tenancy.scopes import actor_for


def make_commission_plan(org: Organization, until: dt.date) -> int:
    lead = TeamMembership.objects.current(until).filter(org=org, is_lead=True).order_by("team_id", "pk").first()
    if lead is None:
        return 0
    admin = actor_for(User.objects.get(org=org, role=Role.ADMIN), channel="system")
    last = Period.month_of(until).previous()
    plan = pay.plan_save(
        actor=admin,
        name=f"{lead.team.name}季末冲刺激励",
        metric="sales_amount",
        description="整额累进：月销售额达到 30 万元全额按 1.2% 计提，达到 100 万元全额按 1.8% 计提；"
        "当月目标完成率达到 100% 的，提成乘以 1.2。",
        tiers=[Tier(0, Decimal("0.8")), Tier(30_000_000, Decimal("1.2")), Tier(100_000_000, Decimal("1.8"))],
        tier_mode=WHOLE,
        accelerators=[Accelerator(Decimal(100), Decimal("1.2"))],
        assignments=[pay.Assignment(starts_on=last.start, team_id=lead.team_id)],
    )
    run = pay.payout_run_start(actor=admin, plan_id=plan.pk, starts_on=last.start, ends_on=last.end)
    pay.calculate(run.pk)
    return 1
