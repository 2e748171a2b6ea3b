from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "pacekeeper.meetings"
    verbose_name = _("Progress meetings")
