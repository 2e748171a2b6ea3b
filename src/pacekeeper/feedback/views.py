"""Survey pages for people of the organisation: the overview (figures and campaigns), templates,
campaigns, a contact's invitation link and QR code, answers, settings. Each view parses, fetches
through the scope, calls the service the API calls too, and renders."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacekeeper.crm.selectors import portfolio_holders
from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.kpis.periods import Period
from pacekeeper.lib.ids import parse_id
from pacekeeper.lib.pages import actor_required, add_service_errors, message_service_errors, paginate, query_without
from pacekeeper.tenancy.scopes import may_run_survey_campaigns, may_write_survey_templates, require_writer

from . import selectors, services
from .forms import CampaignForm, InviteForm, QuestionForm, SettingsForm, TemplateCreateForm, TemplateForm
from .models import Invitation

PER_PAGE = 25


def this_quarter(actor) -> Period:
    start = services.quarter_start(actor.today())
    return Period(start, actor.today())


@actor_required
def home(request: HttpRequest):
    actor = request.actor
    period = this_quarter(actor)
    figures = selectors.survey_figures(actor, period=period)
    people = selectors.people_named(actor, figures)
    rows = sorted(
        ({"person": people.get(pk), **values} for pk, values in figures.items() if pk in people),
        key=lambda row: str(row["person"]),
    )
    org = selectors.survey_figures(actor, period=period, level="org").get(0, {}) if actor.sees_whole_org else None
    context = {
        "period": period,
        "rows": rows,
        "org_figures": org,
        "page": paginate(request, selectors.campaign_list(actor), PER_PAGE),
        "query": query_without(request, "page"),
        "may_run": may_run_survey_campaigns(actor),
        "may_write": may_write_survey_templates(actor),
    }
    return render(request, "feedback/home.html", context)


@actor_required
def templates(request: HttpRequest):
    actor = request.actor
    context = {
        "page": paginate(request, selectors.template_list(actor), PER_PAGE),
        "query": query_without(request, "page"),
        "may_write": may_write_survey_templates(actor),
    }
    return render(request, "feedback/templates.html", context)


@actor_required
def template_create(request: HttpRequest):
    actor = request.actor
    if not may_write_survey_templates(actor):
        raise Forbidden()
    form = TemplateCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            template = services.template_create(actor=actor, **form.cleaned_data)
        except ValidationFailed as failed:
            add_service_errors(form, failed)
        else:
            messages.success(request, _("Survey created: now add its questions."))
            return redirect("feedback:template_edit", template.pk)
    return render(request, "feedback/template_form.html", {"form": form, "template": None})


@actor_required
def template_edit(request: HttpRequest, survey_template_id: int):
    actor = request.actor
    template = selectors.access_template(actor, survey_template_id)
    if not may_write_survey_templates(actor):
        raise Forbidden()
    initial = {name: getattr(template, name) for name in ("name_zh", "name_en", "intro_zh", "intro_en", "is_active")}
    form = TemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.template_update(actor=actor, template=template, changes=form.cleaned_data)
        except ValidationFailed as failed:
            add_service_errors(form, failed)
        else:
            messages.success(request, _("Survey saved."))
            return redirect("feedback:template_edit", template.pk)
    return _template_page(request, template, form, QuestionForm())


def _template_page(request, template, form, question_form):
    context = {
        "template": template,
        "form": form,
        "question_form": question_form,
        "questions": template.questions.all(),
        "has_answers": template.answers.exists(),
    }
    return render(request, "feedback/template_form.html", context)


@actor_required
@require_POST
def question_add(request: HttpRequest, survey_template_id: int):
    actor = request.actor
    template = selectors.access_template(actor, survey_template_id)
    if not may_write_survey_templates(actor):
        raise Forbidden()
    question_form = QuestionForm(request.POST)
    if question_form.is_valid():
        data = dict(question_form.cleaned_data)
        data["options"] = [line for line in data["options"].splitlines() if line.strip()]
        try:
            services.question_add(actor=actor, template=template, **data)
        except ValidationFailed as failed:
            add_service_errors(question_form, failed)
        else:
            messages.success(request, _("Question added."))
            return redirect("feedback:template_edit", template.pk)
    initial = {name: getattr(template, name) for name in ("name_zh", "name_en", "intro_zh", "intro_en", "is_active")}
    return _template_page(request, template, TemplateForm(initial=initial), question_form)


@actor_required
@require_POST
def question_remove(request: HttpRequest, survey_template_id: int):
    actor = request.actor
    template = selectors.access_template(actor, survey_template_id)
    if not may_write_survey_templates(actor):
        raise Forbidden()
    question = template.questions.filter(pk=parse_id(request.POST.get("question"))).first()
    if question is not None:
        try:
            services.question_remove(actor=actor, question=question)
        except ValidationFailed as failed:
            message_service_errors(request, failed)
        else:
            messages.success(request, _("Question removed."))
    return redirect("feedback:template_edit", template.pk)


def _campaign_form(request, actor):
    return CampaignForm(
        request.POST or None,
        templates=selectors.template_list(actor).filter(is_active=True),
        owners=portfolio_holders(actor=actor),
    )


@actor_required
def campaign_create(request: HttpRequest):
    actor = request.actor
    if not may_run_survey_campaigns(actor):
        raise Forbidden()
    form = _campaign_form(request, actor)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(
                actor=actor,
                name=form.cleaned_data["name"],
                template_id=form.cleaned_data["template"],
                filters=form.filters(),
            )
        except ValidationFailed as failed:
            add_service_errors(form, failed)
        else:
            return redirect("feedback:campaign", campaign.pk)
    return render(request, "feedback/campaign_form.html", {"form": form})


@actor_required
def campaign(request: HttpRequest, campaign_id: int):
    actor = request.actor
    found = selectors.access_campaign(actor, campaign_id)
    invitations = selectors.invitation_list(actor).filter(campaign=found)
    contacts = selectors.campaign_contacts(actor, found.filters) if found.sent_at is None else None
    context = {
        "campaign": found,
        "page": paginate(request, invitations if found.sent_at else contacts, PER_PAGE),
        "query": query_without(request, "page"),
        "may_run": may_run_survey_campaigns(actor),
        "rate": services.response_rate(found.answered, found.invited),
    }
    return render(request, "feedback/campaign.html", context)


@actor_required
@require_POST
def campaign_send(request: HttpRequest, campaign_id: int):
    actor = request.actor
    found = selectors.access_campaign(actor, campaign_id)
    try:
        result = services.campaign_send(actor=actor, campaign=found)
    except ValidationFailed as failed:
        message_service_errors(request, failed)
    else:
        messages.success(
            request,
            _("Sent to %(sent)d contacts; %(skipped)d skipped.")
            % {"sent": result.sent, "skipped": len(result.skipped)},
        )
        for reason in result.skipped[:10]:
            messages.info(request, reason)
    return redirect("feedback:campaign", found.pk)


def _link_page(request, invitation: Invitation, url: str | None):
    qr = segno.make(url, error="m").svg_inline(scale=4, dark="#111", light="#fff") if url else ""
    return render(request, "feedback/invitation.html", {"invitation": invitation, "url": url, "qr": qr})


@actor_required
def invite(request: HttpRequest, contact_id: int):
    actor = request.actor
    contact = selectors.access_contact(actor, contact_id)
    require_writer(actor)
    form = InviteForm(request.POST or None, templates=selectors.template_list(actor).filter(is_active=True))
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.invitation_create(
                actor=actor,
                contact=contact,
                template_id=form.cleaned_data["template"],
                channel=form.cleaned_data["channel"],
                language=form.cleaned_data["language"],
            )
        except ValidationFailed as failed:
            add_service_errors(form, failed)
        else:
            if sent.invitation.channel == Invitation.Channel.EMAIL:
                messages.success(request, _("The survey was emailed to %(email)s.") % {"email": contact.email})
            return _link_page(request, sent.invitation, sent.url)
    return render(request, "feedback/invite.html", {"form": form, "contact": contact})


@actor_required
def invitation(request: HttpRequest, invitation_id: int):
    """An invitation's link and QR code again, while it is open."""
    found = selectors.access_invitation(request.actor, invitation_id)
    url = services.open_link_for(request.actor, found)
    return _link_page(request, found, url)


