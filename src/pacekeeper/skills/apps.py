from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SkillsConfig(AppConfig):
    name = "pacekeeper.skills"
    verbose_name = _("Skills")

    def ready(self) -> None:
        from .defaults import connect

        connect()  # a new organisation gets the default catalogue (defaults.py says why here)
