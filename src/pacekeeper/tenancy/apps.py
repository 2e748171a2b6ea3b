from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenancyConfig(AppConfig):
    name = "pacekeeper.tenancy"
    verbose_name = _("Organisation and people")

    def ready(self):
        # Connects the sign-in signal handlers (session clock) wherever Django runs.
        from . import sign_in  # noqa: F401
