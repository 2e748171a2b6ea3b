from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecognitionConfig(AppConfig):
    name = "pacekeeper.recognition"
    verbose_name = _("Recognition")

    def ready(self) -> None:
        from . import chores  # noqa: F401  (registers the badge chore)
        from .defaults import connect

        connect()  # a new organisation gets the default badges
