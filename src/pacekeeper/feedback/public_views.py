"""The public answer page: no account, only the link's token (docs/feedback.md). Phone-first, in
the contact's language (a switch offers the other), rate-limited per address and per token.
Every refusal is a page that says why, never an error page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from pacekeeper.errors import ValidationFailed
from pacekeeper.lib.rate_limits import allow
from pacekeeper.lib.request_context import client_address

from . import services, tokens
from .models import Language


def rate_limited(request: HttpRequest, token: str) -> bool:
    """True when this address, or this link, has been used too often in the current window."""
    window = settings.SURVEY_RATE_WINDOW_SECONDS
    by_address = allow(
        f"survey:address:{client_address(request)}", limit=settings.SURVEY_RATE_PER_ADDRESS, seconds=window
    )
    by_token = allow(
        f"survey:token:{tokens.token_hash(token or '-')}", limit=settings.SURVEY_RATE_PER_TOKEN, seconds=window
    )
    return not (by_address and by_token)


def _language(request: HttpRequest, invitation=None) -> str:
    chosen = request.GET.get("lang") or request.POST.get("lang") or ""
    if chosen in Language.values:
        return chosen
    return invitation.language if invitation is not None else Language.ZH


def _closed(request: HttpRequest, message: str, status: int, language: str):
    with translation.override(language):
        return render(request, "feedback/public_closed.html", {"message": message, "language": language}, status=status)


SCORES = {"csat": range(1, 6), "rating": range(1, 6), "nps": range(0, 11)}


def _questions(invitation, language: str, values: dict) -> list[dict]:
    """Each question as the page shows it, with what the contact typed (kept on an error)."""
    return [
        {
            "question": question,
            "field": f"q{question.pk}",
            "text": question.text_in(language),
            "options": list(enumerate(question.options_in(language))),
            "scores": [str(n) for n in SCORES.get(question.kind, ())],
            "value": values.get(str(question.pk), [] if question.kind == "multiple" else ""),
        }
        for question in invitation.template.questions.all()
    ]


def _posted(request: HttpRequest, invitation) -> dict:
    """The form's answers by question id (several boxes of a multiple choice as a list)."""
    values = {}
    for question in invitation.template.questions.all():
        name = f"q{question.pk}"
        if question.kind == "multiple":
            values[str(question.pk)] = request.POST.getlist(name)
        elif name in request.POST:
            values[str(question.pk)] = request.POST.get(name)
    return values


@never_cache
def answer(request: HttpRequest, token: str):
    if rate_limited(request, token):
        return _closed(
            request, _("Too many attempts. Please wait a few minutes and try again."), 429, _language(request)
        )
    try:
        invitation = services.invitation_by_token(token)
    except services.SurveyLinkError as error:
        with translation.override(_language(request)):
            message = str(services.LINK_MESSAGES[error.reason]())
        return _closed(request, message, 404 if error.reason == "invalid" else 410, _language(request))
    language = _language(request, invitation)
    errors, values = {}, {}
    if request.method == "POST":
        values = _posted(request, invitation)
        with translation.override(language):
            try:
                services.answer_submit(token=token, values=values)
            except services.SurveyLinkError as error:
                return _closed(request, str(services.LINK_MESSAGES[error.reason]()), 410, language)
            except ValidationFailed as failed:
                errors = {key: [str(m) for m in messages] for key, messages in failed.errors.items()}
            else:
                return render(request, "feedback/public_thanks.html", {"language": language, "token": token})
    with translation.override(language):
        context = {
            "invitation": invitation,
            "title": invitation.template.name_in(language),
            "intro": invitation.template.intro_in(language),
            "questions": _questions(invitation, language, values),
            "errors": errors,
            "values": values,
            "language": language,
            "other": Language.EN if language == Language.ZH else Language.ZH,
            "token": token,
        }
        return render(request, "feedback/public_answer.html", context, status=422 if errors else 200)


@never_cache
@require_POST
def unsubscribe(request: HttpRequest, token: str):
    language = _language(request)
    if rate_limited(request, token):
        return _closed(request, _("Too many attempts. Please wait a few minutes and try again."), 429, language)
    try:
        services.opt_out(token=token)
    except services.SurveyLinkError as error:
        with translation.override(language):
            return _closed(request, str(services.LINK_MESSAGES[error.reason]()), 404, language)
    with translation.override(language):
        return _closed(request, _("You will receive no more surveys from us."), 200, language)
