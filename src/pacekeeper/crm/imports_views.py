"""Import pages (upload → preview with every bad row → apply) and export downloads."""

import secrets

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pacekeeper.errors import ValidationFailed
from pacekeeper.lib.pages import actor_required
from pacekeeper.tenancy.scopes import require_writer

from .exports import EXPORT_COLUMNS, export_queryset, export_response
from .imports import KIND_COLUMNS, KIND_LABELS, MODES, import_apply, import_check

UPLOAD_DIR = settings.DATA_DIR / "uploads"


def _upload_path(token: str):
    if not token.isalnum():
        raise Http404()
    return UPLOAD_DIR / token


@actor_required
def import_upload(request: HttpRequest):
    require_writer(request.actor)
    kind_specs = [(key, KIND_LABELS[key], list(columns.values())) for key, columns in KIND_COLUMNS.items()]
    context = {"kind_specs": kind_specs, "kind": request.GET.get("kind", "customers")}
    if request.method != "POST":
        return render(request, "crm/import_upload.html", context)
    upload = request.FILES.get("file")
    kind = request.POST.get("kind", "")
    if upload is None or kind not in KIND_COLUMNS:
        messages.error(request, _("Choose what to import and a file."))
        return render(request, "crm/import_upload.html", context, status=400)
    if upload.size > settings.IMPORT_MAX_BYTES:
        messages.error(
            request, _("The file is larger than the limit of %(mb)d MB.") % {"mb": settings.IMPORT_MAX_BYTES // 2**20}
        )
        return render(request, "crm/import_upload.html", context, status=413)
    token = secrets.token_hex(16)
    UPLOAD_DIR.mkdir(parents=True, exist_ok=True)
    with open(_upload_path(token), "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    request.session[f"import:{token}"] = {"kind": kind, "filename": upload.name}
    return redirect("crm:import_preview", token=token)


@actor_required
def import_preview(request: HttpRequest, token: str):
    meta = request.session.get(f"import:{token}")
    path = _upload_path(token)
    if meta is None or not path.exists():
        raise Http404()
    data = path.read_bytes()
    kind, filename = meta["kind"], meta["filename"]
    try:
        if request.method == "POST":
            mode = request.POST.get("mode", "all_or_nothing")
            report = import_apply(actor=request.actor, kind=kind, data=data, filename=filename, mode=mode)
            if report.applied:
                path.unlink(missing_ok=True)
                request.session.pop(f"import:{token}", None)
        else:
            report = import_check(actor=request.actor, kind=kind, data=data, filename=filename)
    except ValidationFailed as error:
        messages.error(request, " ".join(m for ms in error.errors.values() for m in ms))
        return redirect(f"{reverse('crm:import_upload')}?kind={kind}")
    return render(
        request,
        "crm/import_preview.html",
        {
            "report": report,
            "kind": kind,
            "kind_label": KIND_LABELS[kind],
            "filename": filename,
            "token": token,
            "modes": MODES,
            "errors": report.errors[:500],
        },
    )


@actor_required
def export_download(request: HttpRequest, kind: str):
    if kind not in EXPORT_COLUMNS:
        raise Http404()
    file_format = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    return export_response(kind, export_queryset(kind, request.actor), file_format, actor=request.actor)
