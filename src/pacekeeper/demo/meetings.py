"""Demo progress meeting: the first team's weekly series, one meeting held and closed (its
agenda frozen from the demo's figures, a problem, the decision that answers it and an action
item that became a task) and the next one planned, so a lead sees the rhythm at once."""

from __future__ import annotations

import datetime as dt

from pacekeeper.meetings import selectors, services
from pacekeeper.tenancy.models import Organization, TeamMembership
from pacekeeper.tenancy.scopes import actor_for


def make_meetings(org: Organization, until: dt.date) -> int:
    lead = TeamMembership.objects.current(until).filter(org=org, is_lead=True).order_by("team_id", "pk").first()
    if lead is None:
        return 0
    actor = actor_for(lead.user, channel="system")
    series = services.series_create(actor=actor, team_id=lead.team_id, title=f"{lead.team.name} 周例会")
    meeting = services.meeting_open(actor=actor, meeting=services.meeting_schedule_next(actor=actor, series=series))
    problem = services.item_add(
        actor=actor, meeting=meeting, kind="problem", text="续约客户跟进不及时，本月有三家逾期。"
    )
    services.item_add(
        actor=actor, meeting=meeting, kind="decision", text="逾期跟进每天早会点名，周五前清零。", problem=problem.pk
    )
    owner = next((m for m in selectors.members_of(series) if m.pk != lead.user_id), None)
    if owner is not None:
        services.action_item_add(
            actor=actor,
            meeting=meeting,
            title="整理续约客户名单并逐一电话回访",
            owner=owner.pk,
            due_on=actor.today() + dt.timedelta(days=4),
            problem=problem.pk,
        )
    services.meeting_close(actor=actor, meeting=meeting)
    services.meeting_schedule_next(actor=actor, series=series)
    return 2
