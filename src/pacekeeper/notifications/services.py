"""The one notification interface (DESIGN rule 14): features announce events with `notify`;
which channels deliver them is the kind's business, not the caller's.

Delivery happens after the caller's transaction commits, so a write that rolls back announces
nothing, and a failing channel is logged and never breaks the write that announced it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from pacekeeper.tenancy.models import Organization, User
from pacekeeper.tenancy.scopes import Actor, get_visible

from . import kinds
from .channels import CHANNELS
from .models import Notification

logger = logging.getLogger(__name__)


def notify(
    *,
    org: Organization,
    recipients: Iterable[User],
    kind: str,
    subject: object,
    params: dict | None = None,
    actor: User | None = None,
) -> None:
    """Announce `kind` about `subject` (an object, or the URL to open) to `recipients`.

    `params` fill the kind's message and must be JSON values (they are stored, and the message
    is written out in each reader's language when read). The actor, if any, is not told about
    their own act. People outside `org` are never told (logged: it is a caller's bug)."""
    registered = kinds.get(kind)  # an unknown kind is a programming error: fail loudly, now
    link = subject if isinstance(subject, str) else _link(registered, subject)
    people = []
    for person in {person.pk: person for person in recipients}.values():
        if person.org_id != org.pk:
            logger.error("notification %s: recipient %s is not in organisation %s", kind, person.pk, org.pk)
        elif person.is_active and (actor is None or person.pk != actor.pk):
            people.append(person)
    if not people:
        return
    subject_type, subject_id = _subject_key(subject)
    notifications = [
        Notification(
            org=org,
            recipient=person,
            kind=kind,
            params=params or {},
            link=link,
            actor=actor,
            subject_type=subject_type,
            subject_id=subject_id,
        )
        for person in people
    ]
    transaction.on_commit(lambda: _deliver(registered, notifications))


def _link(kind: kinds.Kind, subject: object) -> str:
    """The kind's page for the subject; a link that cannot be made is logged, not raised into
    the write (the notification still says what happened, and opens the inbox)."""
    try:
        return kind.link(subject)
    except Exception:
        logger.exception("notification %s: no link for %r", kind.name, subject)
        return ""


def settle(*, org: Organization, subject: object, kinds: Iterable[str]) -> None:
    """The matter is dealt with (a change decided, a run approved): the unread requests about it
    are marked read for everyone, so nobody is left with a "waits for you" that no longer does.
    After commit and never raising, like delivery."""
    subject_type, subject_id = _subject_key(subject)
    if subject_id is None:
        return
    rows = Notification.objects.filter(
        org_id=org.pk, subject_type=subject_type, subject_id=subject_id, kind__in=list(kinds), read_at__isnull=True
    )

    def mark_read() -> None:
        try:
            rows.update(read_at=timezone.now())
        except Exception:
            logger.exception("notifications about %s %s: could not mark them read", subject_type, subject_id)

    transaction.on_commit(mark_read)


def _subject_key(subject: object) -> tuple[str, int | None]:
    meta = getattr(subject, "_meta", None)
    if meta is None or getattr(subject, "pk", None) is None:
        return "", None
    return meta.label_lower, subject.pk


def _deliver(kind: kinds.Kind, notifications: list[Notification]) -> None:
    """Each channel on its own: one that fails (mail server down, a chat robot refusing) is logged
    and the others still deliver. The savepoint keeps a failed insert from spoiling a surrounding
    transaction on PostgreSQL."""
    for name in kind.channels:
        channel = CHANNELS.get(name)
        if channel is None:
            logger.error("notification %s: no channel named %r", kind.name, name)
            continue
        for notification in notifications:
            try:
                with transaction.atomic():
                    channel.deliver(notification)
            except Exception:
                recipient = notification.recipient_id
                logger.exception("notification %s: channel %s failed for %s", kind.name, name, recipient)


# --- the reader's side --------------------------------------------------------------------------


def access_notification(actor: Actor, notification_id: object) -> Notification:
    """One of the actor's own notifications; anyone else's answers 404 like a missing one."""
    return get_visible(Notification.objects.visible_to(actor), notification_id, actor=actor)


def notification_read(*, actor: Actor, notification: Notification) -> Notification:
    """Mark read (once: the first reading time is kept)."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notification_read_all(*, actor: Actor) -> int:
    """Mark every unread notification of the actor read; returns how many."""
    return Notification.objects.visible_to(actor).unread().update(read_at=timezone.now())
