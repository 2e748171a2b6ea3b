"""Demo resource requests on the team goals, through the services (with their notifications and
audit rows): one approved and overspent, one waiting for the director, one spent without
approval — so the team page and the director's list show each flag and a decision to make."""

from __future__ import annotations

import datetime as dt

from pacekeeper.goals.models import Goal
from pacekeeper.tenancy.models import Organization, Role, TeamMembership, User
from pacekeeper.tenancy.scopes import actor_for
from pacekeeper.work import resources

# (kind, what for, amount asked, decision, amount spent) per team goal, in team order.
REQUESTS = [
    ("budget", "重点客户答谢会：场地与餐饮", "8000", "approved", "9200"),
    ("training", "谈判技巧培训（两天，全组）", "25000", None, None),
    ("tools", "移动 CRM 外勤授权（三个席位）", "3000", None, "3000"),
]


def make_resource_requests(org: Organization, until: dt.date) -> int:
    director = User.objects.filter(org=org, role=Role.DIRECTOR).order_by("pk").first()
    goals = list(Goal.objects.filter(org=org, level="team").order_by("team_id", "pk"))
    made = 0
    for goal, (kind, description, amount, decision, spent) in zip(goals, REQUESTS, strict=False):
        lead = TeamMembership.objects.current(until).filter(team_id=goal.team_id, is_lead=True).first()
        if lead is None or director is None:
            continue
        asker = actor_for(lead.user, channel="system")
        rr = resources.resource_request_create(
            actor=asker, goal=goal, kind=kind, description=description, amount=amount
        )
        if decision:  # a lead's own request is a director's to decide
            resources.resource_request_decide(actor=actor_for(director, channel="system"), rr=rr, decision=decision)
        if spent:
            resources.resource_request_spend(actor=asker, rr=rr, amount=spent)
        made += 1
    return made
