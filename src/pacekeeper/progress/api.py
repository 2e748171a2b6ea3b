"""/api/v1/progress-reports: kept progress reports (metadata, PDF, XLSX), generating one, and
/api/v1/progress-report-runs: generating all reports of a period in the background."""

import datetime as dt

from django.http import HttpResponse
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from pacekeeper.lib.api_types import BodySchema, IsoDate, ObjectId, Page

from . import selectors, services
from .models import PeriodKind, ProgressReport, SubjectKind

router = Router(tags=["progress reports"])

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReportOut(Schema):
    id: int
    subject_kind: str = Field(description="person, team or org")
    subject: int = Field(alias="subject_ref", description="the person's or team's id; 0 for the organisation")
    period_kind: str = Field(description="week or month")
    starts_on: dt.date
    ends_on: dt.date
    language: str
    title: str
    subtitle: str
    generated_at: dt.datetime
    fingerprint: str = Field(description="sha256 of the figures the report states")
    pdf_url: str
    xlsx_url: str

    @staticmethod
    def resolve_pdf_url(report: ProgressReport) -> str:
        return f"/api/v1/progress-reports/{report.pk}/pdf"

    @staticmethod
    def resolve_xlsx_url(report: ProgressReport) -> str:
        return f"/api/v1/progress-reports/{report.pk}/xlsx"


class ReportIn(BodySchema):
    subject_kind: SubjectKind
    subject: ObjectId | None = Field(None, description="the person's or team's id; leave out for the organisation")
    period_kind: PeriodKind
    day: IsoDate = Field(description="any day of the week or month")
    language: str = Field("", max_length=10, description="zh-hans or en; default: yours")


class ReportRunIn(BodySchema):
    period_kind: PeriodKind
    day: IsoDate = Field(description="any day of the week or month")


class ReportRunOut(Schema):
    id: int
    period_kind: str
    starts_on: dt.date
    ends_on: dt.date
    status: str
    reports_expected: int | None
    reports_done: int


@router.get("/progress-reports", response=list[ReportOut], summary="Progress reports you see, newest period first")
@paginate(Page)
def progress_reports_list(
    request,
    period_kind: PeriodKind | None = None,
    subject_kind: SubjectKind | None = None,
    starts_on: IsoDate | None = None,
):
    return selectors.report_list(
        request.actor, period_kind=period_kind or "", subject_kind=subject_kind or "", starts_on=starts_on
    )


@router.post(
    "/progress-reports",
    response={201: ReportOut},
    summary="Generate a progress report now (team leads, directors, org admins)",
    description=(
        "Generating one already kept replaces it with the current figures. A period not yet started is refused."
    ),
)
def progress_reports_create(request, payload: ReportIn):
    return 201, services.report_generate(
        actor=request.actor,
        subject_kind=payload.subject_kind,
        subject_id=payload.subject,
        period_kind=payload.period_kind,
        day=payload.day,
        language=payload.language,
    )


@router.get("/progress-reports/{progress_report_id}", response=ReportOut, summary="A progress report's metadata")
def progress_reports_read(request, progress_report_id: int):
    return selectors.access_report(request.actor, progress_report_id)


def _file(report: ProgressReport, content: bytes, extension: str, content_type: str) -> HttpResponse:
    response = HttpResponse(bytes(content), content_type=content_type)
    name = f"progress-report-{report.pk}-{report.starts_on:%Y%m%d}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get(
    "/progress-reports/{progress_report_id}/pdf",
    summary="A progress report as PDF",
    openapi_extra={"responses": {200: {"description": "the PDF", "content": {"application/pdf": {}}}}},
)
def progress_reports_pdf(request, progress_report_id: int):
    report = selectors.access_report(request.actor, progress_report_id)
    return _file(report, report.pdf, "pdf", "application/pdf")


@router.get(
    "/progress-reports/{progress_report_id}/xlsx",
    summary="A progress report as XLSX (one sheet per section)",
    openapi_extra={"responses": {200: {"description": "the workbook", "content": {XLSX_TYPE: {}}}}},
)
def progress_reports_xlsx(request, progress_report_id: int):
    report = selectors.access_report(request.actor, progress_report_id)
    return _file(report, report.xlsx, "xlsx", XLSX_TYPE)


@router.post(
    "/progress-report-runs",
    response={201: ReportRunOut},
    summary="Generate every report of the organisation for a week or month, in the background (directors, org admins)",
)
def progress_report_runs_create(request, payload: ReportRunIn):
    return 201, services.report_run_start(actor=request.actor, period_kind=payload.period_kind, day=payload.day)
