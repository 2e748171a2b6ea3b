"""The inbox page: newest first, unread marked, opening one marks it read and goes to its page."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacekeeper.lib.pages import actor_required, paginate, query_without

from . import selectors, services


@actor_required
def inbox(request: HttpRequest) -> HttpResponse:
    unread = request.GET.get("show") == "unread"
    page = paginate(request, selectors.notification_list(actor=request.actor, unread=unread or None))
    context = {"page": page, "unread_only": unread, "query": query_without(request, "page")}
    return render(request, "notifications/inbox.html", context)


@actor_required
@require_POST
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = services.access_notification(request.actor, notification_id)
    services.notification_read(actor=request.actor, notification=notification)
    # Links are made by our own kinds; still, never send anyone off-site from a stored value.
    if notification.link and url_has_allowed_host_and_scheme(notification.link, allowed_hosts=None):
        return redirect(notification.link)
    return redirect("notifications:inbox")


@actor_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    marked = services.notification_read_all(actor=request.actor)
    if marked:
        messages.success(request, _("All notifications marked read."))
    return redirect("notifications:inbox")
