"""The one list-filter preamble of the work API's lists (tasks, plans, recurring tasks, resource
requests): each query parameter given narrows the rows by its lookup; one not given (None, an
empty or blank text) leaves them as they are. Text is trimmed and cut to 100 characters, as the
search boxes do."""

from __future__ import annotations

from django.db.models import QuerySet

TEXT_LIMIT = 100


def filter_given(rows: QuerySet, **lookups) -> QuerySet:
    """`filter_given(plans, goal_id=goal, title__icontains=q)`: only the lookups with a value."""
    for lookup, value in lookups.items():
        if isinstance(value, str):
            value = value.strip()[:TEXT_LIMIT]
        if value in (None, "", False):
            continue
        rows = rows.filter(**{lookup: value})
    return rows
