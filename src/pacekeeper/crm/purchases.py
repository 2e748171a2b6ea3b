"""Customers' purchase histories: what the new-customer and retention rollups are made of.

A customer's history is its confirmed sales in order (date, then id). Two things follow from it:
its first sale ever (a new customer, credited to that sale's manager on its day: a column of
the daily rollups) and, for every month with a purchase, the manager of the month's last sale
and the next month with a purchase (`RepeatPurchaseRollup`, counted per manager and month pair).

A new sale can change another manager's figures (it may come before the customer's old first
sale, or fall between two purchases), so every path that writes sales runs inside
`sales_rollups.sales_changing`, which compares the histories of the customers concerned before
and after the write and brings both kinds of rollup up to date.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

from pacekeeper.kpis.models import NOT_SINCE, RepeatPurchaseRollup
from pacekeeper.lib.batches import chunks
from pacekeeper.lib.bulk import add_rows

from .models import Sale

Repeat = tuple[int, dt.date, dt.date]  # (manager of the month's last sale, month, next month)


@dataclass(frozen=True)
class History:
    first: tuple[int, dt.date]  # (manager, day) of the first sale ever
    repeats: tuple[Repeat, ...]


def history_of(sales: list[tuple[int, dt.date]]) -> History:
    """From a customer's confirmed sales as (manager, day) in order of date, then id."""
    last_by_month: list[tuple[dt.date, int]] = []
    for manager, day in sales:
        month = day.replace(day=1)
        if last_by_month and last_by_month[-1][0] == month:
            last_by_month[-1] = (month, manager)
        else:
            last_by_month.append((month, manager))
    following = [month for month, _manager in last_by_month[1:]] + [NOT_SINCE]
    repeats = tuple(
        (manager, month, next_month) for (month, manager), next_month in zip(last_by_month, following, strict=True)
    )
    return History(first=sales[0], repeats=repeats)


def histories(org_id: int, customer_ids: Iterable[int] | None = None) -> Iterator[tuple[int, History]]:
    """(customer id, history) for the given customers (all of the organisation's if None) that
    have a confirmed sale."""
    confirmed = Sale.objects.filter(org_id=org_id, status=Sale.Status.CONFIRMED)
    if customer_ids is None:
        yield from _histories(confirmed)
        return
    for chunk in chunks(sorted(set(customer_ids))):
        yield from _histories(confirmed.filter(customer_id__in=chunk))


def _histories(sales) -> Iterator[tuple[int, History]]:
    rows = sales.order_by("customer_id", "ordered_on", "pk").values_list("customer_id", "manager_id", "ordered_on")
    for customer_id, group in groupby(rows.iterator(chunk_size=20000), key=itemgetter(0)):
        yield customer_id, history_of([(manager, day) for _customer, manager, day in group])


def repeats_changed(org_id: int, before: dict[int, History], after: dict[int, History]) -> None:
    """Bring the repeat-purchase rows from the `before` histories of some customers to `after`."""
    delta = _repeat_counts(after.values())
    delta.subtract(_repeat_counts(before.values()))  # (Counter's "-" would drop negative changes)
    _apply(org_id, {key: change for key, change in delta.items() if change})


def _repeat_counts(found: Iterable[History]) -> Counter:
    return Counter(repeat for history in found for repeat in history.repeats)


def _apply(org_id: int, delta: dict[Repeat, int]) -> None:
    """Add the changes in counts to the stored rows; rows that reach zero go."""
    if not delta:
        return
    rows = [
        (org_id, manager, month, next_month, change) for (manager, month, next_month), change in sorted(delta.items())
    ]
    add_rows(RepeatPurchaseRollup, ("org", "manager", "month", "next_month"), ("customers",), rows)
    RepeatPurchaseRollup.objects.filter(
        org_id=org_id,
        customers=0,
        manager_id__in={manager for manager, _month, _next in delta},
        month__in={month for _manager, month, _next in delta},
    ).delete()


def repeat_purchases_rebuild(org_id: int) -> int:
    """Recompute every repeat-purchase row of the organisation from its sales. Returns rows written."""
    counts = _repeat_counts(history for _customer, history in histories(org_id))
    RepeatPurchaseRollup.objects.filter(org_id=org_id).delete()
    rows = [
        RepeatPurchaseRollup(org_id=org_id, manager_id=manager, month=month, next_month=next_month, customers=count)
        for (manager, month, next_month), count in counts.items()
    ]
    RepeatPurchaseRollup.objects.bulk_create(rows, batch_size=5000)
    return len(rows)
