"""Reads of kept progress reports and runs, scoped (tenancy/scopes.progress_reports_q)."""

from __future__ import annotations

from django.db.models import QuerySet

from pacekeeper.tenancy.scopes import Actor, get_visible, may_run_all_progress_reports

from .models import ProgressReport, ReportRun


def report_list(
    actor: Actor, *, period_kind: str = "", subject_kind: str = "", starts_on=None, search: str = ""
) -> QuerySet[ProgressReport]:
    """The reports the actor sees, newest period first; without the documents and files."""
    reports = ProgressReport.objects.visible_to(actor).defer("pdf", "xlsx", "document")
    if period_kind:
        reports = reports.filter(period_kind=period_kind)
    if subject_kind:
        reports = reports.filter(subject_kind=subject_kind)
    if starts_on:
        reports = reports.filter(starts_on=starts_on)
    if search:
        reports = reports.filter(title__icontains=search[:100])
    return reports.order_by("-starts_on", "period_kind", "subject_kind", "title", "pk")


def access_report(actor: Actor, report_id) -> ProgressReport:
    return get_visible(ProgressReport.objects.visible_to(actor).select_related("org"), report_id, actor=actor)


def recent_runs(actor: Actor, limit: int = 5) -> list[ReportRun]:
    """The organisation's latest runs, for those who start them."""
    if not may_run_all_progress_reports(actor):
        return []
    return list(ReportRun.objects.filter(org_id=actor.org_id).order_by("-created_at", "-pk")[:limit])
