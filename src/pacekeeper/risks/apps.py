from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisksConfig(AppConfig):
    name = "pacekeeper.risks"
    verbose_name = _("Risks")

    def ready(self) -> None:
        from . import chores, notices  # noqa: F401  (register the chores and the notice kind)
        from .providers import register_all

        register_all()
