"""First screens: the team lead's Team page and the director's Overview."""

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pacekeeper.crm import selectors as crm_selectors
from pacekeeper.errors import Forbidden
from pacekeeper.goals.selectors import goal_change_pending_list
from pacekeeper.kpis.periods import page_period, period_presets
from pacekeeper.kpis.registry import METRICS
from pacekeeper.lib.formatting import is_chinese, month_label
from pacekeeper.lib.pages import actor_required
from pacekeeper.reviews.selectors import overdue_steps
from pacekeeper.risks import selectors as risk_selectors
from pacekeeper.tenancy.models import Team, User
from pacekeeper.tenancy.scopes import get_visible
from pacekeeper.training import selectors as training_selectors
from pacekeeper.work import selectors as work_selectors

from . import selectors


@actor_required
def my_day(request: HttpRequest):
    """An account manager's first screen: whom to contact, what was promised, am I on pace."""
    context = crm_selectors.my_day(actor=request.actor)
    context["goals"] = selectors.my_goals(actor=request.actor)
    context["trend"] = selectors.own_trend(actor=request.actor)
    context["chart"] = _line_chart(context["trend"])
    context["tasks_due"] = work_selectors.tasks_due(request.actor)
    context["risk_reviews"] = risk_selectors.overdue_reviews(request.actor)  # the person's own (risks app)
    context["onboarding"] = training_selectors.my_onboarding(request.actor)
    return render(request, "dashboards/my_day.html", context)


@actor_required
def team(request: HttpRequest):
    actor = request.actor
    presets = period_presets(actor.today())
    period = page_period(request, presets[0][1])
    teams = list(Team.objects.visible_to(actor).order_by("path"))
    chosen = request.GET.get("team")
    current = (
        get_visible(Team.objects.visible_to(actor), chosen, actor=actor) if chosen else (teams[0] if teams else None)
    )
    context = {"teams": teams, "team": current, "period": period, "presets": presets}
    if current is not None:
        context.update(selectors.team_dashboard(actor=actor, team=current, period=period))
        context.update(_span_words(presets, period, context["to_date"]))
        for row in context["rows"]:
            row["spark"] = selectors.sparkline_points(row["trend"])
        members = [row["person"].pk for row in context["rows"]]
        context["evaluations_overdue"] = overdue_steps(actor=actor, person_ids=members)
    return render(request, "dashboards/team.html", context)


@actor_required
def overview(request: HttpRequest):
    actor = request.actor
    if not actor.sees_whole_org:
        raise Forbidden(_("The overview shows the whole organisation."))
    presets = period_presets(actor.today())
    period = page_period(request, presets[0][1])
    context = selectors.overview(actor=actor, period=period)
    for row in context["teams"] + context["goals"]:
        row["spark"] = selectors.sparkline_points(row["trend"])
    chart = {
        "labels": [row["team"].name for row in context["teams"] if row["team"].kind != "branch"],
        "values": [
            row["figures"].get("sales_amount", 0) / 100 for row in context["teams"] if row["team"].kind != "branch"
        ],
        "trend_labels": [_month(label) for label in context["trend_labels"]],
        "trend": [v / 100 for v in context["org_trend"]],
        "language": _chart_language(),
    }
    pending = goal_change_pending_list(actor=actor)
    context.update({"period": period, "presets": presets, "chart": chart, "pending_changes": pending})
    context["evaluations_overdue"] = overdue_steps(actor=actor)
    context["risk_reviews"] = risk_selectors.overdue_reviews(actor)  # the organisation's (risks app)
    context.update(_span_words(presets, period, context["to_date"]))
    return render(request, "dashboards/overview.html", context)


def _span_words(presets, period, to_date: bool) -> dict:
    """What the figures cover and what they are compared with, in words (UX: every compared
    figure states its period): "Month to date" / "the same days of last month"."""
    key = next((key for key, preset in presets if preset == period), "")
    if not to_date:
        return {"span_name": "", "compared_name": _("the whole previous period")}
    names = {
        "month": (_("Month to date"), _("the same days of last month")),
        "quarter": (_("Quarter to date"), _("the same days of last quarter")),
        "year": (_("Year to date"), _("the same days of last year")),
    }
    span, compared = names.get(key, (_("To date"), _("the same days of the previous period")))
    return {"span_name": span, "compared_name": compared}


@actor_required
def person(request: HttpRequest, user_id: int):
    actor = request.actor
    presets = period_presets(actor.today())
    period = page_period(request, presets[0][1])
    someone = get_visible(User.objects.visible_to(actor), user_id, actor=actor)
    context = selectors.person_dashboard(actor=actor, person=someone, period=period)
    context["metric_rows"] = [(METRICS[key], context["figures"].get(key)) for key in context["metrics"]]
    context.update({"person": someone, "period": period, "presets": presets, "chart": _line_chart(context["trend"])})
    return render(request, "dashboards/person.html", context)


def _line_chart(trend: list[tuple[str, int]]) -> dict:
    """Month labels ("7月" / "Jul") and amounts in yuan for charts.js, which abbreviates its axis
    in the page's language (万/亿 or K/M)."""
    return {
        "labels": [_month(label) for label, _value in trend],
        "values": [value / 100 for _label, value in trend],
        "language": _chart_language(),
    }


def _month(label: str) -> str:
    """ "2026-07" → "7月" / "Jul"."""
    return month_label(dt.date.fromisoformat(label + "-01"), get_language() or "zh-hans")


def _chart_language() -> str:
    return "zh" if is_chinese(get_language() or "zh-hans") else "en"
