"""Splitting a team target into its members' parts.

Parts are rounded to a unit people would write down themselves: the largest power of ten (in
the metric's stored unit: fen for amounts, one for counts) that still leaves at least 100 units
in an average part, so three significant figures survive (¥1,000,000 among three: units of
¥1,000). Each part is the exact share rounded half up to that unit; whatever is left over (plus
or minus) goes to one named part, the largest (the first of equals), so the parts always add up
to the target exactly. Rates are not split: each part is the total.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from pacekeeper.kpis.registry import METRICS, Unit

# Enough units in an average part to keep three significant figures.
UNITS_PER_PART = 100


@dataclass(frozen=True)
class Split:
    parts: list[Decimal]
    unit: Decimal  # the rounding unit, in the metric's stored unit
    remainder: Decimal  # added to parts[remainder_index] after rounding (may be negative or zero)
    remainder_index: int | None  # None when nothing is split (rates) or there are no parts


def rounding_unit(total: int, count: int) -> int:
    """The largest power of ten with at least UNITS_PER_PART of it in an average part (at least 1)."""
    unit = 1
    while unit * 10 * UNITS_PER_PART * count <= abs(total):
        unit *= 10
    return unit


def split(total: Decimal, weights: list[Decimal], metric: str) -> Split:
    """Parts of `total` in proportion to `weights` (equal weights if all are zero)."""
    if not weights or METRICS[metric].unit not in (Unit.CURRENCY, Unit.COUNT):
        return Split([total] * len(weights), Decimal(0), Decimal(0), None)
    if not any(weights):
        weights = [Decimal(1)] * len(weights)
    whole = int(total.to_integral_value(rounding=ROUND_HALF_UP))
    unit = rounding_unit(whole, len(weights))
    weight_sum = sum(weights)
    parts = [
        (Decimal(whole) * weight / weight_sum / unit).quantize(Decimal(1), rounding=ROUND_HALF_UP) * unit
        for weight in weights
    ]
    remainder = Decimal(whole) - sum(parts)
    largest = max(range(len(weights)), key=lambda i: (weights[i], -i))
    parts[largest] += remainder
    return Split(parts, Decimal(unit), remainder, largest)


def split_target(total: Decimal, weights: list[Decimal], metric: str) -> list[Decimal]:
    return split(total, weights, metric).parts
