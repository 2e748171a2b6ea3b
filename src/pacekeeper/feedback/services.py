"""Writes of surveys: templates and their questions, settings, invitations (one contact, a
campaign, after an interaction, each quarter), reminders, and the answer a contact submits.

The page and the API call the same functions. Each invitation stores the customer's responsible
manager and that manager's team at the moment it is made (DESIGN rule 4) and keeps the survey
rollups current in the same transaction (feedback/rollups.py).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pacekeeper.crm.models import Contact, Customer, Interaction
from pacekeeper.errors import Forbidden, NotFound, ValidationFailed
from pacekeeper.lib.text import clean_text
from pacekeeper.tenancy.audit import audit_record
from pacekeeper.tenancy.models import Organization, TeamMembership
from pacekeeper.tenancy.scopes import (
    Actor,
    may_run_survey_campaigns,
    may_see_survey_link,
    may_send_survey_campaign,
    may_write_survey_templates,
    require_writer,
)

from . import hooks, notices, tokens
from .models import (
    CSAT_MAX,
    CSAT_MIN,
    NPS_MAX,
    NPS_MIN,
    RATING_MAX,
    RATING_MIN,
    TEXT_MAX,
    Answer,
    Campaign,
    Invitation,
    Language,
    OptOut,
    SurveyQuestion,
    SurveySettings,
    SurveyTemplate,
)
from .rollups import surveys_changed

logger = logging.getLogger(__name__)


class SurveyLinkError(NotFound):
    """A link that opens no survey: `reason` is invalid, expired or answered."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(LINK_MESSAGES[reason]())


LINK_MESSAGES = {
    "invalid": lambda: _("This survey link is not valid. Please check that it was copied whole."),
    "expired": lambda: _("This survey has closed. Thank you all the same."),
    "answered": lambda: _("This survey has already been answered. Thank you!"),
}


def settings_for(org: Organization) -> SurveySettings:
    found = SurveySettings.objects.filter(org=org).first()
    if found is None:
        try:
            with transaction.atomic():
                found = SurveySettings.objects.create(org=org)
        except IntegrityError:
            found = SurveySettings.objects.get(org=org)
    return found


# --- templates ----------------------------------------------------------------------------------

TEMPLATE_FIELDS = ("name_zh", "name_en", "intro_zh", "intro_en", "is_active", "kind")


def _require_template_writer(actor: Actor) -> None:
    if not may_write_survey_templates(actor):
        raise Forbidden()


def _template_saved(template: SurveyTemplate) -> SurveyTemplate:
    errors = {}
    for name in ("name_zh", "name_en"):
        setattr(template, name, clean_text(getattr(template, name) or "").strip())
        if not getattr(template, name):
            errors[name] = [_("Give the survey a name in both languages.")]
    if errors:
        raise ValidationFailed(errors)
    clash = SurveyTemplate.objects.filter(org_id=template.org_id, name_en__iexact=template.name_en)
    if clash.exclude(pk=template.pk).exists():
        raise ValidationFailed({"name_en": [_("The organisation already has a survey of this name.")]})
    template.save()
    return template


@transaction.atomic
def template_create(*, actor: Actor, questions: list[dict] | None = None, **values) -> SurveyTemplate:
    _require_template_writer(actor)
    template = SurveyTemplate(org_id=actor.org_id, **{k: v for k, v in values.items() if k in TEMPLATE_FIELDS})
    _template_saved(template)
    for position, question in enumerate(questions or []):
        question_add(actor=actor, template=template, position=position, **question)
    return template


@transaction.atomic
def template_update(*, actor: Actor, template: SurveyTemplate, changes: dict) -> SurveyTemplate:
    _require_template_writer(actor)
    for name, value in changes.items():
        if name in TEMPLATE_FIELDS and name != "kind":
            setattr(template, name, value)
    return _template_saved(template)


def _options(kind: str, options: list | None) -> list[dict]:
    if kind not in SurveyQuestion.CHOICE_KINDS:
        return []
    cleaned = []
    for option in options or []:
        if isinstance(option, str):
            zh, _sep, en = option.partition("|")
            option = {"zh": zh, "en": en or zh}
        zh = clean_text(str(option.get("zh", ""))).strip()[:200]
        en = clean_text(str(option.get("en", ""))).strip()[:200]
        if zh or en:
            cleaned.append({"zh": zh or en, "en": en or zh})
    if len(cleaned) < 2:
        raise ValidationFailed({"options": [_("A choice question needs at least two options.")]})
    return cleaned


