"""Commission maths, pure: tiers over a figure in minor units (marginal or whole-amount),
per product line, accelerators on attainment, a cap, a floor paid as a recoverable draw, and
clawbacks; every step is one statement item and the sum is rounded once, half up.

Edges (docs/incentives.md):
- A tier "from X" is reached by a figure of X or more (inclusive). In marginal mode its rate
  applies to the part of the figure above X and up to the next threshold, so at exactly X it
  adds nothing; in whole-amount mode the rate of the highest tier reached applies to the whole
  figure, so at exactly X the figure is paid at that tier's rate.
- Below the lowest threshold, and for a figure of zero or less, nothing is paid.
- An accelerator "from 100 %" applies when attainment is 100 % or more (inclusive); of several,
  the one with the highest threshold reached applies (they do not compound).
- Amounts are exact Decimals until the end of a person's line: the line's total is rounded to a
  minor unit once, ROUND_HALF_UP, and the difference is shown as the "rounding" item.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

MARGINAL = "marginal"
WHOLE = "whole"
MODES = (MARGINAL, WHOLE)
OTHER_LINES = ""  # the tiers of a plan for every product line without tiers of its own


@dataclass(frozen=True)
class Tier:
    from_minor: int
    rate_percent: Decimal
    product_line: str = OTHER_LINES


@dataclass(frozen=True)
class Accelerator:
    from_percent: Decimal  # attainment of the person's goal, inclusive
    multiplier: Decimal


@dataclass(frozen=True)
class Clawback:
    sale_id: int
    source_run_id: int
    product_line: str
    amount_minor: int  # the order's figure (amount or margin) that was paid
    rate_percent: Decimal  # the effective rate it was paid at


@dataclass
class Item:
    """One line of a statement. `exact` is the unrounded effect on pay."""

    kind: str  # tier, accelerator, cap, draw, draw_recovery, clawback, rounding
    exact: Decimal
    product_line: str = ""
    from_minor: int | None = None
    upto_minor: int | None = None
    base_minor: int | None = None
    rate_percent: Decimal | None = None
    multiplier: Decimal | None = None
    sale_id: int | None = None
    source_run_id: int | None = None


@dataclass
class Statement:
    items: list[Item] = field(default_factory=list)
    total_minor: int = 0
    rates: dict[str, str] = field(default_factory=dict)  # product pool → effective rate (%)
    multiplier: Decimal = Decimal(1)


def round_minor(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


def tier_items(basis_minor: int, tiers: Sequence[Tier], mode: str = MARGINAL) -> list[Item]:
    """The statement items of one figure under one scale of tiers (exact amounts)."""
    if basis_minor <= 0 or not tiers:
        return []
    ordered = sorted(tiers, key=lambda tier: tier.from_minor)
    product = ordered[0].product_line
    if mode == WHOLE:
        reached = [tier for tier in ordered if tier.from_minor <= basis_minor]
        if not reached:
            return []
        tier = reached[-1]
        exact = Decimal(basis_minor) * tier.rate_percent / 100
        return [Item("tier", exact, product, tier.from_minor, None, basis_minor, tier.rate_percent)]
    uppers = [tier.from_minor for tier in ordered[1:]] + [None]
    items = []
    for tier, upper in zip(ordered, uppers, strict=True):
        if basis_minor <= tier.from_minor:
            break
        top = basis_minor if upper is None else min(basis_minor, upper)
        part = top - tier.from_minor
        exact = Decimal(part) * tier.rate_percent / 100
        items.append(Item("tier", exact, product, tier.from_minor, upper, part, tier.rate_percent))
    return items


def commission_exact(basis_minor: int, tiers: Sequence[Tier], mode: str = MARGINAL) -> Decimal:
    return sum((item.exact for item in tier_items(basis_minor, tiers, mode)), Decimal(0))


def commission_minor(basis_minor: int, tiers: Sequence[Tier], mode: str = MARGINAL) -> int:
    """Marginal (each tier's rate on its slice) or whole-amount (the rate of the tier reached on
    all of it); rounded to a minor unit once, at the end, half up (DESIGN rule 5)."""
    return round_minor(commission_exact(basis_minor, tiers, mode))


def multiplier_for(attainment_percent: Decimal | None, accelerators: Sequence[Accelerator]) -> Decimal:
    """The multiplier of the highest accelerator threshold reached (inclusive); 1 without a goal."""
    if attainment_percent is None:
        return Decimal(1)
    reached = [a for a in accelerators if attainment_percent >= a.from_percent]
    return max(reached, key=lambda a: a.from_percent).multiplier if reached else Decimal(1)


def pools_of(figures: dict[str, int], tiers: Sequence[Tier]) -> dict[str, int]:
    """Split a person's figure by product line into the pools the plan pays differently: each
    product line with tiers of its own, and everything else together (OTHER_LINES)."""
    own = {tier.product_line for tier in tiers if tier.product_line != OTHER_LINES}
    pools: dict[str, int] = {}
    for line, amount in figures.items():
        key = line if line in own else OTHER_LINES
        pools[key] = pools.get(key, 0) + amount
    return pools


def statement(
    *,
    pools: dict[str, int],
    tiers: Sequence[Tier],
    mode: str = MARGINAL,
    multiplier: Decimal = Decimal(1),
    cap_minor: int | None = None,
    floor_minor: int | None = None,
    draw_outstanding: Decimal = Decimal(0),
    clawbacks: Sequence[Clawback] = (),
) -> Statement:
    """A person's line for one run, step by step:
    1. each product pool under its own tiers (or the plan's general tiers);
    2. × the accelerator reached (the whole commission of the period);
    3. the cap cuts the period's commission down to it;
    4. below the floor, the difference is advanced as a draw; above it, draws still outstanding
       are recovered from the part above the floor;
    5. clawbacks of cancelled orders paid in earlier runs are taken off (they are not capped);
    6. the total is rounded half up once."""
    result = Statement(multiplier=multiplier)
    by_line: dict[str, list[Tier]] = {}
    for tier in tiers:
        by_line.setdefault(tier.product_line, []).append(tier)
    earned = Decimal(0)
    for product in sorted(pools):
        basis = pools[product]
        items = tier_items(basis, by_line.get(product, []), mode)
        pool_total = sum((item.exact for item in items), Decimal(0))
        result.items += items
        earned += pool_total
        if basis > 0:
            result.rates[product] = str((pool_total * multiplier * 100 / basis).quantize(Decimal("0.000001")))
    if multiplier != 1 and earned:
        result.items.append(Item("accelerator", earned * (multiplier - 1), multiplier=multiplier))
    earned *= multiplier
    if cap_minor is not None and earned > cap_minor:
        result.items.append(Item("cap", Decimal(cap_minor) - earned, base_minor=cap_minor))
        earned = Decimal(cap_minor)
    floor = Decimal(floor_minor or 0)
    if floor_minor is not None and earned < floor:
        result.items.append(Item("draw", floor - earned, base_minor=floor_minor))
    elif draw_outstanding > 0 and earned > floor:
        recovered = min(draw_outstanding, earned - floor)
        result.items.append(Item("draw_recovery", -recovered))
    for claw in clawbacks:
        exact = -Decimal(claw.amount_minor) * claw.rate_percent / 100
        result.items.append(
            Item(
                "clawback",
                exact,
                product_line=claw.product_line,
                base_minor=claw.amount_minor,
                rate_percent=claw.rate_percent,
                sale_id=claw.sale_id,
                source_run_id=claw.source_run_id,
            )
        )
    exact_total = sum((item.exact for item in result.items), Decimal(0))
    result.total_minor = round_minor(exact_total)
    if result.total_minor != exact_total:
        result.items.append(Item("rounding", Decimal(result.total_minor) - exact_total))
    return result


def tiers_from_rules(rules: list) -> list[Tier]:
    """The tiers a run stored as [[from_minor, "rate", product_line?], …]."""
    return [Tier(int(rule[0]), Decimal(rule[1]), rule[2] if len(rule) > 2 else OTHER_LINES) for rule in rules]


def rules_of(tiers: Sequence[Tier]) -> list:
    ordered = sorted(tiers, key=lambda tier: (tier.product_line, tier.from_minor))
    return [
        [tier.from_minor, str(tier.rate_percent)] + ([tier.product_line] if tier.product_line else [])
        for tier in ordered
    ]
