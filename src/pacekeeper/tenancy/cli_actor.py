"""Who a command-line import or export acts as."""

from django.core.management.base import CommandError

from .models import Role, User
from .scopes import Actor, actor_for


def command_actor(username: str | None, *, channel: str) -> Actor:
    """The named user, or the org admin when there is exactly one organisation's admin."""
    if username:
        user = User.objects.select_related("org").filter(username=username).first()
    else:
        admins = list(User.objects.select_related("org").filter(role=Role.ADMIN, is_active=True)[:2])
        if len(admins) != 1:
            raise CommandError("Say which user the command acts as: --user USERNAME")
        user = admins[0]
    actor = actor_for(user, channel=channel) if user else None
    if actor is None:
        raise CommandError(f"No active user {username!r} in an organisation.")
    return actor