@transaction.atomic
def question_add(
    *,
    actor: Actor,
    template: SurveyTemplate,
    kind: str,
    text_zh: str,
    text_en: str,
    options: list | None = None,
    is_required: bool = True,
    position: int | None = None,
) -> SurveyQuestion:
    _require_template_writer(actor)
    if kind not in SurveyQuestion.Kind.values:
        raise ValidationFailed({"kind": [_("Choose a kind of question.")]})
    text_zh, text_en = clean_text(text_zh or "").strip(), clean_text(text_en or "").strip()
    if not text_zh or not text_en:
        raise ValidationFailed({"text_en" if not text_en else "text_zh": [_("Write the question in both languages.")]})
    if position is None:
        position = template.questions.count()
    return SurveyQuestion.objects.create(
        org_id=template.org_id,
        template=template,
        position=position,
        kind=kind,
        text_zh=text_zh[:500],
        text_en=text_en[:500],
        options=_options(kind, options),
        is_required=bool(is_required),
    )


@transaction.atomic
def question_remove(*, actor: Actor, question: SurveyQuestion) -> None:
    """A question leaves a template only while nobody has answered the template: answers keep
    the questions they answered."""
    _require_template_writer(actor)
    if question.template.answers.exists():
        raise ValidationFailed({"": [_("This survey has answers: its questions are kept. Make a new survey instead.")]})
    question.delete()


@transaction.atomic
def settings_update(*, actor: Actor, changes: dict) -> SurveySettings:
    _require_template_writer(actor)
    current = settings_for(actor.org)
    for name in ("min_days_between", "expiry_days", "reminder_after_days"):
        if name in changes and changes[name] is not None:
            value = int(changes[name])
            if not 1 <= value <= 3650:
                raise ValidationFailed({name: [_("Enter a number of days from 1 to 3650.")]})
            setattr(current, name, value)
    if "interaction_kinds" in changes:
        kinds = [kind for kind in changes["interaction_kinds"] or [] if kind in Interaction.Kind.values]
        current.interaction_kinds = sorted(set(kinds))
    if "schedule_tiers" in changes:
        from pacekeeper.crm.models import Tier

        current.schedule_tiers = sorted({tier for tier in changes["schedule_tiers"] or [] if tier in Tier.values})
    for name in ("interaction_template", "schedule_template"):
        if name in changes:
            template_id = changes[name]
            template = SurveyTemplate.objects.filter(org=actor.org, pk=template_id).first() if template_id else None
            if template_id and template is None:
                raise ValidationFailed({name: [_("Choose one of your organisation's surveys.")]})
            setattr(current, name, template)
    current.save()
    return current


# --- invitations --------------------------------------------------------------------------------


def team_on(org_id: int, manager_id: int, day: dt.date) -> int | None:
    membership = (
        TeamMembership.objects.current(day).filter(org_id=org_id, user_id=manager_id).order_by("-is_lead", "pk").first()
    )
    return membership.team_id if membership else None


def skip_reason(org: Organization, contact: Contact, *, now: dt.datetime, rules: SurveySettings) -> str:
    """Why this contact is not to be asked now ("" when they may be)."""
    if OptOut.objects.filter(contact=contact).exists():
        return _("%(name)s asked not to receive surveys.") % {"name": contact.name}
    since = now - dt.timedelta(days=rules.min_days_between)
    if Invitation.objects.filter(org=org, contact=contact, sent_at__gt=since).exists():
        return _("%(name)s was asked within the last %(days)d days.") % {
            "name": contact.name,
            "days": rules.min_days_between,
        }
    return ""


def contact_language(org: Organization, contact: Contact, language: str = "") -> str:
    if language in Language.values:
        return language
    if any("\u4e00" <= char <= "\u9fff" for char in contact.name):
        return Language.ZH
    return Language.EN if org.language == "en" else Language.ZH


@dataclass
class Sent:
    invitation: Invitation
    token: str

    @property
    def url(self) -> str:
        return tokens.public_url(self.token)


