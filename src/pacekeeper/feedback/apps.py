from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "pacekeeper.feedback"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        # The KPI engine knows no fact app: feedback registers its survey metrics. `chores`
        # registers the periodic chores (scheduled surveys, reminders) on import; `notices` the
        # kinds it announces; `hooks` listens to the CRM's interaction log (feedback depends on
        # crm, never the other way round).
        from . import chores, defaults, hooks, metrics, notices  # noqa: F401

        metrics.register()
        hooks.connect()
        defaults.connect()  # a new organisation gets the CSAT and NPS templates
