from django.urls import path

from . import views

app_name = "recognition"

urlpatterns = [
    path("recognition/", views.feed, name="feed"),
    path("recognition/badges/", views.badges, name="badges"),
    path("recognition/people/<int:user_id>/", views.person, name="person"),
    path("recognition/awards/<int:badge_award_id>/certificate/", views.certificate, name="certificate"),
]
