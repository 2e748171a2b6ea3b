import sys
import time

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import i18n as i18n_views
from django.views.decorators.http import require_POST

from pacekeeper.errors import SignInsBusy, ValidationFailed
from pacekeeper.lib.busy import RETRY_AFTER, is_database_busy
from pacekeeper.lib.pages import actor_required, add_service_errors
from pacekeeper.lib.request_context import is_api_request

from . import services, sign_in
from .forms import ProfileForm, TokenForm
from .models import ApiToken, Role
from .scopes import get_visible

FIRST_SCREEN = {
    Role.MANAGER: "dashboards:my_day",
    Role.LEAD: "dashboards:team",
    Role.DIRECTOR: "dashboards:overview",
    Role.ADMIN: "settings:people",
    Role.ANALYST: "dashboards:overview",
}


@actor_required
def home(request: HttpRequest):
    return redirect(FIRST_SCREEN[request.actor.role])


class LoginView(auth_views.LoginView):
    """Password first; people with an authenticator then give a code (login_verify)."""

    template_name = "tenancy/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["session_ended"] = self.request.session.pop(sign_in.SESSION_ENDED_KEY, False)
        return context

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except SignInsBusy as busy:
            # The form again with the name typed; unbound, so showing it checks no password.
            form = self.form_class(request, initial={"username": request.POST.get("username", "")})
            response = self.render_to_response(self.get_context_data(form=form, busy_message=str(busy)), status=503)
            response["Retry-After"] = str(busy.retry_after)
            return response

    def form_valid(self, form):
        user = form.get_user()
        if sign_in.confirmed_device(user) is None:
            return super().form_valid(form)
        self.request.session[sign_in.PENDING_SESSION_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "at": time.time(),
            "next": self.get_success_url(),
        }
        return redirect("login_verify")


def login_verify(request: HttpRequest):
    """The second step: the code from the authenticator app. Wrong codes count towards lockout."""
    pending, user, device = sign_in.pending_sign_in(request)
    if device is None:
        request.session.pop(sign_in.PENDING_SESSION_KEY, None)
        messages.info(request, _("Sign in again, please."))
        return redirect("login")
    error = ""
    if request.method == "POST":
        if not AxesProxyHandler.is_allowed(request, {"username": user.username}):
            return sign_in.lockout_response(request)
        if sign_in.verify_code(device, request.POST.get("code", "")):
            del request.session[sign_in.PENDING_SESSION_KEY]
            auth_login(request, user, backend=pending["backend"])
            sign_in.mark_verified(request, device)
            return redirect(pending["next"])
        sign_in.record_failure(request, user.username)
        error = sign_in.wrong_code_message(device)
    return render(request, "tenancy/login_verify.html", {"error": error})