def _invite(
    org: Organization,
    *,
    template: SurveyTemplate,
    contact: Contact,
    channel: str,
    language: str = "",
    campaign: Campaign | None = None,
    interaction: Interaction | None = None,
    created_by=None,
    now: dt.datetime | None = None,
    rules: SurveySettings | None = None,
) -> Sent:
    """Make the invitation (the caller checked the contact may be asked) and credit it."""
    now = now or timezone.now()
    rules = rules or settings_for(org)
    customer: Customer = contact.customer
    day = now.astimezone(ZoneInfo(org.time_zone)).date()
    if interaction is not None:
        manager_id = interaction.manager_id
        credit_day = interaction.occurred_at.astimezone(ZoneInfo(org.time_zone)).date()
    else:
        manager_id, credit_day = customer.owner_id, day
    nonce = tokens.new_nonce()
    token = tokens.token_for(nonce)
    invitation = Invitation.objects.create(
        org=org,
        campaign=campaign,
        template=template,
        customer=customer,
        contact=contact,
        interaction=interaction,
        manager_id=manager_id,
        team_id=team_on(org.pk, manager_id, credit_day),
        language=contact_language(org, contact, language),
        channel=channel,
        nonce=nonce,
        token_hash=tokens.token_hash(token),
        created_by=created_by,
        sent_at=now,
        expires_at=now + dt.timedelta(days=rules.expiry_days),
    )
    surveys_changed(org=org, manager_id=manager_id, days=[day])
    sent = Sent(invitation, token)
    if channel == Invitation.Channel.EMAIL:
        transaction.on_commit(lambda: invitation_email(sent))
    return sent


def _usable_template(actor: Actor, template_id: object) -> SurveyTemplate:
    template = SurveyTemplate.objects.visible_to(actor).filter(pk=template_id, is_active=True).first()
    if template is None:
        raise ValidationFailed({"template": [_("Choose an active survey of your organisation.")]})
    if not template.questions.exists():
        raise ValidationFailed({"template": [_("This survey has no questions yet.")]})
    return template


@transaction.atomic
def invitation_create(
    *, actor: Actor, contact: Contact, template_id: object, channel: str = Invitation.Channel.LINK, language: str = ""
) -> Sent:
    """One contact, by hand: a link to copy or show as a QR code, or an email."""
    require_writer(actor)
    template = _usable_template(actor, template_id)
    if channel not in Invitation.Channel.values:
        raise ValidationFailed({"channel": [_("Choose email or link.")]})
    if channel == Invitation.Channel.EMAIL and not contact.email:
        raise ValidationFailed({"channel": [_("This contact has no email address: share the link instead.")]})
    rules = settings_for(actor.org)
    reason = skip_reason(actor.org, contact, now=timezone.now(), rules=rules)
    if reason:
        raise ValidationFailed({"contact": [reason]})
    return _invite(
        actor.org, template=template, contact=contact, channel=channel, language=language, created_by=actor.user
    )


def open_link_for(actor: Actor, invitation: Invitation) -> str | None:
    """The invitation's link for this reader while it is open, if they may see it at all."""
    if invitation.answered_at is not None or invitation.is_expired or not may_see_survey_link(actor, invitation):
        return None
    return invitation_link(invitation)


def invitation_link(invitation: Invitation) -> str:
    """The invitation's link, written again from its nonce (for its QR code and reminders)."""
    return tokens.public_url(tokens.token_for(invitation.nonce))


# --- campaigns ----------------------------------------------------------------------------------


@dataclass
class CampaignResult:
    campaign: Campaign
    sent: int = 0
    skipped: list[str] = field(default_factory=list)


@transaction.atomic
def campaign_create(*, actor: Actor, name: str, template_id: object, filters: dict) -> Campaign:
    if not may_run_survey_campaigns(actor):
        raise Forbidden()
    template = _usable_template(actor, template_id)
    name = clean_text(name or "").strip()
    if not name:
        raise ValidationFailed({"name": [_("Give the campaign a name.")]})
    return Campaign.objects.create(
        org=actor.org, template=template, name=name[:200], filters=filters, created_by=actor.user
    )


