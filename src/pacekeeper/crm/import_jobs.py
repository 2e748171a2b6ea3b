"""Imports from the page, run in the background (django-tasks): upload → check → the author
confirms a mode → apply. The job row carries the status, the rows seen so far and the report."""

import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from pacekeeper.errors import PacekeeperError, PayloadTooLarge, ValidationFailed
from pacekeeper.lib import request_context
from pacekeeper.lib.jobs import close_broken_connection, heartbeat, stale_cutoff
from pacekeeper.tenancy.scopes import Actor, actor_for, require_writer

from .imports import KIND_COLUMNS, MODES, ImportReport, import_apply, import_check
from .models import ImportJob

# A report keeps this many problems; counts stay exact.
STORED_ERRORS = 1000


def upload_path(job: ImportJob):
    return settings.DATA_DIR / "uploads" / job.stored_as


def require_import_size(size: int) -> None:
    """The one upload limit, for the import page and the API alike."""
    if size > settings.IMPORT_MAX_BYTES:
        limit = filesizeformat(settings.IMPORT_MAX_BYTES)  # as RequestSizeLimitMiddleware says it
        raise PayloadTooLarge(_("The file is larger than the limit of %(size)s.") % {"size": limit})


def import_job_start(
    *,
    actor: Actor,
    kind: str,
    filename: str,
    chunks,
    idempotency_key: str = "",
    apply_mode: str | None = None,
) -> tuple[ImportJob, bool]:
    """Store an uploaded file and queue its check. `chunks` yields the file's bytes. With an
    `apply_mode`, the import follows a clean check without waiting for a confirmation. Returns
    (job, created): a repeated `idempotency_key` returns the first job and stores nothing."""
    require_writer(actor)
    if kind not in KIND_COLUMNS:
        raise ValidationFailed({"kind": [_("Unknown import kind.")]})
    if apply_mode is not None and apply_mode not in MODES:
        raise ValidationFailed({"mode": [_("Choose all_or_nothing or good_rows_only.")]})
    if idempotency_key:
        earlier = ImportJob.objects.visible_to(actor).filter(idempotency_key=idempotency_key).first()
        if earlier is not None:
            return earlier, False
    job = ImportJob(
        org_id=actor.org_id,
        created_by=actor.user,
        kind=kind,
        filename=filename[:255],
        stored_as=secrets.token_hex(16),
        idempotency_key=idempotency_key[:100],
        apply_when_checked=apply_mode is not None,
        mode=apply_mode or "all_or_nothing",
        language=translation.get_language() or "",
    )
    path = upload_path(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as out:
        for chunk in chunks:
            out.write(chunk)
    try:
        with transaction.atomic():
            job.save()
    except IntegrityError:  # the same key sent twice at once: the other request won
        path.unlink(missing_ok=True)
        return ImportJob.objects.visible_to(actor).get(idempotency_key=job.idempotency_key), False
    transaction.on_commit(lambda: import_job_check.enqueue(job.pk))
    return job, True


def import_job_confirm(*, actor: Actor, job: ImportJob, mode: str) -> ImportJob:
    """The author saw the check and chose a mode: queue the import itself."""
    require_writer(actor)
    if mode not in MODES:
        raise ValidationFailed({"mode": [_("Choose all_or_nothing or good_rows_only.")]})
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.CHECKED).update(
        status=ImportJob.Status.IMPORTING, mode=mode, rows_seen=0, heartbeat_at=None, attempts=0
    )
    if not updated:  # confirmed twice, or not checked yet: nothing more to do
        raise ValidationFailed({"": [_("This import is not waiting for a confirmation.")]})
    transaction.on_commit(lambda: import_job_apply.enqueue(job.pk))
    job.refresh_from_db()
    return job


@task()
def import_job_check(job_id: int) -> None:
    with request_context.bound(request_id=f"import-job-{job_id}"):
        _run(job_id, apply=False)


@task()
def import_job_apply(job_id: int) -> None:
    with request_context.bound(request_id=f"import-job-{job_id}"):
        _run(job_id, apply=True)


def _run(job_id: int, *, apply: bool) -> None:
    """The check or the import, with its report and failures in the language of the person who
    started it (the page they started it from), not the worker's."""
    job = ImportJob.objects.select_related("created_by", "created_by__org").get(pk=job_id)
    author = job.created_by
    with translation.override(job.language or author.language or (author.org.language if author.org else None)):
        _run_job(job, apply=apply)


