"""Reads for customers and their facts, always scoped to the person asking."""

import datetime as dt
from dataclasses import dataclass
from itertools import chain
from zoneinfo import ZoneInfo

from django.db.models import Count, Max, Q, QuerySet, Sum

from pacekeeper.kpis.models import DailyRollup
from pacekeeper.lib import date_rules
from pacekeeper.tenancy.models import TeamMembership, User
from pacekeeper.tenancy.scopes import Actor

from .models import (
    DEFAULT_FOLLOW_UP_DAYS,
    Contract,
    Customer,
    FollowUpPolicy,
    Interaction,
    Opportunity,
    OwnershipTransfer,
    Sale,
    Tier,
)

CUSTOMER_SORTS = {
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
    "next_due": ("next_due_on", "name", "pk"),
    "-next_due": ("-next_due_on", "name", "pk"),
    "last_contact": ("last_contacted_on", "name", "pk"),
    "-last_contact": ("-last_contacted_on", "name", "pk"),
    "created": ("created_on", "pk"),
    "-created": ("-created_on", "-pk"),
}


@dataclass
class CustomerFilters:
    q: str = ""
    tier: str = ""
    status: str = ""
    owner: int | None = None
    overdue: bool = False
    sort: str = "name"


def customer_list(*, actor: Actor, filters: CustomerFilters | None = None) -> QuerySet[Customer]:
    filters = filters or CustomerFilters()
    customers = Customer.objects.visible_to(actor).select_related("owner")
    if filters.q:
        words = filters.q.split()
        for word in words:
            customers = customers.filter(
                Q(name__icontains=word)
                | Q(external_id__icontains=word)
                | Q(industry__icontains=word)
                | Q(region__icontains=word)
                | Q(contacts__name__icontains=word)
            )
        customers = customers.distinct()
    if filters.tier:
        customers = customers.filter(tier=filters.tier)
    if filters.status:
        customers = customers.filter(status=filters.status)
    if filters.owner:
        customers = customers.filter(owner_id=filters.owner)
    if filters.overdue:
        customers = customers.overdue(actor.today())
    return customers.order_by(*CUSTOMER_SORTS.get(filters.sort, CUSTOMER_SORTS["name"]))


def portfolio_holders(*, actor: Actor) -> QuerySet[User]:
    """The people whose portfolios the actor sees: the owner filter's choices."""
    return User.objects.visible_to(actor).filter(is_active=True, role__in=("manager", "lead")).order_by("username")


@dataclass
class TimelineEntry:
    kind: str  # interaction | sale | contract | opportunity | transfer
    day: dt.date
    item: object


def customer_timeline(*, actor: Actor, customer: Customer, limit: int = 200) -> list[TimelineEntry]:
    """One time-ordered list of everything that happened with a customer, newest first.
    Bounded: five queries whatever the history's length."""
    tz_today = actor.today()
    interactions = (
        Interaction.objects.visible_to(actor)
        .filter(customer=customer)
        .select_related("manager")
        .prefetch_related("contacts")[:limit]
    )
    sales = Sale.objects.visible_to(actor).filter(customer=customer).select_related("manager")[:limit]
    contracts = Contract.objects.visible_to(actor).filter(customer=customer).select_related("manager")[:limit]
    opportunities = Opportunity.objects.visible_to(actor).filter(customer=customer).select_related("manager")[:limit]
    transfers = (
        OwnershipTransfer.objects.visible_to(actor)
        .filter(customer=customer)
        .select_related("from_manager", "to_manager")[:limit]
    )

    zone = ZoneInfo(actor.org.time_zone)
    entries = chain(
        (TimelineEntry("interaction", i.occurred_at.astimezone(zone).date(), i) for i in interactions),
        (TimelineEntry("sale", s.ordered_on, s) for s in sales),
        (TimelineEntry("contract", c.starts_on, c) for c in contracts),
        (TimelineEntry("opportunity", o.closed_on or o.expected_close_on or tz_today, o) for o in opportunities),
        (TimelineEntry("transfer", t.transferred_at.astimezone(zone).date(), t) for t in transfers),
    )
    return sorted(entries, key=lambda entry: entry.day, reverse=True)[:limit]


