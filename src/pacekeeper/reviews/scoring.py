"""Evaluation maths, on a 0–100 scale (up to 120 for beating a target), to one decimal, half up.

A metric criterion turns the KPI engine's actual and the target into an attainment in percent,
then its curve turns the attainment into a score:

- attainment, higher is better: actual ÷ target × 100;
- attainment, lower is better (customers lost…): (2 − actual ÷ target) × 100, never below 0 — on
  target is 100, each percent under the target adds a point and each percent over takes one off
  (the same distance either side counts the same; target ÷ actual did not: 1 over a target of 2
  scored 66.7 and 1 under 200);
- curve "linear": the attainment, capped at 120;
- curve "capped" (linear with a floor and a cap): 0 under the floor (an attainment in percent),
  else the attainment, never above the cap (a score, 120 at most);
- curve "bands": the score of the band the attainment falls in; a band runs from its `from`
  (included) to its `to` (excluded; the last band has none). The exact attainment is compared,
  not a rounded one: 59.99 % is under 60 %.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from pacekeeper.kpis.registry import METRICS, Direction

ONE_DECIMAL = Decimal("0.1")
# Beating a target counts, up to a fifth more: one huge deal should not carry a whole review.
CEILING = Decimal(120)
# A rating of 1–5 is worth 20 points a step.
POINTS_PER_RATING = 20
# Grades by final score, best first: (lowest score, grade).
GRADE_BANDS = ((Decimal(90), "A"), (Decimal(75), "B"), (Decimal(60), "C"), (Decimal(0), "D"))
GRADES = ("A", "B", "C", "D")

LINEAR, CAPPED, BANDS = "linear", "capped", "bands"
CURVES = (LINEAR, CAPPED, BANDS)
# Attainment shown on a curve's chart: 0 to 150 %.
CHART_REACH = Decimal(150)


def _rounded(value: Decimal) -> Decimal:
    return value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def attainment(metric: str, actual: Decimal | int | None, target: Decimal) -> Decimal:
    """Attainment in percent, unrounded, never below 0 (no value counts as nothing)."""
    actual, target = Decimal(actual or 0), Decimal(target)
    if METRICS[metric].direction == Direction.LOWER:
        return max(Decimal(0), (2 - actual / target) * 100)
    return max(Decimal(0), actual / target * 100)


def curve_score(attained: Decimal, curve: str = LINEAR, floor=None, cap=None, bands: Sequence = ()) -> Decimal:
    """The score of an attainment (percent) on a curve, to one decimal half up."""
    attained = Decimal(attained)
    if curve == BANDS:
        score = Decimal(0)
        for band in bands:
            if attained >= Decimal(str(band["from"])) and (
                band.get("to") is None or attained < Decimal(str(band["to"]))
            ):
                score = Decimal(str(band["score"]))
                break
        return _rounded(score)
    if curve == CAPPED:
        if floor is not None and attained < Decimal(floor):
            return Decimal("0.0")
        return _rounded(min(Decimal(CEILING if cap is None else cap), attained))
    return _rounded(min(CEILING, attained))


def metric_score(
    metric: str, actual: Decimal | int | None, target: Decimal, curve: str = LINEAR, floor=None, cap=None, bands=()
) -> Decimal:
    return curve_score(attainment(metric, actual, target), curve, floor, cap, bands)


def curve_problems(curve: str, floor, cap, bands: Sequence) -> list[str]:
    """What is wrong with a curve's settings, in words (nothing: an empty list)."""
    if curve not in CURVES:
        return [_("A curve is linear, linear with a floor and a cap, or bands.")]
    problems = []
    if curve == CAPPED:
        if floor is not None and not Decimal(0) <= Decimal(floor) <= CHART_REACH * 2:
            problems.append(_("A floor is an attainment from 0 to 300 %."))
        if cap is not None and not Decimal(0) < Decimal(cap) <= CEILING:
            problems.append(_("A cap is a score above 0 and at most 120."))
    if curve == BANDS:
        problems.extend(band_problems(bands))
    return problems


def band_problems(bands: Sequence) -> list[str]:
    """Bands start at 0 %, each starts where the one before ends (ordered, no overlap, no gap),
    only the last is open-ended, and each score is 0 to 120."""
    if not bands:
        return [_("Give at least one band.")]
    problems = []
    try:
        rows = [
            (Decimal(str(b["from"])), None if b.get("to") is None else Decimal(str(b["to"])), Decimal(str(b["score"])))
            for b in bands
        ]
    except (KeyError, TypeError, ArithmeticError, ValueError):
        return [_("Each band has a from, a to and a score.")]
    if rows[0][0] != 0:
        problems.append(_("The first band starts at 0 %."))
    for index, (start, end, score) in enumerate(rows):
        last = index == len(rows) - 1
        if end is None and not last:
            problems.append(_("Only the last band is open-ended."))
        if end is not None and end <= start:
            problems.append(_("A band ends above where it starts."))
        if not last and end is not None and rows[index + 1][0] != end:
            problems.append(_("Bands are in order, each starting where the one before ends (no overlap, no gap)."))
        if not Decimal(0) <= score <= CEILING:
            problems.append(_("A band's score is from 0 to 120."))
    if rows[-1][1] is not None:
        problems.append(_("The last band has no end."))
    return list(dict.fromkeys(str(problem) for problem in problems))


def curve_chart(curve: str, floor=None, cap=None, bands: Sequence = (), width: int = 160, height: int = 80) -> str:
    """An SVG polyline's points for the curve over 0–150 % attainment (y: 0–120 score), drawn
    server-side (no script)."""
    steps = [Decimal(x) for x in range(0, int(CHART_REACH) + 1)]
    points = []
    for x in steps:
        y = curve_score(x, curve, floor, cap, bands)
        px = x / CHART_REACH * width
        py = height - y / CEILING * height
        points.append(f"{px:.1f},{py:.1f}")
    return " ".join(points)


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