@transaction.atomic
def campaign_send(*, actor: Actor, campaign: Campaign) -> CampaignResult:
    """Email the campaign's survey to every contact of its filter the actor sees, except those
    who opted out, were asked too recently, or have no email address (each reported)."""
    from .selectors import campaign_contacts

    if not may_send_survey_campaign(actor, campaign):
        raise Forbidden()
    if campaign.sent_at is not None:
        raise ValidationFailed({"": [_("This campaign has been sent already.")]})
    result = CampaignResult(campaign)
    now = timezone.now()
    rules = settings_for(actor.org)
    for contact in campaign_contacts(actor, campaign.filters):
        reason = skip_reason(actor.org, contact, now=now, rules=rules)
        if not reason and not contact.email:
            reason = _("%(name)s has no email address.") % {"name": contact.name}
        if reason:
            result.skipped.append(reason)
            continue
        _invite(
            actor.org,
            template=campaign.template,
            contact=contact,
            channel=Invitation.Channel.EMAIL,
            campaign=campaign,
            created_by=actor.user,
            now=now,
            rules=rules,
        )
        result.sent += 1
    campaign.sent_at = now
    campaign.save(update_fields=["sent_at"])
    return result


# --- automatic sending --------------------------------------------------------------------------


def interaction_logged(interaction: Interaction) -> int:
    """After a new interaction of a kind the organisation chose, its contacts with an email
    address get the interaction survey (credited to the interaction's manager)."""
    org = interaction.org
    rules = SurveySettings.objects.filter(org=org).select_related("interaction_template").first()
    if rules is None or interaction.kind not in rules.interaction_kinds or rules.interaction_template is None:
        return 0
    if not rules.interaction_template.is_active:
        return 0
    sent = 0
    now = timezone.now()
    for contact in interaction.contacts.exclude(email="").select_related("customer"):
        if skip_reason(org, contact, now=now, rules=rules):
            continue
        with transaction.atomic():
            _invite(
                org,
                template=rules.interaction_template,
                contact=contact,
                channel=Invitation.Channel.EMAIL,
                interaction=interaction,
                now=now,
                rules=rules,
            )
        sent += 1
    return sent


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def scheduled_surveys_send(*, now: dt.datetime | None = None) -> int:
    """Each quarter, the decision makers of the chosen tiers' customers get the quarterly survey
    once (a contact already invited to it this quarter is not asked again: the chore is
    idempotent)."""
    now = now or timezone.now()
    sent = 0
    for rules in SurveySettings.objects.exclude(schedule_template=None).select_related("org", "schedule_template"):
        org = rules.org
        if not rules.schedule_tiers or not rules.schedule_template.is_active:
            continue
        today = now.astimezone(ZoneInfo(org.time_zone)).date()
        start = dt.datetime.combine(quarter_start(today), dt.time.min, tzinfo=ZoneInfo(org.time_zone))
        done = Invitation.objects.filter(
            org=org, campaign__source=Campaign.Source.SCHEDULE, template=rules.schedule_template, sent_at__gte=start
        ).values("contact_id")
        contacts = (
            Contact.objects.filter(
                org=org, is_decision_maker=True, customer__tier__in=rules.schedule_tiers, customer__owner__isnull=False
            )
            .exclude(email="")
            .exclude(customer__status=Customer.Status.LOST)
            .exclude(pk__in=done)
            .select_related("customer")
        )
        campaign = None
        for contact in contacts:
            if skip_reason(org, contact, now=now, rules=rules):
                continue
            with transaction.atomic():
                campaign = campaign or _schedule_campaign(org, rules, today)
                _invite(
                    org,
                    template=rules.schedule_template,
                    contact=contact,
                    channel=Invitation.Channel.EMAIL,
                    campaign=campaign,
                    now=now,
                    rules=rules,
                )
            sent += 1
    return sent


def _schedule_campaign(org: Organization, rules: SurveySettings, today: dt.date) -> Campaign:
    start = quarter_start(today)
    name = f"{rules.schedule_template.name_en} {start.year} Q{(start.month - 1) // 3 + 1}"
    campaign, _created = Campaign.objects.get_or_create(
        org=org,
        source=Campaign.Source.SCHEDULE,
        name=name,
        defaults={"template": rules.schedule_template, "sent_at": timezone.now()},
    )
    return campaign


