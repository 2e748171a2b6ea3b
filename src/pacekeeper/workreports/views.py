"""Work report pages: My reports, the one-page report form (phone first), a report with its
comments and help items, the team's reports with who has not reported, and the news search.
Each view parses, fetches through the scope, calls the service the API calls too, renders."""

from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.lib.pages import actor_required, add_service_errors, message_service_errors, paginate, query_without
from pacekeeper.tenancy.scopes import may_comment_work_report, may_lead_work_report, may_write_work_report

from . import selectors, services
from .figures import period_label, shown_figures
from .forms import CommentForm, NewsSearchForm, TeamFilterForm, WorkReportForm

PER_PAGE = 20


@actor_required
def mine(request: HttpRequest):
    actor = request.actor
    reports = selectors.report_filter(selectors.report_list(actor), author=actor.user_id)
    current, _last = selectors.current_and_last(actor.org, actor.today())
    context = {
        "page": paginate(request, reports, PER_PAGE),
        "query": query_without(request, "page"),
        "current_label": period_label(
            actor.org.work_report_cadence, current.start, current.end, in_sentence=True, this_week=current.start
        ),
        "cadence": actor.org.get_work_report_cadence_display(),
        "may_write": actor.can_write,
    }
    return render(request, "workreports/mine.html", context)


@actor_required
@require_POST
def start(request: HttpRequest):
    """Open (or make) the actor's report for the period of `day` (default today)."""
    try:
        report = services.work_report_start(actor=request.actor, day=request.POST.get("day"))
    except ValidationFailed as error:
        message_service_errors(request, error)
        return redirect("workreports:mine")
    return redirect("workreports:edit", report.pk)


@actor_required
def detail(request: HttpRequest, work_report_id: int):
    actor = request.actor
    report = selectors.access_report(actor, work_report_id)
    language = get_language() or "zh-hans"
    context = {
        "report": report,
        **selectors.report_detail(actor, report),
        "shown": shown_figures(report.figures, actor.org.currency, language),
        "may_write": may_write_work_report(actor, report),
        "may_lead": may_lead_work_report(actor, report),
        "may_comment": may_comment_work_report(actor, report),
        "comment_form": CommentForm(),
    }
    return render(request, "workreports/detail.html", context)


@actor_required
def edit(request: HttpRequest, work_report_id: int):
    actor = request.actor
    report = selectors.access_report(actor, work_report_id)
    if report.author_id != actor.user_id or not actor.can_write:
        raise Forbidden(_("A work report is written by its author alone."))
    if not may_write_work_report(actor, report):
        messages.info(request, _("Your lead has read this report: it can no longer be changed."))
        return redirect("workreports:detail", report.pk)
    form = WorkReportForm(request.POST or None, report=report, initial=_initial(report))
    if request.method == "POST" and _save(request, form, report):
        messages.success(request, _("Report saved."))
        return redirect("workreports:edit", report.pk)
    return _form_page(request, form, report)


def _initial(report) -> dict:
    return {field: getattr(report, field) for field in services.TEXT_FIELDS}


def _save(request: HttpRequest, form: WorkReportForm, report) -> bool:
    if not form.is_valid():
        return False
    try:
        services.work_report_update(actor=request.actor, report=report, changes=form.changes())
    except ValidationFailed as error:
        add_service_errors(form, error)
        return False
    return True


def _form_page(request: HttpRequest, form: WorkReportForm, report):
    actor = request.actor
    context = {
        "form": form,
        "report": report,
        "shown": shown_figures(report.figures, actor.org.currency, get_language() or "zh-hans"),
        "handled": [item for item in report.help_items.all() if item.status != "open"],
        "suggestions": selectors.tag_suggestions(actor),
        "may_write": may_write_work_report(actor, report),
    }
    return render(request, "workreports/edit.html", context, status=400 if form.errors else 200)


