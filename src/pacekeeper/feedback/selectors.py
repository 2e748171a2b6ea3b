"""Reads of surveys, always scoped to the person asking (tenancy.scopes decides)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from pacekeeper.crm.models import Contact
from pacekeeper.kpis import engine
from pacekeeper.kpis.periods import Period
from pacekeeper.tenancy.models import User
from pacekeeper.tenancy.scopes import Actor, get_visible

from .defaults import templates_ensure
from .models import Answer, Campaign, Invitation, SurveyTemplate

SURVEY_METRICS = ("csat_average", "csat_satisfied", "nps", "survey_response_rate")


def template_list(actor: Actor) -> QuerySet[SurveyTemplate]:
    """The organisation's templates; the CSAT and NPS ones are seeded on first use."""
    templates_ensure(actor.org)
    templates = SurveyTemplate.objects.visible_to(actor).annotate(question_count=Count("questions"))
    return templates.order_by("-is_default", "name_en", "pk")


def access_template(actor: Actor, template_id: object) -> SurveyTemplate:
    return get_visible(SurveyTemplate.objects.visible_to(actor), template_id, actor=actor)


def campaign_list(actor: Actor) -> QuerySet[Campaign]:
    return (
        Campaign.objects.visible_to(actor)
        .select_related("template", "created_by")
        .annotate(
            invited=Count("invitations"),
            answered=Count("invitations", filter=Q(invitations__answered_at__isnull=False)),
        )
        .order_by("-created_at", "-pk")
    )


def access_campaign(actor: Actor, campaign_id: object) -> Campaign:
    return get_visible(campaign_list(actor), campaign_id, actor=actor)


def invitation_list(actor: Actor) -> QuerySet[Invitation]:
    return Invitation.objects.visible_to(actor).select_related("contact", "customer", "manager", "template")


def access_invitation(actor: Actor, invitation_id: object) -> Invitation:
    return get_visible(invitation_list(actor), invitation_id, actor=actor)


def answer_list(actor: Actor, *, customer: int | None = None, campaign: int | None = None) -> QuerySet[Answer]:
    answers = Answer.objects.visible_to(actor).select_related("contact", "customer", "manager", "template")
    if customer:
        answers = answers.filter(customer_id=customer)
    if campaign:
        answers = answers.filter(invitation__campaign_id=campaign)
    return answers


def access_answer(actor: Actor, answer_id: object) -> Answer:
    return get_visible(answer_list(actor), answer_id, actor=actor)


def access_contact(actor: Actor, contact_id: object) -> Contact:
    return get_visible(Contact.objects.visible_to(actor).select_related("customer"), contact_id, actor=actor)


def campaign_contacts(actor: Actor, filters: dict) -> QuerySet[Contact]:
    """The contacts a campaign's filter names, among those the actor sees: customers by tier,
    status, account manager and name; optionally decision makers only. Lost customers and
    customers without a manager are left out."""
    contacts = Contact.objects.visible_to(actor).filter(customer__owner__isnull=False).exclude(customer__status="lost")
    if filters.get("tier"):
        contacts = contacts.filter(customer__tier=filters["tier"])
    if filters.get("status"):
        contacts = contacts.filter(customer__status=filters["status"])
    if filters.get("owner"):
        contacts = contacts.filter(customer__owner_id=filters["owner"])
    if filters.get("q"):
        contacts = contacts.filter(Q(customer__name__icontains=filters["q"]) | Q(name__icontains=filters["q"]))
    if filters.get("decision_makers"):
        contacts = contacts.filter(is_decision_maker=True)
    return contacts.select_related("customer").order_by("customer__name", "name", "pk")


def survey_figures(actor: Actor, *, period: Period, level: str = "manager") -> dict[int, dict[str, object]]:
    """CSAT, % satisfied, NPS and response rate of the subjects the actor sees, from the KPI
    engine (never counted here)."""
    values = engine.compute(org=actor.org, metrics=SURVEY_METRICS, level=level, period=period)
    if level == "manager" and actor.member_ids is not None:
        values = {subject: row for subject, row in values.items() if subject in actor.member_ids}
    return values


def people_named(actor: Actor, ids) -> dict[int, User]:
    return {user.pk: user for user in User.objects.filter(org_id=actor.org_id, pk__in=list(ids))}
