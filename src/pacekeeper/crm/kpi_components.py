"""The CRM's KPI components: sales, interactions, contracts, opportunities and customers,
computed for every account manager of an organisation over a period in a fixed number of
grouped queries. `crm.metrics` registers them with the KPI engine as component providers.

Each component is credited to a manager on a day (DESIGN rule 4): the manager stored on the fact,
on the fact's day (sales: order date; interactions: local date; contracts: end date; pipeline:
expected close; new customers: the day of the customer's first sale ever).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate

from pacekeeper.kpis.components import Credits, by_day, day_bounds, grouped
from pacekeeper.kpis.models import RepeatPurchaseRollup
from pacekeeper.kpis.periods import Period, split_by_months
from pacekeeper.tenancy.models import Organization

from .models import Contract, Customer, FollowUpPolicy, Interaction, Opportunity, OwnershipTransfer, Sale

# --- additive components ---------------------------------------------------------------------------


def sales_facts(org: Organization, period: Period) -> QuerySet:
    return Sale.objects.filter(org=org, status=Sale.Status.CONFIRMED, ordered_on__range=(period.start, period.end))


def interaction_facts(org: Organization, period: Period) -> QuerySet:
    start, end = day_bounds(org, period)
    return Interaction.objects.filter(org=org, occurred_at__gte=start, occurred_at__lt=end)


def renewal_facts(org: Organization, period: Period) -> QuerySet:
    decided = (Contract.Renewal.RENEWED, Contract.Renewal.LOST)
    return Contract.objects.filter(org=org, renewal__in=decided, ends_on__range=(period.start, period.end))


def pipeline_facts(org: Organization, period: Period) -> QuerySet:
    return Opportunity.objects.filter(
        org=org, stage__in=Opportunity.OPEN_STAGES, expected_close_on__range=(period.start, period.end)
    )


def first_sale_facts(org: Organization, period: Period) -> QuerySet:
    """Customers' first confirmed sales ever (the earliest; on a tie, the first recorded) that
    fall in the period: each is a new customer, credited to that sale's manager on its day."""
    earlier = Sale.objects.filter(customer_id=OuterRef("customer_id"), status=Sale.Status.CONFIRMED).filter(
        Q(ordered_on__lt=OuterRef("ordered_on")) | Q(ordered_on=OuterRef("ordered_on"), pk__lt=OuterRef("pk"))
    )
    return sales_facts(org, period).filter(~Exists(earlier))


# Weighted amount, half up to the minor unit, in integers (amounts are never negative).
WEIGHTED = (F("amount_minor") * F("probability") + 50) / 100


SALES_AGGREGATES = {"sales_minor": Sum("amount_minor"), "sales_count": Count("pk"), "margin_minor": Sum("margin_minor")}


def sale_components(amount_minor: int, margin_minor: int | None, status: str) -> dict[str, int]:
    """What one sale adds to its (manager, day) cell: SALES_AGGREGATES for a single row, for
    writers that know the rows they insert (an import adds 50,000 without reading them back)."""
    if status != Sale.Status.CONFIRMED:
        return {}
    return {"sales_minor": amount_minor, "sales_count": 1, "margin_minor": margin_minor or 0}


INTERACTION_AGGREGATES = {"interactions": Count("pk"), "visits": Count("pk", filter=Q(kind=Interaction.Kind.VISIT))}


def interaction_cells(org: Organization, interactions: QuerySet) -> dict[tuple[int, dt.date], dict[str, int]]:
    """The interaction components of some interactions, by (manager, local day) cell."""
    day = TruncDate("occurred_at", tzinfo=ZoneInfo(org.time_zone))
    return by_day(interactions, manager="manager_id", day=day, aggregates=INTERACTION_AGGREGATES)


