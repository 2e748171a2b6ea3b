"""/api/v1/tasks/{task_id}/comments, /api/v1/comments/{comment_id}, /api/v1/tasks/{task_id}/attachments
and /api/v1/attachments/{attachment_id}: a task's discussion, with the task's scope (an id out
of it answers 404). Uploads are multipart (`file`); downloads are the file itself."""

import datetime as dt

from django.http import FileResponse, HttpRequest
from ninja import Field, File, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from pacekeeper.lib.api_types import BodySchema, Page, omittable
from pacekeeper.lib.text import VISIBLE

from . import discussion, discussion_selectors, selectors
from .discussion_views import download_response
from .models import Attachment, Comment

router = Router(tags=["comments and attachments"])


class CommentIn(BodySchema):
    text: str = Field(
        min_length=1,
        max_length=discussion.BODY_MAX_CHARS,
        pattern=VISIBLE,
        description="plain text; @username mentions someone (they are told)",
    )


class CommentPatch(BodySchema):
    text: str = omittable(min_length=1, max_length=discussion.BODY_MAX_CHARS, pattern=VISIBLE)


class CommentOut(Schema):
    id: int
    task: int = Field(alias="task_id")
    author: int | None = Field(alias="author_id")
    author_name: str
    text: str = Field(alias="body")
    mentions: list[int] = Field(description="ids of the people the text mentions")
    created_at: dt.datetime
    edited_at: dt.datetime | None

    @staticmethod
    def resolve_author_name(comment: Comment):
        return str(comment.author) if comment.author_id else ""

    @staticmethod
    def resolve_mentions(comment: Comment):
        return [person.pk for person in comment.mentions.all()]


class AttachmentOut(Schema):
    id: int
    task: int = Field(alias="task_id")
    name: str = Field(description="the name it was uploaded with")
    content_type: str
    size: int = Field(description="bytes")
    uploaded_by: int | None = Field(alias="uploaded_by_id")
    created_at: dt.datetime


@router.get("/tasks/{task_id}/comments", response=list[CommentOut], summary="A task's comments, oldest first")
@paginate(Page)
def task_comments_list(request: HttpRequest, task_id: int):
    task = selectors.access_task(request.actor, task_id)
    return discussion_selectors.comment_list(task)


@router.post("/tasks/{task_id}/comments", response={201: CommentOut}, summary="Comment on a task")
def task_comments_create(request: HttpRequest, task_id: int, payload: CommentIn):
    task = selectors.access_task(request.actor, task_id)
    return 201, discussion.comment_add(actor=request.actor, task=task, body=payload.text)


@router.patch("/comments/{comment_id}", response=CommentOut, summary="Reword one's own comment")
def comments_update(request: HttpRequest, comment_id: int, payload: CommentPatch):
    comment = discussion_selectors.access_comment(request.actor, comment_id)
    text = payload.dict(exclude_unset=True).get("text")
    return discussion.comment_update(actor=request.actor, comment=comment, body=text)


@router.delete("/comments/{comment_id}", response={204: None}, summary="Delete one's own comment")
def comments_delete(request: HttpRequest, comment_id: int):
    comment = discussion_selectors.access_comment(request.actor, comment_id)
    discussion.comment_delete(actor=request.actor, comment=comment)
    return 204, None


@router.get("/tasks/{task_id}/attachments", response=list[AttachmentOut], summary="A task's files, oldest first")
@paginate(Page)
def task_attachments_list(request: HttpRequest, task_id: int):
    task = selectors.access_task(request.actor, task_id)
    return discussion_selectors.attachment_list(task)


@router.post(
    "/tasks/{task_id}/attachments",
    response={201: AttachmentOut},
    summary="Attach a file to a task (multipart, field `file`)",
    description="Office documents, PDF, images, CSV/TXT and ZIP up to ATTACHMENT_MAX_BYTES (10 MB by default); "
    "the content must agree with the extension; programs and scripts are refused.",
)
def task_attachments_create(request: HttpRequest, task_id: int, file: File[UploadedFile]):
    task = selectors.access_task(request.actor, task_id)
    return 201, discussion.attachment_add(actor=request.actor, task=task, file=file)


@router.get(
    "/attachments/{attachment_id}",
    summary="Download an attachment",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, as an attachment",
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def attachments_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    attachment: Attachment = discussion_selectors.access_attachment(request.actor, attachment_id)
    return download_response(attachment)


@router.delete("/attachments/{attachment_id}", response={204: None}, summary="Delete an attachment")
def attachments_delete(request: HttpRequest, attachment_id: int):
    attachment = discussion_selectors.access_attachment(request.actor, attachment_id)
    discussion.attachment_delete(actor=request.actor, attachment=attachment)
    return 204, None
