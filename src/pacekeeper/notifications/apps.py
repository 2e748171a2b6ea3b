from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "pacekeeper.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Each app announces its events from its own `notices` module, which registers the kinds
        # it uses; loading them all at start-up means the inbox can show every kind it stores.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("notices")
