"""Evaluation maths, on a 0–100 scale (up to 120 for beating a target), to one decimal, half up."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from pacekeeper.kpis.registry import METRICS, Direction

ONE_DECIMAL = Decimal("0.1")
# Beating a target counts, up to a fifth more: one huge deal should not carry a whole review.
CEILING = Decimal(120)
# A rating of 1–5 is worth 20 points a step.
POINTS_PER_RATING = 20
# Grades by final score, best first: (lowest score, grade).
GRADE_BANDS = ((Decimal(90), "A"), (Decimal(75), "B"), (Decimal(60), "C"), (Decimal(0), "D"))


def _rounded(value: Decimal) -> Decimal:
    return value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def metric_score(metric: str, actual: Decimal | int | None, target: Decimal) -> Decimal:
    """Attainment in percent, capped at CEILING: actual ÷ target for a metric where higher is
    better, target ÷ actual where lower is (no value, or nothing, counts as no attainment for
    the first and full marks for the second)."""
    actual = Decimal(actual or 0)
    if METRICS[metric].direction == Direction.LOWER:
        attained = CEILING if actual <= 0 else Decimal(target) / actual * 100
    else:
        attained = actual / Decimal(target) * 100
    return _rounded(min(CEILING, max(Decimal(0), attained)))


def rating_score(rating: int) -> Decimal:
    return Decimal(rating * POINTS_PER_RATING)


def weighted_score(parts: Sequence[tuple[int, Decimal]]) -> Decimal:
    """The mean of (weight, score) pairs by weight."""
    total_weight = sum(weight for weight, _score in parts)
    return _rounded(sum(Decimal(weight) * score for weight, score in parts) / total_weight)


def grade_for(score: Decimal) -> str:
    for lowest, grade in GRADE_BANDS:
        if score >= lowest:
            return grade
    return "D"
