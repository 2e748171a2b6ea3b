"""Writes for a task's discussion: comments with @mentions, and attachments. The page and the API
call these same functions (docs/work.md, "Comments and attachments").

Who may do what (tenancy/scopes.py): anyone of a writing role who sees the task comments on it;
its author edits or deletes a comment; the people who work on the task (owner side in full, and
collaborators) attach files; an attachment is deleted by its uploader or by whoever edits the task
in full.

A mention is `@username` (letters of any script, digits, `.` `+` `-` `_`, as usernames are). It
must name an active person the author may mention (`mentionable_q`) who can see the task; anything
else — an unknown name, someone out of scope, someone who would find the task closed to them — is a
field error on the text, and nothing is saved. A dot ending the sentence after a name is not part
of it (`@am0001.`), unless a username really ends with one. Display names are not matched: two
people may share one, and a username is what the autocompletion offers.
"""

from __future__ import annotations

import functools
import operator
import re
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pacekeeper.errors import Forbidden, NotFound, ValidationFailed
from pacekeeper.lib import uploads
from pacekeeper.lib.text import clean_text
from pacekeeper.tenancy.models import User
from pacekeeper.tenancy.scopes import TASK_FULL, Actor, actor_for, may_comment, mentionable_q, task_write_level

from .discussion_notices import announce_mentions
from .models import Attachment, Comment, Task

BODY_MAX_CHARS = 5000
MAX_MENTIONS = 10  # each one is checked against the task's visibility for that person
ATTACHMENTS_PER_TASK = 50
# "@" not inside a word or an email address ("a@b.cn" mentions nobody); the name as usernames go.
MENTION = re.compile(r"(?<![\w.+@-])@([\w.+-]{1,150})")


def parse_mentions(body: str) -> list[str]:
    """The names mentioned in a body, each once, in order of appearance."""
    return list(dict.fromkeys(match.group(1) for match in MENTION.finditer(body)))


def _candidates(name: str) -> list[str]:
    """The name as written, then without the punctuation that may close a sentence after it."""
    bare = name.rstrip(".-+")
    return [name, bare] if bare and bare != name else [name]


def _resolve(actor: Actor, task: Task, names: list[str]) -> tuple[list[User], list[str]]:
    """The mentioned people, and the error messages for the names that are not allowed."""
    if not names:
        return [], []
    wanted = {candidate for name in names for candidate in _candidates(name)}
    lookup = functools.reduce(operator.or_, (Q(username__iexact=candidate) for candidate in wanted))
    in_org = list(User.objects.filter(lookup, org_id=actor.org_id, is_active=True))
    on_task = [task.owner_id, *task.collaborators.values_list("pk", flat=True)]
    allowed = set(
        User.objects.filter(mentionable_q(actor, task_people=on_task), pk__in=[u.pk for u in in_org]).values_list(
            "pk", flat=True
        )
    )
    people: list[User] = []
    errors: list[str] = []
    for name in names:
        person = _match(name, in_org)
        if person is None or person.pk not in allowed:
            shown = _candidates(name)[-1]
            errors.append(_("@%(name)s is not someone you can mention here.") % {"name": shown})
        elif not _sees_task(person, task):
            errors.append(
                _("%(person)s cannot see this task: add them as a collaborator first.") % {"person": str(person)}
            )
        elif person not in people:
            people.append(person)
    return people, errors


def _match(name: str, people: list[User]) -> User | None:
    """The exact username first; else one that differs in case only, when it is the only one."""
    for candidate in _candidates(name):
        exact = [person for person in people if person.username == candidate]
        if exact:
            return exact[0]
        folded = [person for person in people if person.username.casefold() == candidate.casefold()]
        if len(folded) == 1:
            return folded[0]
    return None


def _sees_task(person: User, task: Task) -> bool:
    their = actor_for(person)
    return their is not None and Task.objects.visible_to(their).filter(pk=task.pk).exists()


def _checked_body(actor: Actor, task: Task, body: str) -> tuple[str, list[User]]:
    body = clean_text(body or "").strip()
    if not body:
        raise ValidationFailed({"text": [_("Write the comment.")]})
    if len(body) > BODY_MAX_CHARS:
        raise ValidationFailed({"text": [_("Keep the comment under %(n)s characters.") % {"n": BODY_MAX_CHARS}]})
    names = parse_mentions(body)
    if len(names) > MAX_MENTIONS:
        raise ValidationFailed({"text": [_("Mention at most %(n)s people in one comment.") % {"n": MAX_MENTIONS}]})
    people, errors = _resolve(actor, task, names)
    if errors:
        raise ValidationFailed({"text": errors})
    return body, people


