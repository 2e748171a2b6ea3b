"""Demo risk register: a handful of risks a branch director would really keep (a key person, a
team's renewals, a strategic customer's credit line, a goal, a compliance change), scored,
with responses, one action that became a task and one review already overdue; then the
signals run once, so concentration and expiring-contract risks appear with their evidence."""

from __future__ import annotations

import datetime as dt

from pacekeeper.crm.models import Customer, Tier
from pacekeeper.goals.models import Goal
from pacekeeper.risks import services
from pacekeeper.risks.models import Risk
from pacekeeper.tenancy.models import Organization, Role, TeamMembership, User
from pacekeeper.tenancy.scopes import actor_for


def make_risks(org: Organization, until: dt.date) -> int:
    director = actor_for(User.objects.get(org=org, role=Role.DIRECTOR), channel="system")
    # A review date may not be in the past for the service: count from the later of the two days.
    base = max(until, director.today())
    lead = TeamMembership.objects.current(until).filter(org=org, is_lead=True).order_by("team_id", "pk").first()
    customer = Customer.objects.filter(org=org, tier=Tier.STRATEGIC).order_by("pk").first()
    goal = Goal.objects.filter(org=org, level=Goal.Level.TEAM, status=Goal.Status.ACTIVE).order_by("pk").first()

    rows = [
        {
            "level": "org",
            "title": "资深客户经理流失风险",
            "description": "同业网点高薪挖角，分行两名资深客户经理合计维护约三成对公存款，如离职将带走部分客户关系。",
            "category": "key_person",
            "probability": 3,
            "impact": 4,
            "response": "control",
            "contingency": "每位资深客户经理的重点客户配备 AB 角，双人维护、共同拜访。",
            "residual_probability": 2,
            "residual_impact": 3,
            "review_on": base + dt.timedelta(days=21),
        },
        {
            "level": "org",
            "title": "反洗钱新规落地不及时",
            "description": "人民银行客户尽职调查新规将于下季度生效，存量对公客户受益所有人信息尚未全部补录。",
            "category": "compliance",
            "probability": 3,
            "impact": 5,
            "response": "avoid",
            "contingency": "月底前完成全部战略及重点客户的信息补录，合规部逐户抽查。",
            "review_on": base + dt.timedelta(days=7),
        },
    ]
    if lead is not None:
        rows.append(
            {
                "level": "team",
                "team": lead.team_id,
                "title": "续约客户跟进不足",
                "description": "团队本季度到期合同较多，近一个月有三家客户超过跟进期限未联系，续约存在流失可能。",
                "category": "operational",
                "probability": 4,
                "impact": 3,
                "response": "control",
                "contingency": "到期前 60 天列入早会清单，团队长每周检查跟进记录。",
                "review_on": base + dt.timedelta(days=14),
            }
        )
    if customer is not None:
        rows.append(
            {
                "level": "customer",
                "customer": customer.pk,
                "title": f"{customer.name}授信额度收紧",
                "description": "客户所在行业景气度下行，总行授信审批趋严，明年续授信额度可能下调，影响结算存款沉淀。",
                "category": "credit",
                "probability": 3,
                "impact": 5,
                "response": "transfer",
                "contingency": "引入担保公司增信，并推荐供应链融资替代部分流动资金贷款。",
                "residual_probability": 2,
                "residual_impact": 4,
                "review_on": base + dt.timedelta(days=10),
            }
        )
    if goal is not None:
        rows.append(
            {
                "level": "goal",
                "goal": goal.pk,
                "title": "年末冲刺目标可能无法达成",
                "description": "四季度大额存款到期集中，若续存率低于七成，全年目标缺口约一成。",
                "category": "market",
                "probability": 2,
                "impact": 4,
                "response": "accept",
                "review_on": base + dt.timedelta(days=30),
            }
        )

    risks = [services.risk_create(actor=director, data=row) for row in rows]
    by_title = {risk.title: risk for risk in risks}
    if customer is not None:
        risk = by_title[f"{customer.name}授信额度收紧"]
        services.risk_action_add(
            actor=director,
            risk=risk,
            title="与客户财务总监面谈，评估担保增信方案",
            due_on=base + dt.timedelta(days=5),
            owner=customer.owner_id,
        )
    # One review already missed: the compliance risk was due a week ago (set directly: the service
    # rightly refuses a review date in the past).
    Risk.objects.filter(pk=by_title["反洗钱新规落地不及时"].pk).update(review_on=until - dt.timedelta(days=6))
    raised = services.signals_run(org=org, today=until, by=director.user)
    return len(risks) + raised["raised"]