def _additive_sources(org: Organization, period: Period) -> list[tuple[QuerySet, object, dict]]:
    """(facts, credit day, aggregates) for every additive component."""
    zone = ZoneInfo(org.time_zone)
    return [
        (sales_facts(org, period), F("ordered_on"), SALES_AGGREGATES),
        (interaction_facts(org, period), TruncDate("occurred_at", tzinfo=zone), INTERACTION_AGGREGATES),
        (
            renewal_facts(org, period),
            F("ends_on"),
            {
                "renewals_renewed": Count("pk", filter=Q(renewal=Contract.Renewal.RENEWED)),
                "renewals_lost": Count("pk", filter=Q(renewal=Contract.Renewal.LOST)),
            },
        ),
        (
            pipeline_facts(org, period),
            F("expected_close_on"),
            {"pipeline_minor": Sum("amount_minor"), "pipeline_weighted_minor": Sum(WEIGHTED)},
        ),
        (first_sale_facts(org, period), F("ordered_on"), {"new_customers": Count("pk")}),
    ]


def additive_live(org: Organization, period: Period, split: set[int], *, wanted=None, only=None) -> Credits:
    """The additive components from the facts; only the fact tables that carry `wanted` ones."""
    credits = Credits()
    for rows, day, aggregates in _additive_sources(org, period):
        if wanted is None or wanted & aggregates.keys():
            credits.merge(grouped(rows, manager="manager_id", day=day, aggregates=aggregates, split=split, only=only))
    return credits


def additive_cells(org: Organization, period: Period, managers: set[int] | None = None):
    """Every (manager, day) cell's additive components from the facts: what rollups store."""
    cells: dict[tuple[int, dt.date], dict[str, int]] = defaultdict(dict)
    for rows, day, aggregates in _additive_sources(org, period):
        if managers is not None:
            rows = rows.filter(manager_id__in=managers)
        for key, values in by_day(rows, manager="manager_id", day=day, aggregates=aggregates).items():
            cells[key].update(values)
    return cells


# --- customer components -------------------------------------------------------------------------


def retention(org: Organization, period: Period, split: set[int], *, wanted=None, only=None) -> Credits:
    """Customers who bought in the previous period of the same length (`buyers_prev`, credited to
    the manager of their last sale there, on its date) and of those, who bought again in this
    period (`retained`). Lost customers are the difference."""
    previous = period.previous()
    later = Sale.objects.filter(
        customer_id=OuterRef("customer_id"),
        status=Sale.Status.CONFIRMED,
        ordered_on__range=(previous.start, previous.end),
    ).filter(Q(ordered_on__gt=OuterRef("ordered_on")) | Q(ordered_on=OuterRef("ordered_on"), pk__gt=OuterRef("pk")))
    bought_again = Sale.objects.filter(
        customer_id=OuterRef("customer_id"),
        status=Sale.Status.CONFIRMED,
        ordered_on__range=(period.start, period.end),
    )
    lasts = sales_facts(org, previous).filter(~Exists(later)).annotate(again=Exists(bought_again))
    return grouped(
        lasts,
        only=only,
        manager="manager_id",
        day=F("ordered_on"),
        split=split,
        aggregates={"buyers_prev": Count("pk"), "retained": Count("pk", filter=Q(again=True))},
    )


def follow_up_compliance_rollup(org: Organization, period: Period, split: set[int], *, wanted=None, only=None):
    return follow_up_compliance(org, period, split, wanted=wanted, only=only, stored_last_contact=True)


def retention_rollup(org: Organization, period: Period, split: set[int], *, wanted=None, only=None) -> Credits:
    """`retention` from the repeat-purchase rollups when the period is whole months (its
    previous period then is too): a customer whose last purchase month in the previous period
    is followed by no purchase until it ends was a buyer there, retained if the next purchase
    month lies within this period. Split managers, and other periods, come from the facts."""
    months, edges = split_by_months(period)
    if edges or months is None:
        return retention(org, period, split, only=only)
    previous = period.previous()
    rows = RepeatPurchaseRollup.objects.filter(
        org=org, month__range=(previous.start, previous.end), next_month__gt=previous.end
    )
    if only is not None:
        rows = rows.filter(manager_id__in=only)
    credits = Credits()
    if split:
        rows = rows.exclude(manager_id__in=split)
        movers = split if only is None else split & set(only)
        credits.merge(retention(org, period, split, only=movers))
    counted = rows.values("manager_id").annotate(
        buyers_prev=Sum("customers"), retained=Sum("customers", filter=Q(next_month__lte=period.end))
    )
    for row in counted.order_by():
        credits.by_manager[row["manager_id"]] = {"buyers_prev": row["buyers_prev"], "retained": row["retained"] or 0}
    return credits


