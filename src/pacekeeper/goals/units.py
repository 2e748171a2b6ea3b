"""Targets as people type them and as the engine counts them: amounts in yuan outside, fen inside."""

from decimal import ROUND_HALF_UP, Decimal

from pacekeeper.kpis.registry import Unit, unit_of


def stored(metric: str, shown: Decimal | None) -> Decimal | None:
    if shown is None:
        return None
    if unit_of(metric) == Unit.CURRENCY:
        return (Decimal(shown) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return Decimal(shown)


def shown(metric: str, value: Decimal | int | None) -> Decimal | None:
    if value is None:
        return None
    if unit_of(metric) == Unit.CURRENCY:
        return (Decimal(value) / 100).quantize(Decimal("0.01"))
    return Decimal(value)
