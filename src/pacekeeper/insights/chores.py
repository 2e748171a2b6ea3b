"""Insights' periodic chore (lib/chores.py), registered from InsightsConfig.ready()."""

from pacekeeper.lib.chores import register

from .services import analyse_all

register(
    "insights",
    lambda: analyse_all(),
    help="Analyse new or changed customer texts (topics, sentiment, keywords); again after a topic change.",
)
