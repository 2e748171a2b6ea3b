"""Writes: the health weights, a customer's needs and preferences, value-added services and
education sessions. The pages and the API call these same functions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from pacekeeper.crm import services as crm_services
from pacekeeper.crm.models import Contact, Customer
from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.lib import date_rules
from pacekeeper.tenancy.audit import audit_record
from pacekeeper.tenancy.models import User
from pacekeeper.tenancy.scopes import (
    Actor,
    may_set_health_weights,
    relationship_customers_q,
    require_writable,
    require_writer,
    service_deliverers_q,
)

from .models import FACTORS, WEIGHT_MAX, CustomerProfile, EducationSession, HealthSettings, SessionInvitee, ValueService

MAX_INVITEES = 200


@transaction.atomic
def health_settings_save(*, actor: Actor, weights: dict[str, int], at_risk_below: int) -> HealthSettings:
    """Validated: every weight 0–100, at least one above 0, the threshold 0–100. Audited."""
    if not may_set_health_weights(actor):
        raise Forbidden(_("The health weights are set by the org admin."))
    errors: dict[str, list[str]] = {}
    for factor in FACTORS:
        value = weights.get(factor)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= WEIGHT_MAX:
            errors[f"weight_{factor}"] = [_("A weight is a whole number from 0 to 100.")]
    if not errors and sum(weights[f] for f in FACTORS) == 0:
        errors[""] = [_("At least one weight is above 0.")]
    if not isinstance(at_risk_below, int) or not 0 <= at_risk_below <= 100:
        errors["at_risk_below"] = [_("The at-risk threshold is a score from 0 to 100.")]
    if errors:
        raise ValidationFailed(errors)
    row, _created = HealthSettings.objects.get_or_create(org_id=actor.org_id)
    before = {**row.weights(), "at_risk_below": row.at_risk_below}
    for factor in FACTORS:
        setattr(row, f"weight_{factor}", weights[factor])
    row.at_risk_below = at_risk_below
    row.save()
    after = {**row.weights(), "at_risk_below": row.at_risk_below}
    for key, value in after.items():
        if before[key] != value:
            audit_record(
                actor=actor,
                obj=row,
                field=key if key == "at_risk_below" else f"weight_{key}",
                before=before[key],
                after=value,
            )
    return row


def _writable_customer(actor: Actor, customer_id: int | Customer, *, field: str = "customer") -> Customer:
    """A customer named in a request body: out of scope is a field error (400), not 404."""
    require_writer(actor)
    pk = customer_id.pk if isinstance(customer_id, Customer) else customer_id
    customer = Customer.objects.filter(relationship_customers_q(actor), pk=pk).first()
    if customer is None:
        raise ValidationFailed({field: [_("Choose one of your customers.")]})
    require_writable(actor, Customer, customer)
    return customer


@transaction.atomic
def profile_save(
    *, actor: Actor, customer: Customer, needs: str, preferred_channel: str, interests: str
) -> CustomerProfile:
    """Needs and preferences live on the crm customer (one source for both pages): written
    through crm's customer_save, which validates and audits. The channel and topics stay here."""
    customer = _writable_customer(actor, customer)
    if preferred_channel not in CustomerProfile.Channel.values:
        raise ValidationFailed({"preferred_channel": [_("Choose a channel from the list.")]})
    if needs != customer.needs:
        crm_services.customer_save(actor=actor, customer=customer, changes={"needs": needs})
    profile, _created = CustomerProfile.objects.get_or_create(org_id=actor.org_id, customer=customer)
    profile.preferred_channel, profile.interests = preferred_channel, interests
    profile.save()
    return profile


def _deliverer(actor: Actor, person_id: int | None, field: str) -> User:
    if person_id is None:
        return actor.user
    person = User.objects.filter(service_deliverers_q(actor), pk=person_id).first()
    if person is None:
        raise ValidationFailed({field: [_("Choose an active person of your organisation.")]})
    return person


