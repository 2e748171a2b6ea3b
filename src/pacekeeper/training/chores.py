"""Training's periodic chore (lib/chores.py), registered from TrainingConfig.ready()."""

from pacekeeper.lib.chores import register

from .services import onboarding_chore

register(
    "onboarding",
    lambda: onboarding_chore(),
    help="Start new hires' onboarding and tell them and their leads once about each overdue item.",
)
