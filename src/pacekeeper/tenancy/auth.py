from django.contrib.auth.backends import ModelBackend

from .models import User


def user_for_identifier(identifier: str) -> User | None:
    """The one person a typed username or email address names (case-insensitive), or None.
    An email address shared by two accounts (possible only in data older than the uniqueness
    rule) names nobody: signing in must never pick one of them."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    field = "email__iexact" if "@" in identifier else "username__iexact"
    matches = list(User.objects.filter(**{field: identifier}).order_by("pk")[:2])
    return matches[0] if len(matches) == 1 else None


class UsernameOrEmailBackend(ModelBackend):
    """Log in with a username or an email address (case-insensitive)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        user = user_for_identifier(username)
        if user is None:
            User().set_password(password)  # same work as a real check: no timing hint
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
