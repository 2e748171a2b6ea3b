from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkConfig(AppConfig):
    name = "pacekeeper.work"
    verbose_name = _("Tasks")

    def ready(self) -> None:
        # `chores` registers the periodic chores on import. The KPI engine knows no fact app:
        # work registers its task metrics.
        from django.db.models.signals import post_delete

        from . import chores, discussion, metrics  # noqa: F401
        from .models import Attachment

        metrics.register()
        # An attachment's file leaves the disk with its row, also when a task is deleted.
        post_delete.connect(discussion.remove_attachment_file, sender=Attachment, dispatch_uid="work-attachment-file")