@actor_required
@require_POST
def submit(request: HttpRequest, work_report_id: int):
    """The form's Submit button: what was typed is saved, then the report submitted."""
    actor = request.actor
    report = selectors.access_report(actor, work_report_id)
    if report.author_id != actor.user_id or not actor.can_write:
        raise Forbidden(_("A work report is written by its author alone."))
    if any(key in request.POST for key in services.TEXT_FIELDS):
        form = WorkReportForm(request.POST, report=report)
        if not _save(request, form, report):
            return _form_page(request, form, report)
    try:
        services.work_report_submit(actor=actor, report=report)
    except ValidationFailed as error:
        message_service_errors(request, error)
        return redirect("workreports:detail", report.pk)
    messages.success(request, _("Report submitted. Your lead has been told."))
    return redirect("workreports:detail", report.pk)


@actor_required
@require_POST
def mark_read(request: HttpRequest, work_report_id: int):
    report = selectors.access_report(request.actor, work_report_id)
    try:
        services.work_report_mark_read(actor=request.actor, report=report)
    except ValidationFailed as error:
        message_service_errors(request, error)
    else:
        messages.success(request, _("Marked read."))
    return redirect("workreports:detail", report.pk)


@actor_required
@require_POST
def comment(request: HttpRequest, work_report_id: int):
    actor = request.actor
    report = selectors.access_report(actor, work_report_id)
    if not may_comment_work_report(actor, report):
        raise Forbidden(_("The author and their leads comment on a report."))
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.work_report_comment(actor=actor, report=report, body=form.cleaned_data["body"])
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Comment added."))
            return redirect("workreports:detail", report.pk)
    context = {
        "report": report,
        **selectors.report_detail(actor, report),
        "shown": shown_figures(report.figures, actor.org.currency, get_language() or "zh-hans"),
        "may_write": may_write_work_report(actor, report),
        "may_lead": may_lead_work_report(actor, report),
        "may_comment": True,
        "comment_form": form,
    }
    return render(request, "workreports/detail.html", context, status=400)


@actor_required
@require_POST
def help_handle(request: HttpRequest, help_item_id: int):
    item = selectors.access_help_item(request.actor, help_item_id)
    try:
        services.help_item_handle(actor=request.actor, item=item, note=request.POST.get("note", ""))
    except ValidationFailed as error:
        message_service_errors(request, error)
    else:
        messages.success(request, _("Marked handled. The author has been told."))
    return redirect("workreports:detail", item.report_id)


@actor_required
@require_POST
def help_task(request: HttpRequest, help_item_id: int):
    item = selectors.access_help_item(request.actor, help_item_id)
    try:
        item = services.help_item_to_task(actor=request.actor, item=item)
    except ValidationFailed as error:
        message_service_errors(request, error)
        return redirect("workreports:detail", item.report_id)
    messages.success(request, _("Task made. Change its owner or due date on the task's page."))
    return redirect("work:detail", item.task_id)


@actor_required
def team(request: HttpRequest):
    """The reports of the actor's people, and who has not reported for this and the last period."""
    actor = request.actor
    people = list(selectors.expected_authors(actor).exclude(pk=actor.user_id))
    form = TeamFilterForm(request.GET or None, people=people)
    filters = form.cleaned_data if form.is_valid() else {}
    reports = selectors.report_filter(
        selectors.report_list(actor).exclude(author_id=actor.user_id).filter(status="submitted"),
        author=filters.get("person"),
        unread=filters.get("unread") or None,  # the box unticked shows all, not only the read
    )
    context = {
        "form": form,
        "status": selectors.reporting_status(actor, people),
        "page": paginate(request, reports, PER_PAGE),
        "query": query_without(request, "page"),
    }
    return render(request, "workreports/team.html", context)


@actor_required
def news(request: HttpRequest):
    actor = request.actor
    form = NewsSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    items = selectors.news_search(
        actor, q=filters.get("q", ""), tag=filters.get("tag", ""), kind=filters.get("kind", "")
    )
    suggestions = selectors.tag_suggestions(actor)
    context = {
        "form": form,
        "page": paginate(request, items, PER_PAGE),
        "query": query_without(request, "page"),
        "all_tags": sorted({tag for tags in suggestions.values() for tag in tags}),
    }
    return render(request, "workreports/news.html", context)