def _run_job(job: ImportJob, *, apply: bool) -> None:
    actor = actor_for(job.created_by, channel="import")

    def progress(rows: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(rows_seen=rows)

    ImportJob.objects.filter(pk=job.pk).update(attempts=F("attempts") + 1)

    try:
        with heartbeat(ImportJob, job.pk):
            if actor is None:
                raise PacekeeperError(_("The person who started this import can no longer sign in."))
            # The file is read as its rows are, never whole (a worker's memory: docs/security.md).
            with open(upload_path(job), "rb") as data:
                if apply:
                    report = import_apply(
                        actor=actor, kind=job.kind, data=data, filename=job.filename, mode=job.mode, progress=progress
                    )
                else:
                    report = import_check(
                        actor=actor, kind=job.kind, data=data, filename=job.filename, progress=progress
                    )
    except PacekeeperError as error:
        _finish(job, ImportJob.Status.FAILED, failure=str(error))
        return
    except Exception:
        # The database went away, the disk filled…: the import's transaction rolled back, so
        # nothing of it is written. Say so on the job (over a fresh connection, the old one may
        # be what broke), then let the task runner log the error.
        close_broken_connection()
        _finish(job, ImportJob.Status.FAILED, failure=str(INTERRUPTED))
        raise
    status = ImportJob.Status.CHECKED
    if apply:
        status = ImportJob.Status.DONE if report.applied else ImportJob.Status.REJECTED
    _finish(job, status, report=report)
    if status == ImportJob.Status.CHECKED and job.apply_when_checked:
        _apply_after_check(job, report)


def _apply_after_check(job: ImportJob, report: ImportReport) -> None:
    """An API import goes on by itself: applied in its mode unless all-or-nothing found bad rows."""
    if report.errors and job.mode == "all_or_nothing":
        _finish(job, ImportJob.Status.REJECTED, report=report)
        return
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.IMPORTING, rows_seen=0, heartbeat_at=None, attempts=0
    )
    transaction.on_commit(lambda: import_job_apply.enqueue(job.pk))


INTERRUPTED = gettext_lazy(
    "The import stopped unexpectedly. Run it again: rows it already wrote are updated, not added twice."
)
# A job whose worker died is queued again until it has been started this many times: a file
# that kills its worker each time (memory, say) then fails instead of going round for ever.
MAX_ATTEMPTS = 3


def recover_stalled_imports(*, job_ids=None) -> int:
    """Take up the running jobs whose worker died (no heartbeat for IMPORT_STALE_SECONDS): queue
    them again, or mark them failed once they have been started MAX_ATTEMPTS times. Checks
    write nothing; an import writes in pieces and updates on a second run the rows a first run
    wrote, so it completes exactly once. A job still waiting in the queue has no heartbeat yet
    and is left alone, however long it waits. Returns how many jobs were taken up."""
    stalled = ImportJob.objects.filter(status__in=ImportJob.RUNNING, heartbeat_at__lt=stale_cutoff())
    if job_ids is not None:
        stalled = stalled.filter(pk__in=job_ids)
    worn_out = stalled.filter(attempts__gte=MAX_ATTEMPTS)
    taken = worn_out.update(status=ImportJob.Status.FAILED, failure=str(INTERRUPTED), finished_at=timezone.now())
    for job in stalled.filter(attempts__lt=MAX_ATTEMPTS).only("pk", "status", "heartbeat_at"):
        # Only one of two workers looking at once queues it: the heartbeat they saw is cleared.
        if ImportJob.objects.filter(pk=job.pk, heartbeat_at=job.heartbeat_at).update(heartbeat_at=None):
            task = import_job_apply if job.status == ImportJob.Status.IMPORTING else import_job_check
            transaction.on_commit(lambda task=task, pk=job.pk: task.enqueue(pk))
            taken += 1
    return taken


def import_job_rerun(*, actor: Actor, job: ImportJob) -> ImportJob:
    """Start a failed job again from its check, with the file it was given."""
    require_writer(actor)
    if not upload_path(job).exists():
        raise ValidationFailed({"": [_("The file of this import is gone; upload it again.")]})
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.FAILED).update(
        status=ImportJob.Status.CHECKING,
        failure="",
        report=None,
        rows_seen=0,
        finished_at=None,
        heartbeat_at=None,
        attempts=0,
    )
    if not updated:
        raise ValidationFailed({"": [_("Only a failed import can be run again.")]})
    transaction.on_commit(lambda: import_job_check.enqueue(job.pk))
    job.refresh_from_db()
    return job


def _finish(job: ImportJob, status: str, *, report: ImportReport | None = None, failure: str = "") -> None:
    job.status = status
    job.failure = failure
    if report is not None:
        job.report = report.as_dict(max_errors=STORED_ERRORS)
        job.rows_seen = report.total
    if status in (ImportJob.Status.DONE, ImportJob.Status.REJECTED, ImportJob.Status.FAILED):
        job.finished_at = timezone.now()
        if status == ImportJob.Status.DONE:
            transaction.on_commit(lambda: upload_path(job).unlink(missing_ok=True))
    job.save(update_fields=["status", "failure", "report", "rows_seen", "finished_at"])
