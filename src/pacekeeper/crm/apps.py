from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    name = "pacekeeper.crm"
    verbose_name = _("Customers")

    def ready(self):
        # The KPI engine knows no fact app: the CRM registers its components and metrics.
        from . import metrics

        metrics.register()
