"""The resource sections other pages include with one line, so that the task page, the goal
page and the team page need no change to their views:

{% load resource_requests %}
{% task_resources task %}       the task's requests, its flags and the request button
{% goal_resources goal %}       the same for a goal (its tasks' flags included)
{% team_resource_flags team %}  the flags of the team's requests, and what waits for the actor
{% plan_resource_flags plan %}  the flags of a work plan's tasks' requests
{% request_size rr %}           what a request asks for: hours for people's time, else money

Each reads through the scoped selectors with the page's actor (a few queries per section).
"""

from django import template
from django.utils.translation import get_language

from pacekeeper.work import resource_selectors as selectors
from pacekeeper.work import resources
from pacekeeper.work.resource_models import size_text

register = template.Library()


@register.inclusion_tag("work/_resource_requests.html", takes_context=True)
def task_resources(context, task):
    actor = context["actor"]
    return {
        "actor": actor,
        "task": task,
        "requests": selectors.requests_for_task(actor, task),
        "flags": selectors.resource_flags_for_task(actor, task),
        "may_request": resources.may_request_for_task(actor, task),
    }


@register.inclusion_tag("work/_resource_requests.html", takes_context=True)
def goal_resources(context, goal):
    actor = context["actor"]
    return {
        "actor": actor,
        "goal": goal,
        "requests": selectors.requests_for_goal(actor, goal),
        "flags": selectors.resource_flags_for_goal(goal, actor),
        "may_request": resources.may_request_for_goal(actor, goal),
    }


@register.inclusion_tag("work/_team_resources.html", takes_context=True)
def team_resource_flags(context, team):
    actor = context["actor"]
    return {
        "actor": actor,
        "team": team,
        "flags": selectors.resource_flags_for_team(actor, team),
        "to_decide": selectors.to_decide_count(actor),
    }


@register.inclusion_tag("work/_resource_flags.html", takes_context=True)
def plan_resource_flags(context, plan):
    actor = context["actor"]
    return {"actor": actor, "flags": selectors.resource_flags_for_plan(actor, plan), "compact": False}


@register.simple_tag(takes_context=True)
def request_size(context, rr):
    actor = context.get("actor")
    currency = actor.org.currency if actor else "CNY"
    return size_text(rr.kind, rr.amount_minor, rr.hours, currency, get_language() or "zh-hans")
