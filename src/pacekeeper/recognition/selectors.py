"""Reads of recognition: kudos feeds, a person's badges with their evidence, and "most improved"
for the team page (docs/recognition.md). Visibility only through tenancy.scopes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pacekeeper.crm.models import Customer
from pacekeeper.kpis.periods import Period, like_for_like
from pacekeeper.kpis.registry import METRICS, Direction, Unit
from pacekeeper.kpis.selectors import leaderboard
from pacekeeper.lib.formatting import format_amount, format_percent, join_items, month_label
from pacekeeper.tenancy.models import Team, TeamMembership, User
from pacekeeper.tenancy.scopes import Actor, certificates_q, get_visible, kudos_recipients_q

from .models import Badge, BadgeAward, Kudos, Rule

# Metrics "most improved" may rank by, the first the default.
IMPROVED_METRICS = ("sales_amount", "new_customers", "visits", "follow_up_compliance")
IMPROVED_SHOWN = 5


# --- kudos ------------------------------------------------------------------------------------


def kudos_list(actor: Actor) -> QuerySet[Kudos]:
    return Kudos.objects.visible_to(actor).select_related("giver", "recipient", "customer", "goal")


def kudos_filter(rows: QuerySet[Kudos], *, team: Team | None = None, person: object = None, day=None):
    """Kudos to the team's current members (its sub-teams included), or to one person."""
    if team is not None:
        teams = Team.objects.filter(org_id=team.org_id, path__startswith=team.path)
        day = day or dt.date.today()
        members = TeamMembership.objects.current(day).filter(team__in=teams).values("user_id")
        rows = rows.filter(recipient_id__in=members)
    if person is not None:
        rows = rows.filter(recipient_id=person)
    return rows


def shown_kudos(actor: Actor, kudos: list[Kudos]) -> list[dict]:
    """Kudos as a viewer may read them: the customer only if the viewer may see it (no name, no
    link otherwise); the goal likewise."""
    customers = {k.customer_id for k in kudos if k.customer_id}
    goals = {k.goal_id for k in kudos if k.goal_id}
    seen_customers = set(Customer.objects.visible_to(actor).filter(pk__in=customers).values_list("pk", flat=True))
    from pacekeeper.goals.models import Goal

    seen_goals = set(Goal.objects.visible_to(actor).filter(pk__in=goals).values_list("pk", flat=True))
    return [
        {
            "kudos": k,
            "customer": k.customer if k.customer_id in seen_customers else None,
            "goal": k.goal if k.goal_id in seen_goals else None,
        }
        for k in kudos
    ]


def recipient_choices(actor: Actor) -> QuerySet[User]:
    return User.objects.filter(kudos_recipients_q(actor)).order_by("display_name", "username")


def customer_choices(actor: Actor) -> QuerySet[Customer]:
    """Customers offered on the kudos form: the giver's own (the API takes any they can see)."""
    return Customer.objects.visible_to(actor).filter(owner_id=actor.user_id).order_by("name")[:200]


def goal_choices(actor: Actor):
    from pacekeeper.goals.models import Goal

    return Goal.objects.visible_to(actor).active().exclude(kind=Goal.Kind.OBJECTIVE).order_by("title")[:200]


def feed_teams(actor: Actor) -> list[Team]:
    """The teams whose feed the actor may open: a lead's subtree, the organisation's teams for
    organisation-wide roles, an account manager's own teams."""
    return list(Team.objects.visible_to(actor).order_by("path"))


# --- badges -----------------------------------------------------------------------------------


def badge_list(actor: Actor) -> QuerySet[Badge]:
    return Badge.objects.visible_to(actor)


def award_list(actor: Actor) -> QuerySet[BadgeAward]:
    return BadgeAward.objects.visible_to(actor).select_related("badge", "person", "awarded_by", "org")


def access_award(actor: Actor, award_id: object) -> BadgeAward:
    return get_visible(award_list(actor), award_id, actor=actor)


def access_certificate(actor: Actor, award_id: object) -> BadgeAward:
    return get_visible(award_list(actor).filter(certificates_q(actor)), award_id, actor=actor)


