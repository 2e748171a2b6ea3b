"""Import pages (upload → background check → the author confirms → background import, with
progress and a report) and export downloads."""

from django.contrib import messages
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacekeeper.errors import PayloadTooLarge, ValidationFailed
from pacekeeper.lib.pages import actor_required, is_htmx, paginate
from pacekeeper.tenancy.scopes import get_visible, require_writer

from .exports import EXPORT_COLUMNS, export_queryset, export_response
from .import_jobs import (
    import_job_confirm,
    import_job_rerun,
    import_job_start,
    recover_stalled_imports,
    require_import_size,
)
from .imports import KIND_COLUMNS, KIND_LABELS
from .models import ImportJob


def _upload_page(request: HttpRequest, *, status: int = 200):
    kind_specs = [(key, KIND_LABELS[key], list(columns.values())) for key, columns in KIND_COLUMNS.items()]
    jobs = paginate(request, ImportJob.objects.visible_to(request.actor), per_page=10)
    context = {"kind_specs": kind_specs, "kind": request.GET.get("kind", "customers"), "jobs": jobs}
    return render(request, "crm/import_upload.html", context, status=status)


def _within_limit(request: HttpRequest, size: int):
    """None, or the upload page saying the file is too large (413)."""
    try:
        require_import_size(size)
    except PayloadTooLarge as error:
        messages.error(request, str(error))
        return _upload_page(request, status=error.status)
    return None


@actor_required
def import_upload(request: HttpRequest):
    require_writer(request.actor)
    if request.method != "POST":
        return _upload_page(request)
    # (A body declared larger than any file allowed never reaches here: RequestSizeLimitMiddleware.)
    upload = request.FILES.get("file")
    if upload is None or request.POST.get("kind") not in KIND_COLUMNS:
        messages.error(request, _("Choose what to import and a file."))
        return _upload_page(request, status=400)
    refusal = _within_limit(request, upload.size)
    if refusal:
        return refusal
    job, _created = import_job_start(
        actor=request.actor, kind=request.POST["kind"], filename=upload.name, chunks=upload.chunks()
    )
    return redirect("crm:import_job", job_id=job.pk)


@actor_required
def import_job(request: HttpRequest, job_id: int):
    job = get_visible(ImportJob.objects.visible_to(request.actor), job_id, actor=request.actor)
    if job.is_running and recover_stalled_imports(job_ids=[job.pk]):
        job.refresh_from_db()
    report = job.report or {}
    context = {"job": job, "report": report, "kind_label": KIND_LABELS.get(job.kind, job.kind)}
    template = "crm/_import_job_status.html" if is_htmx(request) else "crm/import_job.html"
    return render(request, template, context)


@actor_required
@require_POST
def import_job_run(request: HttpRequest, job_id: int):
    job = get_visible(ImportJob.objects.visible_to(request.actor), job_id, actor=request.actor, for_write=True)
    try:
        import_job_confirm(actor=request.actor, job=job, mode=request.POST.get("mode", "all_or_nothing"))
    except ValidationFailed as error:
        messages.error(request, error.text)
    return redirect("crm:import_job", job_id=job.pk)


@actor_required
@require_POST
def import_job_rerun_view(request: HttpRequest, job_id: int):
    job = get_visible(ImportJob.objects.visible_to(request.actor), job_id, actor=request.actor, for_write=True)
    try:
        import_job_rerun(actor=request.actor, job=job)
    except ValidationFailed as error:
        messages.error(request, error.text)
    return redirect("crm:import_job", job_id=job.pk)


@actor_required
def export_index(request: HttpRequest):
    kinds = [(kind, KIND_LABELS[kind]) for kind in EXPORT_COLUMNS]
    return render(request, "crm/export_index.html", {"kinds": kinds})


@actor_required
def export_download(request: HttpRequest, kind: str):
    if kind not in EXPORT_COLUMNS:
        raise Http404()
    file_format = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    return export_response(kind, export_queryset(kind, request.actor), file_format, actor=request.actor)