def follow_up_compliance(
    org: Organization, period: Period, split: set[int], *, wanted=None, only=None, stored_last_contact=False
) -> Credits:
    """At the period's last day E: customers that existed and were not lost (`followups_due`), and
    those contacted within their tier's interval (`followups_on_time`: last contact on or after
    E − interval, or created within the interval and not yet due). Credited to the customer's
    account manager on E, recovered from transfers made after E.

    With `stored_last_contact` (the rollup path), the customer's stored last contact day — kept
    exact by every interaction write — answers whenever it falls on or before E (always, for the
    current period); only customers contacted after E have their interactions probed."""
    zone = ZoneInfo(org.time_zone)
    end_day = period.end
    _start, after_end = day_bounds(org, Period(end_day, end_day))
    intervals = FollowUpPolicy.objects.intervals(org.pk)
    owner_then = Subquery(
        OwnershipTransfer.objects.filter(customer_id=OuterRef("pk"), transferred_at__gte=after_end)
        .order_by("transferred_at", "pk")
        .values("from_manager_id")[:1]
    )
    # Probes of the (customer, time) index rather than each customer's latest contact: an
    # expression used in both a filter and an aggregate would be evaluated for each use.
    contacts = Interaction.objects.filter(customer_id=OuterRef("pk"), occurred_at__lt=after_end)
    contacted_in_time = Exists(contacts.filter(occurred_at__gte=OuterRef("threshold")))
    threshold = Case(
        *[
            When(
                tier=tier, then=Value(dt.datetime.combine(end_day - dt.timedelta(days=days), dt.time.min, tzinfo=zone))
            )
            for tier, days in intervals.items()
        ],
        output_field=DateTimeField(),
    )
    # E − interval, as a day: created on or after it, or last contacted on or after it, is on time.
    limit_day = Case(
        *[When(tier=tier, then=Value(end_day - dt.timedelta(days=days))) for tier, days in intervals.items()],
    )
    customers = (
        Customer.objects.filter(org=org, created_on__lte=end_day)
        .exclude(status=Customer.Status.LOST)
        .annotate(threshold=threshold, limit_day=limit_day)
    )
    # Who held a customer on E: its owner now, unless it changed hands after E. Only those few
    # customers look for their first later transfer (a lookup per customer, for all 200,000 of
    # an organisation, was most of the overview's time).
    moved_later = OwnershipTransfer.objects.filter(org=org, transferred_at__gte=after_end).values("customer_id")
    held_by = (
        customers.exclude(pk__in=moved_later).annotate(credited=F("owner_id")),
        customers.filter(pk__in=moved_later).annotate(
            credited=Coalesce(owner_then, F("owner_id"), output_field=IntegerField())
        ),
    )
    on_time = Q(contacted_in_time) | Q(Q(created_on__gte=F("limit_day")), ~Exists(contacts))
    if stored_last_contact:  # the probes remain only for customers contacted after E
        on_time = (
            Q(last_contacted_on__isnull=True, created_on__gte=F("limit_day"))
            | Q(last_contacted_on__lte=end_day, last_contacted_on__gte=F("limit_day"))
            | Q(Q(last_contacted_on__gt=end_day), on_time)
        )
    credits = Credits()
    for part in held_by:
        credits.add(
            grouped(
                part,
                only=only,
                manager="credited",
                day=Value(end_day),
                split=split,
                aggregates={"followups_due": Count("pk"), "followups_on_time": Count("pk", filter=on_time)},
            )
        )
    return credits