def customer_summary(*, actor: Actor, customer: Customer) -> dict:
    """Lifetime and last-12-months sales of one customer (confirmed sales only)."""
    since = actor.today() - dt.timedelta(days=365)
    totals = (
        Sale.objects.visible_to(actor)
        .filter(customer=customer, status=Sale.Status.CONFIRMED)
        .aggregate(
            lifetime=Sum("amount_minor"),
            last_year=Sum("amount_minor", filter=Q(ordered_on__gt=since)),
            orders=Count("pk"),
        )
    )
    return {key: value or 0 for key, value in totals.items()}


def my_day(*, actor: Actor, limit: int = 50) -> dict:
    """What an account manager must do today: follow-ups due or overdue, promised next steps."""
    today = actor.today()
    own = Customer.objects.visible_to(actor).filter(owner_id=actor.user_id)
    # Promised next steps of the customers one owns now: after a transfer the new owner keeps
    # the promise (the previous manager may no longer tick it off: tenancy.scopes.require_writable).
    next_steps = (
        Interaction.objects.visible_to(actor)
        .filter(customer__owner_id=actor.user_id, next_step_done=False, next_step_on__lte=today + dt.timedelta(days=7))
        .exclude(next_step="")
        .select_related("customer")
        .order_by("next_step_on", "pk")
    )
    return {
        "today": today,
        "overdue": list(own.overdue(today).order_by("next_due_on", "name")[:limit]),
        "due_today": list(own.due_on(today).order_by("name")[:limit]),
        "next_steps": list(next_steps[:limit]),
        "overdue_count": own.overdue(today).count(),
        "portfolio_count": own.count(),
    }


def follow_ups_by_team(*, actor: Actor) -> list[dict]:
    """Due-today and overdue counts for every portfolio the actor sees, grouped by each person's
    current team, with team totals. Three queries whatever the number of people."""
    today = actor.today()
    rows = (
        Customer.objects.visible_to(actor)
        .exclude(status=Customer.Status.LOST)
        .values("owner_id")
        .annotate(
            customers=Count("pk"),
            overdue=Count("pk", filter=Q(next_due_on__lt=today)),
            due_today=Count("pk", filter=Q(next_due_on=today)),
        )
    )
    counts = {row["owner_id"]: row for row in rows}
    people = list(portfolio_holders(actor=actor))
    team_of = {
        membership.user_id: membership.team
        for membership in TeamMembership.objects.visible_to(actor)
        .current(today)
        .filter(user__in=people)
        .select_related("team")
        .order_by("is_lead")  # a person's own team wins over a team they lead
    }
    groups: dict[object, dict] = {}
    for person in people:
        row = counts.get(person.pk, {"customers": 0, "overdue": 0, "due_today": 0})
        team = team_of.get(person.pk)
        group = groups.setdefault(team, {"team": team, "people": [], "customers": 0, "overdue": 0, "due_today": 0})
        group["people"].append({"person": person, **{key: row[key] for key in ("customers", "overdue", "due_today")}})
        for key in ("customers", "overdue", "due_today"):
            group[key] += row[key]
    for group in groups.values():
        group["people"].sort(key=lambda r: (-r["overdue"], -r["due_today"], r["person"].username))
    return sorted(groups.values(), key=lambda g: (g["team"] is None, -g["overdue"], str(g["team"] or "")))


def pipeline(*, actor: Actor, owner: int | None = None) -> list[dict]:
    """Open opportunities by stage, with unweighted and weighted totals per stage."""
    opportunities = (
        Opportunity.objects.visible_to(actor)
        .filter(stage__in=Opportunity.OPEN_STAGES)
        .select_related("customer", "manager")
        .order_by("expected_close_on", "pk")
    )
    if owner:
        opportunities = opportunities.filter(manager_id=owner)
    columns = {
        stage: {"stage": stage, "label": Opportunity.Stage(stage).label, "items": [], "total": 0, "weighted": 0}
        for stage in Opportunity.OPEN_STAGES
    }
    for opportunity in opportunities[:2000]:
        column = columns[opportunity.stage]
        column["items"].append(opportunity)
        column["total"] += opportunity.amount_minor
        column["weighted"] += opportunity.weighted_amount_minor
    return list(columns.values())


