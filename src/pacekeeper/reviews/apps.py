from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "pacekeeper.reviews"
    verbose_name = _("Evaluations")

    def ready(self) -> None:
        from . import chores  # noqa: F401  (registers the deadline chore)
