from django.conf import settings
from django.utils import translation

from .scopes import actor_for


class ActorMiddleware:
    """Sets `request.actor` (tenancy.scopes.Actor, or None when logged out) once per request.
    Built fresh every request, so a changed role or team applies on the next one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.actor = actor_for(request.user) if request.user.is_authenticated else None
        if request.actor and request.user.language:
            translation.activate(request.user.language)
            request.LANGUAGE_CODE = request.user.language
        return self.get_response(request)


class UserLanguageMiddleware:
    """The language follows the user's setting (applied in ActorMiddleware), then the browser."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = translation.get_language_from_request(request) or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        response.headers.setdefault("Vary", "Accept-Language, Cookie")
        return response


class ServiceErrorMiddleware:
    """Turns the services' NotFound / Forbidden into Django's 404 / 403 pages, so views need no
    try/except for them. Validation errors are the views' to show next to the fields."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.core.exceptions import PermissionDenied
        from django.http import Http404

        from pacekeeper.errors import Forbidden, NotFound

        if isinstance(exception, NotFound):
            raise Http404(str(exception))
        if isinstance(exception, Forbidden):
            raise PermissionDenied(str(exception))
        return None
