"""Honest validation of the churn flag on history (docs/relationships.md, "Does it work?").

Score every customer that was alive on a past day (a confirmed sale or a contact in the 182 days
up to it) with the facts known on that day only (`customers_health(..., backtest=True)`), flag
those under the organisation's threshold, and compare with what happened next: a customer is
**lost** when it had no confirmed sale and no contact in the last `silent_days` of the
`horizon_days` after the day (by default: silent for the last six months of the following year).
Grouped queries only: the population (2), the scores (7), the outcome (2).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from pacekeeper.crm.models import Customer, Interaction, Sale

from .health import customers_health, health_weights

ALIVE_DAYS = 182


@dataclass
class Backtest:
    as_of: dt.date
    horizon_end: dt.date
    customers: int
    lost: int
    flagged: int
    flagged_lost: int
    threshold: int
    scores: dict[int, int]

    @property
    def precision(self) -> Decimal | None:
        return _ratio(self.flagged_lost, self.flagged)

    @property
    def recall(self) -> Decimal | None:
        return _ratio(self.flagged_lost, self.lost)

    @property
    def base_rate(self) -> Decimal | None:
        """The precision of flagging everyone (or at random): what the flag must beat."""
        return _ratio(self.lost, self.customers)


def _ratio(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def _active_ids(org, start: dt.date, end: dt.date) -> set[int]:
    """Customers with a confirmed sale or a contact in [start, end]: two grouped queries."""
    zone = ZoneInfo(org.time_zone)
    begin = dt.datetime.combine(start, dt.time(), tzinfo=zone)
    stop = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    sold = Sale.objects.filter(
        org_id=org.pk, status=Sale.Status.CONFIRMED, ordered_on__gte=start, ordered_on__lte=end
    ).values_list("customer_id", flat=True)
    contacted = Interaction.objects.filter(org_id=org.pk, occurred_at__gte=begin, occurred_at__lt=stop).values_list(
        "customer_id", flat=True
    )
    return set(sold.distinct()) | set(contacted.distinct())


def churn_backtest(*, org, as_of: dt.date, horizon_days: int = 365, silent_days: int = 182) -> Backtest:
    alive = _active_ids(org, as_of - dt.timedelta(days=ALIVE_DAYS - 1), as_of)
    customers = Customer.objects.filter(org_id=org.pk, pk__in=alive, created_on__lte=as_of)
    rows = customers_health(org=org, customers=customers, as_of=as_of, backtest=True, language="en")
    horizon_end = as_of + dt.timedelta(days=horizon_days)
    still_active = _active_ids(org, horizon_end - dt.timedelta(days=silent_days - 1), horizon_end)
    lost = {h.customer.pk for h in rows if h.customer.pk not in still_active}
    flagged = {h.customer.pk for h in rows if h.at_risk}

    return Backtest(
        as_of=as_of,
        horizon_end=horizon_end,
        customers=len(rows),
        lost=len(lost),
        flagged=len(flagged),
        flagged_lost=len(flagged & lost),
        threshold=health_weights(org.pk)[1],
        scores={h.customer.pk: h.score for h in rows},
    )
