"""Periodic chores: small jobs every worker runs on start-up and then every CHORE_MINUTES
(recurring tasks to create, due and overdue notices to send), and `pacekeeper chores` runs once.

Apps register a callable from their AppConfig.ready(). A chore must be idempotent — several
workers may run it at the same moment, and a run may be cut short — so each one keeps its own
"done" marks under a unique constraint. Each chore runs on its own: one that raises is logged
and the others still run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Chore:
    name: str
    run: Callable[[], object]  # returns something to report (a count), or None
    help: str = ""


CHORES: dict[str, Chore] = {}


def register(name: str, run: Callable[[], object], *, help: str = "") -> Chore:
    """Add a chore. Registering a name again replaces it (a reloaded app)."""
    chore = Chore(name=name, run=run, help=help)
    CHORES[name] = chore
    return chore


def run_all(names: Iterable[str] | None = None) -> dict[str, object]:
    """Run the chores (or those named), each guarded. Returns name → result, or the exception a
    chore raised."""
    wanted = set(names) if names is not None else None
    results: dict[str, object] = {}
    for chore in list(CHORES.values()):
        if wanted is not None and chore.name not in wanted:
            continue
        try:
            results[chore.name] = chore.run()
        except Exception as error:
            logger.exception("chore %s failed; the others still run", chore.name)
            results[chore.name] = error
    return results
