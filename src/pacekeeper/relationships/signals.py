"""Providers of "open complaints and SLA breaches per customer" for the health score.

The relationships app imports no ticket app: a ticket app registers a provider from its own
`apps.py ready()`::

    from pacekeeper.relationships.signals import ComplaintCounts, register_complaint_provider

    def open_complaints(*, org_id, customer_ids, as_of):
        rows = Ticket.objects.filter(org_id=org_id, customer_id__in=customer_ids, ...)
        return {row["customer_id"]: ComplaintCounts(row["open"], row["breached"]) for row in ...}

    register_complaint_provider("tickets", open_complaints)

A provider answers for every customer of `customer_ids` (a subquery of ids) in ONE grouped query
(DESIGN rule 3); customers it leaves out have none. `as_of` is the day the score is computed for:
a provider counts complaints open at the end of that day, so a score computed for a past date
reads only what was known then. Without any provider the factor is left out of the score (its
weight is shared among the others) and the reasons say so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass(frozen=True)
class ComplaintCounts:
    open_complaints: int = 0
    sla_breaches: int = 0

    def __add__(self, other: ComplaintCounts) -> ComplaintCounts:
        return ComplaintCounts(self.open_complaints + other.open_complaints, self.sla_breaches + other.sla_breaches)


Provider = Callable[..., dict[int, ComplaintCounts]]
_PROVIDERS: dict[str, Provider] = {}


def register_complaint_provider(name: str, provider: Provider) -> None:
    """Register (or replace, by name: a reload registers again) a provider."""
    _PROVIDERS[name] = provider


def unregister_complaint_provider(name: str) -> None:
    _PROVIDERS.pop(name, None)


def has_complaint_providers() -> bool:
    return bool(_PROVIDERS)


def complaint_counts(*, org_id: int, customer_ids: QuerySet, as_of: dt.date) -> dict[int, ComplaintCounts]:
    """Summed over the providers: one grouped query each."""
    total: dict[int, ComplaintCounts] = {}
    for provider in _PROVIDERS.values():
        for customer_id, counts in provider(org_id=org_id, customer_ids=customer_ids, as_of=as_of).items():
            total[customer_id] = total.get(customer_id, ComplaintCounts()) + counts
    return total
