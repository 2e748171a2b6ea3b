"""Reads, always scoped to the actor (tenancy/scopes.py decides)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from pacekeeper.crm.models import Contact, Customer
from pacekeeper.tenancy.models import Team, TeamMembership, User
from pacekeeper.tenancy.scopes import Actor, get_visible, relationship_customers_q, service_deliverers_q

from .health import Health, customers_health
from .models import CustomerProfile, EducationSession, ValueService

CHURN_STATUSES = (Customer.Status.ACTIVE, Customer.Status.DORMANT)


def health_customers(actor: Actor, *, manager: int | None = None, team: Team | None = None) -> QuerySet:
    """The actor's customers, narrowed to one manager's or one team's (its sub-teams included,
    its current members) portfolio."""
    customers = Customer.objects.filter(relationship_customers_q(actor))
    if manager is not None:
        customers = customers.filter(owner_id=manager)
    if team is not None:
        members = TeamMembership.objects.current(actor.today()).filter(
            org_id=actor.org_id, team__path__startswith=team.path
        )
        customers = customers.filter(owner_id__in=members.values("user_id"))
    return customers.order_by("pk")


def access_team(actor: Actor, team_id: int | None) -> Team | None:
    if team_id is None:
        return None
    return Team.objects.visible_to(actor).filter(pk=team_id).first()


def health_list(actor: Actor, customers: QuerySet, *, as_of: dt.date | None = None) -> list[Health]:
    return customers_health(org=actor.org, customers=customers, as_of=as_of or actor.today())


def churn_list(actor: Actor, customers: QuerySet, *, as_of: dt.date | None = None) -> list[Health]:
    """At-risk customers with a relationship (active or dormant), largest value at risk first."""
    rows = health_list(actor, customers.filter(status__in=CHURN_STATUSES), as_of=as_of)
    at_risk = [health for health in rows if health.at_risk]
    return sorted(at_risk, key=lambda h: (-h.value_at_risk_minor, h.score, h.customer.pk))


def access_customer(actor: Actor, customer_id: object, *, for_write: bool = False) -> Customer:
    return get_visible(
        Customer.objects.filter(relationship_customers_q(actor)).select_related("owner"),
        customer_id,
        actor=actor,
        for_write=for_write,
    )


def customer_health(actor: Actor, customer: Customer) -> Health:
    return health_list(actor, Customer.objects.filter(pk=customer.pk))[0]


def profile_for(customer: Customer) -> CustomerProfile | None:
    return CustomerProfile.objects.filter(org_id=customer.org_id, customer=customer).first()


def service_list(actor: Actor) -> QuerySet:
    return ValueService.objects.visible_to(actor).select_related("customer", "delivered_by")


def access_service(actor: Actor, value_service_id: object, *, for_write: bool = False) -> ValueService:
    return get_visible(service_list(actor), value_service_id, actor=actor, for_write=for_write)


def session_list(actor: Actor) -> QuerySet:
    return EducationSession.objects.visible_to(actor).select_related("customer", "host")


def access_session(actor: Actor, education_session_id: object, *, for_write: bool = False) -> EducationSession:
    return get_visible(session_list(actor), education_session_id, actor=actor, for_write=for_write)


def deliverer_choices(actor: Actor) -> QuerySet:
    return User.objects.filter(service_deliverers_q(actor)).order_by("display_name", "username")


def contact_choices(customer: Customer) -> QuerySet:
    return Contact.objects.filter(org_id=customer.org_id, customer=customer).order_by("name", "pk")
