"""Progress reports pages: the kept reports (filters, pages), one report as its Document, its PDF
and XLSX, generating one, and generating all of a period in the background."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.lib.dates import parse_date
from pacekeeper.lib.documents import BarChart, Figure, Paragraph, Table, display
from pacekeeper.lib.formatting import format_datetime, is_chinese
from pacekeeper.lib.pages import actor_required, add_service_errors, paginate, query_without
from pacekeeper.tenancy.models import Team, User
from pacekeeper.tenancy.scopes import (
    REPORT_GENERATING_ROLES,
    Actor,
    may_generate_progress_report,
    may_run_all_progress_reports,
    portfolio_holders_q,
)

from . import selectors, services, storage
from .forms import GenerateForm, RunForm
from .models import PeriodKind, ProgressReport, ReportRun, SubjectKind
from .periods import last_finished


@actor_required
def report_list(request: HttpRequest):
    actor = request.actor
    period_kind = request.GET.get("period_kind", "")
    period_kind = period_kind if period_kind in PeriodKind.values else ""
    subject_kind = request.GET.get("subject_kind", "")
    subject_kind = subject_kind if subject_kind in SubjectKind.values else ""
    try:
        starts_on = parse_date(request.GET["starts_on"]) if request.GET.get("starts_on") else None
    except ValueError:
        starts_on = None
        messages.error(request, _("Enter a valid date."))
    q = (request.GET.get("q") or "").strip()[:100]
    reports = selectors.report_list(
        actor, period_kind=period_kind, subject_kind=subject_kind, starts_on=starts_on, search=q
    )
    page = paginate(request, reports)
    runs = selectors.recent_runs(actor)
    context = {
        "page": page,
        "period_kind": period_kind,
        "subject_kind": subject_kind,
        "starts_on": starts_on,
        "q": q,
        "period_kinds": PeriodKind.choices,
        "subject_kinds": SubjectKind.choices,
        "query": query_without(request, "page"),
        "may_generate": actor.role in REPORT_GENERATING_ROLES,
        "may_run_all": may_run_all_progress_reports(actor),
        "runs": runs,
        "runs_going": any(run.status in ReportRun.RUNNING for run in runs),
    }
    return render(request, "progress/list.html", context)


def _subject_choices(actor: Actor) -> list[tuple[str, str]]:
    """Whom the actor may generate reports about: the organisation (org-wide roles), their teams,
    their people."""
    choices = []
    if actor.sees_whole_org:
        choices.append(("org:0", _("The whole organisation: %(name)s") % {"name": actor.org.name}))
    for team in Team.objects.visible_to(actor).order_by("path"):
        if may_generate_progress_report(actor, subject_kind="team", subject_id=team.pk):
            choices.append((f"team:{team.pk}", _("Team: %(name)s") % {"name": team.name}))
    people = User.objects.visible_to(actor).filter(portfolio_holders_q(), is_active=True)
    for person in people.order_by("username"):
        choices.append((f"person:{person.pk}", _("Person: %(name)s") % {"name": str(person)}))
    return choices


@actor_required
def report_create(request: HttpRequest):
    actor = request.actor
    if actor.role not in REPORT_GENERATING_ROLES:
        raise Forbidden(_("Team leads, directors and org admins generate progress reports."))
    initial = {
        "day": last_finished(PeriodKind.WEEK, actor.today()).start,
        "language": "zh-hans" if is_chinese(get_language() or "zh-hans") else "en",
    }
    form = GenerateForm(request.POST or None, initial=initial, subjects=_subject_choices(actor))
    if request.method == "POST" and form.is_valid():
        kind, number = form.subject_parts()
        try:
            report = services.report_generate(
                actor=actor,
                subject_kind=kind,
                subject_id=number,
                period_kind=form.cleaned_data["period_kind"],
                day=form.cleaned_data["day"],
                language=form.cleaned_data["language"],
            )
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Report generated."))
            return redirect("progress:detail", progress_report_id=report.pk)
    status = 400 if form.errors else 200
    return render(request, "progress/create.html", {"form": form}, status=status)


@actor_required
def run_start(request: HttpRequest):
    actor = request.actor
    if not may_run_all_progress_reports(actor):
        raise Forbidden(_("Directors and org admins generate all reports at once."))
    form = RunForm(request.POST or None, initial={"day": last_finished(PeriodKind.WEEK, actor.today()).start})
    if request.method == "POST" and form.is_valid():
        try:
            services.report_run_start(actor=actor, **form.cleaned_data)
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The reports are being generated: the progress shows below."))
            return redirect("progress:list")
    status = 400 if form.errors else 200
    return render(request, "progress/run.html", {"form": form}, status=status)


@actor_required
def run_status(request: HttpRequest):
    """The runs' progress (the list page reloads this part while a run goes on)."""
    if not may_run_all_progress_reports(request.actor):
        raise Forbidden(_("Directors and org admins generate all reports at once."))
    runs = selectors.recent_runs(request.actor)
    going = any(run.status in ReportRun.RUNNING for run in runs)
    return render(request, "progress/_runs.html", {"runs": runs, "runs_going": going})