# --- comments -------------------------------------------------------------------------------------


def may_change_comment(actor: Actor, comment: Comment) -> bool:
    return may_comment(actor) and comment.author_id == actor.user_id


@transaction.atomic
def comment_add(*, actor: Actor, task: Task, body: str) -> Comment:
    if not may_comment(actor):
        raise Forbidden()
    body, people = _checked_body(actor, task, body)
    comment = Comment.objects.create(org_id=task.org_id, task=task, author=actor.user, body=body)
    comment.mentions.set(people)
    announce_mentions(actor=actor, comment=comment, people=people)
    return comment


@transaction.atomic
def comment_update(*, actor: Actor, comment: Comment, body: str | None) -> Comment:
    """Reword one's own comment (None: no change). People mentioned for the first time are told;
    those told before are not told again."""
    if not may_change_comment(actor, comment):
        raise Forbidden(_("Only its author may change a comment."))
    if body is None:
        return comment
    body, people = _checked_body(actor, comment.task, body)
    if body == comment.body:
        return comment
    before = set(comment.mentions.values_list("pk", flat=True))
    comment.body = body
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "edited_at"])
    comment.mentions.set(people)
    announce_mentions(actor=actor, comment=comment, people=[person for person in people if person.pk not in before])
    return comment


@transaction.atomic
def comment_delete(*, actor: Actor, comment: Comment) -> None:
    if not may_change_comment(actor, comment):
        raise Forbidden(_("Only its author may delete a comment."))
    comment.delete()


# --- attachments ----------------------------------------------------------------------------------


def attachments_folder(org_id: int) -> Path:
    """Under DATA_DIR, one folder per organisation; never served by a URL of its own."""
    return Path(settings.DATA_DIR) / "attachments" / str(int(org_id))


def attachment_path(attachment: Attachment) -> Path:
    return uploads.stored_path(attachments_folder(attachment.org_id), attachment.stored_as)


def may_attach(actor: Actor, task: Task) -> bool:
    return task_write_level(actor, task) is not None


def may_delete_attachment(actor: Actor, attachment: Attachment, *, level: str | None = None) -> bool:
    """`level`: the actor's task_write_level on the attachment's task, when the caller knows it."""
    if level is None:
        level = task_write_level(actor, attachment.task)
    return level == TASK_FULL or (level is not None and attachment.uploaded_by_id == actor.user_id)


@transaction.atomic
def attachment_add(*, actor: Actor, task: Task, file) -> Attachment:
    """Check the upload (lib/uploads.py), keep it, and record it. A refused file is never written."""
    if not may_attach(actor, task):
        raise Forbidden()
    if file is None:
        raise ValidationFailed({"file": [_("Choose a file to attach.")]})
    if task.attachments.count() >= ATTACHMENTS_PER_TASK:
        message = _("A task holds at most %(n)s files: delete one first.") % {"n": ATTACHMENTS_PER_TASK}
        raise ValidationFailed({"file": [message]})

    def record(checked, stored_as: str) -> Attachment:
        return Attachment.objects.create(
            org_id=task.org_id,
            task=task,
            uploaded_by=actor.user,
            name=checked.name,
            stored_as=stored_as,
            content_type=checked.content_type,
            size=checked.size,
        )

    folder = attachments_folder(task.org_id)
    return uploads.keep(file, folder, max_bytes=settings.ATTACHMENT_MAX_BYTES, record=record)


@transaction.atomic
def attachment_delete(*, actor: Actor, attachment: Attachment) -> None:
    if not may_delete_attachment(actor, attachment):
        raise Forbidden(_("Only whoever attached the file, or edits the task, may delete it."))
    attachment.delete()  # the file goes on commit (remove_attachment_file)


def remove_attachment_file(sender, instance: Attachment, using: str, **kwargs) -> None:
    """post_delete of an attachment, however the row goes — deleted alone, or with its task or its
    organisation (a cascade): its file leaves the disk when the deletion commits."""
    try:
        path = attachment_path(instance)
    except ValueError:  # not a name `store` made: nothing of ours to remove
        return
    uploads.remove_on_commit(path, using=using)


def attachment_open(attachment: Attachment):
    """The stored file, opened for reading; a file gone from the disk answers 404 like a missing row."""
    try:
        return open(attachment_path(attachment), "rb")  # the response closes it
    except (OSError, ValueError):
        raise NotFound() from None
