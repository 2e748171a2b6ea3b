from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("meetings/", views.series_index, name="list"),
    path("meetings/series/new/", views.series_create, name="series_create"),
    path("meetings/series/<int:series_id>/", views.series_detail, name="series"),
    path("meetings/series/<int:series_id>/edit/", views.series_edit, name="series_edit"),
    path("meetings/series/<int:series_id>/schedule/", views.meeting_schedule, name="schedule"),
    path("meetings/series/<int:series_id>/ad-hoc/", views.meeting_ad_hoc, name="ad_hoc"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:meeting_id>/open/", views.meeting_open, name="open"),
    path("meetings/<int:meeting_id>/close/", views.meeting_close, name="close"),
    path("meetings/<int:meeting_id>/items/", views.item_add, name="item_add"),
    path("meetings/<int:meeting_id>/action-items/", views.action_add, name="action_add"),
    path("meetings/<int:meeting_id>/minutes/", views.minutes, name="minutes"),
    path("meetings/items/<int:meeting_item_id>/delete/", views.item_delete, name="item_delete"),
]