def may_download_certificate(actor: Actor) -> bool:
    return actor.role != "analyst"


def evidence_lines(award: BadgeAward, language: str | None = None) -> list[str]:
    """The figures a badge was awarded on, as sentences in the reader's language."""
    language = language or get_language() or "zh-hans"
    evidence = award.evidence or {}
    rule = award.badge.rule
    currency = award.org.currency
    try:
        if rule == Rule.MONTHS_AT_TARGET:
            metric = METRICS.get(evidence.get("metric"))
            lines = []
            for row in evidence.get("months", []):
                month = month_label(dt.date.fromisoformat(row["month"]), language, with_year=True)
                actual, target = (
                    _metric_value(metric, row["actual"], currency, language),
                    _metric_value(metric, row["target"], currency, language),
                )
                lines.append(
                    _("%(month)s: %(actual)s of a goal of %(target)s (%(attainment)s)")
                    % {
                        "month": month,
                        "actual": actual,
                        "target": target,
                        "attainment": format_percent(Decimal(row["attainment"])),
                    }
                )
            return lines
        if rule == Rule.TOP_NEW_CUSTOMERS:
            line = _("New customers: %(value)s, the most in %(team)s (team size: %(size)s)") % {
                "value": evidence["value"],
                "team": evidence["team"],
                "size": evidence["team_size"],
            }
            if evidence.get("shared_with"):
                line = join_items([line, _("others with the same figure: %(n)s") % {"n": evidence["shared_with"]}])
            if evidence.get("next_best") is not None:
                line = join_items([line, _("next best: %(n)s") % {"n": evidence["next_best"]}])
            return [line]
        if rule == Rule.FULL_FOLLOW_UP:
            return [_("Follow-up compliance: %(value)s") % {"value": format_percent(Decimal(evidence["value"]))}]
    except (KeyError, TypeError, ValueError, ArithmeticError):
        return []
    return []


def _metric_value(metric, value: str, currency: str, language: str) -> str:
    number = Decimal(value)
    if metric is not None and metric.unit == Unit.CURRENCY:
        return format_amount(int(number), currency, language)
    if metric is not None and metric.unit == Unit.PERCENT:
        return format_percent(number)
    return f"{number.normalize():,f}"


def person_awards(actor: Actor, person: User) -> list[dict]:
    awards = list(award_list(actor).filter(person=person).order_by("-period_end", "-pk"))
    return [{"award": award, "evidence": evidence_lines(award)} for award in awards]


# --- most improved ----------------------------------------------------------------------------


def most_improved(*, actor: Actor, team: Team, period: Period, metric: str = IMPROVED_METRICS[0]) -> dict:
    """The team's people ranked by the change of one metric against the previous period, like for
    like (a running period against the same days of the previous one: kpis.periods.like_for_like).
    Both figures come from the KPI leaderboard (the engine), so the people compared are those the
    leaderboard compares. People without a figure in either span are left out."""
    metric = metric if metric in IMPROVED_METRICS else IMPROVED_METRICS[0]
    shown, compared, to_date = like_for_like(period, actor.today())
    now = {row["person"].pk: row for row in leaderboard(actor=actor, metric=metric, period=shown, team=team)}
    before = {
        row["person"].pk: row["value"] for row in leaderboard(actor=actor, metric=metric, period=compared, team=team)
    }
    lower_is_better = METRICS[metric].direction == Direction.LOWER
    rows = []
    for person_id, row in now.items():
        value, previous = row["value"], before.get(person_id)
        if value is None or previous is None:
            continue
        change = value - previous
        gain = -change if lower_is_better else change
        if gain > 0:
            rows.append({"person": row["person"], "now": value, "before": previous, "change": change, "gain": gain})
    rows.sort(key=lambda r: (-r["gain"], str(r["person"])))
    return {
        "improved": rows[:IMPROVED_SHOWN],
        "improved_metric": METRICS[metric],
        "improved_metrics": [METRICS[key] for key in IMPROVED_METRICS],
        "improved_shown": shown,
        "improved_compared": compared,
        "improved_to_date": to_date,
    }
