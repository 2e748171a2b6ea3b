from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkConfig(AppConfig):
    name = "pacekeeper.work"
    verbose_name = _("Tasks")

    def ready(self) -> None:
        from . import chores  # noqa: F401  (registers the periodic chores)
