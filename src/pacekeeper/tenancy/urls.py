from django.urls import path

from . import audit_views, views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/code/", views.login_verify, name="login_verify"),
    path("logout/", views.logout, name="logout"),
    path("account/", views.account, name="account"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("account/two-factor/", views.two_factor, name="two_factor"),
    path("account/tokens/", views.token_create, name="token_create"),
    path("account/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("audit/", audit_views.audit_log, name="audit"),
]
