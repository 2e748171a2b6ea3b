"""Reads for resource requests, always scoped: a request is seen with its task or its goal.

The flags (over budget, spent but not approved, started without its resources) are computed by
`resource_flags` for any scoped set of requests; the task page, the goal page, the team page
and the plan page (`resource_flags_for_goal` + work/_resource_flags.html) show them alike.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from pacekeeper.goals.models import Goal
from pacekeeper.tenancy.models import Role, Team, TeamMembership
from pacekeeper.tenancy.scopes import RESOURCE_ADMIN_ROLES, Actor, decides_resource_requests, get_visible

from .filters import filter_given
from .models import Task
from .resource_models import (
    FLAG_LABELS,
    FLAG_OVER_BUDGET,
    FLAG_SPENT_UNAPPROVED,
    FLAG_STARTED_WITHOUT,
    ResourceRequest,
    ResourceThresholds,
    any_flag_q,
    flag_q,
)
from .resources import thresholds_for

FLAGS = (FLAG_OVER_BUDGET, FLAG_SPENT_UNAPPROVED, FLAG_STARTED_WITHOUT)
FLAGGED_SHOWN = 50  # rows listed in a flags box; the counts cover all of them


def resource_request_list(actor: Actor) -> QuerySet[ResourceRequest]:
    return ResourceRequest.objects.visible_to(actor).select_related("task", "goal", "requested_by", "decided_by", "org")


def access_resource_request(actor: Actor, resource_request_id: object) -> ResourceRequest:
    """A request the actor sees (with its task or goal), or NotFound. What they may do with it
    is the service's question."""
    return get_visible(resource_request_list(actor), resource_request_id, actor=actor)


def to_decide_q(actor: Actor, thresholds: ResourceThresholds) -> Q:
    """Waiting requests this actor may decide — the same rule as resources.decide_problem, for
    the database (tenancy.scopes.may_decide_resource_request)."""
    waiting = Q(decision=ResourceRequest.Decision.NONE) & ~Q(requested_by_id=actor.user_id)
    if not decides_resource_requests(actor):
        return Q(pk__in=[])
    if actor.role in RESOURCE_ADMIN_ROLES:
        return waiting
    if actor.role == Role.LEAD:
        within = Q(amount_minor__lte=thresholds.lead_limit_minor) & (
            Q(hours__isnull=True) | Q(hours__lte=thresholds.lead_limit_hours)
        )
        return waiting & within & Q(requested_by_id__in=actor.member_ids or ())
    return Q(pk__in=[])


def resource_request_filter(
    actor: Actor,
    requests: QuerySet[ResourceRequest],
    *,
    status: str | None = None,
    kind: str | None = None,
    task: int | None = None,
    goal: int | None = None,
    requested_by: int | None = None,
    flag: str | None = None,
    to_decide: bool = False,
) -> QuerySet[ResourceRequest]:
    """The filters the list page and the API share. `goal` also finds the requests of the
    goal's tasks; `to_decide` keeps the waiting requests the actor may decide."""
    requests = filter_given(requests, status=status, kind=kind, task_id=task, requested_by_id=requested_by)
    if goal:
        requests = requests.filter(Q(goal_id=goal) | Q(task__goal_id=goal))
    if flag in FLAGS:
        requests = requests.filter(flag_q(flag))
    if to_decide:
        requests = requests.filter(to_decide_q(actor, thresholds_for(actor.org)))
    return requests


def to_decide_count(actor: Actor) -> int:
    """For the team page's "what must I approve?"."""
    if not decides_resource_requests(actor):
        return 0
    return resource_request_list(actor).filter(to_decide_q(actor, thresholds_for(actor.org))).count()


def requests_for_task(actor: Actor, task: Task) -> list[ResourceRequest]:
    return list(resource_request_list(actor).filter(task=task).order_by("-requested_at", "-pk")[:100])


def requests_for_goal(actor: Actor, goal: Goal) -> list[ResourceRequest]:
    """The goal's own requests (those of its tasks are on each task's page and in the flags)."""
    return list(resource_request_list(actor).filter(goal=goal).order_by("-requested_at", "-pk")[:100])


# --- flags ----------------------------------------------------------------------------------------


def resource_flags(requests: QuerySet[ResourceRequest]) -> dict:
    """The flagged requests among `requests` (already scoped) and a count per flag: two
    queries, whatever the number of requests."""
    flagged = requests.filter(any_flag_q())
    counts = flagged.aggregate(flagged=Count("pk"), **{name: Count("pk", filter=flag_q(name)) for name in FLAGS})
    rows = [
        {"request": rr, "flags": [{"name": name, "label": FLAG_LABELS[name]} for name in rr.flags]}
        for rr in flagged.select_related("task", "goal", "requested_by").order_by("-requested_at", "-pk")[
            :FLAGGED_SHOWN
        ]
    ]
    return {
        "rows": rows,
        "counts": [{"name": name, "label": FLAG_LABELS[name], "count": counts[name] or 0} for name in FLAGS],
        "total": sum(counts[name] or 0 for name in FLAGS),
        "flagged": counts["flagged"],  # requests with any flag (one may carry two)
    }


def resource_flags_for_goal(goal: Goal, actor: Actor | None = None) -> dict:
    """The flags of a goal's requests and of its tasks' requests (the plan page). Give the
    `actor` to keep to what they see; without one the caller vouches that whoever sees the goal
    may see its plan's requests."""
    requests = resource_request_list(actor) if actor is not None else ResourceRequest.objects.filter(org_id=goal.org_id)
    return resource_flags(requests.filter(Q(goal=goal) | Q(task__goal=goal)))


def resource_flags_for_plan(actor: Actor, plan) -> dict:
    """The plan page: the requests of the plan's tasks (the goal's own are on the goal's page)."""
    return resource_flags(resource_request_list(actor).filter(task__plan=plan))


def resource_flags_for_task(actor: Actor, task: Task) -> dict:
    return resource_flags(resource_request_list(actor).filter(task=task))


def resource_flags_for_team(actor: Actor, team: Team) -> dict:
    """The team page: requests of the tasks owned by the team's people (its subtree, today), of
    the requests they made, and of the goals of the team or of its people."""
    subtree = Team.objects.filter(org_id=team.org_id, path__startswith=team.path).values("pk")
    people = TeamMembership.objects.current(actor.today()).filter(org_id=team.org_id, team_id__in=subtree)
    people_ids = people.values("user_id")
    about_team = (
        Q(task__owner_id__in=people_ids)
        | Q(requested_by_id__in=people_ids)
        | Q(goal__team_id__in=subtree)
        | Q(goal__person_id__in=people_ids)
    )
    return resource_flags(resource_request_list(actor).filter(about_team))
