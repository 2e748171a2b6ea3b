"""Reads for a task's discussion, always through the task's scope: a comment or an attachment is
seen with its task, and an id out of scope answers 404 like a missing one."""

from __future__ import annotations

from django.db.models import QuerySet

from pacekeeper.tenancy.models import User
from pacekeeper.tenancy.scopes import Actor, get_visible, mentionable_q

from .models import Attachment, Comment, Task


def comment_list(task: Task) -> QuerySet[Comment]:
    """A task's comments, oldest first (the newest last, as a conversation reads). The task
    comes through its gate (selectors.access_task), so its comments are the actor's to see."""
    return task.comments.select_related("author").prefetch_related("mentions")


def attachment_list(task: Task) -> QuerySet[Attachment]:
    return task.attachments.select_related("uploaded_by")


def access_comment(actor: Actor, comment_id: object) -> Comment:
    return get_visible(Comment.objects.visible_to(actor).select_related("task", "author"), comment_id, actor=actor)


def access_attachment(actor: Actor, attachment_id: object) -> Attachment:
    return get_visible(Attachment.objects.visible_to(actor).select_related("task"), attachment_id, actor=actor)


def mention_choices(actor: Actor, task: Task) -> QuerySet[User]:
    """The people the comment box offers to @mention (the service still checks each one)."""
    on_task = [task.owner_id, *task.collaborators.values_list("pk", flat=True)]
    people = User.objects.filter(mentionable_q(actor, task_people=on_task)).exclude(pk=actor.user_id)
    return people.order_by("display_name", "username")[:200]
