"""`pacekeeper worker`: django-tasks-db's worker, kept alive through database errors, and
watching for jobs whose worker died.

The library's worker lets a database error end it, except a lock met while claiming a task:
a "database is locked" when its claiming transaction begins (SQLite, during a long import) or a
dropped connection (PostgreSQL restarting) stopped it for good, and the jobs queued behind stayed
"checking" until someone restarted it. Here such an error is logged and the loop starts again
after a pause that doubles up to a limit; other errors still end the process.

A running worker also looks for stalled jobs every JOB_RECOVERY_SECONDS (and once on start-up),
so a job whose worker was killed is taken care of by any worker still running or started again.
It also runs the periodic chores (lib/chores.py) on start-up and every CHORE_MINUTES, from a
thread of their own so that a long import does not hold them up (with --batch: once, first).
"""

import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, connection
from django_tasks_db.management.commands.db_worker import Worker

logger = logging.getLogger(__name__)

FIRST_PAUSE = 0.5  # seconds after a database error; doubles while the errors go on
LONGEST_PAUSE = 30.0


class ResilientWorker(Worker):
    """The library's worker loop, started again after a database error; `recover` takes up the
    jobs whose worker died, on start-up and then from a thread every JOB_RECOVERY_SECONDS."""

    def __init__(self, *, recover: Callable[[], None], chores: Callable[[], object] | None = None, **options) -> None:
        super().__init__(**options)
        self.recover = recover
        self.chores = chores

    def run(self) -> None:
        retry_without_error(self.recover, until=lambda: not self.running)
        done = threading.Event()
        threading.Thread(target=self._watch, args=(done,), name="stalled-jobs", daemon=True).start()
        if self.chores is not None and self.batch:
            self.chores()
        elif self.chores is not None:
            threading.Thread(target=self._chores, args=(done,), name="chores", daemon=True).start()
        try:
            retry_without_error(super().run, until=lambda: not self.running)
        finally:
            done.set()

    def _watch(self, done: threading.Event) -> None:
        """Look for stalled jobs now and then, over this thread's own connection."""
        while not done.wait(settings.JOB_RECOVERY_SECONDS):
            try:
                self.recover()
            except DatabaseError as error:
                logger.warning("looking for stalled jobs failed, will try again: %s", error)
            finally:
                connection.close()

    def _chores(self, done: threading.Event) -> None:
        """The periodic chores now and every CHORE_MINUTES, over this thread's own connection.
        Each chore is guarded by lib.chores; this guards the round (a database that is away)."""
        while True:
            try:
                self.chores()
            except DatabaseError as error:
                logger.warning("the periodic chores failed, will try again: %s", error)
            finally:
                connection.close()
            if done.wait(settings.CHORE_MINUTES * 60):
                return


def retry_without_error(step: Callable[[], None], *, until: Callable[[], bool]) -> None:
    """Run `step` until it returns; after a database error, log it, drop the connection (it may
    be what broke), pause and run it again. A run that lasted longer than the longest pause
    starts the pauses over from the first."""
    pause = FIRST_PAUSE
    while not until():
        started = time.monotonic()
        try:
            step()
            return
        except DatabaseError as error:
            if time.monotonic() - started > LONGEST_PAUSE:
                pause = FIRST_PAUSE
            logger.warning("database error in the worker, trying again in %.1f s: %s", pause, error)
            _close_quietly()
            time.sleep(pause)
            pause = min(pause * 2, LONGEST_PAUSE)


def _close_quietly() -> None:
    if connection.in_atomic_block:  # run inside someone's transaction (tests): theirs to end
        return
    try:
        connection.close()
    except DatabaseError:
        pass
