"""Background jobs whose row says how they are doing (imports, payout runs): a heartbeat while
the worker runs, and the stale-job rule that notices a worker that died."""

import contextlib
import datetime as dt
import logging
import threading

from django.conf import settings
from django.db import DatabaseError, connection, models
from django.utils import timezone

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def heartbeat(model: type[models.Model], pk: int):
    """Set `heartbeat_at` every IMPORT_HEARTBEAT_SECONDS from a thread with its own database
    connection, so the beat commits even while the job's own transaction is open."""
    if connection.in_atomic_block:
        # Run inline inside someone's transaction (the immediate task backend): there is no
        # separate worker to watch, and the job row may not be visible to another connection.
        yield
        return
    # The first beat before anything else: a worker killed before its thread beats once still
    # leaves a job that goes stale and is marked failed, not one running for ever.
    model.objects.filter(pk=pk).update(heartbeat_at=timezone.now())
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(settings.IMPORT_HEARTBEAT_SECONDS):
                _beat_once(model, pk)
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"{model._meta.label_lower}-{pk}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _beat_once(model: type[models.Model], pk: int) -> None:
    """One beat. A busy or briefly unreachable database skips this beat, not all the next ones:
    a heartbeat thread that died on one "database is locked" left a running job looking dead."""
    try:
        model.objects.filter(pk=pk).update(heartbeat_at=timezone.now())
    except DatabaseError as error:
        logger.warning("heartbeat of %s %s skipped: %s", model._meta.label_lower, pk, error)
        connection.close()


def stale_cutoff() -> dt.datetime:
    """A running job silent since before this had its worker die (IMPORT_STALE_SECONDS)."""
    return timezone.now() - dt.timedelta(seconds=settings.IMPORT_STALE_SECONDS)


def close_broken_connection() -> None:
    """After an unexpected error in a job: the connection may be what broke, so the job's
    failure is written over a fresh one (outside any transaction)."""
    if not connection.in_atomic_block:
        connection.close()
