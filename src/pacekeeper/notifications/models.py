"""A notification: one event told to one person. What it says is not stored in a language: the
row keeps the kind and its parameters, and the message is written out when it is read, in the
reader's language (kinds.py)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacekeeper.tenancy.models import Organization


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """A person's notifications are theirs alone, whatever their role."""
        from pacekeeper.tenancy.scopes import recipient_q

        return self.filter(recipient_q(actor))

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=60)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    # What it is about ("goals.goalchange", 12), so that settling the matter (a change decided,
    # a run approved) can mark the others' requests read: no unread "waits for you" left behind.
    subject_type = models.CharField(max_length=100, blank=True)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        # The inbox and the bell: a person's rows newest first, and their unread count.
        indexes = [
            models.Index(fields=["org", "recipient", "-created_at"], name="notification_inbox"),
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["org", "subject_type", "subject_id"], name="notification_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def message(self) -> str:
        """The message in the active language (the reader's, on a page or in the API)."""
        from .kinds import render

        return render(self)
