from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkConfig(AppConfig):
    name = "pacekeeper.work"
    verbose_name = _("Tasks")

    def ready(self):
        # The KPI engine knows no fact app: work registers its task metrics.
        from . import metrics

        metrics.register()
