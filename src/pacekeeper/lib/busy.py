"""A database busy with another writer: recognising it (the answer is 503 with Retry-After,
never 500) and, for writes that are a nicety, not waiting long for it.

SQLite has one writer at a time: another waits up to the connection's timeout, then gets
"database is locked". PostgreSQL waits on a row lock until `lock_timeout`, if one is set
(lock_not_available), and breaks a deadlock by failing one side (deadlock_detected)."""

import contextlib

from django.conf import settings
from django.db import DatabaseError, OperationalError, connection, transaction

# Seconds a client should wait before trying again (Retry-After).
RETRY_AFTER = 5
# SQLSTATE codes of PostgreSQL's "someone else holds what you need": lock_not_available,
# deadlock_detected.
BUSY_SQLSTATES = {"55P03", "40P01"}


def is_database_busy(error: BaseException | None) -> bool:
    if not isinstance(error, DatabaseError):
        return False
    if isinstance(error, OperationalError) and "locked" in str(error).lower():
        return True  # SQLite: "database is locked", "database table is locked"
    return getattr(error.__cause__, "sqlstate", None) in BUSY_SQLSTATES


@contextlib.contextmanager
def brief_lock_wait(milliseconds: int = 200):
    """Within the block, a write waits at most this long for another writer's lock, then raises
    OperationalError (busy). For writes a request can do without, such as a token's last use.
    On PostgreSQL the block is a transaction (a savepoint inside one)."""
    if connection.vendor == "sqlite":
        usual = int(settings.DATABASES["default"].get("OPTIONS", {}).get("timeout", 5) * 1000)
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA busy_timeout = {usual}")
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{int(milliseconds)}ms"])
        yield
