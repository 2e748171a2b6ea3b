"""/api/v1/meeting-series, /api/v1/meetings and /api/v1/meeting-items: progress meetings, their
frozen agenda, points, problems, decisions, action items (each a task) and closing
(docs/rhythm.md, "The weekly meeting")."""

import datetime as dt

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from pacekeeper.lib.api_types import BodySchema, Flag, IsoDate, JsonInt, ObjectId, Page, omittable
from pacekeeper.lib.text import VISIBLE

from . import selectors, services
from .models import TEXT_LIMIT, TITLE_LIMIT, Cadence, Meeting, MeetingItem

router = Router(tags=["meetings"])
WEEKDAY_HELP = "0 Monday … 6 Sunday"


class SeriesOut(Schema):
    id: int
    team: int = Field(alias="team_id")
    title: str
    cadence: str
    weekday: int
    starts_at: dt.time
    is_active: bool
    members: list[int]

    @staticmethod
    def resolve_members(series) -> list[int]:
        return sorted(series.member_rows.values_list("person_id", flat=True))


class SeriesIn(BodySchema):
    team: ObjectId
    title: str = Field("", max_length=TITLE_LIMIT, description="default: the team's name and “progress meeting”")
    cadence: Cadence = Cadence.WEEKLY
    weekday: JsonInt = Field(0, description=WEEKDAY_HELP)
    starts_at: dt.time = dt.time(9, 0)
    members: list[ObjectId] | None = Field(None, max_length=200, description="default: the team's people today")


class SeriesPatch(BodySchema):
    title: str = omittable(min_length=1, max_length=TITLE_LIMIT, pattern=VISIBLE)
    cadence: Cadence = omittable()
    weekday: JsonInt = omittable(description=WEEKDAY_HELP)
    starts_at: dt.time = omittable()
    is_active: Flag = omittable()
    members: list[ObjectId] = omittable(max_length=200, description="replaces the list")


class MeetingOut(Schema):
    id: int
    series: int = Field(alias="series_id")
    title: str
    held_on: IsoDate
    starts_at: dt.time | None
    is_ad_hoc: bool
    status: str
    opened_at: dt.datetime | None
    closed_at: dt.datetime | None


class MeetingIn(BodySchema):
    held_on: IsoDate | None = Field(None, description="an ad-hoc meeting on this day; leave out for the next one")
    title: str = Field("", max_length=TITLE_LIMIT)
    starts_at: dt.time | None = None


class ItemOut(Schema):
    id: int
    meeting: int = Field(alias="meeting_id")
    kind: str
    text: str
    person: int | None = Field(alias="person_id")
    author: int | None = Field(alias="author_id")
    problem: int | None = Field(alias="problem_id")
    task: int | None = Field(alias="task_id")
    task_status: str | None
    created_at: dt.datetime

    @staticmethod
    def resolve_task_status(item) -> str | None:
        return item.task.status if item.task_id and item.task else None


class ItemIn(BodySchema):
    kind: MeetingItem.Kind = Field(description="point, problem or decision (action items: /action-items)")
    text: str = Field(min_length=1, max_length=TEXT_LIMIT, pattern=VISIBLE)
    person: ObjectId | None = Field(None, description="the member it concerns (a point: default yourself)")
    problem: ObjectId | None = Field(None, description="a decision: the problem of this meeting it answers")


class ActionIn(BodySchema):
    title: str = Field(min_length=1, max_length=TITLE_LIMIT, pattern=VISIBLE)
    owner: ObjectId
    due_on: IsoDate
    problem: ObjectId | None = None


class AgendaOut(Schema):
    meeting: int
    status: str
    agenda: dict | None = Field(
        description="frozen when the meeting was opened; null before. Only the members whose figures you see."
    )


@router.get("/meeting-series", response=list[SeriesOut], summary="The meeting series you see")
@paginate(Page)
def series_index(request, active: bool | None = None):
    series = selectors.series_list(request.actor).prefetch_related("member_rows")
    return series if active is None else series.filter(is_active=active)


@router.post("/meeting-series", response={201: SeriesOut}, summary="Set up a team's meeting series (its lead)")
def series_create(request, payload: SeriesIn):
    fields = payload.dict()
    return 201, services.series_create(actor=request.actor, team_id=fields.pop("team"), **fields)


