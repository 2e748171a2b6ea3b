"""The metric registry: what each KPI means, its unit and direction, and how it is made of
components. Other apps add metrics with `register()` without touching the engine."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from . import components
from .models import ROLLUP_FIELDS


class Unit(models.TextChoices):
    CURRENCY = "currency", _("Amount")
    COUNT = "count", _("Count")
    PERCENT = "percent", _("Percent")
    SCORE = "score", _("Score")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class ToDate:
    """What a metric means for a period still running (dashboards show "to date")."""

    CUT = "cut"  # a flow: what happened up to today
    # Looks ahead: deals expected to close in the period count whether or not the day has come.
    WHOLE = "whole"
    # Compares whole periods (bought last period and not this one): to date it reads as losing
    # customers who simply have not bought yet, so there is no figure until the period is over.
    NONE = "none"


# Component providers: name → (function, whether daily rollups can stand in for it).
def _same(period):
    return period


@dataclass(frozen=True)
class Provider:
    compute: Callable
    components: tuple[str, ...]
    rollup: Callable | None = None
    # The days its credits can fall on, for a period asked: team changes inside that window
    # need crediting day by day.
    credit_window: Callable = _same


PROVIDERS: dict[str, Provider] = {
    "additive": Provider(
        components.additive_live,
        ROLLUP_FIELDS,
        rollup=components.additive_rollup,
    ),
    # Credited on the buyer's last sale of the previous period.
    "retention": Provider(
        components.retention,
        ("buyers_prev", "retained"),
        rollup=components.retention_rollup,
        credit_window=lambda p: p.previous(),
    ),
    "compliance": Provider(
        components.follow_up_compliance,
        ("followups_due", "followups_on_time"),
        rollup=components.follow_up_compliance_rollup,
    ),
}
COMPONENT_PROVIDER = {name: key for key, provider in PROVIDERS.items() for name in provider.components}

# A component of another period than the one asked for: "sales_minor@previous".
SHIFTS = ("previous", "last_year")


@dataclass(frozen=True)
class Metric:
    key: str
    label: object
    unit: str
    direction: str
    needs: tuple[str, ...]
    value: Callable[[dict[str, int]], int | Decimal | None]
    description: object = ""
    # The values a target can take at all (None: no limit). Amounts and counts cannot be
    # negative, shares are 0–100 %; growth rates have no natural limit.
    bounds: tuple[Decimal | None, Decimal | None] | None = None
    # How a running period is shown (ToDate).
    to_date: str = ToDate.CUT

    @property
    def target_bounds(self) -> tuple[Decimal | None, Decimal | None]:
        if self.bounds is not None:
            return self.bounds
        if self.unit == Unit.PERCENT:
            return Decimal(0), Decimal(100)
        return Decimal(0), None


METRICS: dict[str, Metric] = {}


def register(metric: Metric) -> Metric:
    for need in metric.needs:
        if need.split("@")[0] not in COMPONENT_PROVIDER:
            raise ValueError(f"{metric.key}: unknown component {need}")
    METRICS[metric.key] = metric
    return metric


def unit_of(key: str) -> str:
    """A metric's unit, or "" for a key no longer registered (stored rows may outlive a metric)."""
    metric = METRICS.get(key)
    return metric.unit if metric else ""


def label_of(key: str) -> str:
    """A metric's label in the current language, or the key itself for one no longer registered."""
    metric = METRICS.get(key)
    return str(metric.label) if metric else key


PERCENT_PLACES = Decimal("0.01")


