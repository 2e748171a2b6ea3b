from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path("insights/", views.overview, name="overview"),
    path("insights/comments/", views.comments, name="comments"),
    path("insights/topics/", views.topics, name="topics"),
    path("insights/topics/<int:insight_topic_id>/", views.topic_edit, name="topic"),
]
