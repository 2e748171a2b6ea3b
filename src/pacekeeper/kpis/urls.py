from django.urls import path

from . import views

app_name = "kpis"

urlpatterns = [
    path("leaderboard/", views.leaderboard, name="leaderboard"),
]
