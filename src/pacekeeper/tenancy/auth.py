from django.contrib.auth.backends import ModelBackend

from .models import User


class UsernameOrEmailBackend(ModelBackend):
    """Log in with a username or an email address (case-insensitive)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        field = "email__iexact" if "@" in username else "username__iexact"
        user = User.objects.filter(**{field: username}).order_by("pk").first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing hint
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
