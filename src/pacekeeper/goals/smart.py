"""The SMART check of a goal, with reasons in the user's language.

Hard failures (a goal cannot be activated without a director's override): not Specific (no
metric or subject), not Measurable (an unknown metric), not Time-bound (no end, or ends before
it starts), not Relevant for a team or personal goal (no parent objective or goal). Warnings:
Achievable (target below the baseline, or far beyond what the subject's own history — or, when
that is short, its peers' — suggests), Achievable as a hard failure (a target outside what the
metric can take, or many times last year's result: a typing error, not a stretch),
Measurable (no data yet), Relevant for an organisation goal, Time-bound (already over).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pacekeeper.kpis.registry import METRICS, Direction
from pacekeeper.lib.formatting import format_amount, format_date

from .history import MIN_PEERS, History


def shown_value(metric_key: str, value, currency: str = "CNY") -> str:
    """A metric value for a sentence, as everywhere else (lib/formatting.py, DESIGN rule 11):
    amounts with their currency sign (¥61,147,897.45), rates with a % sign."""
    metric = METRICS.get(metric_key)
    if value is None or metric is None:
        return "—"
    if metric.unit == "currency":
        minor = int(Decimal(value).to_integral_value(rounding=ROUND_HALF_UP))
        return format_amount(minor, currency, get_language() or "zh-hans")
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
                    "target": shown_value(goal.metric, goal.target, goal.org.currency),
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


# A target more than this many times last year's result (or, without a result of its own, the
# best peer's) is not a stretch but a typing error or a wish: a hard failure.
IMPLAUSIBLE_MULTIPLE = 5
# The same for rates, in percentage points of change.
IMPLAUSIBLE_POINTS = 50


def _achievable(goal, metric, history: History, report: SmartReport) -> None:
    add = report.findings.append
    target = Decimal(goal.target)
    if _out_of_bounds(goal, metric, target, add):
        return
    baseline = history.baseline
    if baseline is None or (not history.is_rate and baseline <= 0):
        _judge_against_peers(goal, metric, target, history, add)
        return
    implied = target - baseline if history.is_rate else (target - baseline) / baseline
    if _implausible(goal, history, target, baseline, add):
        return
    higher = metric.direction == Direction.HIGHER
    if (implied < 0) if higher else (implied > 0):
        add(Finding("achievable", WARNING, _("The target is below what was already reached last year: too low.")))
        return
    spread, basis = history.spread(), ""
    if spread is None and history.peers is not None:
        spread = history.peers.spread()
        basis = _("Only one year of its own history, so judged by how %(count)s peers changed: ") % {
            "count": len(history.peers.changes)
        }
    if spread is None:
        add(
            Finding(
                "achievable",
                WARNING,
                _(
                    "Only one year of history and too few peers with two years: the target cannot be "
                    "judged against a trend yet."
                ),
            )
        )
        return
    _likelihood(spread, implied, higher, history.is_rate, basis, report)


def _out_of_bounds(goal, metric, target: Decimal, add) -> bool:
    lowest, highest = metric.target_bounds
    if lowest is not None and target < lowest:
        add(
            Finding(
                "achievable",
                HARD,
                _("A target below %(lowest)s cannot be reached or measured for this metric.")
                % {"lowest": shown_value(goal.metric, lowest, goal.org.currency)},
            )
        )
        return True
    if highest is not None and target > highest:
        add(
            Finding(
                "achievable",
                HARD,
                _("A target above %(highest)s cannot be reached for this metric.")
                % {"highest": shown_value(goal.metric, highest, goal.org.currency)},
            )
        )
        return True
    return False


def _implausible(goal, history: History, target: Decimal, baseline: Decimal, add) -> bool:
    if history.is_rate:
        if abs(target - baseline) <= IMPLAUSIBLE_POINTS:
            return False
        message = _(
            "The target is %(points)s points away from last year's %(baseline)s: far beyond any "
            "plausible change. Check what was typed."
        ) % {
            "points": abs(target - baseline).quantize(Decimal("0.1")),
            "baseline": shown_value(goal.metric, baseline, goal.org.currency),
        }
    else:
        if target <= baseline * IMPLAUSIBLE_MULTIPLE:
            return False
        message = _(
            "The target is %(times)s times last year's %(baseline)s: far beyond any plausible growth. "
            "Check what was typed."
        ) % {
            "times": (target / baseline).quantize(Decimal("0.1")),
            "baseline": shown_value(goal.metric, baseline, goal.org.currency),
        }
    add(Finding("achievable", HARD, message))
    return True


def _judge_against_peers(goal, metric, target: Decimal, history: History, add) -> None:
    """No result of its own last year (a new person or team): what the peers reached is the
    only evidence, and the finding says so."""
    peers = history.peers.last_year if history.peers else []
    if len(peers) < MIN_PEERS:
        add(
            Finding(
                "achievable",
                WARNING,
                _("No result of its own last year and too few peers to compare with: the target cannot be judged."),
            )
        )
        return
    best = max(peers)
    if not history.is_rate and best > 0 and target > best * IMPLAUSIBLE_MULTIPLE:
        add(
            Finding(
                "achievable",
                HARD,
                _(
                    "No result of its own last year, and the target is %(times)s times the best of "
                    "%(count)s peers (%(best)s): far beyond what anyone reached. Check what was typed."
                )
                % {
                    "times": (target / best).quantize(Decimal("0.1")),
                    "count": len(peers),
                    "best": shown_value(goal.metric, best, goal.org.currency),
                },
            )
        )
        return
    higher = metric.direction == Direction.HIGHER
    beaten = sum(1 for value in peers if (value < target if higher else value > target))
    add(
        Finding(
            "achievable",
            WARNING if beaten == len(peers) else PASSED,
            _(
                "No result of its own last year: judged against %(count)s peers, the target is beyond "
                "what %(beaten)s of them reached (the best reached %(best)s)."
            )
            % {"count": len(peers), "beaten": beaten, "best": shown_value(goal.metric, best, goal.org.currency)},
        )
    )


def _likelihood(spread, implied: Decimal, higher: bool, is_rate: bool, basis: str, report: SmartReport) -> None:
    add = report.findings.append
    mean, deviation = spread
    z = (implied - mean) / deviation if higher else (mean - implied) / deviation
    chance = Decimal(str(0.5 * math.erfc(float(z) / math.sqrt(2)))) * 100
    report.likelihood = chance.quantize(Decimal("0.1"))
    shown = (
        _("%(change)s%% against a usual %(usual)s%% a year")
        if not is_rate
        else _("%(change)s points against a usual %(usual)s points a year")
    )
    change = (implied * (1 if is_rate else 100)).quantize(Decimal("0.1"))
    usual = (mean * (1 if is_rate else 100)).quantize(Decimal("0.1"))
    detail = basis + shown % {"change": change, "usual": usual}
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
        add(
            Finding(
                "time_bound",
                PASSED,
                _("Runs until %(day)s.") % {"day": format_date(goal.ends_on, get_language() or "zh-hans")},
            )
        )
