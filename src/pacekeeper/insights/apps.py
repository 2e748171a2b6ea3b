from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "pacekeeper.insights"
    verbose_name = _("Feedback insights")

    def ready(self) -> None:
        from . import chores, sources  # noqa: F401  (register the chore and the text sources)
        from .services import connect

        connect()  # a new organisation gets the default topics
