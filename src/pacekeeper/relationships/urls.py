from django.urls import path

from . import views

app_name = "relationships"

urlpatterns = [
    path("relationships/", views.churn, name="churn"),
    path("relationships/weights/", views.weights, name="weights"),
    path("relationships/customers/<int:customer_id>/", views.customer, name="customer"),
    path("relationships/customers/<int:customer_id>/card/", views.card, name="card"),
    path("relationships/customers/<int:customer_id>/profile/edit/", views.profile_edit, name="profile_edit"),
    path("relationships/customers/<int:customer_id>/services/create/", views.service_create, name="service_create"),
    path("relationships/customers/<int:customer_id>/sessions/create/", views.session_create, name="session_create"),
    path("relationships/sessions/<int:education_session_id>/", views.session, name="session"),
]
