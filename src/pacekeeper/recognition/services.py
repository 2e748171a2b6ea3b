"""Writes of recognition: giving kudos, awarding badges (by the rules after a period closes, or by
hand) and issuing honour certificates. Pages, the API and the chore call these same functions
(docs/recognition.md)."""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pacekeeper.crm.models import Customer
from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.goals.models import Goal
from pacekeeper.kpis.periods import Period
from pacekeeper.lib.documents import Certificate
from pacekeeper.lib.formatting import format_period, is_chinese
from pacekeeper.lib.ids import parse_id
from pacekeeper.lib.pdf import render_certificate_pdf
from pacekeeper.lib.text import clean_text
from pacekeeper.tenancy.audit import audit_record
from pacekeeper.tenancy.models import Organization, User
from pacekeeper.tenancy.scopes import Actor, kudos_recipients_q, may_award_badge, require_writer

from . import notices
from .models import KUDOS_MAX_LENGTH, REASON_MAX_LENGTH, Badge, BadgeAward, Kudos, Rule
from .rules import RULES, periods_to_evaluate

logger = logging.getLogger(__name__)


# --- kudos ------------------------------------------------------------------------------------


@transaction.atomic
def kudos_give(
    *, actor: Actor, recipient_id: object, text: str, customer_id: object = None, goal_id: object = None
) -> Kudos:
    """Praise a colleague of the organisation (not oneself), optionally about a customer or a
    goal the giver can see. Refused with field errors, nothing written."""
    require_writer(actor)
    errors: dict[str, list[str]] = {}
    recipient = _recipient(actor, recipient_id, errors)
    text = clean_text(text or "").strip()
    if not text:
        errors["text"] = [_("Write what you praise them for.")]
    elif len(text) > KUDOS_MAX_LENGTH:
        errors["text"] = [_("At most %(n)d characters.") % {"n": KUDOS_MAX_LENGTH}]
    customer = _optional(Customer.objects.visible_to(actor), customer_id, "customer", errors)
    goal = _optional(Goal.objects.visible_to(actor), goal_id, "goal", errors)
    if errors:
        raise ValidationFailed(errors)
    kudos = Kudos.objects.create(
        org_id=actor.org_id, giver=actor.user, recipient=recipient, text=text, customer=customer, goal=goal
    )
    notices.announce_kudos(actor=actor, kudos=kudos)
    return kudos


def _recipient(actor: Actor, recipient_id: object, errors: dict) -> User | None:
    number = parse_id(recipient_id)
    if number is not None and number == actor.user_id:
        errors["recipient"] = [_("Praise someone else: kudos cannot go to oneself.")]
        return None
    found = User.objects.filter(kudos_recipients_q(actor), pk=number).first() if number is not None else None
    if found is None:
        errors["recipient"] = [_("Choose a colleague of your organisation.")]
    return found


def _optional(queryset, value: object, field: str, errors: dict):
    if value in (None, ""):
        return None
    number = parse_id(value)
    found = queryset.filter(pk=number).first() if number is not None else None
    if found is None:
        errors[field] = [_("Choose one you can see.")]
    return found


# --- badges -----------------------------------------------------------------------------------


def _award(*, badge: Badge, person_id: int, period: Period, evidence: dict, reason: str = "", by=None):
    """Create the award unless this person already has this badge for this period; None then."""
    try:
        with transaction.atomic():
            award, created = BadgeAward.objects.get_or_create(
                org_id=badge.org_id,
                badge=badge,
                person_id=person_id,
                period_start=period.start,
                period_end=period.end,
                defaults={"evidence": evidence, "reason": reason, "awarded_by": by},
            )
    except IntegrityError:  # another worker made it at the same moment
        return None
    return award if created else None


