"""Reads of the inbox, always the asking person's own."""

from django.db.models import QuerySet

from pacekeeper.tenancy.scopes import Actor

from .models import Notification


def notification_list(*, actor: Actor, unread: bool = False) -> QuerySet[Notification]:
    """Newest first."""
    rows = Notification.objects.visible_to(actor).order_by("-created_at", "-pk")
    return rows.unread() if unread else rows


def unread_count(*, actor: Actor) -> int:
    return Notification.objects.visible_to(actor).unread().count()
