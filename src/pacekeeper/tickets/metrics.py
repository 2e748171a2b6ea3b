"""Ticket KPIs, registered with the KPI engine at start-up (TicketsConfig.ready): tickets opened,
complaints per 100 customers, SLA compliance (first response, resolution) and the median time to
resolve. Definitions: docs/tickets.md, "Ticket metrics".

Credit follows the fact (DESIGN rule 4): a ticket counts for the manager stored on it (the
customer's responsible manager when it was opened), on the local day of each event: opened on
its opening day, responded on the day of its first reply, resolved on the day it was resolved.

The median is not additive, and the engine sums components over managers and days. The
components therefore hold a histogram of resolution times (working hours, buckets below); the
metric reads the median from it by the grouped-data formula (linear within the bucket holding
the middle ticket). Exact when resolution times fall on bucket edges; otherwise within the
bucket's width, which is why the buckets are narrow where most tickets fall (1–8 hours).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from pacekeeper.crm.models import Customer
from pacekeeper.kpis.components import Credits, day_bounds, grouped
from pacekeeper.kpis.periods import Period
from pacekeeper.kpis.registry import Direction, Metric, Unit, percent, register_component, register_metric

from .models import Kind, Ticket

# Upper edges of the resolution-time buckets, in working hours (the last bucket is open).
BUCKETS = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 40, 60, 80, 120, 160, 240)
BUCKET_NAMES = tuple(f"tickets_resolved_le_{hours}h" for hours in BUCKETS) + ("tickets_resolved_over",)

OPENED = {"tickets_opened": Count("pk"), "complaints_opened": Count("pk", filter=Q(kind=Kind.COMPLAINT))}
RESPONDED = {"tickets_responded": Count("pk"), "tickets_responded_on_time": Count("pk", filter=Q(response_met=True))}


def _resolved_aggregates() -> dict:
    aggregates = {
        "tickets_resolved": Count("pk"),
        "tickets_resolved_on_time": Count("pk", filter=Q(resolution_met=True)),
    }
    low = -1
    for hours, name in zip(BUCKETS, BUCKET_NAMES, strict=False):
        aggregates[name] = Count("pk", filter=Q(resolution_seconds__gt=low, resolution_seconds__lte=hours * 3600))
        low = hours * 3600
    aggregates["tickets_resolved_over"] = Count("pk", filter=Q(resolution_seconds__gt=low))
    return aggregates


RESOLVED = _resolved_aggregates()
COMPONENTS = (*OPENED, *RESPONDED, *RESOLVED, "ticket_portfolio_customers")


def _facts(org, period: Period, field: str):
    start, end = day_bounds(org, period)
    rows = Ticket.objects.filter(org=org, **{f"{field}__gte": start, f"{field}__lt": end})
    return rows.annotate(credit_on=TruncDate(field, tzinfo=ZoneInfo(org.time_zone)))


def ticket_live(org, period: Period, split: set[int], *, wanted=None, only=None) -> Credits:
    """Four grouped queries (two more per group for managers split across teams)."""
    credits = Credits()
    for field, aggregates in (("created_at", OPENED), ("first_response_at", RESPONDED), ("resolved_at", RESOLVED)):
        if wanted is None or set(wanted) & set(aggregates):
            rows = _facts(org, period, field)
            credits.merge(
                grouped(rows, manager="manager_id", day=F("credit_on"), aggregates=aggregates, split=split, only=only)
            )
    if wanted is None or "ticket_portfolio_customers" in wanted:
        credits.merge(_portfolios(org, period, split, only))
    return credits


def _portfolios(org, period: Period, split: set[int], only) -> Credits:
    """Customers each manager is responsible for now (not lost): the base of "per 100
    customers". A split manager's count goes on the period's last day (their team then)."""
    rows = Customer.objects.filter(org=org).exclude(status=Customer.Status.LOST)
    if only is not None:
        rows = rows.filter(owner_id__in=only)
    credits = Credits()
    for row in rows.values("owner_id").annotate(n=Count("pk")).order_by():
        if row["owner_id"] in split:
            credits.by_manager_day[(row["owner_id"], period.end)]["ticket_portfolio_customers"] = row["n"]
        else:
            credits.by_manager[row["owner_id"]]["ticket_portfolio_customers"] = row["n"]
    return credits


def per_hundred(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def median_hours(components: dict) -> Decimal | None:
    """The median resolution time in working hours from the histogram (grouped-data formula),
    to 0.1 hour, half up; None without resolved tickets."""
    counts = [components.get(name, 0) or 0 for name in BUCKET_NAMES]
    total = sum(counts)
    if not total:
        return None
    half = Decimal(total) / 2
    below, low = 0, Decimal(0)
    for hours, count in zip((*BUCKETS, None), counts, strict=True):
        if count and below + count >= half:
            if hours is None:  # the middle ticket took longer than the last edge
                return Decimal(BUCKETS[-1])
            value = low + (half - below) / count * (Decimal(hours) - low)
            return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        below += count
        low = Decimal(hours) if hours is not None else low
    return None


METRICS = (
    Metric(
        "tickets_opened",
        _("Tickets opened"),
        Unit.COUNT,
        Direction.LOWER,
        ("tickets_opened",),
        lambda c: c["tickets_opened"],
        _("Complaints, suggestions and service requests opened in the period."),
    ),
    Metric(
        "complaints_per_100_customers",
        _("Complaints per 100 customers"),
        Unit.SCORE,
        Direction.LOWER,
        ("complaints_opened", "ticket_portfolio_customers"),
        lambda c: per_hundred(c["complaints_opened"], c["ticket_portfolio_customers"]),
        _("Complaints opened in the period per 100 customers in the portfolio (customers not lost, today)."),
        bounds=(Decimal(0), None),
    ),
    Metric(
        "sla_first_response",
        _("SLA compliance: first response"),
        Unit.PERCENT,
        Direction.HIGHER,
        ("tickets_responded", "tickets_responded_on_time"),
        lambda c: percent(c["tickets_responded_on_time"], c["tickets_responded"]),
        _("Share of the tickets first answered in the period that were answered within their target."),
    ),
    Metric(
        "sla_resolution",
        _("SLA compliance: resolution"),
        Unit.PERCENT,
        Direction.HIGHER,
        ("tickets_resolved", "tickets_resolved_on_time"),
        lambda c: percent(c["tickets_resolved_on_time"], c["tickets_resolved"]),
        _("Share of the tickets resolved in the period that were resolved within their target."),
    ),
    Metric(
        "ticket_median_resolution_hours",
        _("Median time to resolve (working hours)"),
        Unit.SCORE,
        Direction.LOWER,
        BUCKET_NAMES,
        median_hours,
        _("Median working hours from opening to resolving, of the tickets resolved in the period (pauses excluded)."),
        bounds=(Decimal(0), None),
    ),
)


def register() -> None:
    register_component("tickets", compute=ticket_live, components=COMPONENTS)
    for metric in METRICS:
        register_metric(metric)
