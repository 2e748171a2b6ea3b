from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import i18n as i18n_views
from django.views.decorators.http import require_POST

from pacekeeper.errors import ValidationFailed
from pacekeeper.lib.pages import actor_required, add_service_errors

from . import services
from .forms import ProfileForm, TokenForm
from .models import ApiToken, Role
from .scopes import get_visible

FIRST_SCREEN = {
    Role.MANAGER: "dashboards:my_day",
    Role.LEAD: "dashboards:team",
    Role.DIRECTOR: "dashboards:overview",
    Role.ADMIN: "admin:index",
    Role.ANALYST: "dashboards:overview",
}


@actor_required
def home(request: HttpRequest):
    return redirect(FIRST_SCREEN[request.actor.role])


class LoginView(auth_views.LoginView):
    template_name = "tenancy/login.html"
    redirect_authenticated_user = True


@actor_required
def account(request: HttpRequest):
    actor = request.actor
    profile_form = ProfileForm(request.POST if request.method == "POST" else None, instance=actor.user)
    if request.method == "POST" and profile_form.is_valid():
        try:
            services.user_update(actor=actor, user=actor.user, changes=profile_form.cleaned_data)
        except ValidationFailed as error:
            add_service_errors(profile_form, error)
        else:
            messages.success(request, _("Your settings are saved."))
            return redirect("account")
    tokens = ApiToken.objects.visible_to(actor).order_by("-created_at")
    return render(request, "tenancy/account.html", {"form": profile_form, "token_form": TokenForm(), "tokens": tokens})


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
    tokens = ApiToken.objects.visible_to(request.actor).order_by("-created_at")
    form = ProfileForm(instance=request.actor.user)
    return render(
        request,
        "tenancy/account.html",
        {"form": form, "token_form": TokenForm(), "tokens": tokens, "new_secret": secret, "new_token": token},
    )


@actor_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int):
    token = get_visible(ApiToken.objects.visible_to(request.actor), token_id, actor=request.actor)
    services.api_token_revoke(token=token)
    messages.success(request, _("The token is revoked."))
    return redirect("account")
