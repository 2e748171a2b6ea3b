from django.urls import path

from . import views

app_name = "tickets"

urlpatterns = [
    path("tickets/", views.ticket_list, name="list"),
    path("tickets/new/", views.ticket_new, name="new"),
    path("tickets/sla/", views.sla_settings, name="sla"),
    path("tickets/<int:ticket_id>/", views.ticket_detail, name="detail"),
    path("tickets/<int:ticket_id>/entries/", views.ticket_entry, name="entry"),
    path("tickets/<int:ticket_id>/status/", views.ticket_status, name="status"),
    path("tickets/<int:ticket_id>/assignee/", views.ticket_assign, name="assign"),
    path("tickets/<int:ticket_id>/attachments/", views.attachment_add, name="attachment_add"),
    path("tickets/attachments/<int:ticket_attachment_id>/", views.attachment_download, name="attachment"),
]
