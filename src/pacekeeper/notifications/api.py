"""/api/v1/notifications: the asking person's inbox."""

import datetime as dt

from ninja import Router, Schema
from ninja.pagination import paginate

from pacekeeper.lib.api_types import Page

from . import selectors, services
from .models import Notification

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    message: str  # in the asker's language (their setting, then Accept-Language)
    params: dict
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class ReadAllOut(Schema):
    marked: int


@router.get("/notifications", response=list[NotificationOut], summary="Your notifications, newest first")
@paginate(Page)
def notifications_list(request, unread: bool | None = None):
    return selectors.notification_list(actor=request.actor, unread=unread)


@router.post("/notifications/read-all", response=ReadAllOut, summary="Mark all your notifications read")
def notifications_read_all(request):
    return {"marked": services.notification_read_all(actor=request.actor)}


@router.post("/notifications/{notification_id}/read", response=NotificationOut, summary="Mark a notification read")
def notification_read(request, notification_id: int) -> Notification:
    notification = services.access_notification(request.actor, notification_id)
    return services.notification_read(actor=request.actor, notification=notification)
