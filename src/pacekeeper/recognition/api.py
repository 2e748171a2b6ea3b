"""/api/v1/kudos, /api/v1/badges and /api/v1/badge-awards: praise between colleagues, the
organisation's badges, who earned which (with the figures) and their honour certificates
(docs/recognition.md)."""

import datetime as dt

from django.http import HttpResponse
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from pacekeeper.lib.api_types import BodySchema, ObjectId, Page, QueryId
from pacekeeper.lib.text import VISIBLE
from pacekeeper.tenancy.models import Team

from . import selectors, services
from .models import KUDOS_MAX_LENGTH, REASON_MAX_LENGTH

router = Router(tags=["recognition"])


class KudosOut(Schema):
    id: int
    giver: int
    giver_name: str
    recipient: int
    recipient_name: str
    text: str
    customer: int | None = Field(description="only if you may see the customer")
    customer_name: str | None
    goal: int | None = Field(description="only if you may see the goal")
    created_at: dt.datetime


class KudosIn(BodySchema):
    recipient: ObjectId
    text: str = Field(min_length=1, max_length=KUDOS_MAX_LENGTH, pattern=VISIBLE)
    customer: ObjectId | None = None
    goal: ObjectId | None = None


class BadgeOut(Schema):
    id: int
    code: str
    rule: str
    metric: str
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str
    is_active: bool


class AwardOut(Schema):
    id: int
    badge: int = Field(alias="badge_id")
    person: int = Field(alias="person_id")
    period_start: dt.date
    period_end: dt.date
    evidence: dict = Field(description="the KPI figures the rule read")
    reason: str
    awarded_by: int | None = Field(alias="awarded_by_id", description="empty for awards made by a rule")
    awarded_at: dt.datetime


class AwardIn(BodySchema):
    person: ObjectId
    badge: ObjectId
    reason: str = Field(min_length=1, max_length=REASON_MAX_LENGTH, pattern=VISIBLE)


def _kudos_out(row: dict) -> dict:
    kudos = row["kudos"]
    return {
        "id": kudos.pk,
        "giver": kudos.giver_id,
        "giver_name": str(kudos.giver),
        "recipient": kudos.recipient_id,
        "recipient_name": str(kudos.recipient),
        "text": kudos.text,
        "customer": row["customer"].pk if row["customer"] else None,
        "customer_name": row["customer"].name if row["customer"] else None,
        "goal": row["goal"].pk if row["goal"] else None,
        "created_at": kudos.created_at,
    }


@router.get("/kudos", response=list[KudosOut], summary="Kudos you may see, newest first")
@paginate(Page)
def kudos_list(request, team: QueryId | None = None, person: QueryId | None = None):
    """`team`: kudos to the team's current members (its sub-teams included); `person`: to one person."""
    actor = request.actor
    chosen = None
    rows = selectors.kudos_list(actor)
    if team is not None:  # a team the actor does not see filters to nothing, like any other value
        chosen = Team.objects.visible_to(actor).filter(pk=team).first()
        if chosen is None:
            rows = rows.none()
    rows = selectors.kudos_filter(rows, team=chosen, person=person, day=actor.today())
    return _ShownKudos(actor, rows.order_by("-created_at", "-pk"))


class _ShownKudos:
    """A lazily shown page of kudos: the paginator slices, then each row is shown as the viewer may."""

    def __init__(self, actor, rows):
        self.actor, self.rows = actor, rows

    def count(self) -> int:
        return self.rows.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item):
        page = list(self.rows[item])
        return [_kudos_out(row) for row in selectors.shown_kudos(self.actor, page)]


@router.post("/kudos", response={201: KudosOut}, summary="Praise a colleague of your organisation")
def kudos_create(request, payload: KudosIn):
    actor = request.actor
    kudos = services.kudos_give(
        actor=actor,
        recipient_id=payload.recipient,
        text=payload.text,
        customer_id=payload.customer,
        goal_id=payload.goal,
    )
    return 201, _kudos_out(selectors.shown_kudos(actor, [kudos])[0])


@router.get("/badges", response=list[BadgeOut], summary="The organisation's badges")
@paginate(Page)
def badges_list(request, active: bool | None = None):
    badges = selectors.badge_list(request.actor)
    if active is not None:
        badges = badges.filter(is_active=active)
    return badges.order_by("pk")


@router.get("/badge-awards", response=list[AwardOut], summary="Badges earned by the people you see")
@paginate(Page)
def badge_awards_list(request, person: QueryId | None = None, badge: QueryId | None = None):
    awards = selectors.award_list(request.actor)
    if person is not None:
        awards = awards.filter(person_id=person)
    if badge is not None:
        awards = awards.filter(badge_id=badge)
    return awards.order_by("-period_end", "-pk")


@router.post(
    "/badge-awards",
    response={201: AwardOut},
    summary="Award a badge by hand, with a reason",
    description="Team leads for their people, directors and the org admin for anyone; never to oneself.",
)
def badge_awards_create(request, payload: AwardIn):
    award = services.badge_award_manual(
        actor=request.actor, person_id=payload.person, badge_id=payload.badge, reason=payload.reason
    )
    return 201, award


@router.get("/badge-awards/{badge_award_id}", response=AwardOut, summary="Read a badge award")
def badge_awards_read(request, badge_award_id: int):
    return selectors.access_award(request.actor, badge_award_id)


@router.get(
    "/badge-awards/{badge_award_id}/certificate",
    response={200: bytes},
    summary="The award's honour certificate (PDF)",
    description="`lang`: zh-hans or en (the certificate's language; your language if left out). "
    "For the person, their leads, directors and the org admin. Each download is audited.",
)
def badge_awards_certificate(request, badge_award_id: int, lang: str | None = None):
    actor = request.actor
    award = selectors.access_certificate(actor, badge_award_id)
    language = lang if lang in ("zh-hans", "en") else (request.LANGUAGE_CODE or "zh-hans")
    pdf = services.certificate_pdf(actor=actor, award=award, language=language)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{award.pk}.pdf"'
    return response
