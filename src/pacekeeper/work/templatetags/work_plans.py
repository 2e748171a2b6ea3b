"""The goal page's "Plans" section and hours as the plan pages show them. The goal page loads
this tag rather than the goals app reading work's tables: the section is work's to draw."""

from django import template
from django.utils.translation import gettext as _

from pacekeeper.lib.formatting import format_hours
from pacekeeper.tenancy.scopes import may_plan_goal

from .. import plan_selectors

register = template.Library()


@register.filter
def hours(value):
    """12.5 h / 12.5 小时."""
    return _("%(hours)s h") % {"hours": format_hours(value)}


@register.inclusion_tag("work/_goal_plans.html", takes_context=True)
def goal_plans(context, goal):
    """The goal's plans the person sees, each with its share done, and "Make a plan" for whoever
    may plan the goal: two queries."""
    actor = context["request"].actor
    plans = list(plan_selectors.work_plan_list(actor).filter(goal=goal).order_by("-created_at", "-pk")[:20])
    progress = plan_selectors.plans_progress(actor, plans)
    return {
        "goal": goal,
        "rows": [{"plan": plan, **progress[plan.pk]} for plan in plans],
        "may_plan": may_plan_goal(actor, goal) and goal.status in ("draft", "active"),
    }
