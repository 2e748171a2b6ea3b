"""/api/v1/imports: send a CSV or XLSX file for import, then follow the job.

A nightly script posts its file with an `Idempotency-Key` header; if the connection drops and
it posts again with the same key, it gets the first job back and nothing is imported twice.
The import runs in the background: checked, then applied in the chosen mode (all_or_nothing
refuses the whole file if any row is bad; good_rows_only imports the rest).
"""

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from pacekeeper.lib.api_types import Page
from pacekeeper.tenancy.scopes import get_visible

from .import_jobs import import_job_start, require_import_size
from .imports import KIND_COLUMNS, MODES
from .models import ImportJob

router = Router(tags=["imports"])


class ImportForm(Schema):
    kind: Literal[tuple(KIND_COLUMNS)]
    mode: Literal[MODES] = "all_or_nothing"


class ImportJobOut(Schema):
    id: int
    kind: str
    filename: str
    mode: str
    status: str
    rows_seen: int
    report: dict | None
    failure: str
    created_at: dt.datetime
    finished_at: dt.datetime | None


@router.post(
    "/imports",
    response={202: ImportJobOut, 200: ImportJobOut},
    summary="Import a CSV or XLSX file (in the background; repeat-safe with an Idempotency-Key header)",
)
def imports_create(request: HttpRequest, file: File[UploadedFile], form: Form[ImportForm]):
    require_import_size(file.size)
    key = request.headers.get("Idempotency-Key", "").strip()[:100]
    job, created = import_job_start(
        actor=request.actor,
        kind=form.kind,
        filename=file.name or "upload",
        chunks=file.chunks(),
        idempotency_key=key,
        apply_mode=form.mode,
    )
    return (202 if created else 200), job


@router.get("/imports", response=list[ImportJobOut], summary="Your imports, newest first")
@paginate(Page)
def imports_list(request: HttpRequest):
    return ImportJob.objects.visible_to(request.actor)


@router.get("/imports/{job_id}", response=ImportJobOut, summary="One of your imports: its status and report")
def imports_read(request: HttpRequest, job_id: int):
    return get_visible(ImportJob.objects.visible_to(request.actor), job_id, actor=request.actor)
