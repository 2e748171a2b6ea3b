"""KPI pages: leaderboards."""

from django.http import HttpRequest
from django.shortcuts import render

from pacekeeper.lib.pages import actor_required
from pacekeeper.tenancy.models import Team, User
from pacekeeper.tenancy.scopes import get_visible

from . import selectors
from .periods import page_period, period_presets
from .registry import METRICS


@actor_required
def leaderboard(request: HttpRequest):
    actor = request.actor
    presets = period_presets(actor.today())
    metric = request.GET.get("metric") if request.GET.get("metric") in METRICS else "sales_amount"
    period = page_period(request, presets[0][1])
    team_id = request.GET.get("team")
    team = get_visible(Team.objects.visible_to(actor), team_id, actor=actor) if team_id else None
    rows = selectors.leaderboard(actor=actor, metric=metric, period=period, team=team)
    best = max((abs(r["value"]) for r in rows if isinstance(r["value"], int | float) and r["value"]), default=0)
    return render(
        request,
        "kpis/leaderboard.html",
        {
            "rows": rows,
            "metric": METRICS[metric],
            "metrics": METRICS.values(),
            "period": period,
            "presets": presets,
            "teams": Team.objects.visible_to(actor).order_by("path"),
            "team": team,
            "best": best,
            # Peers are compared on the board; only people in scope open a personal page.
            "visible_people": set(User.objects.visible_to(actor).values_list("pk", flat=True)),
        },
    )
