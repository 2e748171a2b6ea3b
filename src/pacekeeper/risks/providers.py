"""The signals risks brings itself (docs/risks.md, "Signals"), registered from RisksConfig.ready().
Each reads one organisation in a few grouped queries, whatever the number of people.

Shares are percentages rounded to one decimal, ROUND_HALF_UP; amounts are integer minor units
in the evidence (and shown through lib/formatting in the sentence).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Min, OuterRef, Q, Subquery, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pacekeeper.crm.models import Contract, Customer, Sale
from pacekeeper.goals.models import Goal
from pacekeeper.goals.progress import OFF_TRACK, goals_progress
from pacekeeper.lib.formatting import format_amount, format_date, format_percent
from pacekeeper.tenancy.models import Role, TeamMembership, User
from pacekeeper.tenancy.scopes import Actor
from pacekeeper.work.load import bookings

from .models import Category, Level, Receivable
from .signals import Context, Finding, register

ONE_DECIMAL = Decimal("0.1")


def share_percent(part: int, total: int) -> Decimal:
    """part ÷ total as a percentage with one decimal, ROUND_HALF_UP."""
    return (Decimal(part) * 100 / Decimal(total)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def months_back(day: dt.date, months: int) -> dt.date:
    """The day after the same date `months` earlier: a window of whole months ending on `day`."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last)) + dt.timedelta(days=1)


# --- customer concentration -------------------------------------------------------------------


def concentration_shares(totals: dict[int, int], top_n: int) -> tuple[Decimal, list[tuple[int, int]]]:
    """The top-N customers' share of the whole, and those customers with their amounts (largest
    first; ties by customer id, so the same data always names the same customers)."""
    ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    top = ranked[:top_n]
    whole = sum(totals.values())
    if whole <= 0:
        return Decimal(0), top
    return share_percent(sum(amount for _customer, amount in top), whole), top


def concentration(context: Context) -> list[Finding]:
    """Per account manager (the manager credited on each sale) and per team (the manager's team
    as of the sale's date, DESIGN rule 4): the top-N customers' share of confirmed sales over the
    last months. Two grouped queries and one for the customers' names."""
    settings, org, today = context.settings, context.org, context.today
    start = months_back(today, settings.concentration_months)
    sales = Sale.objects.filter(org=org, status=Sale.Status.CONFIRMED, ordered_on__gte=start, ordered_on__lte=today)
    by_manager: dict[int, dict[int, int]] = defaultdict(dict)
    for row in sales.values("manager_id", "customer_id").annotate(total=Sum("amount_minor")).order_by():
        by_manager[row["manager_id"]][row["customer_id"]] = row["total"]
    team_then = (
        TeamMembership.objects.filter(user_id=OuterRef("manager_id"), started_on__lte=OuterRef("ordered_on"))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=OuterRef("ordered_on")))
        .order_by("pk")
        .values("team_id")[:1]
    )
    by_team: dict[int, dict[int, int]] = defaultdict(dict)
    rows = sales.annotate(team_then=Subquery(team_then)).values("team_then", "customer_id")
    for row in rows.annotate(total=Sum("amount_minor")).order_by():
        if row["team_then"] is not None:
            by_team[row["team_then"]][row["customer_id"]] = row["total"]
    flagged = []
    for subject, groups in (("manager", by_manager), ("team", by_team)):
        for subject_id, totals in groups.items():
            share, top = concentration_shares(totals, settings.concentration_top_n)
            if share > settings.concentration_threshold:
                flagged.append((subject, subject_id, share, top, sum(totals.values())))
    names = dict(
        Customer.objects.filter(pk__in={pk for *_x, top, _t in flagged for pk, _a in top}).values_list("pk", "name")
    )
    return [_concentration_finding(context, *row, names=names, start=start) for row in flagged]


