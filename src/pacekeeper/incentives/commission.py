"""Commission maths: marginal tiers over a figure in minor units, rounded once, half up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Tier:
    from_minor: int
    rate_percent: Decimal


def commission_minor(basis_minor: int, tiers: Sequence[Tier]) -> int:
    """Each tier's rate applies to the part of the figure between its threshold and the next
    tier's; below the lowest threshold nothing is paid, and a figure of zero or less (returns
    larger than sales) pays nothing. The sum is exact and rounded to a minor unit once, at the
    end, half up (DESIGN rule 5)."""
    if basis_minor <= 0:
        return 0
    ordered = sorted(tiers, key=lambda tier: tier.from_minor)
    uppers = [tier.from_minor for tier in ordered[1:]] + [None]
    total = Decimal(0)
    for tier, upper in zip(ordered, uppers, strict=True):
        if basis_minor <= tier.from_minor:
            break
        top = basis_minor if upper is None else min(basis_minor, upper)
        total += Decimal(top - tier.from_minor) * tier.rate_percent / 100
    return int(total.to_integral_value(rounding=ROUND_HALF_UP))


def tiers_from_rules(rules: list) -> list[Tier]:
    """The tiers a run stored as [[from_minor, "rate"], …]."""
    return [Tier(int(from_minor), Decimal(rate)) for from_minor, rate in rules]


def rules_of(tiers: Sequence[Tier]) -> list:
    return [[tier.from_minor, str(tier.rate_percent)] for tier in sorted(tiers, key=lambda tier: tier.from_minor)]
