from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkConfig(AppConfig):
    name = "pacekeeper.work"
    verbose_name = _("Tasks")

    def ready(self) -> None:
        # `chores` registers the periodic chores on import. The KPI engine knows no fact app:
        # work registers its task metrics.
        from . import chores, metrics  # noqa: F401

        metrics.register()
