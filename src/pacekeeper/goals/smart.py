"""The SMART check of a goal, with reasons in the user's language.

Hard failures (a goal cannot be activated without a director's override): not Specific (no
metric or subject), not Measurable (an unknown metric), not Time-bound (no end, or ends before
it starts), not Relevant for a team or personal goal (no parent objective or goal). Warnings:
Achievable (target below the baseline, or far beyond what the subject's own history suggests),
Measurable (no data yet), Relevant for an organisation goal, Time-bound (already over).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from pacekeeper.kpis.registry import METRICS, Direction

from .history import History


def shown_value(metric_key: str, value) -> str:
    """A metric value for a sentence: amounts in major units, rates with a % sign."""
    metric = METRICS.get(metric_key)
    if value is None or metric is None:
        return "—"
    if metric.unit == "currency":
        return f"{(Decimal(value) / 100).quantize(Decimal('0.01')):,}"
    if metric.unit == "percent":
        return f"{Decimal(value).normalize():f}%"
    return f"{Decimal(value).normalize():f}"


HARD = "hard"
WARNING = "warning"
PASSED = "ok"


@dataclass
class Finding:
    criterion: str  # specific | measurable | achievable | relevant | time_bound
    severity: str  # hard | warning | ok
    message: str


@dataclass
class SmartReport:
    findings: list[Finding] = field(default_factory=list)
    likelihood: Decimal | None = None  # chance, from history, of reaching the target (0–100)

    @property
    def hard_failures(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == HARD]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    @property
    def passes(self) -> bool:
        return not self.hard_failures

    def as_dict(self) -> dict:
        return {
            "passes": self.passes,
            "likelihood": None if self.likelihood is None else str(self.likelihood),
            "findings": [vars(f) for f in self.findings],
        }


def smart_check(goal, *, history: History | None, today) -> SmartReport:
    report = SmartReport()
    add = report.findings.append
    metric = METRICS.get(goal.metric)
    if goal.kind == "objective":
        add(
            Finding(
                "specific", PASSED, _("A strategic objective states the direction; goals under it carry the numbers.")
            )
        )
    elif not goal.metric or goal.target is None:
        add(Finding("specific", HARD, _("Name a metric and a target: what number, for whom.")))
    else:
        add(
            Finding(
                "specific",
                PASSED,
                _("%(metric)s for %(subject)s, target %(target)s.")
                % {
                    "metric": metric.label if metric else goal.metric,
                    "subject": goal.subject_label,
                    "target": shown_value(goal.metric, goal.target),
                },
            )
        )
    if goal.metric and metric is None:
        add(Finding("measurable", HARD, _("This metric is not one the system computes.")))
    elif metric and history is not None and all(v in (None, 0) for v in history.values):
        add(Finding("measurable", WARNING, _("There is no data for this metric and subject in the past years yet.")))
    elif metric:
        add(Finding("measurable", PASSED, _("Computed from your own data.")))
    if metric and goal.target is not None and history is not None:
        _achievable(goal, metric, history, report)
    _relevant(goal, add)
    _time_bound(goal, today, add)
    return report


def _achievable(goal, metric, history: History, report: SmartReport) -> None:
    add = report.findings.append
    baseline = history.baseline
    target = Decimal(goal.target)
    higher = metric.direction == Direction.HIGHER
    if baseline is None or (not history.is_rate and baseline <= 0):
        add(Finding("achievable", WARNING, _("No baseline from last year to judge the target against.")))
        return
    implied = target - baseline if history.is_rate else (target - baseline) / baseline
    if (implied < 0) if higher else (implied > 0):
        add(Finding("achievable", WARNING, _("The target is below what was already reached last year: too low.")))
        return
    spread = history.spread()
    if spread is None:
        add(
            Finding(
                "achievable", WARNING, _("Only one year of history: the target cannot be judged against a trend yet.")
            )
        )
        return
    mean, deviation = spread
    z = (implied - mean) / deviation if higher else (mean - implied) / deviation
    chance = Decimal(str(0.5 * math.erfc(float(z) / math.sqrt(2)))) * 100
    report.likelihood = chance.quantize(Decimal("0.1"))
    shown = (
        _("%(change)s%% against a usual %(usual)s%% a year")
        if not history.is_rate
        else _("%(change)s points against a usual %(usual)s points a year")
    )
    change = (implied * (1 if history.is_rate else 100)).quantize(Decimal("0.1"))
    usual = (mean * (1 if history.is_rate else 100)).quantize(Decimal("0.1"))
    detail = shown % {"change": change, "usual": usual}
    if chance < 5:
        add(
            Finding(
                "achievable",
                WARNING,
                _("Unrealistic from this history (about %(chance)s%% likely): %(detail)s.")
                % {"chance": report.likelihood, "detail": detail},
            )
        )
    else:
        add(
            Finding(
                "achievable",
                PASSED,
                _("About %(chance)s%% likely from this history: %(detail)s.")
                % {"chance": report.likelihood, "detail": detail},
            )
        )


def _relevant(goal, add) -> None:
    if goal.kind == "objective" or goal.parent_id:
        add(
            Finding(
                "relevant",
                PASSED,
                _("Linked to what it serves.")
                if goal.parent_id
                else _("A strategic objective is the top of the tree."),
            )
        )
    elif goal.level == "org":
        add(Finding("relevant", WARNING, _("Link the goal to a strategic objective.")))
    else:
        add(Finding("relevant", HARD, _("Link the goal to an objective or a parent goal.")))


def _time_bound(goal, today, add) -> None:
    if goal.ends_on is None:
        add(Finding("time_bound", HARD, _("Give the goal an end date.")))
    elif goal.ends_on < goal.starts_on:
        add(Finding("time_bound", HARD, _("The goal ends before it starts.")))
    elif goal.ends_on < today:
        add(Finding("time_bound", WARNING, _("This period is already over.")))
    else:
        add(Finding("time_bound", PASSED, _("Runs until %(day)s.") % {"day": goal.ends_on.isoformat()}))
