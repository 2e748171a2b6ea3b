"""The signal registry: what raises or updates risks from the data (docs/risks.md, "Signals").

A provider reads one organisation's data in a bounded number of grouped queries (never a query
per person or customer) and returns findings. Other apps register their providers from their
own AppConfig.ready() — `from pacekeeper.risks.signals import register` — without risks knowing
them (a relationships app's "key customer's health is falling" signal plugs in here).

A finding's key is "<kind>:<subject>"; the runner (services.signals_run) keeps at most one open
risk per key: a new finding raises a risk, a repeated one updates the open risk's scores and
evidence. Nothing is closed automatically: the owner closes a risk once it is dealt with.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Finding:
    kind: str
    subject: str  # what the finding is about, within its kind ("manager:12", "contract:7")
    level: str  # org, team, customer, goal (risks.models.Level)
    category: str
    probability: int
    impact: int
    title: str
    evidence: dict = field(default_factory=dict)  # JSON: the figures read, and a sentence saying them
    link: str = ""  # the page that shows the evidence
    owner_id: int | None = None  # None: the organisation's first director (or org admin)
    team_id: int | None = None
    customer_id: int | None = None
    goal_id: int | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.subject}"


@dataclass(frozen=True)
class Context:
    """What every provider gets: the organisation, its thresholds, today, and who is in which
    team today (read once per run for all providers)."""

    org: object
    settings: object
    today: dt.date
    team_of: dict[int, int]  # person → a current team (their first)
    lead_of: dict[int, int]  # team → a current lead


@dataclass(frozen=True)
class Signal:
    kind: str
    label: object  # a (lazy) translated name
    provider: Callable[[Context], list[Finding]]


SIGNALS: dict[str, Signal] = {}


def register(kind: str, label, provider: Callable[[Context], list[Finding]]) -> Signal:
    """Add a signal kind. Registering a kind again replaces it (a reloaded app)."""
    signal = Signal(kind=kind, label=label, provider=provider)
    SIGNALS[kind] = signal
    return signal