@actor_required
def report_detail(request: HttpRequest, progress_report_id: int):
    actor = request.actor
    report = selectors.access_report(actor, progress_report_id)
    state = services.current_state(report)
    document = storage.document_from_data(report.document)
    context = {
        "report": report,
        "document": document,
        "sections": _page_sections(document),
        "state": state,
        "generated": format_datetime(_local(report, report.generated_at), report.language),
        "may_regenerate": may_generate_progress_report(
            actor, subject_kind=report.subject_kind, subject_id=report.subject_id
        ),
    }
    return render(request, "progress/detail.html", context)


def _local(report: ProgressReport, moment):
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(report.org.time_zone))


def _page_sections(document) -> list[dict]:
    """The Document's sections as the page shows them: every value already in text (rule 11),
    charts with their data for ECharts and their numbers in a table beside them."""
    language = document.language
    sections, charts = [], 0
    for section in document.sections:
        blocks = []
        figures = []
        for block in section.blocks:
            if isinstance(block, Figure):
                figures.append(
                    {
                        "label": block.label,
                        "text": display(block.value, block.kind, language, block.currency, short=True),
                        "note": block.note,
                    }
                )
                continue
            if figures:
                blocks.append({"type": "figures", "figures": figures})
                figures = []
            if isinstance(block, BarChart):
                charts += 1
                texts = [display(v, block.kind, language, block.currency) for v in block.values]
                data = {
                    "labels": list(block.labels),
                    "values": [_number(v, block.kind) for v in block.values],
                    "texts": texts,
                    "language": "zh" if is_chinese(language) else "en",
                    "money": block.kind == "money",
                }
                chart_id = f"doc-chart-{charts}"
                rows = list(zip(block.labels, texts, strict=True))
                blocks.append(
                    {
                        "type": "chart",
                        "title": block.title,
                        "id": chart_id,
                        "data_id": f"{chart_id}-data",
                        "data": data,
                        "rows": rows,
                    }
                )
            elif isinstance(block, Table):
                columns = [{"label": c.label, "num": c.kind not in ("text", "date")} for c in block.columns]
                rows = [
                    [
                        {"text": _cell(value, column, language), "label": column.label, "num": shown["num"]}
                        for value, column, shown in zip(row, block.columns, columns, strict=True)
                    ]
                    for row in block.rows
                ]
                blocks.append({"type": "table", "columns": columns, "rows": rows, "empty": block.empty_text})
            elif isinstance(block, Paragraph):
                blocks.append({"type": "paragraph", "text": block.text})
        if figures:
            blocks.append({"type": "figures", "figures": figures})
        sections.append({"title": section.title, "blocks": blocks})
    return sections


def _cell(value, column, language: str) -> str:
    if column.kind == "text":
        return str(value) if value not in (None, "") else "—"
    return display(value, column.kind, language, column.currency)


def _number(value, kind: str) -> float:
    """A chart's value as ECharts reads it: money in major units."""
    if value is None:
        return 0.0
    number = Decimal(str(value))
    return float(number / 100) if kind == "money" else float(number)


def _download(report: ProgressReport, content: bytes, extension: str, content_type: str) -> HttpResponse:
    response = HttpResponse(bytes(content), content_type=content_type)
    name = f"progress-report-{report.pk}-{report.starts_on:%Y%m%d}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@actor_required
def report_pdf(request: HttpRequest, progress_report_id: int):
    report = selectors.access_report(request.actor, progress_report_id)
    return _download(report, report.pdf, "pdf", "application/pdf")


@actor_required
def report_xlsx(request: HttpRequest, progress_report_id: int):
    report = selectors.access_report(request.actor, progress_report_id)
    return _download(report, report.xlsx, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@require_POST
@actor_required
def report_regenerate(request: HttpRequest, progress_report_id: int):
    report = selectors.access_report(request.actor, progress_report_id)
    report = services.report_regenerate(actor=request.actor, report=report)
    messages.success(request, _("Report generated again with the current figures."))
    return redirect("progress:detail", progress_report_id=report.pk)
