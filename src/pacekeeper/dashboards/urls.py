from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("my-day/", views.my_day, name="my_day"),
    path("team/", views.team, name="team"),
    path("overview/", views.overview, name="overview"),
    path("people/<int:user_id>/", views.person, name="person"),
]
