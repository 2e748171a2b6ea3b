"""/api/v1/work-reports and /api/v1/work-report-help-items: account managers' work reports,
their comments and help items, and the market news search (docs/rhythm.md, "Work reports").
The same services and scope as the pages."""

import datetime as dt

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from pacekeeper.lib.api_types import BodySchema, IsoDate, ObjectId, Page, QueryId, omittable
from pacekeeper.lib.text import VISIBLE

from . import selectors, services
from .models import ITEM_LIMIT, TAG_LIMIT, TEXT_LIMIT, HelpItem, WorkReport

router = Router(tags=["work reports"])


class WorkReportNewsIn(BodySchema):
    text: str = Field(min_length=1, max_length=ITEM_LIMIT, pattern=VISIBLE)
    competitor: str = Field("", max_length=TAG_LIMIT)
    product: str = Field("", max_length=TAG_LIMIT)
    region: str = Field("", max_length=TAG_LIMIT)


class WorkReportNewsOut(Schema):
    id: int
    report: int = Field(alias="report_id")
    text: str
    competitor: str
    product: str
    region: str


class WorkReportHelpItemOut(Schema):
    id: int
    report: int = Field(alias="report_id")
    text: str
    status: HelpItem.Status
    handled_by: int | None = Field(alias="handled_by_id")
    handled_at: dt.datetime | None
    handled_note: str
    task: int | None = Field(alias="task_id")


class WorkReportOut(Schema):
    id: int
    author: int = Field(alias="author_id")
    cadence: str
    period_start: dt.date
    period_end: dt.date
    status: WorkReport.Status
    sales_progress: str
    customer_feedback: str
    plans: str
    figures: dict = Field(
        description="the period's figures as the KPI engine gave them when the report was written or "
        "submitted: metrics (amounts in minor units, rates as decimal strings), goals, interactions"
    )
    submitted_at: dt.datetime | None
    read_at: dt.datetime | None
    read_by: int | None = Field(alias="read_by_id")
    news: list[WorkReportNewsOut]
    help_items: list[WorkReportHelpItemOut]

    @staticmethod
    def resolve_news(report: WorkReport) -> list:
        return list(report.news.all())

    @staticmethod
    def resolve_help_items(report: WorkReport) -> list:
        return list(report.help_items.all())


class WorkReportIn(BodySchema):
    day: IsoDate | None = Field(None, description="a day of the period (default today); your own report only")


class WorkReportPatch(BodySchema):
    sales_progress: str = omittable(max_length=TEXT_LIMIT)
    customer_feedback: str = omittable(max_length=TEXT_LIMIT)
    plans: str = omittable(max_length=TEXT_LIMIT)
    news: list[WorkReportNewsIn] = omittable(max_length=services.MAX_ITEMS, description="replaces the list")
    help_needed: list[str] = omittable(
        max_length=services.MAX_ITEMS, description="replaces the open items; items a lead took up stay"
    )


class WorkReportCommentIn(BodySchema):
    body: str = Field(min_length=1, max_length=TEXT_LIMIT, pattern=VISIBLE)


class WorkReportCommentOut(Schema):
    id: int
    author: int = Field(alias="author_id")
    body: str
    created_at: dt.datetime


class WorkReportHandleIn(BodySchema):
    note: str = Field("", max_length=ITEM_LIMIT)


class WorkReportToTaskIn(BodySchema):
    owner: ObjectId | None = Field(None, description="default: you")
    due_on: IsoDate | None = Field(None, description="default: in a week")


@router.get("/work-reports", response=list[WorkReportOut], summary="Work reports you may read")
@paginate(Page)
def work_reports_list(
    request,
    author: QueryId | None = None,
    status: WorkReport.Status | None = None,
    unread: bool | None = None,
    day: IsoDate | None = None,
):
    """`unread`: submitted and not yet read by a lead; `day`: the reports whose period contains it."""
    reports = selectors.report_filter(
        selectors.report_list(request.actor), author=author, status=status, unread=unread, day=day
    )
    return reports.prefetch_related("news", "help_items")