@actor_required
def answers(request: HttpRequest):
    actor = request.actor
    customer = parse_id(request.GET.get("customer"))
    rows = selectors.answer_list(actor, customer=customer)
    context = {
        "page": paginate(request, rows, PER_PAGE),
        "query": query_without(request, "page"),
        "customer": customer,
        "language": get_language() or "zh-hans",
    }
    return render(request, "feedback/answers.html", context)


@actor_required
def survey_settings(request: HttpRequest):
    actor = request.actor
    if not may_write_survey_templates(actor):
        raise Forbidden()
    current = services.settings_for(actor.org)
    initial = {
        "min_days_between": current.min_days_between,
        "expiry_days": current.expiry_days,
        "reminder_after_days": current.reminder_after_days,
        "interaction_kinds": current.interaction_kinds,
        "interaction_template": current.interaction_template_id,
        "schedule_template": current.schedule_template_id,
        "schedule_tiers": current.schedule_tiers,
    }
    form = SettingsForm(request.POST or None, initial=initial, templates=selectors.template_list(actor))
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_update(actor=actor, changes=form.cleaned_data)
        except ValidationFailed as failed:
            add_service_errors(form, failed)
        else:
            messages.success(request, _("Survey settings saved."))
            return redirect("feedback:settings")
    return render(request, "feedback/settings.html", {"form": form})


@actor_required
def contacts(request: HttpRequest):
    """The contacts the actor sees, to pick one and ask them for feedback."""
    actor = request.actor
    q = (request.GET.get("q") or "").strip()[:100]
    rows = selectors.campaign_contacts(actor, {"q": q} if q else {})
    context = {"page": paginate(request, rows, PER_PAGE), "query": query_without(request, "page"), "q": q}
    return render(request, "feedback/contacts.html", context)
