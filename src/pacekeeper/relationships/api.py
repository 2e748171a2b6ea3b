"""/api/v1/relationship-health, /api/v1/churn-risks, /api/v1/value-services and
/api/v1/education-sessions (docs/relationships.md). Everything is seen with its customer."""

import datetime as dt

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from pacekeeper.lib.api_types import (
    BodySchema,
    IsoDate,
    ObjectId,
    Page,
    QueryId,
    decimal_string,
    decimal_text,
    json_int,
)
from pacekeeper.lib.money import from_minor
from pacekeeper.lib.text import VISIBLE

from . import selectors, services
from .health import Health, factor_label
from .models import NOTE_MAX_LENGTH, ValueService

router = Router(tags=["relationships"])

EffortHours = decimal_string(digits=5, places=1, signed=False)
Rating = json_int(ge=1, le=5)  # strict: true, 4.0 and "4" answer 422


class RelationshipReasonOut(Schema):
    factor: str
    label: str
    weight: int = Field(description="the organisation's weight of this reason")
    weight_used: str = Field(description="the weight used, out of 100, once reasons without data are left out")
    condition: str | None = Field(description="0 (bad) to 1 (good); null: not counted for this customer")
    points_lost: str = Field(description="points this reason takes off 100")
    text: str


class RelationshipHealthOut(Schema):
    id: int = Field(description="the customer's id")
    customer_name: str
    manager: int
    manager_name: str
    as_of: dt.date
    score: int = Field(description="0–100")
    at_risk: bool
    value_at_risk: str = Field(description="confirmed sales of the last 12 months up to as_of, a decimal string")
    currency: str
    next_step: str
    reasons: list[RelationshipReasonOut]


class ValueServiceOut(Schema):
    id: int
    customer: int = Field(alias="customer_id")
    kind: str
    delivered_on: dt.date
    effort_hours: str
    delivered_by: int = Field(alias="delivered_by_id")
    rating: int | None
    note: str

    @staticmethod
    def resolve_effort_hours(obj) -> str:
        return decimal_text(obj.effort_hours)


class ValueServiceIn(BodySchema):
    customer: ObjectId
    kind: ValueService.Kind
    delivered_on: IsoDate
    effort_hours: EffortHours
    delivered_by: ObjectId | None = None
    rating: Rating | None = None
    note: str = Field("", max_length=NOTE_MAX_LENGTH)


class ValueServiceRatingIn(BodySchema):
    rating: Rating | None = Field(...)


class EducationInviteeOut(Schema):
    contact: int = Field(alias="contact_id")
    contact_name: str
    attended: bool | None


class EducationSessionOut(Schema):
    id: int
    customer: int = Field(alias="customer_id")
    title: str
    topic: str
    held_on: dt.date
    host: int = Field(alias="host_id")
    survey_link: str
    invitees: list[EducationInviteeOut]

    @staticmethod
    def resolve_invitees(obj) -> list[dict]:
        return [
            {"contact_id": i.contact_id, "contact_name": i.contact.name, "attended": i.attended}
            for i in obj.invitees.all()
        ]


class EducationSessionIn(BodySchema):
    customer: ObjectId
    title: str = Field(min_length=1, max_length=200, pattern=VISIBLE)
    topic: str = Field("", max_length=NOTE_MAX_LENGTH)
    held_on: IsoDate
    host: ObjectId | None = None
    survey_link: str = Field("", max_length=500, pattern=r"^(https?://\S+)?$")
    invitees: list[ObjectId] = Field(default_factory=list, max_length=200)


class EducationAttendanceIn(BodySchema):
    attended: list[ObjectId] = Field(max_length=200, description="the invited contacts who came")


def _health_out(health: Health, currency: str) -> dict:
    customer = health.customer
    return {
        "id": customer.pk,
        "customer_name": customer.name,
        "manager": customer.owner_id,
        "manager_name": str(customer.owner),
        "as_of": health.as_of,
        "score": health.score,
        "at_risk": health.at_risk,
        "value_at_risk": decimal_text(from_minor(health.value_at_risk_minor, currency)),
        "currency": currency,
        "next_step": health.next_step,
        "reasons": [
            {
                "factor": reason.factor,
                "label": factor_label(reason.factor),
                "weight": reason.weight,
                "weight_used": decimal_text(reason.weight_used),
                "condition": None if reason.condition is None else decimal_text(round(reason.condition, 3)),
                "points_lost": decimal_text(reason.points_lost),
                "text": reason.text,
            }
            for reason in health.reasons
        ],
    }


class _LazyHealth:
    """A page of customers' health: the paginator slices the customers, then only that page is scored."""

    def __init__(self, actor, customers):
        self.actor, self.customers = actor, customers

    def count(self) -> int:
        return self.customers.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item):
        ids = list(self.customers.values_list("pk", flat=True)[item])
        page = selectors.health_list(self.actor, self.customers.filter(pk__in=ids))
        return [_health_out(health, self.actor.org.currency) for health in page]


