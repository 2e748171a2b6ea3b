"""A subject's own history of a metric: the baseline and the growth it has managed before."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from decimal import Decimal

from pacekeeper.kpis.engine import compute
from pacekeeper.kpis.periods import Period
from pacekeeper.kpis.registry import METRICS, Unit

YEARS_BACK = 3


@dataclass
class History:
    values: list[Decimal | None]  # the same period 1, 2, 3 … years earlier
    is_rate: bool  # percentages move in points, amounts and counts in relative growth

    @property
    def baseline(self) -> Decimal | None:
        return self.values[0] if self.values else None

    def changes(self) -> list[Decimal]:
        """Year-on-year changes, most recent first: relative for amounts/counts, points for rates."""
        found = []
        for newer, older in zip(self.values, self.values[1:], strict=False):
            if newer is None or older is None:
                continue
            if self.is_rate:
                found.append(newer - older)
            elif older > 0:
                found.append((newer - older) / older)
        return found

    def spread(self) -> tuple[Decimal, Decimal] | None:
        """Mean and standard deviation of the changes, with a floor on the deviation so that
        one or two good years do not make every other outcome look impossible."""
        changes = self.changes()
        if not changes:
            return None
        mean = Decimal(str(statistics.fmean(changes)))
        floor = Decimal("5") if self.is_rate else Decimal("0.10")
        deviation = Decimal(str(statistics.pstdev(changes))) if len(changes) > 1 else Decimal(0)
        return mean, max(deviation, floor)


def metric_history(*, org, metric: str, level: str, subject_id: int, period: Period) -> History:
    values: list[Decimal | None] = []
    shifted = period
    for _year in range(YEARS_BACK):
        shifted = shifted.same_last_year()
        result = compute(org=org, metrics=[metric], level=level, period=shifted)
        value = result.get(subject_id, {}).get(metric)
        values.append(None if value is None else Decimal(value))
    return History(values=values, is_rate=METRICS[metric].unit == Unit.PERCENT)
