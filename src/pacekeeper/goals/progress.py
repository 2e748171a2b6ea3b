"""Where a goal stands: actual, attainment, where it should be by today (linear and seasonal
pace), on-track / at-risk / off-track, and a forecast for the period's end with its basis."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from pacekeeper.kpis.engine import compute
from pacekeeper.kpis.periods import Period
from pacekeeper.kpis.registry import METRICS, Direction, Unit

ON_TRACK = "on_track"
AT_RISK = "at_risk"
OFF_TRACK = "off_track"
# Pace ratios (actual ÷ expected by today) at which a goal stops being on track / at risk.
ON_TRACK_FROM = Decimal("0.95")
AT_RISK_FROM = Decimal("0.80")
TWO_PLACES = Decimal("0.01")


@dataclass
class Progress:
    actual: Decimal
    target: Decimal
    attainment: Decimal | None  # percent of target reached
    expected_linear: Decimal | None
    expected_seasonal: Decimal | None
    status: str
    forecast: Decimal
    basis: str
    elapsed_days: int
    total_days: int

    def as_dict(self) -> dict:
        return {key: (str(value) if isinstance(value, Decimal) else value) for key, value in vars(self).items()}


class Figures:
    """Engine results shared by many goals: goals with the same metric, level and period cost
    one computation for all of them (no query per goal on lists and dashboards)."""

    def __init__(self) -> None:
        self._results: dict[tuple, dict] = {}

    def value(self, goal, metric: str, period: Period) -> Decimal:
        key = (goal.org_id, metric, goal.level, period)
        if key not in self._results:
            self._results[key] = compute(org=goal.org, metrics=[metric], level=goal.level, period=period)
        return Decimal(self._results[key].get(goal.subject_id, {}).get(metric) or 0)


def goals_progress(goals, *, today: dt.date) -> dict[int, Progress | None]:
    figures = Figures()
    return {goal.pk: goal_progress(goal, today=today, figures=figures) for goal in goals}


def goal_progress(goal, *, today: dt.date, figures: Figures | None = None) -> Progress | None:
    """None for goals without a metric, a target or an end."""
    figures = figures or Figures()
    metric = METRICS.get(goal.metric)
    if metric is None or goal.target is None or goal.ends_on is None:
        return None
    period = Period(goal.starts_on, goal.ends_on)
    upto = min(today, goal.ends_on)
    elapsed = max(0, (upto - goal.starts_on).days + 1)
    actual = figures.value(goal, goal.metric, Period(goal.starts_on, upto)) if elapsed else Decimal(0)
    target = Decimal(goal.target)
    if metric.unit in (Unit.CURRENCY, Unit.COUNT):
        return _additive(goal, metric, period, actual, target, elapsed, figures)
    return _level_metric(metric, actual, target, elapsed, period.days)


def _additive(goal, metric, period: Period, actual: Decimal, target: Decimal, elapsed: int, figures) -> Progress:
    total = period.days
    linear = target * elapsed / total
    seasonal = _seasonal_expected(goal, period, target, elapsed, figures) if elapsed else Decimal(0)
    expected = seasonal if seasonal is not None else linear
    remaining = total - elapsed
    run_rate = actual / elapsed if elapsed else Decimal(0)
    forecast = actual + run_rate * remaining
    basis = _("Actual %(actual)s plus %(days)d days at the run rate so far.") % {
        "actual": _shown(metric, actual, goal),
        "days": remaining,
    }
    if goal.metric == "sales_amount" and remaining > 0:
        remaining_period = Period(period.end - dt.timedelta(days=remaining - 1), period.end)
        pipeline = figures.value(goal, "pipeline_weighted", remaining_period)
        forecast += pipeline
        basis += " " + _("Plus the weighted pipeline expected to close by the end: %(pipeline)s.") % {
            "pipeline": _shown(metric, pipeline, goal)
        }
    return Progress(
        actual=actual,
        target=target,
        attainment=_ratio(actual, target, metric),
        expected_linear=linear.quantize(TWO_PLACES),
        expected_seasonal=None if seasonal is None else seasonal.quantize(TWO_PLACES),
        status=_status(actual, expected, metric),
        forecast=forecast.quantize(Decimal(1), rounding=ROUND_HALF_UP),
        basis=basis,
        elapsed_days=elapsed,
        total_days=total,
    )


def _level_metric(metric, actual: Decimal, target: Decimal, elapsed: int, total: int) -> Progress:
    """Rates are judged by where they stand now, against the target itself."""
    return Progress(
        actual=actual,
        target=target,
        attainment=_ratio(actual, target, metric),
        expected_linear=None,
        expected_seasonal=None,
        status=_status(actual, target, metric),
        forecast=actual,
        basis=_("A rate: the forecast is where it stands today."),
        elapsed_days=elapsed,
        total_days=total,
    )


def _seasonal_expected(goal, period: Period, target: Decimal, elapsed: int, figures) -> Decimal | None:
    """Target × the share of last year's same period that had come in by the same day; None
    when last year gives no shape (nothing then, or nothing yet by that day)."""
    last_year = period.same_last_year()
    whole = figures.value(goal, goal.metric, last_year)
    if whole <= 0:
        return None
    so_far = figures.value(goal, goal.metric, Period(last_year.start, last_year.start + dt.timedelta(days=elapsed - 1)))
    if so_far <= 0:
        return None  # no history for this part of last year: the linear pace stands
    return target * so_far / whole


def _ratio(actual: Decimal, target: Decimal, metric) -> Decimal | None:
    if metric.direction == Direction.LOWER:
        return None if not actual else (target / actual * 100).quantize(Decimal("0.1"))
    return None if not target else (actual / target * 100).quantize(Decimal("0.1"))


def _status(actual: Decimal, expected: Decimal, metric) -> str:
    if metric.direction == Direction.LOWER:
        ratio = Decimal(1) if actual <= expected else (expected / actual if actual else Decimal(1))
    else:
        ratio = Decimal(1) if expected <= 0 else actual / expected
    if ratio >= ON_TRACK_FROM:
        return ON_TRACK
    return AT_RISK if ratio >= AT_RISK_FROM else OFF_TRACK


def _shown(metric, value: Decimal, goal) -> str:
    from .smart import shown_value

    return shown_value(metric.key, value, goal.org.currency)
