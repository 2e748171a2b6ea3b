import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template import loader
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from pacekeeper.errors import ValidationFailed
from pacekeeper.lib.request_context import is_api_request

from . import sign_in
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
    try/except for them, and a password check refused for want of a free place (SignInsBusy:
    the login page shows its own) into a 503 asking to try again. Validation errors are the
    views' to show next to the fields; one that escapes a view anyway (a button, not a form:
    "done", a stage change, on a record whose other data the rules now refuse) goes back to the
    page it came from with the message, or answers 400 with it to htmx — never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.core.exceptions import PermissionDenied
        from django.http import Http404

        from pacekeeper.errors import Forbidden, NotFound, SignInsBusy

        if isinstance(exception, NotFound):
            raise Http404(str(exception))
        if isinstance(exception, Forbidden):
            raise PermissionDenied(str(exception))
        if isinstance(exception, SignInsBusy):
            return _busy_response(request, exception)
        if isinstance(exception, ValidationFailed) and not is_api_request(request):
            return _refused_response(request, exception)
        return None


def _refused_response(request, refused) -> HttpResponse:
    if request.headers.get("HX-Request") == "true":
        return HttpResponse(refused.text, status=400, content_type="text/plain; charset=utf-8")
    messages.error(request, refused.text)
    back = request.POST.get("next") or request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = "/"
    return redirect(back)


def _busy_response(request, busy) -> HttpResponse:
    # Pages only: the API answers its own errors as JSON (pacekeeper.api).
    html = loader.get_template("503.html").render({"request_id": getattr(request, "id", "")})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(busy.retry_after)
    return response


class SessionTimeoutMiddleware:
    """Ends a session that has been idle too long or has lasted too long since sign-in
    (SESSION_IDLE_SECONDS / SESSION_COOKIE_AGE). The next page then asks to sign in again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            if sign_in.session_expired(request, now):
                logout(request)
                request.session[sign_in.SESSION_ENDED_KEY] = True
            else:
                sign_in.note_activity(request, now)
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """People whose role requires two-factor sign-in reach nothing but the set-up page (and
    logout) until this session has been verified with a code."""

    OPEN_URL_NAMES = {"two_factor", "logout", "set_language", "login", "login_verify"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        actor = getattr(request, "actor", None)
        if actor is None or not sign_in.two_factor_required(actor.user) or request.user.is_verified():
            return None
        if request.resolver_match.url_name in self.OPEN_URL_NAMES:
            return None
        message = _("Your role signs in with two-factor codes: set up an authenticator first.")
        if is_api_request(request):
            return JsonResponse({"detail": message, "errors": []}, status=403)
        return redirect("two_factor")
