"""What task discussions announce (DESIGN rule 14): @mentions in comments. Loaded at start-up
through work/notices.py; announced from work/discussion.py."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pacekeeper.notifications.kinds import Kind, register
from pacekeeper.notifications.services import notify
from pacekeeper.tenancy.scopes import Actor

MENTIONED = "mentioned"
EXCERPT_CHARS = 120


def _comment_link(comment) -> str:
    return reverse("work:detail", args=[comment.task_id]) + f"#comment-{comment.pk}"


register(
    Kind(
        name=MENTIONED,
        message=_("{person} mentioned you on “{task}”: {excerpt}"),
        link=_comment_link,
    )
)


def announce_mentions(*, actor: Actor, comment, people) -> None:
    """Tell the people newly @mentioned in a comment (never the author themselves)."""
    if not people:
        return
    body = " ".join(comment.body.split())
    excerpt = body if len(body) <= EXCERPT_CHARS else body[: EXCERPT_CHARS - 1] + "…"
    notify(
        org=actor.org,
        recipients=people,
        kind=MENTIONED,
        subject=comment,
        params={"person": str(actor.user), "task": comment.task.title, "excerpt": excerpt},
        actor=actor.user,
    )
