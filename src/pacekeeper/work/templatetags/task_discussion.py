"""The discussion section of a task's page (comments and files), as one tag, so the task page
includes it with a line: `{% load task_discussion %}{% task_discussion task %}`."""

from django import template
from django.conf import settings
from django.core.paginator import Paginator
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from pacekeeper.lib.formatting import format_file_size
from pacekeeper.tenancy.scopes import may_comment, task_write_level

from .. import discussion, discussion_selectors
from ..discussion_forms import AttachmentForm, CommentForm

register = template.Library()

COMMENTS_PER_PAGE = 30


@register.inclusion_tag("work/_discussion.html", takes_context=True)
def task_discussion(context, task):
    """Comments newest last, by pages of 30 counted from the newest (page 1, the default, holds the
    latest 30; `?comments=2` the 30 before them), and the task's files, each with the actions the
    reader may take."""
    request = context["request"]
    actor = request.actor
    newest_first = discussion_selectors.comment_list(task).order_by("-created_at", "-pk")
    paginator = Paginator(newest_first, COMMENTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("comments"))
    level = task_write_level(actor, task)
    attachments = list(discussion_selectors.attachment_list(task))
    for attachment in attachments:
        attachment.may_delete = discussion.may_delete_attachment(actor, attachment, level=level)
    commenting = may_comment(actor)
    return {
        "request": request,
        "task": task,
        "page": page,
        "comments": list(page)[::-1],
        "comment_count": paginator.count,
        "actor_id": actor.user_id,
        "may_comment": commenting,
        "may_attach": level is not None,
        "attachments": attachments,
        "comment_form": CommentForm() if commenting else None,
        "attachment_form": AttachmentForm() if level is not None else None,
        "people": discussion_selectors.mention_choices(actor, task) if commenting else (),
        "csrf_token": context.get("csrf_token"),
        "limit": settings.ATTACHMENT_MAX_BYTES,
    }


@register.filter
def comment_html(comment) -> str:
    """The body escaped, its line breaks kept, and the @mentions of people it names marked."""
    mentioned = {person.username for person in comment.mentions.all()}

    def mark(match):
        name = match.group(1)
        for candidate in discussion._candidates(name):
            if candidate in mentioned:
                rest = name[len(candidate) :]
                return f'<span class="mention">@{conditional_escape(candidate)}</span>{conditional_escape(rest)}'
        return conditional_escape(match.group(0))

    parts = []
    last = 0
    body = comment.body
    for match in discussion.MENTION.finditer(body):
        parts.append(conditional_escape(body[last : match.start()]))
        parts.append(mark(match))
        last = match.end()
    parts.append(conditional_escape(body[last:]))
    html = "".join(str(part) for part in parts)
    return mark_safe(html.replace("\r\n", "\n").replace("\n", "<br>"))  # every piece escaped above


@register.filter
def file_size(size) -> str:
    return format_file_size(int(size or 0))
