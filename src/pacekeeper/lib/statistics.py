"""Planner statistics after bulk loads.

PostgreSQL plans queries from sampled statistics that autovacuum refreshes some time after a
table changes. Right after a bulk load they can be far off (a freshly seeded table believed to
hold 2,500 rows of an organisation that has 2.8 million), and the planner then picks plans
that are 100× slower — measured on the customer page. So whoever loads in bulk refreshes them
at once. SQLite plans without such statistics here; nothing to do.
"""

from django.db import connection

# Fewer new rows than this: autovacuum's own schedule is soon enough.
BULK_ROWS = 10_000


def refresh_after_bulk_load(*models, rows: int | None = None) -> None:
    if connection.vendor != "postgresql" or (rows is not None and rows < BULK_ROWS):
        return
    # Outside a transaction VACUUM can run too: it marks the new pages all-visible, so that
    # queries answered from an index alone (a customer's first sale) need not visit the table.
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        for model in models:
            # The statement takes no parameters; the name is the model's own table, quoted.
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
