"""Feedback's periodic chores (lib/chores.py), registered from FeedbackConfig.ready()."""

from pacekeeper.lib.chores import register

from .services import reminders_send, scheduled_surveys_send

register(
    "scheduled_surveys",
    lambda: scheduled_surveys_send(),
    help="Send each quarter's survey to the decision makers of the chosen customer tiers.",
)
register("survey_reminders", lambda: reminders_send(), help="Remind once the contacts who have not answered a survey.")