def _concentration_finding(context, subject, subject_id, share, top, whole, *, names, start) -> Finding:
    settings, org, today = context.settings, context.org, context.today
    language = org.language
    top_rows = [
        {"customer": pk, "name": names.get(pk, ""), "amount_minor": amount, "share": str(share_percent(amount, whole))}
        for pk, amount in top
    ]
    text = _("The top %(n)d customers make %(share)s of sales from %(start)s to %(end)s (threshold %(threshold)s).") % {
        "n": settings.concentration_top_n,
        "share": format_percent(share),
        "start": format_date(start, language),
        "end": format_date(today, language),
        "threshold": format_percent(settings.concentration_threshold),
    }
    evidence = {
        "text": text,
        "share": str(share),
        "threshold": settings.concentration_threshold,
        "top_n": settings.concentration_top_n,
        "period": [start.isoformat(), today.isoformat()],
        "total_minor": whole,
        "total": format_amount(whole, org.currency, language),
        "top": top_rows,
    }
    probability = 5 if share >= 90 else 4 if share >= settings.concentration_threshold + 20 else 3
    if subject == "manager":
        team_id = context.team_of.get(subject_id)
        return Finding(
            kind="concentration",
            subject=f"manager:{subject_id}",
            level=Level.TEAM if team_id else Level.ORG,
            team_id=team_id,
            category=Category.CONCENTRATION,
            probability=probability,
            impact=4,
            title=_("Sales concentrated on few customers (an account manager's portfolio)"),
            evidence=evidence | {"person": subject_id},
            link=reverse("dashboards:person", args=[subject_id]),
            owner_id=subject_id,
        )
    return Finding(
        kind="concentration",
        subject=f"team:{subject_id}",
        level=Level.TEAM,
        team_id=subject_id,
        category=Category.CONCENTRATION,
        probability=probability,
        impact=4,
        title=_("Sales concentrated on few customers (a team)"),
        evidence=evidence,
        link=reverse("dashboards:team") + f"?team={subject_id}",
        owner_id=context.lead_of.get(subject_id),
    )


# --- goals off track late in their period -------------------------------------------------------


def goals_off_track(context: Context) -> list[Finding]:
    """Active goals past the organisation's "late" share of their period whose pace says off
    track (goals.progress: one engine call per metric, level and period, never per goal)."""
    today, late = context.today, context.settings.goal_late_share
    goals = list(
        Goal.objects.filter(
            org=context.org, status=Goal.Status.ACTIVE, starts_on__lte=today, ends_on__gte=today, target__isnull=False
        )
        .exclude(metric="")
        .select_related("org")
    )
    goals = [goal for goal in goals if ((today - goal.starts_on).days + 1) * 100 >= late * _days(goal)]
    progress = goals_progress(goals, today=today)
    found = []
    for goal in goals:
        figures = progress.get(goal.pk)
        if figures is None or figures.status != OFF_TRACK:
            continue
        owner = goal.person_id or context.lead_of.get(goal.team_id) or goal.created_by_id
        text = _("%(elapsed)d of %(total)d days gone; attainment %(attainment)s, off track.") % {
            "elapsed": figures.elapsed_days,
            "total": figures.total_days,
            "attainment": format_percent(figures.attainment),
        }
        found.append(
            Finding(
                kind="goal_off_track",
                subject=f"goal:{goal.pk}",
                level=Level.GOAL,
                goal_id=goal.pk,
                category=Category.OPERATIONAL,
                probability=5 if figures.elapsed_days * 10 >= figures.total_days * 9 else 4,
                impact={"org": 5, "team": 4}.get(goal.level, 3),
                title=_("Goal off track late in its period: %(goal)s") % {"goal": goal.title},
                evidence={"text": text, **figures.as_dict()},
                link=reverse("goals:detail", args=[goal.pk]),
                owner_id=owner,
            )
        )
    return found


def _days(goal) -> int:
    return (goal.ends_on - goal.starts_on).days + 1


# --- people over capacity for weeks ---------------------------------------------------------------

WINDOW_WEEKS = 4


def over_capacity(context: Context) -> list[Finding]:
    """People whose booked task hours (work.load) exceed their weekly capacity in at least the
    organisation's number of the next four weeks. Two queries for everyone (work.load.bookings)."""
    org, today = context.org, context.today
    capacities = dict(
        User.objects.filter(org=org, is_active=True, weekly_capacity_hours__gt=0).values_list(
            "pk", "weekly_capacity_hours"
        )
    )
    if not capacities:
        return []
    whole_org = Actor(user=None, org=org, role=Role.ADMIN, team_ids=None, member_ids=None, channel="system")
    booked = bookings(whole_org, capacities=capacities, today=today, weeks=WINDOW_WEEKS)
    found = []
    for person_id, load in booked.people.items():
        over = [week for week in booked.weeks if load.is_over(week)]
        if len(over) < context.settings.overload_weeks:
            continue
        team_id = context.team_of.get(person_id)
        hours = {week.isoformat(): str(load.booked(week)) for week in booked.weeks}
        text = _("Booked above the weekly capacity of %(capacity)d h in %(over)d of the next %(weeks)d weeks.") % {
            "capacity": load.capacity,
            "over": len(over),
            "weeks": len(booked.weeks),
        }
        found.append(
            Finding(
                kind="over_capacity",
                subject=f"person:{person_id}",
                level=Level.TEAM if team_id else Level.ORG,
                team_id=team_id,
                category=Category.KEY_PERSON,
                probability=4 if len(over) >= 3 else 3,
                impact=3,
                title=_("A person over capacity for weeks"),
                evidence={"text": text, "person": person_id, "capacity": load.capacity, "booked": hours},
                link=reverse("work:workload") + (f"?team={team_id}" if team_id else ""),
                owner_id=context.lead_of.get(team_id) if team_id else None,
            )
        )
    return found