def percent(part: int, whole: int) -> Decimal | None:
    """100 × part / whole, to 0.01 percentage point, half up; None when there is no whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(PERCENT_PLACES, rounding=ROUND_HALF_UP)


def growth(now: int, before: int) -> Decimal | None:
    return percent(now - before, before)


def _average(total: int, count: int) -> int | None:
    if not count:
        return None
    return int((Decimal(total) / count).quantize(Decimal(1), rounding=ROUND_HALF_UP))


register(
    Metric(
        "sales_amount",
        _("Sales amount"),
        Unit.CURRENCY,
        Direction.HIGHER,
        ("sales_minor",),
        lambda c: c["sales_minor"],
        _("Confirmed sales by order date."),
    )
)
register(
    Metric(
        "gross_margin",
        _("Gross margin"),
        Unit.CURRENCY,
        Direction.HIGHER,
        ("margin_minor",),
        lambda c: c["margin_minor"],
        _("Gross margin of confirmed sales."),
    )
)
register(
    Metric(
        "sales_growth",
        _("Sales growth vs previous period"),
        Unit.PERCENT,
        Direction.HIGHER,
        ("sales_minor", "sales_minor@previous"),
        lambda c: growth(c["sales_minor"], c["sales_minor@previous"]),
        _("Change of sales against the previous period of the same length."),
        bounds=(None, None),
    )
)
register(
    Metric(
        "sales_growth_yoy",
        _("Sales growth vs last year"),
        Unit.PERCENT,
        Direction.HIGHER,
        ("sales_minor", "sales_minor@last_year"),
        lambda c: growth(c["sales_minor"], c["sales_minor@last_year"]),
        _("Change of sales against the same period a year earlier."),
        bounds=(None, None),
    )
)
register(
    Metric(
        "new_customers",
        _("New customers won"),
        Unit.COUNT,
        Direction.HIGHER,
        ("new_customers",),
        lambda c: c["new_customers"],
        _("Customers whose first confirmed sale falls in the period."),
    )
)
register(
    Metric(
        "customers_lost",
        _("Customers lost"),
        Unit.COUNT,
        Direction.LOWER,
        ("buyers_prev", "retained"),
        lambda c: c["buyers_prev"] - c["retained"],
        _("Customers who bought in the previous period and not in this one."),
        to_date=ToDate.NONE,
    )
)
register(
    Metric(
        "retention_rate",
        _("Customer retention rate"),
        Unit.PERCENT,
        Direction.HIGHER,
        ("buyers_prev", "retained"),
        lambda c: percent(c["retained"], c["buyers_prev"]),
        _("Share of the previous period's buyers who bought again in this period."),
        to_date=ToDate.NONE,
    )
)
register(
    Metric(
        "renewal_rate",
        _("Contract renewal rate"),
        Unit.PERCENT,
        Direction.HIGHER,
        ("renewals_renewed", "renewals_lost"),
        lambda c: percent(c["renewals_renewed"], c["renewals_renewed"] + c["renewals_lost"]),
        _("Renewed contracts among those ending in the period with a decision."),
    )
)
register(
    Metric(
        "interactions",
        _("Interactions"),
        Unit.COUNT,
        Direction.HIGHER,
        ("interactions",),
        lambda c: c["interactions"],
        _("Visits, calls, emails, meetings and messages logged."),
    )
)
register(
    Metric(
        "visits",
        _("Visits"),
        Unit.COUNT,
        Direction.HIGHER,
        ("visits",),
        lambda c: c["visits"],
        _("Customer visits logged."),
    )
)
register(
    Metric(
        "follow_up_compliance",
        _("Follow-up compliance"),
        Unit.PERCENT,
        Direction.HIGHER,
        ("followups_due", "followups_on_time"),
        lambda c: percent(c["followups_on_time"], c["followups_due"]),
        _("Share of customers contacted within their tier's interval, at the period's end."),
    )
)
register(
    Metric(
        "pipeline_value",
        _("Pipeline value"),
        Unit.CURRENCY,
        Direction.HIGHER,
        ("pipeline_minor",),
        lambda c: c["pipeline_minor"],
        _("Open opportunities expected to close in the period."),
        to_date=ToDate.WHOLE,
    )
)
register(
    Metric(
        "pipeline_weighted",
        _("Weighted pipeline value"),
        Unit.CURRENCY,
        Direction.HIGHER,
        ("pipeline_weighted_minor",),
        lambda c: c["pipeline_weighted_minor"],
        _("Open opportunities expected to close in the period, times their probability."),
        to_date=ToDate.WHOLE,
    )
)
register(
    Metric(
        "average_deal_size",
        _("Average deal size"),
        Unit.CURRENCY,
        Direction.HIGHER,
        ("sales_minor", "sales_count"),
        lambda c: _average(c["sales_minor"], c["sales_count"]),
        _("Confirmed sales amount per order."),
    )
)

# The ten metrics the benchmark computes at every level.
CORE_METRICS = (
    "sales_amount",
    "gross_margin",
    "sales_growth",
    "new_customers",
    "customers_lost",
    "renewal_rate",
    "interactions",
    "visits",
    "pipeline_weighted",
    "average_deal_size",
)
