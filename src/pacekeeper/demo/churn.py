"""Realistic churn for the seeded customers that end up lost (every 37th, `seed._is_lost`).

Before this, a lost customer only had its status set: its history ran on to the last day like
any other's, so nothing in the data foretold the loss and a churn model had nothing honest to be
checked against. Now each lost customer stops on a churn day 190–540 days before the end of the
data; in the 180 days before it, contacts and orders thin out (each kept with probability 0.4)
and orders shrink by half; after it there are no contacts or orders; the contract running on
that day is not renewed, later ones never start. Deterministic: the generator is seeded from
the main one after every other draw, so the rest of the data is the same as before.
"""

from __future__ import annotations

import datetime as dt
import random

CHURN_EARLIEST_DAYS = 540
CHURN_LATEST_DAYS = 190
DECLINE_DAYS = 180
KEPT_IN_DECLINE = 0.4


def fade_lost_customers(
    rng: random.Random,
    lost_ids: set[int],
    interactions: list,
    sales: list,
    contracts: list,
    last_contact: dict,
    last_sale: dict,
    until: dt.date,
) -> tuple[list, list, list]:
    """Trim the generated rows of the lost customers (rows are tuples starting with customer id:
    interactions carry the moment at [4], sales the order day at [3] and the amount at [5],
    contracts start, end and renewal at [4], [5], [7])."""
    churn = {
        customer_id: until - dt.timedelta(days=rng.randint(CHURN_LATEST_DAYS, CHURN_EARLIEST_DAYS))
        for customer_id in sorted(lost_ids)
    }

    def keep(customer_id: int, day: dt.date) -> bool:
        stop = churn.get(customer_id)
        if stop is None:
            return True
        if day > stop:
            return False
        return day <= stop - dt.timedelta(days=DECLINE_DAYS) or rng.random() < KEPT_IN_DECLINE

    interactions = [row for row in interactions if keep(row[0], row[4].date())]
    kept_sales = []
    for row in sales:
        if keep(row[0], row[3]):
            stop = churn.get(row[0])
            if stop is not None and row[3] > stop - dt.timedelta(days=DECLINE_DAYS):
                row = (*row[:5], row[5] // 2, row[6] // 2 if row[6] is not None else None, *row[7:])
            kept_sales.append(row)
    kept_contracts = []
    for row in contracts:
        stop = churn.get(row[0])
        if stop is not None:
            if row[4] > stop:
                continue
            if row[5] >= stop:
                row = (*row[:7], "lost" if row[5] < until else "pending")
        kept_contracts.append(row)
    for customer_id in lost_ids:
        last_contact.pop(customer_id, None)
        last_sale.pop(customer_id, None)
    for row in interactions:
        if row[0] in lost_ids:
            last_contact[row[0]] = max(row[4].date(), last_contact.get(row[0], row[4].date()))
    for row in kept_sales:
        if row[0] in lost_ids and row[7] == "confirmed":
            last_sale[row[0]] = max(row[3], last_sale.get(row[0], row[3]))
    return interactions, kept_sales, kept_contracts