@transaction.atomic
def value_service_log(
    *,
    actor: Actor,
    customer_id: int,
    kind: str,
    delivered_on: dt.date,
    effort_hours: Decimal,
    delivered_by_id: int | None = None,
    rating: int | None = None,
    note: str = "",
) -> ValueService:
    customer = _writable_customer(actor, customer_id)
    errors: dict[str, list[str]] = {}
    if kind not in ValueService.Kind.values:
        errors["kind"] = [_("Choose a kind from the list.")]
    if problem := date_rules.fact_problem(delivered_on, actor.today()):
        errors["delivered_on"] = [problem]
    if not Decimal("0") < effort_hours <= Decimal("1000") or effort_hours != effort_hours.quantize(Decimal("0.1")):
        errors["effort_hours"] = [_("Effort is more than 0 and at most 1000 hours, to a tenth of an hour.")]
    if rating is not None and not 1 <= rating <= 5:
        errors["rating"] = [_("A rating is from 1 to 5.")]
    if errors:
        raise ValidationFailed(errors)
    service = ValueService.objects.create(
        org_id=actor.org_id,
        customer=customer,
        kind=kind,
        delivered_on=delivered_on,
        effort_hours=effort_hours,
        delivered_by=_deliverer(actor, delivered_by_id, "delivered_by"),
        rating=rating,
        note=note,
    )
    audit_record(actor=actor, obj=service, field="created", before="", after=service.kind)
    return service


@transaction.atomic
def value_service_rate(*, actor: Actor, service: ValueService, rating: int | None) -> ValueService:
    """Record (or clear) the customer's rating, which often comes days after the service."""
    require_writable(actor, ValueService, service)
    if rating is not None and not 1 <= rating <= 5:
        raise ValidationFailed({"rating": [_("A rating is from 1 to 5.")]})
    before = service.rating
    service.rating = rating
    service.save(update_fields=["rating"])
    audit_record(actor=actor, obj=service, field="rating", before=before, after=rating)
    return service


@transaction.atomic
def value_service_delete(*, actor: Actor, service: ValueService) -> None:
    require_writable(actor, ValueService, service)
    audit_record(actor=actor, obj=service, field="deleted", before=service.kind, after="")
    service.delete()


@transaction.atomic
def education_session_create(
    *,
    actor: Actor,
    customer_id: int,
    title: str,
    held_on: dt.date,
    topic: str = "",
    host_id: int | None = None,
    survey_link: str = "",
    invitee_ids: list[int] = (),
) -> EducationSession:
    """A session for one customer's contacts; invitees must be that customer's contacts."""
    customer = _writable_customer(actor, customer_id)
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("Give the session a title.")]
    if problem := date_rules.window_problem(held_on, actor.today()):
        errors["held_on"] = [problem]
    wanted = set(invitee_ids)
    contacts = list(Contact.objects.filter(org_id=actor.org_id, customer=customer, pk__in=wanted))
    if len(wanted) > MAX_INVITEES:
        errors["invitees"] = [_("Invite at most %(count)s contacts.") % {"count": MAX_INVITEES}]
    elif len(contacts) != len(wanted):
        errors["invitees"] = [_("Invite contacts of this customer only.")]
    if errors:
        raise ValidationFailed(errors)
    session = EducationSession.objects.create(
        org_id=actor.org_id,
        customer=customer,
        title=title.strip(),
        topic=topic,
        held_on=held_on,
        host=_deliverer(actor, host_id, "host"),
        survey_link=survey_link,
    )
    SessionInvitee.objects.bulk_create(
        [SessionInvitee(org_id=actor.org_id, session=session, contact=contact) for contact in contacts]
    )
    audit_record(actor=actor, obj=session, field="created", before="", after=session.title)
    return session


@transaction.atomic
def education_attendance_record(*, actor: Actor, session: EducationSession, attended_ids: list[int]) -> int:
    """Mark who came: the invitees named came, the others did not. Not before the session's day."""
    require_writable(actor, EducationSession, session)
    if session.held_on > actor.today():
        raise ValidationFailed({"attended": [_("Attendance is recorded on or after the session's day.")]})
    invitees = list(session.invitees.all())
    known = {invitee.contact_id for invitee in invitees}
    if not set(attended_ids) <= known:
        raise ValidationFailed({"attended": [_("Only invited contacts can attend.")]})
    for invitee in invitees:
        invitee.attended = invitee.contact_id in set(attended_ids)
    SessionInvitee.objects.bulk_update(invitees, ["attended"])
    return sum(1 for invitee in invitees if invitee.attended)
