"""Signing in, kept hard to abuse: lockout after failed attempts (django-axes), two-factor codes
(TOTP, django-otp), and sessions that end when they should.

- A username + address pair is locked for a cool-off after AXES_FAILURE_LIMIT failures, on the
  login page, the two-factor step and the API token endpoint alike.
- Roles in TWO_FACTOR_REQUIRED_ROLES must confirm an authenticator before they see anything;
  anyone else may add one, and then always needs it.
- Logging out ends every session of the person (other browsers too); so does a password change
  (through Django's session hash) and deactivation.
"""

import base64
import time

import segno
from django.conf import settings
from django.contrib.auth import authenticate, logout
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import transaction
from django.db.models import F
from django.dispatch import receiver
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from pacekeeper.errors import Forbidden, TooManyAttempts, Unauthenticated
from pacekeeper.lib.request_context import is_api_request

from .audit import audit_record
from .models import User

PENDING_SESSION_KEY = "pacekeeper_pending_sign_in"
SIGNED_IN_AT_KEY = "pacekeeper_signed_in_at"
SEEN_AT_KEY = "pacekeeper_seen_at"
SESSION_ENDED_KEY = "pacekeeper_session_ended"
ENROLMENT_KEY = "pacekeeper_totp_enrolment"
# The password step is good for this long while the person finds their code.
PENDING_SECONDS = 300


# --- lockout (django-axes) -------------------------------------------------------------------


def username_for_lockout(request: HttpRequest, credentials: dict | None) -> str:
    """Failures count per person, however they are named: "Wang", " wang " and wang's email
    address all count towards (and are held by) the same lockout. A name that is nobody's
    counts as typed, so guessing at unknown names is limited too."""
    from .auth import user_for_identifier

    typed = str((credentials or {}).get("username") or request.POST.get("username", "")).strip().lower()
    user = user_for_identifier(typed)
    return user.username.lower() if user is not None else typed


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _("Too many failed sign-ins. Try again in %(minutes)d minutes.") % {"minutes": minutes}


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    message = lockout_message()
    if is_api_request(request):
        return JsonResponse({"detail": message, "errors": []}, status=429)
    return render(request, "tenancy/login.html", {"locked_message": message}, status=429)


def record_failure(request: HttpRequest, username: str) -> None:
    """A wrong two-factor code counts like a wrong password."""
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)


def token_for_credentials(request: HttpRequest, *, username: str, password: str, code: str, name: str):
    """The API's sign-in: password, then the code if the person uses two-factor, then a new
    personal token. Returns (secret, token)."""
    from .scopes import actor_for
    from .services import api_token_create

    user = authenticate(request, username=username, password=password)
    if getattr(request, "axes_locked_out", False):
        raise TooManyAttempts(lockout_message())
    if user is None or actor_for(user) is None:
        raise Unauthenticated(_("Wrong username/email or password."))
    device = confirmed_device(user)
    if device is None and two_factor_required(user):
        raise Forbidden(_("Your role signs in with two-factor codes: set up an authenticator on your account page."))
    if device is not None and not verify_code(device, code):
        record_failure(request, username)
        if getattr(request, "axes_locked_out", False):
            raise TooManyAttempts(lockout_message())
        raise Unauthenticated(_("Send the current code from your authenticator app (each code works once)."))
    token, secret = api_token_create(user=user, name=name)
    return secret, token


# --- two-factor (django-otp) -----------------------------------------------------------------


def two_factor_required(user: User) -> bool:
    return user.role in settings.TWO_FACTOR_REQUIRED_ROLES


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def enrolment_device(request: HttpRequest) -> TOTPDevice:
    """The authenticator being set up, not saved until a code confirms it: its key waits in
    the session, so opening the page writes nothing and the QR code stays the same."""
    key = request.session.get(ENROLMENT_KEY)
    if not key:
        key = request.session[ENROLMENT_KEY] = random_hex(20)
    return TOTPDevice(user=request.user, name=str(_("Authenticator app")), key=key, confirmed=False)


def _typed_code(device: TOTPDevice, code: str) -> int | None:
    """The code as typed ("123 456" too), or None when it cannot be one."""
    code = "".join(code.split())
    # isascii: "²²²²²²" is digits to str.isdigit but not to int().
    return int(code) if code.isascii() and code.isdigit() and len(code) == device.digits else None


def verify_code(device: TOTPDevice, code: str) -> bool:
    """True once per code: a code already used (or an older one) is refused."""
    typed = _typed_code(device, code)
    return typed is not None and device.verify_token(typed)


def wrong_code_message(device: TOTPDevice) -> str:
    if not device.verify_is_allowed()[0]:
        return _("Too many wrong codes in a row: wait a few seconds, then enter the current code.")
    return _("That code is not right, or it was already used. Enter the current one.")


@transaction.atomic
def two_factor_confirm(*, actor, device: TOTPDevice, code: str) -> bool:
    """Save the new authenticator once it shows a right code (replacing any older one). The
    code used here is spent: it cannot sign in afterwards."""
    typed = _typed_code(device, code)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if typed is None or not totp.verify(typed, device.tolerance):
        return False
    had_one = TOTPDevice.objects.filter(user=device.user, confirmed=True).delete()[0] > 0
    device.confirmed = True
    device.last_t = totp.t()
    device.save()
    audit_record(actor=actor, obj=device.user, field="two_factor", before="on" if had_one else "off", after="on")
    return True


@transaction.atomic
def two_factor_remove(*, actor, user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    audit_record(actor=actor, obj=user, field="two_factor", before="on", after="off")


def secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode()


def qr_code_svg(device: TOTPDevice) -> str:
    """The otpauth:// link as an inline SVG QR code, drawn on the server (nothing loaded)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#111", light="#fff")


def pending_sign_in(request: HttpRequest):
    """(pending, user, device) of a password step awaiting its code, or Nones once it is stale.
    Not scoped by actor: nobody is signed in yet; the id comes from our own session."""
    pending = request.session.get(PENDING_SESSION_KEY)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        return None, None, None
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    device = confirmed_device(user) if user else None
    return pending, user, device


def mark_verified(request: HttpRequest, device: TOTPDevice) -> None:
    request.session.pop(ENROLMENT_KEY, None)
    request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    request.user.otp_device = device


# --- sessions ---------------------------------------------------------------------------------


def end_all_sessions(user: User) -> None:
    """Every session signed in so far stops authenticating at its next request."""
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])


def sign_out(request: HttpRequest) -> None:
    if request.user.is_authenticated:
        end_all_sessions(request.user)
    logout(request)


def session_expired(request: HttpRequest, now: float) -> bool:
    session = request.session
    signed_in_at = session.get(SIGNED_IN_AT_KEY, now)
    seen_at = session.get(SEEN_AT_KEY, signed_in_at)
    return now - seen_at > settings.SESSION_IDLE_SECONDS or now - signed_in_at > settings.SESSION_COOKIE_AGE


def note_activity(request: HttpRequest, now: float) -> None:
    """Keep the idle clock; written at most once a minute so reads stay reads."""
    if now - request.session.get(SEEN_AT_KEY, 0) > 60:
        request.session[SEEN_AT_KEY] = now


@receiver(user_logged_in)
def _start_session_clock(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SIGNED_IN_AT_KEY] = now
        request.session[SEEN_AT_KEY] = now
