"""Keeping the KPI rollups equal to the CRM's sales.

New customers and repeat purchases depend on a customer's whole purchase history (a new sale may
come before the customer's old first sale, or fall between two purchases), so every path that
writes sales runs inside `sales_changing`, which compares the histories of the customers
concerned before and after the write and brings the daily, monthly and repeat-purchase rollups
up to date (through `kpis.rollups`, which the engine reads).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager

from django.db import transaction

from pacekeeper.kpis.rollups import Cell, add_to_rollups, facts_changed
from pacekeeper.lib.batches import chunks

from . import purchases
from .kpi_components import sale_components
from .models import PurchaseHistoryLock

InsertedSale = tuple[int, dt.date, int, int | None, str]  # manager, day, amount, margin (minor units), status


@contextmanager
def sales_changing(*, org_id: int, customer_ids: Iterable[int], inserted: Iterable[InsertedSale] = ()):
    """Wrap a write of these customers' sales; the block adds the (manager, day) cells of the
    sales it updated, before and after, to the list it is given, and `inserted` describes the
    sales it inserts. Afterwards the daily and monthly rollups, new customers
    and repeat purchases all follow the facts: the inserted sales and any first sale that moved
    are added to the cells they fall in, the cells listed are recomputed. The customers'
    purchase histories stay locked for the rest of the transaction, so that two writers cannot
    start from one history (their customer rows are not: visits update those meanwhile)."""
    ids = sorted(set(customer_ids))
    with transaction.atomic():
        _lock_purchase_histories(ids)
        before = dict(purchases.histories(org_id, ids))
        touched: list[Cell | None] = []
        yield touched
        after = dict(purchases.histories(org_id, ids))
        purchases.repeats_changed(org_id, before, after)
        additions = _inserted_sales(inserted)
        for customer in ids:
            was, now = _first(before, customer), _first(after, customer)
            if was != now:  # a new customer moves from one cell to another (or appears, or goes)
                if was:
                    additions[was]["new_customers"] -= 1
                if now:
                    additions[now]["new_customers"] += 1
        add_to_rollups(org_id, additions)
        facts_changed(org_id=org_id, cells=touched)  # after the additions: a recomputed cell is whole


def _lock_purchase_histories(customer_ids: list[int]) -> None:
    """Lock each customer's PurchaseHistoryLock row (created if need be) in id order: writers
    that lock in one order cannot deadlock."""
    for chunk in chunks(customer_ids):
        PurchaseHistoryLock.objects.bulk_create(
            [PurchaseHistoryLock(customer_id=pk) for pk in chunk], ignore_conflicts=True
        )
        list(PurchaseHistoryLock.objects.select_for_update().filter(pk__in=chunk).order_by("pk").values_list("pk"))


def _inserted_sales(sales: Iterable[InsertedSale]) -> dict[Cell, dict[str, int]]:
    additions: dict[Cell, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for manager, day, amount_minor, margin_minor, status in sales:
        for name, value in sale_components(amount_minor, margin_minor, status).items():
            additions[manager, day][name] += value
    return additions


def _first(found: dict[int, purchases.History], customer_id: int) -> Cell | None:
    """The customer's first-sale cell: where the daily rollups count it as a new customer."""
    history = found.get(customer_id)
    return history.first if history else None
