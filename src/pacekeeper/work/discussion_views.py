"""A task's discussion on its page: add, edit and delete comments; attach, download and delete
files. Each view fetches through the scope and calls the service the API calls too; a refused
comment or file comes back on a small page with the error next to the field and the text kept."""

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.lib.pages import actor_required, add_service_errors
from pacekeeper.tenancy.scopes import may_comment

from . import discussion, discussion_selectors, selectors
from .discussion_forms import AttachmentForm, CommentForm
from .models import Attachment, Task

# The download is a file to save, never a page to render: whatever a browser would guess from its
# bytes, it neither sniffs a type nor runs anything in it.
DOWNLOAD_POLICY = "default-src 'none'; sandbox"


def download_response(attachment: Attachment) -> FileResponse:
    response = FileResponse(
        discussion.attachment_open(attachment),
        as_attachment=True,
        filename=attachment.name,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_POLICY
    return response


def _task_anchor(task_id: int, anchor: str) -> str:
    return reverse("work:detail", args=[task_id]) + f"#{anchor}"


def _comment_page(request: HttpRequest, *, task: Task, form: CommentForm, comment=None):
    context = {"task": task, "form": form, "comment": comment}
    context["people"] = discussion_selectors.mention_choices(request.actor, task)
    return render(request, "work/comment_form.html", context, status=400 if form.errors else 200)


@actor_required
@require_POST
def comment_add(request: HttpRequest, task_id: int):
    task = selectors.access_task(request.actor, task_id)
    if not may_comment(request.actor):
        raise Forbidden()
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment = discussion.comment_add(actor=request.actor, task=task, body=form.cleaned_data["text"])
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            return redirect(_task_anchor(task.pk, f"comment-{comment.pk}"))
    return _comment_page(request, task=task, form=form)


@actor_required
def comment_edit(request: HttpRequest, comment_id: int):
    comment = discussion_selectors.access_comment(request.actor, comment_id)
    if not discussion.may_change_comment(request.actor, comment):
        raise Forbidden(_("Only its author may change a comment."))
    form = CommentForm(request.POST or None, initial={"text": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            discussion.comment_update(actor=request.actor, comment=comment, body=form.cleaned_data["text"])
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            return redirect(_task_anchor(comment.task_id, f"comment-{comment.pk}"))
    return _comment_page(request, task=comment.task, form=form, comment=comment)


@actor_required
@require_POST
def comment_delete(request: HttpRequest, comment_id: int):
    comment = discussion_selectors.access_comment(request.actor, comment_id)
    task_id = comment.task_id
    discussion.comment_delete(actor=request.actor, comment=comment)
    messages.success(request, _("Comment deleted."))
    return redirect(_task_anchor(task_id, "comments"))


@actor_required
@require_POST
def attachment_add(request: HttpRequest, task_id: int):
    task = selectors.access_task(request.actor, task_id)
    if not discussion.may_attach(request.actor, task):
        raise Forbidden()
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            discussion.attachment_add(actor=request.actor, task=task, file=form.cleaned_data["file"])
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("File attached."))
            return redirect(_task_anchor(task.pk, "attachments"))
    context = {"task": task, "form": form, "limit": settings.ATTACHMENT_MAX_BYTES}
    return render(request, "work/attachment_form.html", context, status=400)


@actor_required
def attachment_download(request: HttpRequest, attachment_id: int):
    return download_response(discussion_selectors.access_attachment(request.actor, attachment_id))


@actor_required
@require_POST
def attachment_delete(request: HttpRequest, attachment_id: int):
    attachment = discussion_selectors.access_attachment(request.actor, attachment_id)
    task_id = attachment.task_id
    discussion.attachment_delete(actor=request.actor, attachment=attachment)
    messages.success(request, _("File deleted."))
    return redirect(_task_anchor(task_id, "attachments"))