def reminders_send(*, now: dt.datetime | None = None) -> int:
    """One reminder to each emailed invitation still unanswered after the organisation's delay,
    and still open. The `reminded_at` mark makes it once, whoever runs the chore."""
    now = now or timezone.now()
    sent = 0
    due = Invitation.objects.filter(
        channel=Invitation.Channel.EMAIL, answered_at=None, reminded_at=None, expires_at__gt=now
    ).select_related("org__survey_settings", "contact", "template", "customer")
    for invitation in due.iterator():
        rules = getattr(invitation.org, "survey_settings", None)
        delay = rules.reminder_after_days if rules else SurveySettings._meta.get_field("reminder_after_days").default
        if invitation.sent_at > now - dt.timedelta(days=delay):
            continue
        if OptOut.objects.filter(contact_id=invitation.contact_id).exists():
            continue
        marked = Invitation.objects.filter(pk=invitation.pk, reminded_at=None).update(reminded_at=now)
        if marked:
            invitation_email(Sent(invitation, tokens.token_for(invitation.nonce)), reminder=True)
            sent += 1
    return sent


def invitation_email(sent: Sent, *, reminder: bool = False) -> None:
    """The invitation by Django's mail backend, in the contact's language first and the other one
    below (a contact forwarding it to a colleague reads it too)."""
    invitation = sent.invitation
    first = invitation.language
    second = Language.EN if first == Language.ZH else Language.ZH
    parts = [_email_text(invitation, sent.url, language, reminder) for language in (first, second)]
    subject = f"{parts[0][0]} / {parts[1][0]}"
    body = "\n\n— — —\n\n".join(text for _subject, text in parts)
    try:
        send_mail(subject, body, None, [invitation.contact.email])
    except Exception:  # a mail server down must not undo the invitation: the link still works
        logger.exception("survey invitation %s: the email could not be sent", invitation.pk)


def _email_text(invitation: Invitation, url: str, language: str, reminder: bool) -> tuple[str, str]:
    with translation.override(language):
        name = invitation.template.name_in(language)
        subject = _("Reminder: %(survey)s") % {"survey": name} if reminder else name
        lines = [
            _("Dear %(name)s,") % {"name": invitation.contact.name},
            invitation.template.intro_in(language),
            _("Please answer our short survey (one or two minutes): %(url)s") % {"url": url},
            _("The link works once and closes on %(date)s.")
            % {"date": invitation.expires_at.astimezone(ZoneInfo(invitation.org.time_zone)).date().isoformat()},
            _("To receive no more surveys, open the link and choose “No more surveys”."),
        ]
    return subject, "\n\n".join(line for line in lines if line)


# --- answering (the public page and endpoint) ---------------------------------------------------


def invitation_by_token(token: str, *, for_answer: bool = False) -> Invitation:
    """The invitation a link opens, or SurveyLinkError saying why it opens none."""
    if not tokens.looks_like_token(token or ""):
        raise SurveyLinkError("invalid")
    rows = Invitation.objects.select_related("template", "contact", "customer", "org")
    if for_answer:
        rows = rows.select_for_update()
    invitation = rows.filter(token_hash=tokens.token_hash(token)).first()
    if invitation is None:
        raise SurveyLinkError("invalid")
    if invitation.answered_at is not None:
        raise SurveyLinkError("answered")
    if invitation.is_expired:
        raise SurveyLinkError("expired")
    return invitation


# ASCII digits only: str.isdigit() also says yes to "²" and other digits int() refuses (a 500).
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,6}")


def _score(question: SurveyQuestion, value: object, low: int, high: int) -> int:
    if isinstance(value, bool):
        value = None
    if isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value.strip()):
        value = int(value.strip())
    if not isinstance(value, int) or not low <= value <= high:
        raise ValidationFailed(
            {f"q{question.pk}": [_("Choose a score from %(low)d to %(high)d.") % {"low": low, "high": high}]}
        )
    return value


def _choice(question: SurveyQuestion, value: object) -> list[int]:
    values = value if isinstance(value, list) else [value]
    chosen = []
    for item in values:
        if isinstance(item, str) and _WHOLE_NUMBER.fullmatch(item.strip()):
            item = int(item.strip())
        if isinstance(item, bool) or not isinstance(item, int) or not 0 <= item < len(question.options):
            raise ValidationFailed({f"q{question.pk}": [_("Choose one of the options.")]})
        chosen.append(item)
    if question.kind == SurveyQuestion.Kind.SINGLE and len(chosen) != 1:
        raise ValidationFailed({f"q{question.pk}": [_("Choose one of the options.")]})
    return sorted(set(chosen))


