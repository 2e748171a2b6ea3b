"""The metric registry: what each KPI means, its unit and direction, and how it is made of
components.

The engine knows no fact app by name (DESIGN, Layout). Each fact app registers, from its
AppConfig.ready(), the providers of its components (`register_component`) and then its metrics
(`register_metric`); `crm.metrics` is the example to follow (docs/kpis.md, Adding metrics)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

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


def _same(period):
    return period


@dataclass(frozen=True)
class Provider:
    """Computes some components for every account manager of an organisation over a period, in
    a fixed number of grouped queries: `compute(org, period, split, *, wanted, only)` → Credits
    (`split`: managers to credit day by day; `wanted`: the components asked for; `only`: the
    managers to limit the work to, or None)."""

    compute: Callable
    components: tuple[str, ...]
    # The same from the provider's rollups, if it keeps any (same signature and figures).
    rollup: Callable | None = None
    # The days its credits can fall on, for a period asked: team changes inside that window
    # need crediting day by day.
    credit_window: Callable = _same
    # For components kept in the shared daily and monthly rollups (`models.ROLLUP_FIELDS`):
    # `cells(org, period, managers)` → {(manager, day): {component: value}} from the facts,
    # what `rollups` stores and refreshes.
    cells: Callable | None = None
    # Recomputes the provider's own rollups of an organisation from its facts (`rebuild(org_id)`
    # → rows written), for `rollups.rollups_rebuild`.
    rebuild: Callable | None = None


# Filled at start-up by the fact apps: provider key → provider, component → provider key.
PROVIDERS: dict[str, Provider] = {}
COMPONENT_PROVIDER: dict[str, str] = {}


def register_component(
    key: str,
    *,
    compute: Callable,
    components: tuple[str, ...],
    rollup: Callable | None = None,
    credit_window: Callable = _same,
    cells: Callable | None = None,
    rebuild: Callable | None = None,
) -> Provider:
    """Register (or replace, under the same key) a provider of components. A component name
    belongs to one provider; components in the shared rollups must be columns of them."""
    for name in components:
        owner = COMPONENT_PROVIDER.get(name, key)
        if owner != key:
            raise ValueError(f"{key}: component {name} is already provided by {owner}")
        if "@" in name:
            raise ValueError(f"{key}: component {name} cannot contain @")
    if cells is not None and not set(components) <= set(ROLLUP_FIELDS):
        raise ValueError(f"{key}: only components of the shared rollups can have cells")
    provider = Provider(compute, tuple(components), rollup, credit_window, cells, rebuild)
    for name in PROVIDERS[key].components if key in PROVIDERS else ():
        del COMPONENT_PROVIDER[name]  # a replaced provider's components are its new ones only
    PROVIDERS[key] = provider
    COMPONENT_PROVIDER.update({name: key for name in provider.components})
    return provider


# Who carries a portfolio, for rankings: `carriers(org_id, user_ids)` → the ids among them who
# do. A team lead who carries none is not ranked at zero (docs/dashboards.md). The fact app that
# owns portfolios registers it (the CRM: owns a customer who is not lost); unset, everyone does.
PORTFOLIO_CARRIERS: dict[str, Callable] = {}


def register_portfolio_carriers(carriers: Callable) -> None:
    PORTFOLIO_CARRIERS["carriers"] = carriers


def portfolio_carriers(org_id: int, user_ids: list[int]) -> set[int]:
    carriers = PORTFOLIO_CARRIERS.get("carriers")
    return set(user_ids) if carriers is None else set(carriers(org_id, user_ids))


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


def register_metric(metric: Metric) -> Metric:
    """Register (or replace, under the same key) a metric; its components must be registered."""
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
