from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncentivesConfig(AppConfig):
    name = "pacekeeper.incentives"
    verbose_name = _("Incentives")

    def ready(self):
        from . import checks  # noqa: F401 (registers the deploy check)