@require_POST
def logout(request: HttpRequest):
    """Signs out here and on every other device."""
    sign_in.sign_out(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


def admin_login(request: HttpRequest):
    """The admin site signs in through the same page (lockout, two-factor). It is the
    superusers' back office: anyone else already signed in goes to their first screen (the
    org admin's is Settings) instead of back to the sign-in page, which would send them here."""
    if request.user.is_authenticated and not request.user.is_superuser:
        return redirect("home")
    return redirect_to_login(request.GET.get("next", "/admin/"))


class PasswordChangeView(auth_views.PasswordChangeView):
    """Changing the password keeps this session and ends the others (Django's session hash)."""

    template_name = "tenancy/password_change.html"

    def dispatch(self, request, *args, **kwargs):
        if getattr(request, "actor", None) is None:
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is changed. Other devices are signed out."))
        return response

    def get_success_url(self):
        return reverse("account")


@actor_required
def two_factor(request: HttpRequest):
    """Set up, replace or remove the authenticator app."""
    user = request.actor.user
    device = sign_in.confirmed_device(user)
    required = sign_in.two_factor_required(user)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action")
        code = request.POST.get("code", "")
        if action == "confirm":
            enrolment = sign_in.enrolment_device(request)
            if sign_in.two_factor_confirm(actor=request.actor, device=enrolment, code=code):
                sign_in.mark_verified(request, enrolment)
                messages.success(request, _("Two-factor sign-in is on."))
                return redirect("account")
            error = _("That code is not right. Enter the code the app shows now.")
        elif action == "remove" and device is not None and not required:
            if sign_in.verify_code(device, code):
                sign_in.two_factor_remove(actor=request.actor, user=user)
                messages.success(request, _("Two-factor sign-in is off."))
                return redirect("account")
            error = sign_in.wrong_code_message(device)
    context = {"device": device, "required": required, "error": error, "verified": request.user.is_verified()}
    if device is None or request.GET.get("replace"):
        enrolment = sign_in.enrolment_device(request)
        context |= {
            "enrolment": enrolment,
            "qr": sign_in.qr_code_svg(enrolment),
            "secret": sign_in.secret_base32(enrolment),
        }
    return render(request, "tenancy/two_factor.html", context)


@actor_required
def account(request: HttpRequest):
    actor = request.actor
    profile_form = ProfileForm(request.POST if request.method == "POST" else None, instance=actor.user)
    if request.method == "POST" and profile_form.is_valid():
        try:
            services.user_update(
                actor=actor,
                user=actor.user,
                changes=profile_form.changes(),
                current_password=profile_form.cleaned_data["current_password"],
            )
        except ValidationFailed as error:
            add_service_errors(profile_form, error)
        else:
            messages.success(request, _("Your settings are saved."))
            return redirect("account")
    return render(request, "tenancy/account.html", _account_context(actor, profile_form))


def _account_context(actor, profile_form) -> dict:
    return {
        "form": profile_form,
        "token_form": TokenForm(),
        "tokens": ApiToken.objects.visible_to(actor).order_by("-created_at"),
        "has_two_factor": sign_in.confirmed_device(actor.user) is not None,
    }


@require_POST
def set_language(request: HttpRequest):
    """Django's language switch, which also remembers the choice on the user's account so it
    follows them to other devices (the user's setting wins over the browser's)."""
    response = i18n_views.set_language(request)
    language = request.POST.get("language", "")
    if getattr(request, "actor", None) and language in dict(settings.LANGUAGES):
        services.user_update(actor=request.actor, user=request.actor.user, changes={"language": language})
    return response


@actor_required
@require_POST
def token_create(request: HttpRequest):
    form = TokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the token a name."))
        return redirect("account")
    token, secret = services.api_token_create(user=request.actor.user, name=form.cleaned_data["name"])
    context = _account_context(request.actor, ProfileForm(instance=request.actor.user))
    return render(request, "tenancy/account.html", context | {"new_secret": secret, "new_token": token})


@actor_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int):
    token = get_visible(ApiToken.objects.visible_to(request.actor), token_id, actor=request.actor)
    services.api_token_revoke(token=token)
    messages.success(request, _("The token is revoked."))
    return redirect("account")


def server_error(request: HttpRequest):
    """Production's answer to an unexpected error: no traceback, the request id to quote.
    Rendered without the base template, which itself reads the database that may be failing."""
    request_id = getattr(request, "id", "")
    if is_database_busy(sys.exc_info()[1]):
        return _database_busy(request, request_id)
    if is_api_request(request):
        body = {"detail": "Server error. 服务器错误。", "errors": [], "request_id": request_id}
        return JsonResponse(body, status=500)
    html = loader.get_template("500.html").render({"request_id": request_id})
    return HttpResponseServerError(html)


def _database_busy(request: HttpRequest, request_id: str) -> HttpResponse:
    """Another writer held the database longer than this request could wait (a large import on
    SQLite, a row lock on PostgreSQL): nothing was changed, try again shortly. Wherever the
    error arose — view, API or middleware — it ends here, as an unhandled error."""
    if is_api_request(request):
        detail = _("The database is busy with another change; nothing was changed. Try again in a few seconds.")
        response = JsonResponse({"detail": detail, "errors": [], "request_id": request_id}, status=503)
    else:
        html = loader.get_template("503_database.html").render({"request_id": request_id})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response


def health(request: HttpRequest):
    """For load balancers and monitoring: the application answers (no database needed)."""
    return JsonResponse({"status": "ok"})
