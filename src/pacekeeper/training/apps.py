from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "pacekeeper.training"
    verbose_name = _("Training")

    def ready(self) -> None:
        from . import chores  # noqa: F401  (registers the onboarding chore)
