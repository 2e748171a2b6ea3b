"""Evaluations' periodic chore (lib/chores.py), registered from ReviewsConfig.ready()."""

from pacekeeper.lib.chores import register

from .services import overdue_notify_all

register(
    "evaluation_deadlines",
    lambda: overdue_notify_all(),
    help="Tell whoever an evaluation step waits on that its deadline has passed (once per step).",
)
