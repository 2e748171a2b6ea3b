"""Where "problems raised and measures taken" come from: a registry of source functions.

Apps that record problems (meetings, work reports) register a function with the signature
`problems_and_measures(*, org, person_ids, start, end) -> list[dict]`, each dict with the keys
"date", "person_id" (or None), "problem", "measure" ("" if none yet), "source" (a translated
label) and "url". Registered from the app's AppConfig.ready():

    from pacekeeper.progress.sources import register_problem_source
    register_problem_source("meetings", selectors.problems_and_measures)

Progress reports know no such app by name (the dependency points this way only).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

PROBLEM_SOURCES: dict[str, Callable[..., list[dict]]] = {}


def register_problem_source(name: str, source: Callable[..., list[dict]]) -> None:
    """Add (or replace, under the same name) a source of problems and measures."""
    PROBLEM_SOURCES[name] = source


def unregister_problem_source(name: str) -> None:
    PROBLEM_SOURCES.pop(name, None)


def problems_and_measures(*, org, person_ids: list[int], start: dt.date, end: dt.date) -> list[dict]:
    """Every registered source's problems of these people in the period, oldest first."""
    found: list[dict] = []
    for name in sorted(PROBLEM_SOURCES):
        found.extend(PROBLEM_SOURCES[name](org=org, person_ids=person_ids, start=start, end=end))
    return sorted(found, key=lambda item: (item["date"], str(item.get("problem", ""))))
