"""The risk register's periodic chores (lib/chores.py), registered from RisksConfig.ready()."""

from pacekeeper.lib.chores import register

from .services import reviews_notify_all, signals_run_all

register(
    "risk_signals",
    lambda: signals_run_all(),
    help="Raise or update risks from the signals (concentration, goals, capacity, receivables, contracts).",
)
register(
    "risk_reviews",
    lambda: reviews_notify_all(),
    help="Tell each risk owner once about an overdue review.",
)