def badges_evaluate(*, org: Organization, today: dt.date | None = None) -> int:
    """Run every active automatic badge rule of the organisation over its closed periods and
    award what they find. Idempotent: an award already made is not made again. Returns how many
    awards were made."""
    today = today or timezone.now().astimezone(ZoneInfo(org.time_zone)).date()
    made = 0
    badges = Badge.objects.filter(org=org, is_active=True).exclude(rule=Rule.MANUAL).order_by("pk")
    active = set(User.objects.filter(org=org, is_active=True).values_list("pk", flat=True))
    for badge in badges:
        rule = RULES.get(badge.rule)
        if rule is None:
            continue
        for period in periods_to_evaluate(badge.rule, today):
            for candidate in rule(org, badge, period):
                if candidate.person_id not in active:
                    continue
                award = _award(
                    badge=badge, person_id=candidate.person_id, period=candidate.period, evidence=candidate.evidence
                )
                if award is not None:
                    made += 1
                    notices.announce_award(award=award)
    return made


def badges_evaluate_all() -> int:
    """The chore: every organisation's closed periods (lib/chores.py)."""
    made = 0
    for org in Organization.objects.order_by("pk"):
        made += badges_evaluate(org=org)
    return made


@transaction.atomic
def badge_award_manual(*, actor: Actor, person_id: object, badge_id: object, reason: str) -> BadgeAward:
    """A lead (for their people), a director or the org admin awards a badge by hand, with a
    reason, for the current month. Refused with a clear error, nothing written."""
    if actor.role not in ("admin", "director", "lead"):
        raise Forbidden(_("Badges are awarded by hand by team leads, directors and the org admin."))
    errors: dict[str, list[str]] = {}
    number = parse_id(person_id)
    person = User.objects.visible_to(actor).filter(pk=number, is_active=True).first() if number else None
    if person is None:
        errors["person"] = [_("Choose one of your people.")]
    elif not may_award_badge(actor, person.pk):
        errors["person"] = [_("You cannot award a badge to yourself.")]
    badge_number = parse_id(badge_id)
    badge = Badge.objects.visible_to(actor).active().filter(pk=badge_number).first() if badge_number else None
    if badge is None:
        errors["badge"] = [_("Choose an active badge.")]
    reason = clean_text(reason or "").strip()
    if not reason:
        errors["reason"] = [_("Say why: the reason is shown with the badge.")]
    elif len(reason) > REASON_MAX_LENGTH:
        errors["reason"] = [_("At most %(n)d characters.") % {"n": REASON_MAX_LENGTH}]
    if errors:
        raise ValidationFailed(errors)
    period = Period.month_of(actor.today())
    award = _award(badge=badge, person_id=person.pk, period=period, evidence={}, reason=reason, by=actor.user)
    if award is None:
        raise ValidationFailed({"badge": [_("This person already has this badge for this period.")]})
    audit_record(actor=actor, obj=award, field="awarded", before=None, after=str(badge), reason=reason)
    notices.announce_award(award=award, actor_user=actor.user)
    return award


# --- honour certificates ----------------------------------------------------------------------


def certificate_number(award: BadgeAward) -> str:
    return f"PK-{award.org_id}-{award.pk:06d}"


def certificate_pdf(*, actor: Actor, award: BadgeAward, language: str) -> bytes:
    """The honour certificate of an award as a one-page PDF in `language` ("zh-hans" or "en");
    each issue is recorded in the audit trail."""
    language = "zh-hans" if is_chinese(language) else "en"
    badge = award.badge
    with translation.override(language):
        period = format_period(award.period_start, award.period_end, language)
        achievement = _("For earning the badge “%(badge)s” for %(period)s.") % {
            "badge": badge.name_in(language),
            "period": period,
        }
        # A manual award says why (its reason); an automatic one what the badge stands for.
        detail = award.reason or badge.description_in(language)
        if detail:
            achievement += ("" if language == "zh-hans" else " ") + detail
        certificate = Certificate(
            title=_("Certificate of Honour"),
            organisation=award.org.name,
            person=str(award.person),
            achievement=achievement,
            date=award.awarded_at.astimezone(ZoneInfo(award.org.time_zone)).date(),
            language=language,
            number=certificate_number(award),
        )
    pdf = render_certificate_pdf(certificate)
    audit_record(actor=actor, obj=award, field="certificate", before=None, after=f"{certificate.number} {language}")
    return pdf