def portfolio_sizes(*, org_id: int, owner_ids: list[int]) -> dict[int, int]:
    """Customers (not lost) per account manager: used to split targets by portfolio size."""
    rows = (
        Customer.objects.filter(org_id=org_id, owner_id__in=owner_ids)
        .exclude(status=Customer.Status.LOST)
        .values("owner_id")
        .annotate(customers=Count("pk"))
        .values_list("owner_id", "customers")
    )
    return dict(rows)


def product_lines(*, org_id: int, limit: int = 8) -> list[str]:
    """The organisation's product lines as its sales name them, the most sold first (the skills
    catalogue seeds "product knowledge" per line from these)."""
    rows = (
        Sale.objects.filter(org_id=org_id)
        .exclude(product_line="")
        .values("product_line")
        .annotate(sales=Count("pk"))
        .order_by("-sales", "product_line")
        .values_list("product_line", flat=True)
    )
    return list(rows[:limit])


def last_activity(*, actor: Actor, manager_ids: list[int]) -> dict[int, dt.date]:
    """The local day of each visible manager's latest logged interaction, read from the KPI
    engine's daily rollups (kept current on every write): a few index rows per person, where
    the interactions themselves would be thousands joined to their customers for the scope."""
    visible = User.objects.visible_to(actor).filter(pk__in=manager_ids).values("pk")
    # A day later than the date rules accept (old rows: a visit dated 2031) is no activity.
    last_day = date_rules.latest_fact(actor.today())
    rows = (
        DailyRollup.objects.filter(org_id=actor.org_id, manager_id__in=visible, interactions__gt=0, day__lte=last_day)
        .values("manager_id")
        .annotate(latest=Max("day"))
        .order_by()
    )
    return {row["manager_id"]: row["latest"] for row in rows}


@dataclass(frozen=True)
class FollowUpPolicyRow:
    tier: str
    label: str
    days: int
    default_days: int

    @property
    def is_default(self) -> bool:
        return self.days == self.default_days


def follow_up_policy_rows(*, actor: Actor) -> list[FollowUpPolicyRow]:
    """The interval in force for every tier, and the built-in default it overrides (if it does)."""
    intervals = FollowUpPolicy.objects.intervals(actor.org_id)
    return [
        FollowUpPolicyRow(tier=tier, label=str(label), days=intervals[tier], default_days=DEFAULT_FOLLOW_UP_DAYS[tier])
        for tier, label in Tier.choices
    ]


# --- follow-ups by date (the work app's calendar shows them beside tasks) ---------------------


def follow_ups_between(*, actor: Actor, start: dt.date, end: dt.date, owner: int | None = None) -> dict:
    """Follow-ups falling from `start` to `end` (inclusive) in the actor's scope, for one
    account manager (`owner`) or everyone the actor sees: customers whose next follow-up is due
    (lost ones are not followed up), and the next steps promised in interactions and not yet
    done. A promise stays with the customer: it is listed under the customer's owner now, as
    My day lists it."""
    customers = (
        Customer.objects.visible_to(actor)
        .exclude(status=Customer.Status.LOST)
        .filter(next_due_on__gte=start, next_due_on__lte=end)
        .select_related("owner")
        .order_by("next_due_on", "name", "pk")
    )
    next_steps = (
        Interaction.objects.visible_to(actor)
        .filter(next_step_done=False, next_step_on__gte=start, next_step_on__lte=end)
        .exclude(next_step="")
        .select_related("customer__owner")
        .order_by("next_step_on", "pk")
    )
    if owner is not None:
        customers = customers.filter(owner_id=owner)
        next_steps = next_steps.filter(customer__owner_id=owner)
    return {"customers": customers, "next_steps": next_steps}


def interactions_between(*, actor: Actor, manager_id: int, start: dt.date, end: dt.date, limit: int = 10) -> list:
    """The latest interactions credited to one manager from `start` to `end` (local days,
    inclusive), newest first, with their customers: a work report's list of the period's
    contacts (the count comes from the KPI engine)."""
    zone = ZoneInfo(actor.org.time_zone)
    since = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return list(
        Interaction.objects.visible_to(actor)
        .filter(manager_id=manager_id, occurred_at__gte=since, occurred_at__lt=until)
        .select_related("customer")
        .order_by("-occurred_at", "-pk")[:limit]
    )
