from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamHealthConfig(AppConfig):
    name = "pacekeeper.teamhealth"
    label = "teamhealth"
    verbose_name = _("Team health")

    def ready(self) -> None:
        from . import chores, notices  # noqa: F401  (registers the pulse chore and the notification kinds)
