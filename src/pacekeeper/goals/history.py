"""A subject's own history of a metric: the baseline and the growth it has managed before."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from decimal import Decimal

from pacekeeper.kpis.engine import compute
from pacekeeper.kpis.periods import Period
from pacekeeper.kpis.registry import METRICS, Unit

YEARS_BACK = 3  # YEARS_BACK >= 2: peers' changes need two years
MIN_PEERS = 5  # fewer peers than this say nothing about what is plausible


@dataclass
class Peers:
    """The same metric at the same level for the organisation's other subjects: a fallback
    when a subject's own history is too short to judge a target by."""

    last_year: list[Decimal]  # each peer's value in the same period last year
    changes: list[Decimal]  # each peer's change from two years ago to last year
    is_rate: bool = False

    def spread(self) -> tuple[Decimal, Decimal] | None:
        if len(self.changes) < MIN_PEERS:
            return None
        return _mean_and_deviation(self.changes, is_rate=self.is_rate)


def _mean_and_deviation(changes: list[Decimal], *, is_rate: bool) -> tuple[Decimal, Decimal]:
    mean = Decimal(str(statistics.fmean(changes)))
    floor = Decimal("5") if is_rate else Decimal("0.10")
    deviation = Decimal(str(statistics.pstdev(changes))) if len(changes) > 1 else Decimal(0)
    return mean, max(deviation, floor)


@dataclass
class History:
    values: list[Decimal | None]  # the same period 1, 2, 3 … years earlier
    is_rate: bool  # percentages move in points, amounts and counts in relative growth
    peers: Peers | None = None

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
        return _mean_and_deviation(changes, is_rate=self.is_rate)


def metric_history(*, org, metric: str, level: str, subject_id: int, period: Period) -> History:
    """The subject's values in the same period of the last YEARS_BACK years, and the peers'
    (read from the same computations: the engine answers for every subject of the level)."""
    years = []
    shifted = period
    for _year in range(YEARS_BACK):
        shifted = shifted.same_last_year()
        years.append(compute(org=org, metrics=[metric], level=level, period=shifted))
    is_rate = METRICS[metric].unit == Unit.PERCENT
    values = [_value(year, subject_id, metric) for year in years]
    return History(values=values, is_rate=is_rate, peers=_peers(years, subject_id, metric, is_rate))


def _value(result: dict, subject_id: int, metric: str) -> Decimal | None:
    value = result.get(subject_id, {}).get(metric)
    return None if value is None else Decimal(value)


def _peers(years: list[dict], subject_id: int, metric: str, is_rate: bool) -> Peers:
    recent, older = years[0], years[1]
    values, changes = [], []
    for peer in recent:
        value, earlier = _value(recent, peer, metric), _value(older, peer, metric)
        if peer == subject_id or value is None:
            continue
        values.append(value)
        if earlier is None:
            continue
        if is_rate:
            changes.append(value - earlier)
        elif earlier > 0 and value > 0:
            changes.append((value - earlier) / earlier)
    return Peers(last_year=values, changes=changes, is_rate=is_rate)