@router.post(
    "/work-reports",
    response={201: WorkReportOut},
    summary="Start (or open) your report for a period",
    description="Made as a draft with the period's figures from the KPI engine; answers the existing "
    "report if you have one for that period. A period that has not started is refused.",
)
def work_reports_create(request, payload: WorkReportIn):
    return 201, services.work_report_start(actor=request.actor, day=payload.day)


@router.get("/work-reports/news", response=list[WorkReportNewsOut], summary="Search market and competitor news")
@paginate(Page)
def work_reports_news(request, q: str = "", tag: str = "", kind: str = ""):
    """`q`: words in the news; `tag` matches any of an item's tags, or only the `kind` one
    (competitor, product, region)."""
    return selectors.news_search(request.actor, q=q.strip()[:200], tag=tag.strip()[:TAG_LIMIT], kind=kind)


@router.get("/work-reports/{work_report_id}", response=WorkReportOut, summary="Read a work report")
def work_reports_read(request, work_report_id: int):
    return selectors.access_report(request.actor, work_report_id)


@router.patch(
    "/work-reports/{work_report_id}",
    response=WorkReportOut,
    summary="Change your report (until a lead has read it)",
)
def work_reports_update(request, work_report_id: int, payload: WorkReportPatch):
    report = selectors.access_report(request.actor, work_report_id)
    changes = payload.dict(exclude_unset=True)
    report = services.work_report_update(actor=request.actor, report=report, changes=changes)
    return report


@router.post("/work-reports/{work_report_id}/submit", response=WorkReportOut, summary="Submit your report")
def work_reports_submit(request, work_report_id: int):
    report = selectors.access_report(request.actor, work_report_id)
    return services.work_report_submit(actor=request.actor, report=report)


@router.post(
    "/work-reports/{work_report_id}/read",
    response=WorkReportOut,
    summary="Mark a report read (its author's lead, a director or the org admin)",
)
def work_reports_mark_read(request, work_report_id: int):
    report = selectors.access_report(request.actor, work_report_id)
    return services.work_report_mark_read(actor=request.actor, report=report)


@router.get(
    "/work-reports/{work_report_id}/comments", response=list[WorkReportCommentOut], summary="A report's comments"
)
@paginate(Page)
def work_reports_comments(request, work_report_id: int):
    report = selectors.access_report(request.actor, work_report_id)
    return selectors.comment_list(request.actor, report)


@router.post(
    "/work-reports/{work_report_id}/comments", response={201: WorkReportCommentOut}, summary="Comment on a report"
)
def work_reports_comment(request, work_report_id: int, payload: WorkReportCommentIn):
    report = selectors.access_report(request.actor, work_report_id)
    return 201, services.work_report_comment(actor=request.actor, report=report, body=payload.body)


@router.get(
    "/work-report-help-items", response=list[WorkReportHelpItemOut], summary="Help asked for in the reports you read"
)
@paginate(Page)
def help_items_list(request, open: bool | None = None):
    return selectors.help_item_list(request.actor, is_open=open)


@router.post(
    "/work-report-help-items/{help_item_id}/handle",
    response=WorkReportHelpItemOut,
    summary="Mark a request for help handled (the author's lead, a director or the org admin)",
)
def help_items_handle(request, help_item_id: int, payload: WorkReportHandleIn):
    item = selectors.access_help_item(request.actor, help_item_id)
    return services.help_item_handle(actor=request.actor, item=item, note=payload.note)


@router.post(
    "/work-report-help-items/{help_item_id}/task",
    response=WorkReportHelpItemOut,
    summary="Turn a request for help into a task in one step",
)
def help_items_to_task(request, help_item_id: int, payload: WorkReportToTaskIn):
    item = selectors.access_help_item(request.actor, help_item_id)
    return services.help_item_to_task(actor=request.actor, item=item, owner=payload.owner, due_on=payload.due_on)
