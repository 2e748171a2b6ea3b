from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    name = "pacekeeper.progress"
    verbose_name = _("Progress reports")

    def ready(self) -> None:
        # `chores` registers the schedule (every Monday, every first working day of the month).
        from . import chores  # noqa: F401