@router.get("/meeting-series/{series_id}", response=SeriesOut, summary="Read a meeting series")
def series_read(request, series_id: int):
    return selectors.access_series(request.actor, series_id)


@router.patch("/meeting-series/{series_id}", response=SeriesOut, summary="Change a series or its members")
def series_update(request, series_id: int, payload: SeriesPatch):
    series = selectors.access_series(request.actor, series_id)
    return services.series_update(actor=request.actor, series=series, changes=payload.dict(exclude_unset=True))


@router.get("/meeting-series/{series_id}/meetings", response=list[MeetingOut], summary="A series' meetings")
@paginate(Page)
def series_meetings(request, series_id: int, q: str | None = None, status: Meeting.Status | None = None):
    """`q` searches titles, points, problems, decisions and action items."""
    series = selectors.access_series(request.actor, series_id)
    meetings = selectors.meeting_search(selectors.meeting_list(request.actor).filter(series=series), q)
    return meetings.filter(status=status) if status else meetings


@router.post(
    "/meeting-series/{series_id}/meetings",
    response={201: MeetingOut},
    summary="Plan the next meeting, or an ad-hoc one on a day",
)
def series_meeting_create(request, series_id: int, payload: MeetingIn):
    series = selectors.access_series(request.actor, series_id)
    if payload.held_on is None:
        return 201, services.meeting_schedule_next(actor=request.actor, series=series)
    return 201, services.meeting_create(actor=request.actor, series=series, **payload.dict())


@router.get("/meetings", response=list[MeetingOut], summary="The meetings you see, newest first")
@paginate(Page)
def meetings_index(request, q: str | None = None, status: Meeting.Status | None = None):
    meetings = selectors.meeting_search(selectors.meeting_list(request.actor), q)
    return meetings.filter(status=status) if status else meetings


@router.get("/meetings/{meeting_id}", response=MeetingOut, summary="Read a meeting")
def meeting_read(request, meeting_id: int):
    return selectors.access_meeting(request.actor, meeting_id)


@router.get("/meetings/{meeting_id}/agenda", response=AgendaOut, summary="A meeting's frozen agenda")
def meeting_agenda(request, meeting_id: int):
    meeting = selectors.access_meeting(request.actor, meeting_id)
    return {"meeting": meeting.pk, "status": meeting.status, "agenda": selectors.agenda_seen_by(request.actor, meeting)}


@router.get("/meetings/{meeting_id}/items", response=list[ItemOut], summary="Points, problems, decisions, actions")
def meeting_items(request, meeting_id: int):
    meeting = selectors.access_meeting(request.actor, meeting_id)
    return list(meeting.items.select_related("task"))


@router.post("/meetings/{meeting_id}/open", response=MeetingOut, summary="Hold the meeting: the agenda is frozen")
def meeting_open(request, meeting_id: int):
    meeting = selectors.access_meeting(request.actor, meeting_id)
    return services.meeting_open(actor=request.actor, meeting=meeting)


@router.post("/meetings/{meeting_id}/close", response=MeetingOut, summary="Close and share the minutes")
def meeting_close(request, meeting_id: int):
    meeting = selectors.access_meeting(request.actor, meeting_id)
    return services.meeting_close(actor=request.actor, meeting=meeting)


@router.post("/meetings/{meeting_id}/items", response={201: ItemOut}, summary="Add a point, problem or decision")
def meeting_item_add(request, meeting_id: int, payload: ItemIn):
    meeting = selectors.access_meeting(request.actor, meeting_id)
    return 201, services.item_add(actor=request.actor, meeting=meeting, **payload.dict())


@router.post(
    "/meetings/{meeting_id}/action-items", response={201: ItemOut}, summary="Add an action item: it becomes a task"
)
def meeting_action_add(request, meeting_id: int, payload: ActionIn):
    meeting = selectors.access_meeting(request.actor, meeting_id)
    return 201, services.action_item_add(actor=request.actor, meeting=meeting, **payload.dict())


@router.get("/meeting-items/{meeting_item_id}", response=ItemOut, summary="Read a meeting item")
def item_read(request, meeting_item_id: int):
    return selectors.access_item(request.actor, meeting_item_id)


@router.delete("/meeting-items/{meeting_item_id}", response={204: None}, summary="Take an item back (not closed)")
def item_delete(request, meeting_item_id: int):
    services.item_delete(actor=request.actor, item=selectors.access_item(request.actor, meeting_item_id))
    return 204, None
