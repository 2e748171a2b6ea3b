"""/api/v1/insight-topics (the organisation's feedback topics; written by the org admin and
directors) and /api/v1/text-analyses (the analysed customer texts you may see, and analysing a
text on request). docs/feedback.md."""

import datetime as dt

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from pacekeeper.lib.api_types import BodySchema, Flag, JsonInt, Page, QueryId, omittable
from pacekeeper.lib.text import VISIBLE
from pacekeeper.tenancy.scopes import get_visible

from . import selectors, services
from .analysis import SENTIMENTS
from .models import KEYWORDS_MAX_LENGTH

router = Router(tags=["insights"])


class InsightTopicOut(Schema):
    id: int
    code: str
    name_zh: str
    name_en: str
    keywords_zh: str = Field(description="one keyword a line; found anywhere in a text")
    keywords_en: str = Field(description="one keyword a line; found at the start of a word")
    examples: str
    position: int
    is_active: bool


class InsightTopicIn(BodySchema):
    code: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
    name_zh: str = Field(min_length=1, max_length=100, pattern=VISIBLE)
    name_en: str = Field(min_length=1, max_length=100, pattern=VISIBLE)
    keywords_zh: str = Field("", max_length=KEYWORDS_MAX_LENGTH)
    keywords_en: str = Field("", max_length=KEYWORDS_MAX_LENGTH)
    examples: str = Field("", max_length=KEYWORDS_MAX_LENGTH)
    position: JsonInt = Field(0, ge=0, le=999)
    is_active: Flag = True


class InsightTopicPatch(BodySchema):
    code: str = omittable(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
    name_zh: str = omittable(min_length=1, max_length=100, pattern=VISIBLE)
    name_en: str = omittable(min_length=1, max_length=100, pattern=VISIBLE)
    keywords_zh: str = omittable(max_length=KEYWORDS_MAX_LENGTH)
    keywords_en: str = omittable(max_length=KEYWORDS_MAX_LENGTH)
    examples: str = omittable(max_length=KEYWORDS_MAX_LENGTH)
    position: JsonInt = omittable(ge=0, le=999)
    is_active: Flag = omittable()


class TextAnalysisOut(Schema):
    id: int
    source: str = Field(description="survey_answer, interaction, or a source another app registers (ticket)")
    source_id: int
    day: dt.date
    customer: int | None = Field(alias="customer_id")
    manager: int | None = Field(alias="manager_id", description="the account manager credited with the text")
    team: int | None = Field(alias="team_id", description="the manager's team on that day")
    text: str = Field(alias="excerpt", description="the analysed text (its first 2,000 characters)")
    language: str
    sentiment: str = Field(description="positive, neutral or negative")
    score: float
    topics: list[int] = Field(description="topic ids")
    keywords: list[str]
    analysed_at: dt.datetime

    @staticmethod
    def resolve_topics(obj) -> list[int]:
        return sorted(link.topic_id for link in obj.topic_links.all())


class TextIn(BodySchema):
    text: str = Field(min_length=1, max_length=services.TEXT_MAX_LENGTH, pattern=VISIBLE)


class TextResultOut(Schema):
    language: str
    sentiment: str
    score: float
    topics: list[int]
    topic_codes: list[str]
    keywords: list[str]


@router.get("/insight-topics", response=list[InsightTopicOut], summary="The organisation's feedback topics")
@paginate(Page)
def insight_topics_list(request, active: bool | None = None):
    rows = selectors.topics(request.actor)
    if active is not None:
        rows = rows.filter(is_active=active)
    return rows


@router.post(
    "/insight-topics",
    response={201: InsightTopicOut},
    summary="Add a topic (org admin, directors)",
    description="Stored texts are analysed again on the next run of the insights chore.",
)
def insight_topics_create(request, payload: InsightTopicIn):
    return 201, services.topic_create(actor=request.actor, values=payload.dict())


@router.get("/insight-topics/{insight_topic_id}", response=InsightTopicOut, summary="Read a topic")
def insight_topics_read(request, insight_topic_id: int):
    return get_visible(selectors.topics(request.actor), insight_topic_id, actor=request.actor)


@router.patch(
    "/insight-topics/{insight_topic_id}", response=InsightTopicOut, summary="Change a topic (org admin, directors)"
)
def insight_topics_update(request, insight_topic_id: int, payload: InsightTopicPatch):
    actor = request.actor
    topic = get_visible(selectors.topics(actor), insight_topic_id, actor=actor)
    return services.topic_update(actor=actor, topic_id=topic.pk, values=payload.dict(exclude_unset=True))


@router.delete(
    "/insight-topics/{insight_topic_id}",
    response={204: None},
    summary="Delete a topic (org admin, directors)",
    description="The analysed texts stay; they lose this topic.",
)
def insight_topics_delete(request, insight_topic_id: int):
    actor = request.actor
    topic = get_visible(selectors.topics(actor), insight_topic_id, actor=actor)
    services.topic_delete(actor=actor, topic_id=topic.pk)
    return 204, None


@router.get(
    "/text-analyses",
    response=list[TextAnalysisOut],
    summary="Analysed customer texts you may see, newest first",
    description="An account manager sees the texts credited to them or about their customers.",
)
@paginate(Page)
def text_analyses_list(
    request,
    topic: QueryId | None = None,
    sentiment: str | None = None,
    source: str | None = None,
    manager: QueryId | None = None,
    team: QueryId | None = None,
    customer: QueryId | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
):
    actor = request.actor
    f = selectors.Filters(
        topic=topic,
        sentiment=sentiment or "",
        source=source or "",
        manager=manager,
        team=team,
        customer=customer,
        since=since,
        until=until,
    )
    rows = selectors.analyses(actor)
    if sentiment is not None and sentiment not in SENTIMENTS:
        rows = rows.none()
    if team is not None and not selectors.visible_team(actor, team):
        rows = rows.none()
    return selectors.filtered(rows, f).distinct().prefetch_related("topic_links").order_by("-day", "-pk")


@router.post(
    "/text-analyses/preview",
    response=TextResultOut,
    summary="Analyse a text with your organisation's topics (nothing is stored)",
    description=f"At most {services.TEXT_MAX_LENGTH} characters; the text is never run, only read.",
)
def text_analyses_preview(request, payload: TextIn):
    result, found = services.analyse_text(actor=request.actor, text=payload.text)
    return {
        "language": result.language,
        "sentiment": result.sentiment,
        "score": result.score,
        "topics": [t.pk for t in found],
        "topic_codes": [t.code for t in found],
        "keywords": result.keywords,
    }


@router.get("/text-analyses/{text_analysis_id}", response=TextAnalysisOut, summary="Read an analysed text")
def text_analyses_read(request, text_analysis_id: int):
    actor = request.actor
    return get_visible(selectors.analyses(actor).prefetch_related("topic_links"), text_analysis_id, actor=actor)
