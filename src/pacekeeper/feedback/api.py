"""/api/v1/feedback/…: survey templates, campaigns, invitations and answers (read), scoped like
the pages, and the public answer endpoint, which takes no session and no API token: only the
invitation's token (docs/feedback.md)."""

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from pacekeeper.errors import NotFound, PacekeeperError, ValidationFailed
from pacekeeper.lib.api_types import BodySchema, Flag, ObjectId, Page, QueryId, decimal_text, omittable
from pacekeeper.lib.text import VISIBLE

from . import selectors, services
from .models import TEXT_MAX, Invitation, Language, SurveyQuestion, SurveyTemplate
from .public_views import rate_limited

router = Router(tags=["surveys"])


class TooManyRequests(PacekeeperError):
    status = 429


class OptionIn(BodySchema):
    zh: str = Field(min_length=1, max_length=200, pattern=VISIBLE)
    en: str = Field(min_length=1, max_length=200, pattern=VISIBLE)


class QuestionIn(BodySchema):
    kind: SurveyQuestion.Kind
    text_zh: str = Field(min_length=1, max_length=500, pattern=VISIBLE)
    text_en: str = Field(min_length=1, max_length=500, pattern=VISIBLE)
    options: list[OptionIn] = Field([], max_length=20, description="for single and multiple choice: at least two")
    is_required: Flag = True


class QuestionOut(Schema):
    id: int
    kind: str
    text_zh: str
    text_en: str
    options: list[dict]
    is_required: bool


class TemplateOut(Schema):
    id: int
    kind: str
    name_zh: str
    name_en: str
    intro_zh: str
    intro_en: str
    is_active: bool
    is_default: bool
    questions: list[QuestionOut]

    @staticmethod
    def resolve_questions(template: SurveyTemplate) -> list:
        return list(template.questions.all())


class TemplateIn(BodySchema):
    kind: SurveyTemplate.Kind = SurveyTemplate.Kind.CUSTOM
    name_zh: str = Field(min_length=1, max_length=200, pattern=VISIBLE)
    name_en: str = Field(min_length=1, max_length=200, pattern=VISIBLE)
    intro_zh: str = Field("", max_length=2000)
    intro_en: str = Field("", max_length=2000)
    is_active: Flag = True
    questions: list[QuestionIn] = Field([], max_length=50)


class TemplatePatch(BodySchema):
    name_zh: str = omittable(min_length=1, max_length=200, pattern=VISIBLE)
    name_en: str = omittable(min_length=1, max_length=200, pattern=VISIBLE)
    intro_zh: str = omittable(max_length=2000)
    intro_en: str = omittable(max_length=2000)
    is_active: Flag = omittable()


class CampaignFilters(BodySchema):
    tier: str = Field("", max_length=16)
    status: str = Field("", max_length=16)
    owner: ObjectId | None = None
    q: str = Field("", max_length=100)
    decision_makers: Flag = False


class CampaignIn(BodySchema):
    name: str = Field(min_length=1, max_length=200, pattern=VISIBLE)
    template: ObjectId
    filters: CampaignFilters = CampaignFilters()


class CampaignOut(Schema):
    id: int
    name: str
    template: int = Field(alias="template_id")
    source: str
    filters: dict
    created_at: dt.datetime
    sent_at: dt.datetime | None
    invited: int
    answered: int
    response_rate: str | None = Field(description="answered / invited in percent, a decimal string")

    @staticmethod
    def resolve_response_rate(campaign) -> str | None:
        return decimal_text(services.response_rate(campaign.answered, campaign.invited))


class SendOut(Schema):
    sent: int
    skipped: list[str]


class InvitationIn(BodySchema):
    contact: ObjectId
    template: ObjectId
    channel: Invitation.Channel = Invitation.Channel.LINK
    language: Language | None = None


