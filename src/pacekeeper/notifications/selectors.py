"""Reads of the inbox, always the asking person's own."""

from django.db.models import QuerySet

from pacekeeper.tenancy.scopes import Actor

from .models import Notification


def notification_list(*, actor: Actor, unread: bool | None = None) -> QuerySet[Notification]:
    """Newest first; `unread` True: only the unread, False: only those read, None: all."""
    rows = Notification.objects.visible_to(actor).order_by("-created_at", "-pk")
    if unread is None:
        return rows
    return rows.unread() if unread else rows.filter(read_at__isnull=False)


def unread_count(*, actor: Actor) -> int:
    return Notification.objects.visible_to(actor).unread().count()