def _scoped_customers(request, manager: int | None, team: int | None):
    actor = request.actor
    customers = selectors.health_customers(actor, manager=manager)
    if team is not None:
        chosen = selectors.access_team(actor, team)
        customers = (
            customers.none() if chosen is None else selectors.health_customers(actor, manager=manager, team=chosen)
        )
    return customers


@router.get("/relationship-health", response=list[RelationshipHealthOut], summary="Health scores of your customers")
@paginate(Page)
def health_list(request, manager: QueryId | None = None, team: QueryId | None = None, at_risk: bool | None = None):
    """Computed today for every customer you see (by customer id); `at_risk` keeps those under the threshold."""
    customers = _scoped_customers(request, manager, team)
    if at_risk is None:
        return _LazyHealth(request.actor, customers)
    rows = selectors.health_list(request.actor, customers)
    return [_health_out(h, request.actor.org.currency) for h in rows if h.at_risk == at_risk]


@router.get("/relationship-health/{customer_id}", response=RelationshipHealthOut, summary="One customer's health")
def health_detail(request, customer_id: int):
    customer = selectors.access_customer(request.actor, customer_id)
    return _health_out(selectors.customer_health(request.actor, customer), request.actor.org.currency)


@router.get("/churn-risks", response=list[RelationshipHealthOut], summary="At-risk customers, largest value first")
@paginate(Page)
def churn_list(request, manager: QueryId | None = None, team: QueryId | None = None):
    rows = selectors.churn_list(request.actor, _scoped_customers(request, manager, team))
    return [_health_out(health, request.actor.org.currency) for health in rows]


@router.get("/value-services", response=list[ValueServiceOut], summary="Value-added services delivered")
@paginate(Page)
def value_service_list(
    request, customer: QueryId | None = None, kind: ValueService.Kind | None = None, delivered_by: QueryId | None = None
):
    rows = selectors.service_list(request.actor)
    if customer is not None:
        rows = rows.filter(customer_id=customer)
    if kind is not None:
        rows = rows.filter(kind=kind)
    if delivered_by is not None:
        rows = rows.filter(delivered_by_id=delivered_by)
    return rows.order_by("-delivered_on", "-pk")


@router.post("/value-services", response={201: ValueServiceOut}, summary="Log a value-added service")
def value_service_create(request, payload: ValueServiceIn):
    service = services.value_service_log(
        actor=request.actor,
        customer_id=payload.customer,
        kind=payload.kind,
        delivered_on=payload.delivered_on,
        effort_hours=payload.effort_hours,
        delivered_by_id=payload.delivered_by,
        rating=payload.rating,
        note=payload.note,
    )
    return 201, service


@router.get("/value-services/{value_service_id}", response=ValueServiceOut, summary="One service")
def value_service_detail(request, value_service_id: int):
    return selectors.access_service(request.actor, value_service_id)


@router.patch("/value-services/{value_service_id}", response=ValueServiceOut, summary="Record the customer's rating")
def value_service_rate(request, value_service_id: int, payload: ValueServiceRatingIn):
    service = selectors.access_service(request.actor, value_service_id)
    return services.value_service_rate(actor=request.actor, service=service, rating=payload.rating)


@router.delete("/value-services/{value_service_id}", response={204: None}, summary="Delete a service entry (audited)")
def value_service_delete(request, value_service_id: int):
    service = selectors.access_service(request.actor, value_service_id)
    services.value_service_delete(actor=request.actor, service=service)
    return 204, None


@router.get("/education-sessions", response=list[EducationSessionOut], summary="Customer education sessions")
@paginate(Page)
def education_session_list(request, customer: QueryId | None = None, held_from: IsoDate | None = None):
    rows = selectors.session_list(request.actor).prefetch_related("invitees__contact")
    if customer is not None:
        rows = rows.filter(customer_id=customer)
    if held_from is not None:
        rows = rows.filter(held_on__gte=held_from)
    return rows.order_by("-held_on", "-pk")


@router.post("/education-sessions", response={201: EducationSessionOut}, summary="Plan an education session")
def education_session_create(request, payload: EducationSessionIn):
    session = services.education_session_create(
        actor=request.actor,
        customer_id=payload.customer,
        title=payload.title,
        held_on=payload.held_on,
        topic=payload.topic,
        host_id=payload.host,
        survey_link=payload.survey_link,
        invitee_ids=payload.invitees,
    )
    return 201, selectors.access_session(request.actor, session.pk)


@router.get("/education-sessions/{education_session_id}", response=EducationSessionOut, summary="One session")
def education_session_detail(request, education_session_id: int):
    return selectors.access_session(request.actor, education_session_id)


@router.post(
    "/education-sessions/{education_session_id}/attendance",
    response=EducationSessionOut,
    summary="Record who attended",
)
def education_attendance(request, education_session_id: int, payload: EducationAttendanceIn):
    session = selectors.access_session(request.actor, education_session_id)
    services.education_attendance_record(actor=request.actor, session=session, attended_ids=payload.attended)
    return selectors.access_session(request.actor, session.pk)