class InvitationOut(Schema):
    id: int
    campaign: int | None = Field(alias="campaign_id")
    template: int = Field(alias="template_id")
    customer: int = Field(alias="customer_id")
    contact: int = Field(alias="contact_id")
    manager: int = Field(alias="manager_id", description="credited: the responsible manager when it was sent")
    team: int | None = Field(alias="team_id")
    language: str
    channel: str
    sent_at: dt.datetime
    expires_at: dt.datetime
    reminded_at: dt.datetime | None
    answered_at: dt.datetime | None


class InvitationCreated(InvitationOut):
    url: str = Field(description="the link to send; shown again while open at GET …/invitations/{id}")


class InvitationLinkOut(InvitationOut):
    url: str | None = Field(description="the open link, to its sender and the credited manager; else null")


class AnswerOut(Schema):
    id: int
    invitation: int = Field(alias="invitation_id")
    template: int = Field(alias="template_id")
    customer: int = Field(alias="customer_id")
    contact: int = Field(alias="contact_id")
    manager: int = Field(alias="manager_id")
    team: int | None = Field(alias="team_id")
    answered_at: dt.datetime
    csat: int | None
    nps: int | None
    nps_category: str
    comment: str
    items: dict


# --- templates ----------------------------------------------------------------------------------


@router.get("/templates", response=list[TemplateOut], summary="The organisation's survey templates")
@paginate(Page)
def templates_list(request, active: bool | None = None):
    templates = selectors.template_list(request.actor).prefetch_related("questions")
    return templates if active is None else templates.filter(is_active=active)


@router.post("/templates", response={201: TemplateOut}, summary="Add a survey template (org admin, director)")
def templates_create(request, payload: TemplateIn):
    data = payload.dict()
    return 201, services.template_create(actor=request.actor, **data)


@router.get("/templates/{survey_template_id}", response=TemplateOut, summary="Read a survey template")
def templates_read(request, survey_template_id: int):
    return selectors.access_template(request.actor, survey_template_id)


@router.patch(
    "/templates/{survey_template_id}",
    response=TemplateOut,
    summary="Rename, describe, deactivate or reactivate a survey template (org admin, director)",
)
def templates_update(request, survey_template_id: int, payload: TemplatePatch):
    template = selectors.access_template(request.actor, survey_template_id)
    return services.template_update(actor=request.actor, template=template, changes=payload.dict(exclude_unset=True))


@router.post(
    "/templates/{survey_template_id}/questions",
    response={201: QuestionOut},
    summary="Add a question to a survey template (org admin, director)",
)
def templates_question_add(request, survey_template_id: int, payload: QuestionIn):
    template = selectors.access_template(request.actor, survey_template_id)
    return 201, services.question_add(actor=request.actor, template=template, **payload.dict())


# --- campaigns ----------------------------------------------------------------------------------


@router.get("/campaigns", response=list[CampaignOut], summary="Survey campaigns, with their response rates")
@paginate(Page)
def campaigns_list(request):
    return selectors.campaign_list(request.actor)


@router.post("/campaigns", response={201: CampaignOut}, summary="Make a campaign from a contact filter (not sent)")
def campaigns_create(request, payload: CampaignIn):
    campaign = services.campaign_create(
        actor=request.actor,
        name=payload.name,
        template_id=payload.template,
        filters=payload.filters.dict(exclude_defaults=True),
    )
    return 201, selectors.access_campaign(request.actor, campaign.pk)


@router.get("/campaigns/{campaign_id}", response=CampaignOut, summary="Read a campaign")
def campaigns_read(request, campaign_id: int):
    return selectors.access_campaign(request.actor, campaign_id)


@router.post("/campaigns/{campaign_id}/send", response=SendOut, summary="Email the campaign's survey (once)")
def campaigns_send(request, campaign_id: int):
    campaign = selectors.access_campaign(request.actor, campaign_id)
    result = services.campaign_send(actor=request.actor, campaign=campaign)
    return {"sent": result.sent, "skipped": result.skipped}


# --- invitations --------------------------------------------------------------------------------


