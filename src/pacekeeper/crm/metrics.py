"""The CRM's KPIs: its component providers and its metrics, registered with the KPI engine at
start-up (`CrmConfig.ready`). The engine imports nothing of the CRM; this module is the whole
of what it knows of it. The CRM's write services keep its rollups current (`kpis.rollups`,
`crm.sales_rollups`)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from pacekeeper.kpis.components import additive_rollup
from pacekeeper.kpis.models import ROLLUP_FIELDS
from pacekeeper.kpis.registry import (
    Direction,
    Metric,
    ToDate,
    Unit,
    growth,
    percent,
    register_component,
    register_metric,
    register_portfolio_carriers,
)

from . import kpi_components, purchases
from .selectors import portfolio_sizes


def _average(total: int, count: int) -> int | None:
    if not count:
        return None
    return int((Decimal(total) / count).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# In the order lists show them.
METRICS = (
    Metric(
        "sales_amount",
        _("Sales amount"),
        Unit.CURRENCY,
        Direction.HIGHER,
        ("sales_minor",),
        lambda c: c["sales_minor"],
        _("Confirmed sales by order date."),
    ),
    Metric(
        "gross_margin",
        _("Gross margin"),
        Unit.CURRENCY,
        Direction.HIGHER,
        ("margin_minor",),
        lambda c: c["margin_minor"],
        _("Gross margin of confirmed sales."),
    ),
    Metric(
        "sales_growth",
        _("Sales growth vs previous period"),
        Unit.PERCENT,
        Direction.HIGHER,
        ("sales_minor", "sales_minor@previous"),
        lambda c: growth(c["sales_minor"], c["sales_minor@previous"]),
        _("Change of sales against the previous period of the same length."),
        bounds=(None, None),
    ),
    Metric(
        "sales_growth_yoy",
        _("Sales growth vs last year"),
        Unit.PERCENT,
        Direction.HIGHER,
        ("sales_minor", "sales_minor@last_year"),
        lambda c: growth(c["sales_minor"], c["sales_minor@last_year"]),
        _("Change of sales against the same period a year earlier."),
        bounds=(None, None),
    ),
    Metric(
        "new_customers",
        _("New customers won"),
        Unit.COUNT,
        Direction.HIGHER,
        ("new_customers",),
        lambda c: c["new_customers"],
        _("Customers whose first confirmed sale falls in the period."),
    ),
    Metric(
        "customers_lost",
        _("Customers lost"),
        Unit.COUNT,
        Direction.LOWER,
        ("buyers_prev", "retained"),
        lambda c: c["buyers_prev"] - c["retained"],
        _("Customers who bought in the previous period and not in this one."),
        to_date=ToDate.NONE,
    ),
    Metric(
        "retention_rate",
        _("Customer retention rate"),
        Unit.PERCENT,
        Direction.HIGHER,
        ("buyers_prev", "retained"),
        lambda c: percent(c["retained"], c["buyers_prev"]),
        _("Share of the previous period's buyers who bought again in this period."),
        to_date=ToDate.NONE,
    ),
    Metric(
        "renewal_rate",
        _("Contract renewal rate"),
        Unit.PERCENT,
        Direction.HIGHER,
        ("renewals_renewed", "renewals_lost"),
        lambda c: percent(c["renewals_renewed"], c["renewals_renewed"] + c["renewals_lost"]),
        _("Renewed contracts among those ending in the period with a decision."),
    ),
    Metric(
        "interactions",
        _("Interactions"),
        Unit.COUNT,
        Direction.HIGHER,
        ("interactions",),
        lambda c: c["interactions"],
        _("Visits, calls, emails, meetings and messages logged."),
    ),
    Metric(
        "visits",
        _("Visits"),
        Unit.COUNT,
        Direction.HIGHER,
        ("visits",),
        lambda c: c["visits"],
        _("Customer visits logged."),
    ),
    Metric(
        "follow_up_compliance",
        _("Follow-up compliance"),
        Unit.PERCENT,
        Direction.HIGHER,
        ("followups_due", "followups_on_time"),
        lambda c: percent(c["followups_on_time"], c["followups_due"]),
        _("Share of customers contacted within their tier's interval, at the period's end."),
    ),
    Metric(
        "pipeline_value",
        _("Pipeline value"),
        Unit.CURRENCY,
        Direction.HIGHER,
        ("pipeline_minor",),
        lambda c: c["pipeline_minor"],
        _("Open opportunities expected to close in the period."),
        to_date=ToDate.WHOLE,
    ),
    Metric(
        "pipeline_weighted",
        _("Weighted pipeline value"),
        Unit.CURRENCY,
        Direction.HIGHER,
        ("pipeline_weighted_minor",),
        lambda c: c["pipeline_weighted_minor"],
        _("Open opportunities expected to close in the period, times their probability."),
        to_date=ToDate.WHOLE,
    ),
    Metric(
        "average_deal_size",
        _("Average deal size"),
        Unit.CURRENCY,
        Direction.HIGHER,
        ("sales_minor", "sales_count"),
        lambda c: _average(c["sales_minor"], c["sales_count"]),
        _("Confirmed sales amount per order."),
    ),
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


def register() -> None:
    """Register the CRM's component providers, then its metrics (in the order lists show them)."""
    register_component(
        "additive",
        compute=kpi_components.additive_live,
        components=ROLLUP_FIELDS,
        rollup=additive_rollup,
        cells=kpi_components.additive_cells,
    )
    # Credited on the buyer's last sale of the previous period.
    register_component(
        "retention",
        compute=kpi_components.retention,
        components=("buyers_prev", "retained"),
        rollup=kpi_components.retention_rollup,
        credit_window=lambda p: p.previous(),
        rebuild=purchases.repeat_purchases_rebuild,
    )
    register_component(
        "compliance",
        compute=kpi_components.follow_up_compliance,
        components=("followups_due", "followups_on_time"),
        rollup=kpi_components.follow_up_compliance_rollup,
    )
    for metric in METRICS:
        register_metric(metric)
    register_portfolio_carriers(_carriers)


def _carriers(org_id: int, user_ids: list[int]) -> set[int]:
    """A portfolio is the customers someone owns who are not lost."""
    return set(portfolio_sizes(org_id=org_id, owner_ids=user_ids))