def _text(question: SurveyQuestion, value: object) -> str:
    text = clean_text(value if isinstance(value, str) else str(value)).strip()
    if len(text) > TEXT_MAX:
        raise ValidationFailed(
            {f"q{question.pk}": [_("Please keep the answer under %(count)d characters.") % {"count": TEXT_MAX}]}
        )
    return text


def _blank(value: object) -> bool:
    return value is None or value == "" or value == [] or (isinstance(value, str) and not value.strip())


SCORE_RANGES = {
    SurveyQuestion.Kind.CSAT: (CSAT_MIN, CSAT_MAX),
    SurveyQuestion.Kind.NPS: (NPS_MIN, NPS_MAX),
    SurveyQuestion.Kind.RATING: (RATING_MIN, RATING_MAX),
}


def answers_checked(questions: list[SurveyQuestion], values: dict) -> dict[str, object]:
    """Each question's answer, checked; every problem at once, by field `q<question id>`."""
    items, errors = {}, {}
    for question in questions:
        value = values.get(str(question.pk), values.get(f"q{question.pk}"))
        try:
            if _blank(value):
                if question.is_required:
                    raise ValidationFailed({f"q{question.pk}": [_("Please answer this question.")]})
                continue
            if question.kind in SCORE_RANGES:
                items[str(question.pk)] = _score(question, value, *SCORE_RANGES[question.kind])
            elif question.kind in SurveyQuestion.CHOICE_KINDS:
                items[str(question.pk)] = _choice(question, value)
            else:
                items[str(question.pk)] = _text(question, value)
        except ValidationFailed as failed:
            errors.update(failed.errors)
    if errors:
        raise ValidationFailed(errors)
    return items


@transaction.atomic
def answer_submit(*, token: str, values: dict) -> Answer:
    """Record a contact's answer: once per link, before it expires. Credited to the manager and
    team stored on the invitation (DESIGN rule 4), on the day it is answered."""
    invitation = invitation_by_token(token, for_answer=True)
    questions = list(invitation.template.questions.all())
    items = answers_checked(questions, values)
    first = {
        kind: next((q for q in questions if q.kind == kind and str(q.pk) in items), None) for kind in ("csat", "nps")
    }
    comment = next(
        (items[str(q.pk)] for q in questions if q.kind == SurveyQuestion.Kind.TEXT and str(q.pk) in items), ""
    )
    now = timezone.now()
    answer = Answer.objects.create(
        org=invitation.org,
        invitation=invitation,
        template=invitation.template,
        customer=invitation.customer,
        contact=invitation.contact,
        manager_id=invitation.manager_id,
        team_id=invitation.team_id,
        answered_at=now,
        csat=items[str(first["csat"].pk)] if first["csat"] else None,
        nps=items[str(first["nps"].pk)] if first["nps"] else None,
        comment=comment,
        items=items,
    )
    invitation.answered_at = now
    invitation.save(update_fields=["answered_at"])
    zone = ZoneInfo(invitation.org.time_zone)
    surveys_changed(
        org=invitation.org,
        manager_id=invitation.manager_id,
        days=[invitation.sent_at.astimezone(zone).date(), now.astimezone(zone).date()],
    )
    transaction.on_commit(lambda: notices.announce_answer(answer))
    transaction.on_commit(lambda: hooks.answer_recorded(answer))  # e.g. a ticket for a low score
    return answer


@transaction.atomic
def opt_out(*, token: str) -> OptOut:
    """The contact behind a link (open, expired or answered alike) is asked no more."""
    if not tokens.looks_like_token(token or ""):
        raise SurveyLinkError("invalid")
    invitation = Invitation.objects.filter(token_hash=tokens.token_hash(token)).first()
    if invitation is None:
        raise SurveyLinkError("invalid")
    found, _created = OptOut.objects.get_or_create(org_id=invitation.org_id, contact_id=invitation.contact_id)
    return found


def answer_delete(*, actor: Actor, answer: Answer) -> None:
    """Answers are the customer's word and are kept: deleting one is refused, and the attempt is
    recorded in the audit trail."""
    audit_record(actor=actor, obj=answer, field="deleted", before="", after="refused", reason="answers are kept")
    raise Forbidden(_("Survey answers are kept: they cannot be deleted."))


def response_rate(answered: int, invited: int):
    """A campaign's answered share of its invitations (a count of its own rows, not a KPI)."""
    from pacekeeper.kpis.registry import percent

    return percent(answered, invited)