@router.get("/invitations", response=list[InvitationOut], summary="Survey invitations you can see")
@paginate(Page)
def invitations_list(
    request, campaign: QueryId | None = None, customer: QueryId | None = None, answered: bool | None = None
):
    invitations = selectors.invitation_list(request.actor)
    if campaign:
        invitations = invitations.filter(campaign_id=campaign)
    if customer:
        invitations = invitations.filter(customer_id=customer)
    if answered is not None:
        invitations = invitations.filter(answered_at__isnull=not answered)
    return invitations


@router.post("/invitations", response={201: InvitationCreated}, summary="Ask one contact: a link, or an email")
def invitations_create(request, payload: InvitationIn):
    # An id in the body names a field, not the resource: one out of scope is a field error.
    try:
        contact = selectors.access_contact(request.actor, payload.contact)
    except NotFound:
        raise ValidationFailed({"contact": [_("Choose a contact of a customer you see.")]}) from None
    sent = services.invitation_create(
        actor=request.actor,
        contact=contact,
        template_id=payload.template,
        channel=payload.channel,
        language=payload.language or "",
    )
    sent.invitation.url = sent.url
    return 201, sent.invitation


@router.get("/invitations/{invitation_id}", response=InvitationLinkOut, summary="Read an invitation and its link")
def invitations_read(request, invitation_id: int):
    invitation = selectors.access_invitation(request.actor, invitation_id)
    invitation.url = services.open_link_for(request.actor, invitation)
    return invitation


# --- answers ------------------------------------------------------------------------------------


@router.get("/answers", response=list[AnswerOut], summary="Survey answers you can see (kept for good)")
@paginate(Page)
def answers_list(request, customer: QueryId | None = None, campaign: QueryId | None = None):
    return selectors.answer_list(request.actor, customer=customer, campaign=campaign)


@router.get("/answers/{answer_id}", response=AnswerOut, summary="Read an answer")
def answers_read(request, answer_id: int):
    return selectors.access_answer(request.actor, answer_id)


@router.delete(
    "/answers/{answer_id}",
    response={204: None},
    summary="Refused: answers are kept",
    description="Always 403 for an answer you can see; the attempt is recorded in the audit trail.",
)
def answers_delete(request, answer_id: int):
    answer = selectors.access_answer(request.actor, answer_id)
    services.answer_delete(actor=request.actor, answer=answer)
    return 204, None


# --- the public endpoint: no session, only the invitation's token ------------------------------


class PublicQuestionOut(Schema):
    id: int
    kind: str
    text: str
    options: list[str]
    is_required: bool


class PublicSurveyOut(Schema):
    title: str
    intro: str
    language: str
    questions: list[PublicQuestionOut]


class PublicAnswerIn(BodySchema):
    answers: dict[str, int | str | list[int]] = Field(
        description=f"question id → score (an integer), option index(es), or text (at most {TEXT_MAX} characters)",
        max_length=100,
    )


class PublicAnswered(Schema):
    detail: str


def _public_checked(request: HttpRequest, token: str) -> None:
    if rate_limited(request, token):
        raise TooManyRequests("Too many attempts. Please wait a few minutes and try again.")


@router.get(
    "/public/{invitation_token}",
    auth=None,
    response=PublicSurveyOut,
    summary="The survey an invitation link opens (no account: the token is the key)",
)
def public_survey(request, invitation_token: str, lang: Language | None = None):
    _public_checked(request, invitation_token)
    invitation = services.invitation_by_token(invitation_token)
    language = lang or invitation.language
    questions = [
        {
            "id": q.pk,
            "kind": q.kind,
            "text": q.text_in(language),
            "options": q.options_in(language),
            "is_required": q.is_required,
        }
        for q in invitation.template.questions.all()
    ]
    template = invitation.template
    return {
        "title": template.name_in(language),
        "intro": template.intro_in(language),
        "language": language,
        "questions": questions,
    }


@router.post(
    "/public/{invitation_token}",
    auth=None,
    response={201: PublicAnswered},
    summary="Answer the survey an invitation link opens (once, before it expires)",
)
def public_answer(request, invitation_token: str, payload: PublicAnswerIn):
    _public_checked(request, invitation_token)
    services.answer_submit(token=invitation_token, values=payload.answers)
    return 201, {"detail": "Thank you."}
