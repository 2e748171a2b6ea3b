"""Recognition's periodic chore (lib/chores.py), registered from RecognitionConfig.ready()."""

from pacekeeper.lib.chores import register

from .services import badges_evaluate_all

register(
    "badges",
    lambda: badges_evaluate_all(),
    help="Award the badges earned in closed periods (each once per person and period).",
)
