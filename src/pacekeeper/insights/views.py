"""Insights pages: topics over time (stacked chart and table), top issues per team and manager,
what changed against the previous like-for-like period, the comments behind every figure, and
the topic list (kept by the org admin and directors). Everything reads through the scope."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.lib.formatting import format_percent, format_period
from pacekeeper.lib.ids import parse_id
from pacekeeper.lib.pages import actor_required, add_service_errors, paginate, query_without
from pacekeeper.tenancy.models import Team, User
from pacekeeper.tenancy.scopes import get_visible, may_reanalyse_insights, may_write_insight_topics

from . import selectors, services, sources
from .analysis import SENTIMENTS
from .forms import TopicForm, TryForm
from .models import Topic

PER_PAGE = 25
PERIOD_MONTHS = (1, 3, 6, 12)


def _id(value) -> int | None:
    return parse_id(value) if value else None


def _day(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filters(request) -> tuple[selectors.Filters, dict]:
    """The filters of the query string, each checked against the scope: a team or person the
    actor does not see filters to nothing (like any other unknown value)."""
    actor = request.actor
    get = request.GET
    team = _id(get.get("team"))
    manager = _id(get.get("manager"))
    topic = _id(get.get("topic"))
    f = selectors.Filters(
        topic=topic,
        sentiment=get.get("sentiment", "") if get.get("sentiment") in SENTIMENTS else "",
        source=get.get("source", "") if get.get("source") in sources.SOURCES else "",
        manager=manager,
        team=team,
        customer=_id(get.get("customer")),
        since=_day(get.get("since")),
        until=_day(get.get("until")),
        q=(get.get("q") or "")[:100],
    )
    if team is not None and not Team.objects.visible_to(actor).filter(pk=team).exists():
        f = selectors.Filters(**{**f.__dict__, "team": -1})
    if manager is not None and not User.objects.visible_to(actor).filter(pk=manager).exists():
        f = selectors.Filters(**{**f.__dict__, "manager": -1})
    choices = {
        "teams": Team.objects.visible_to(actor).order_by("path"),
        "managers": User.objects.visible_to(actor).filter(is_active=True).order_by("display_name", "username"),
        "topics": selectors.topics(actor),
        "sources": [(kind, str(source.label)) for kind, source in sources.SOURCES.items()],
        "sentiments": _sentiment_choices(),
    }
    return f, choices


def _sentiment_choices():
    return [("positive", _("Positive")), ("neutral", _("Neutral")), ("negative", _("Negative"))]


def _comments_url(**params) -> str:
    return reverse("insights:comments") + "?" + urlencode({k: v for k, v in params.items() if v not in (None, "")})


@actor_required
def overview(request: HttpRequest):
    actor = request.actor
    language = get_language()
    f, choices = _filters(request)
    today = actor.today()
    try:
        months = int(request.GET.get("months", 3))
    except ValueError:
        months = 3
    months = months if months in PERIOD_MONTHS else 3
    # The chart follows the chosen period: its whole months only (like-for-like), the current
    # month, still partial, is left out rather than shown as a drop.
    (start, end), _previous = selectors.periods(today, months)
    first, last = start, selectors.month_start(end)
    trend = selectors.topics_by_month(actor, f, first=first, last=last, language=language)
    keep = {"team": request.GET.get("team"), "manager": request.GET.get("manager"), "source": f.source}
    keep = {k: v for k, v in keep.items() if v}
    for row in trend["rows"]:
        row["links"] = [
            (
                month,
                count,
                _comments_url(
                    topic=row["topic"].pk,
                    since=month.isoformat(),
                    until=(selectors.add_months(month, 1) - dt.timedelta(days=1)).isoformat(),
                    **keep,
                ),
            )
            for month, count in row["cells"]
        ]
    trend["chart"]["links"] = [[link for _m, _c, link in row["links"]] for row in trend["rows"] if row["total"]]
    issue_filters = selectors.Filters(**{**f.__dict__, "since": start, "until": end})
    by_team = selectors.top_issues(actor, issue_filters, by="team")
    by_manager = selectors.top_issues(actor, issue_filters, by="manager")
    for rows, key in ((by_team, "team"), (by_manager, "manager")):
        for row in rows:
            for issue in row["issues"]:
                issue["link"] = _comments_url(
                    topic=issue["topic_id"],
                    sentiment="negative",
                    since=start.isoformat(),
                    until=end.isoformat(),
                    source=f.source,
                    **{key: row["owner_id"]},
                )
    changed = selectors.what_changed(actor, f, today=today, months=months, language=language)
    for row in changed["rows"]:
        row["share_now_text"] = format_percent(row["share_now"])
        row["share_before_text"] = format_percent(row["share_before"])
        row["link"] = _comments_url(topic=row["topic"].pk, since=start.isoformat(), until=end.isoformat(), **keep)
    context = {
        "trend": trend,
        "trend_period": format_period(start, end, language),
        "partial_month": format_period(selectors.month_start(today), today, language),
        "by_team": by_team,
        "by_manager": by_manager,
        "issues_period": format_period(start, end, language),
        "changed": changed,
        "months": months,
        "month_choices": PERIOD_MONTHS,
        "f": f,
        "choices": choices,
        "raw": request.GET,
    }
    return render(request, "insights/overview.html", context)


@actor_required
def comments(request: HttpRequest):
    """The analysed texts behind a figure: newest first, filtered, only those in scope."""
    actor = request.actor
    f, choices = _filters(request)
    rows = selectors.filtered(selectors.analyses(actor), f).distinct()
    rows = rows.select_related("customer", "manager").prefetch_related("topics")
    page = paginate(request, rows.order_by("-day", "-pk"), PER_PAGE)
    chosen_topic = Topic.objects.visible_to(actor).filter(pk=f.topic).first() if f.topic else None
    context = {
        "page": page,
        "f": f,
        "choices": choices,
        "raw": request.GET,
        "chosen_topic": chosen_topic,
        "source_labels": {kind: str(s.label) for kind, s in sources.SOURCES.items()},
        "query": query_without(request, "page"),
    }
    return render(request, "insights/comments.html", context)


@actor_required
def topics(request: HttpRequest):
    actor = request.actor
    writer = may_write_insight_topics(actor)
    form = TopicForm(request.POST if request.POST.get("action") == "create" else None) if writer else None
    try_form = TryForm(request.POST if request.POST.get("action") == "try" else None)
    tried = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            if form is None:
                raise Forbidden(_("The topic list is kept by the org admin and directors."))
            if form.is_valid():
                try:
                    services.topic_create(actor=actor, values=form.cleaned_data)
                except ValidationFailed as failed:
                    add_service_errors(form, failed)
                else:
                    messages.success(request, _("Topic added. Texts are analysed again on the next run."))
                    return redirect("insights:topics")
            status = 400
        elif action == "reanalyse":
            if not may_reanalyse_insights(actor):
                raise Forbidden()
            counts = services.analyse_org(actor.user.org)
            messages.success(request, _("%(count)d texts analysed again.") % {"count": counts["analysed"]})
            return redirect("insights:topics")
        elif action == "try":
            if try_form.is_valid():
                try:
                    result, found = services.analyse_text(actor=actor, text=try_form.cleaned_data["text"])
                except ValidationFailed as failed:
                    add_service_errors(try_form, failed)
                    status = 400
                else:
                    tried = {"result": result, "topics": found}
            else:
                status = 400
        else:
            raise Forbidden()
    context = {
        "topics": selectors.topics(actor),
        "form": form,
        "try_form": try_form,
        "tried": tried,
        "writer": writer,
        "may_reanalyse": may_reanalyse_insights(actor),
    }
    return render(request, "insights/topics.html", context, status=status)


@actor_required
def topic_edit(request: HttpRequest, insight_topic_id: int):
    actor = request.actor
    topic = get_visible(selectors.topics(actor), insight_topic_id, actor=actor)
    writer = may_write_insight_topics(actor)
    initial = {name: getattr(topic, name) for name in services.TOPIC_FIELDS}
    form = TopicForm(request.POST or None, initial=initial) if writer else None
    if request.method == "POST":
        if form is None:
            raise Forbidden(_("The topic list is kept by the org admin and directors."))
        if request.POST.get("action") == "delete":
            services.topic_delete(actor=actor, topic_id=topic.pk)
            messages.success(request, _("Topic deleted."))
            return redirect("insights:topics")
        if form.is_valid():
            try:
                services.topic_update(actor=actor, topic_id=topic.pk, values=form.cleaned_data)
            except ValidationFailed as failed:
                add_service_errors(form, failed)
            else:
                messages.success(request, _("Topic saved. Texts are analysed again on the next run."))
                return redirect("insights:topics")
    status = 400 if form is not None and form.errors else 200
    return render(request, "insights/topic.html", {"topic": topic, "form": form}, status=status)
