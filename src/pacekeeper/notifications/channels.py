"""Where a notification goes. A channel is anything with a `name` and `deliver(notification)`;
the in-app inbox is the first. Email or a chat robot (WeCom, DingTalk, Feishu) plug in by adding
a class here (or in their own module), listing it in CHANNELS, and naming it in the kinds that
should use it — callers of `notify` change nothing. See docs/notifications.md.

`deliver` receives an unsaved-or-saved Notification with its recipient; it runs after the
announcing transaction has committed, inside its own savepoint, and any exception it raises is
logged by services.notify and never reaches the caller.
"""

from __future__ import annotations

from typing import Protocol

from .models import Notification


class Channel(Protocol):
    name: str

    def deliver(self, notification: Notification) -> None: ...


class InboxChannel:
    """The in-app inbox: the notification row is the delivery (the bell and /notifications/)."""

    name = "inbox"

    def deliver(self, notification: Notification) -> None:
        notification.save()


CHANNELS: dict[str, Channel] = {"inbox": InboxChannel()}