# --- receivables overdue --------------------------------------------------------------------------


def receivables_overdue(context: Context) -> list[Finding]:
    """Per customer: unpaid receivables more than the grace days past due. One grouped query."""
    org, today = context.org, context.today
    cutoff = today - dt.timedelta(days=context.settings.receivable_grace_days)
    rows = (
        Receivable.objects.filter(org=org, paid_on__isnull=True, due_on__lt=cutoff, sale__status=Sale.Status.CONFIRMED)
        .values("sale__customer_id", "sale__customer__name", "sale__customer__owner_id")
        .annotate(total=Sum("sale__amount_minor"), count=Count("pk"), oldest=Min("due_on"))
        .order_by()
    )
    found = []
    for row in rows:
        days = (today - row["oldest"]).days
        text = _("%(count)d unpaid sale(s), %(amount)s, the oldest due %(day)s (%(days)d days ago).") % {
            "count": row["count"],
            "amount": format_amount(row["total"], org.currency, org.language),
            "day": format_date(row["oldest"], org.language),
            "days": days,
        }
        customer_id = row["sale__customer_id"]
        found.append(
            Finding(
                kind="receivables_overdue",
                subject=f"customer:{customer_id}",
                level=Level.CUSTOMER,
                customer_id=customer_id,
                category=Category.CREDIT,
                probability=4 if days > 90 else 3,
                impact=3,
                title=_("Receivables overdue: %(customer)s") % {"customer": row["sale__customer__name"]},
                evidence={
                    "text": text,
                    "count": row["count"],
                    "total_minor": row["total"],
                    "oldest_due": row["oldest"].isoformat(),
                },
                link=reverse("crm:customer", args=[customer_id]),
                owner_id=row["sale__customer__owner_id"],
            )
        )
    return found


# --- contracts expiring without a renewal outcome -------------------------------------------------


def contracts_expiring(context: Context) -> list[Finding]:
    """Contracts whose renewal is still pending and that end within the horizon (or ended
    within it already). One query."""
    org, today = context.org, context.today
    horizon = dt.timedelta(days=context.settings.contract_days_ahead)
    contracts = Contract.objects.filter(
        org=org, renewal=Contract.Renewal.PENDING, ends_on__gte=today - horizon, ends_on__lte=today + horizon
    ).select_related("customer")
    found = []
    for contract in contracts:
        left = (contract.ends_on - today).days
        text = _("“%(title)s” ends %(day)s and its renewal is still pending.") % {
            "title": contract.title,
            "day": format_date(contract.ends_on, org.language),
        }
        found.append(
            Finding(
                kind="contract_expiring",
                subject=f"contract:{contract.pk}",
                level=Level.CUSTOMER,
                customer_id=contract.customer_id,
                category=Category.FINANCIAL,
                probability=5 if left < 0 else 4 if left <= 30 else 3,
                impact=3,
                title=_("Contract expiring without a renewal outcome: %(customer)s")
                % {"customer": contract.customer.name},
                evidence={
                    "text": text,
                    "contract": contract.pk,
                    "ends_on": contract.ends_on.isoformat(),
                    "value_minor": contract.value_minor,
                },
                link=reverse("crm:customer", args=[contract.customer_id]),
                owner_id=contract.customer.owner_id,
            )
        )
    return found


def register_all() -> None:
    register("concentration", gettext_lazy("Customer concentration"), concentration)
    register("goal_off_track", gettext_lazy("Goal off track late in its period"), goals_off_track)
    register("over_capacity", gettext_lazy("Person over capacity for weeks"), over_capacity)
    register("receivables_overdue", gettext_lazy("Receivables overdue"), receivables_overdue)
    register("contract_expiring", gettext_lazy("Contract expiring without a renewal outcome"), contracts_expiring)
