"""Generating progress reports: one on demand, or every report of an organisation for a week or a
month as one background run (started by the schedule or a director)."""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from pacekeeper.errors import Forbidden, PacekeeperError, TooManyAttempts, ValidationFailed
from pacekeeper.kpis.periods import Period
from pacekeeper.lib import date_rules, rate_limits, request_context
from pacekeeper.lib.formatting import format_date
from pacekeeper.lib.jobs import close_broken_connection, heartbeat, stale_cutoff
from pacekeeper.tenancy.models import Organization, Team, User
from pacekeeper.tenancy.scopes import (
    REPORT_GENERATING_ROLES,
    Actor,
    may_generate_progress_report,
    may_run_all_progress_reports,
    portfolio_holders_q,
)

from . import exports, storage
from .building import Facts, Subject, build_document, subject_of
from .models import PeriodKind, ProgressReport, ReportRun, ScheduledPeriod, SubjectKind
from .periods import first_working_day, last_finished, report_period

logger = logging.getLogger(__name__)
LANGUAGES = ("zh-hans", "en")


def org_today(org: Organization) -> dt.date:
    return timezone.now().astimezone(ZoneInfo(org.time_zone)).date()


def check_period(period_kind: str, day: dt.date | None, today: dt.date) -> Period:
    """The week or month holding `day`; refused when it has not started yet (or lies outside the
    business dates)."""
    if period_kind not in PeriodKind.values:
        raise ValidationFailed({"period_kind": [_("Choose a week or a month.")]})
    if day is None:
        raise ValidationFailed({"day": [_("Enter a date in the period.")]})
    if problem := date_rules.window_problem(day, today):
        raise ValidationFailed({"day": [problem]})
    period = report_period(period_kind, day)
    if period.start > today:
        message = _("This period starts on %(start)s: there is nothing to report yet.")
        raise ValidationFailed({"day": [message % {"start": format_date(period.start, _language())}]})
    return period


def _language() -> str:
    from django.utils.translation import get_language

    return get_language() or "zh-hans"


def report_generate(
    *,
    actor: Actor,
    subject_kind: str,
    subject_id: int | None,
    period_kind: str,
    day: dt.date | None,
    language: str = "",
) -> ProgressReport:
    """Generate (or generate again) one report the actor may generate, in their language."""
    if subject_kind not in SubjectKind.values:
        raise ValidationFailed({"subject_kind": [_("Choose a person, a team or the organisation.")]})
    subject_id = 0 if subject_kind == SubjectKind.ORG else subject_id
    if subject_kind != SubjectKind.ORG and not subject_id:
        raise ValidationFailed({"subject": [_("Choose whom the report is about.")]})
    if not may_generate_progress_report(actor, subject_kind=subject_kind, subject_id=subject_id):
        if actor.role in REPORT_GENERATING_ROLES:
            raise ValidationFailed({"subject": [_("You cannot generate reports about them.")]})
        raise Forbidden(_("Team leads, directors and org admins generate progress reports."))
    period = check_period(period_kind, day, actor.today())
    _count_generation(actor)
    try:
        subject = subject_of(actor.org, subject_kind, subject_id)
    except LookupError:
        raise ValidationFailed({"subject": [_("No such person or team.")]}) from None
    language = language if language in LANGUAGES else _language()
    facts = Facts(actor.org, today=actor.today())
    return keep_report(
        facts=facts, subject=subject, period_kind=period_kind, period=period, language=language, by=actor.user
    )


def _count_generation(actor: Actor) -> None:
    """Each report costs about a second of the server's time: a script looping on generating
    would slow everyone down. The organisation's run (the worker) is not counted."""
    limit = settings.PROGRESS_GENERATE_PER_HOUR
    if not rate_limits.allow(f"progress-generate:{actor.user_id}", limit=limit, seconds=3600):
        message = _("You have generated %(n)s reports within the hour: try again later.") % {"n": limit}
        raise TooManyAttempts(message)


def report_regenerate(*, actor: Actor, report: ProgressReport) -> ProgressReport:
    if not may_generate_progress_report(actor, subject_kind=report.subject_kind, subject_id=report.subject_id):
        raise Forbidden(_("Team leads, directors and org admins generate progress reports."))
    _count_generation(actor)
    subject = subject_of(report.org, report.subject_kind, report.subject_id)
    facts = Facts(report.org, today=actor.today())
    period = Period(report.starts_on, report.ends_on)
    return keep_report(
        facts=facts,
        subject=subject,
        period_kind=report.period_kind,
        period=period,
        language=report.language,
        by=actor.user,
    )


def keep_report(
    *,
    facts: Facts,
    subject: Subject,
    period_kind: str,
    period: Period,
    language: str,
    by: User | None = None,
    run: ReportRun | None = None,
) -> ProgressReport:
    """Build the report's Document, render its PDF and XLSX, and keep them (replacing the report
    of the same subject, period and language)."""
    now = timezone.now()
    document = build_document(
        facts=facts, subject=subject, period_kind=period_kind, period=period, language=language, generated_at=now
    )
    data = storage.document_data(document)
    values = {
        "team_id": subject.id if subject.kind == SubjectKind.TEAM else None,
        "person_id": subject.id if subject.kind == SubjectKind.PERSON else None,
        "ends_on": period.end,
        "title": document.title[:300],
        "subtitle": document.subtitle[:300],
        "generated_at": now,
        "generated_by": by,
        "run": run,
        "fingerprint": storage.fingerprint(data),
        "document": data,
        "pdf": exports.pdf_bytes(document),
        "xlsx": exports.xlsx_bytes(document),
    }
    key = {
        "org": facts.org,
        "subject_kind": subject.kind,
        "subject_ref": subject.id,
        "period_kind": period_kind,
        "starts_on": period.start,
        "language": language,
    }
    try:
        with transaction.atomic():
            report, _created = ProgressReport.objects.update_or_create(**key, defaults=values)
    except IntegrityError:  # made by someone else at the same moment: ours replaces it
        report = ProgressReport.objects.get(**key)
        ProgressReport.objects.filter(pk=report.pk).update(**values)
        report.refresh_from_db()
    return report


def current_state(report: ProgressReport) -> dict:
    """Whether the figures of the report's period are still those kept: rebuilds the document
    now (for the same subject, period and language) and compares. {"changed": bool, "sections":
    [titles of the sections that changed]}; a subject since deleted counts as unchanged.

    Rebuilding costs as much as generating, so the answer is kept for
    PROGRESS_CHECK_SECONDS (a reader reloading the page does not rebuild it each time)."""
    key = f"progress-state:{report.pk}:{report.fingerprint}"
    state = cache.get(key)
    if state is None:
        state = _rebuilt_state(report)
        cache.set(key, state, settings.PROGRESS_CHECK_SECONDS)
    return state


def _rebuilt_state(report: ProgressReport) -> dict:
    try:
        subject = subject_of(report.org, report.subject_kind, report.subject_id)
    except LookupError:
        return {"changed": False, "sections": []}
    facts = Facts(report.org, today=org_today(report.org))
    document = build_document(
        facts=facts,
        subject=subject,
        period_kind=report.period_kind,
        period=Period(report.starts_on, report.ends_on),
        language=report.language,
    )
    data = storage.document_data(document)
    if storage.fingerprint(data) == report.fingerprint:
        return {"changed": False, "sections": []}
    return {"changed": True, "sections": storage.changed_sections(report.document, data)}


# --- the organisation's run ------------------------------------------------------------------------


def report_run_start(*, actor: Actor, period_kind: str, day: dt.date | None) -> ReportRun:
    """Queue the generation of every report of the organisation for the week or month."""
    if not may_run_all_progress_reports(actor):
        raise Forbidden(_("Directors and org admins generate all reports at once."))
    period = check_period(period_kind, day, actor.today())
    return _queue_run(actor.org, period_kind, period, created_by=actor.user)


def _queue_run(org: Organization, period_kind: str, period: Period, *, created_by: User | None) -> ReportRun:
    try:
        with transaction.atomic():
            run = ReportRun.objects.create(
                org=org, period_kind=period_kind, starts_on=period.start, ends_on=period.end, created_by=created_by
            )
    except IntegrityError:
        raise ValidationFailed({"": [_("The reports of this period are already being generated.")]}) from None
    transaction.on_commit(lambda: report_run_generate.enqueue(run.pk))
    return run


def run_subjects(org: Organization) -> list[Subject]:
    """Everything a run reports on: the organisation, every team, every active team lead and
    account manager."""
    subjects = [Subject(SubjectKind.ORG, 0, org.name)]
    subjects += [
        Subject(SubjectKind.TEAM, pk, name)
        for pk, name in Team.objects.filter(org=org).order_by("path").values_list("pk", "name")
    ]
    people = User.objects.filter(portfolio_holders_q(), org=org, is_active=True).order_by("pk")
    subjects += [Subject(SubjectKind.PERSON, person.pk, str(person)) for person in people]
    return subjects


INTERRUPTED = gettext_lazy("The run stopped unexpectedly; the reports generated until then are kept. Start it again.")


@task()
def report_run_generate(run_id: int) -> None:
    with request_context.bound(request_id=f"report-run-{run_id}"):
        generate_run(run_id)


def generate_run(run_id: int, *, on_report=None) -> None:
    """Generate every report of the run, one after the other, counting them on the run's row
    (the progress the reports page shows). `on_report(subject)` is called after each (bench)."""
    claimed = ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.QUEUED).update(
        status=ReportRun.Status.RUNNING, heartbeat_at=timezone.now(), failure=""
    )
    if not claimed:
        return
    run = ReportRun.objects.select_related("org").get(pk=run_id)
    try:
        with heartbeat(ReportRun, run.pk):
            subjects = run_subjects(run.org)
            ReportRun.objects.filter(pk=run.pk).update(reports_expected=len(subjects))
            facts = Facts(run.org, today=org_today(run.org))
            period = Period(run.starts_on, run.ends_on)
            for done, subject in enumerate(subjects, start=1):
                keep_report(
                    facts=facts,
                    subject=subject,
                    period_kind=run.period_kind,
                    period=period,
                    language=run.org.language,
                    by=run.created_by,
                    run=run,
                )
                ReportRun.objects.filter(pk=run.pk).update(reports_done=done)
                if on_report is not None:
                    on_report(subject)
            ReportRun.objects.filter(pk=run.pk).update(status=ReportRun.Status.DONE, finished_at=timezone.now())
    except PacekeeperError as error:
        _fail(run.pk, str(error))
    except Exception:
        close_broken_connection()
        _fail(run.pk, str(INTERRUPTED))
        raise


def _fail(run_id: int, failure: str) -> None:
    ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.RUNNING).update(
        status=ReportRun.Status.FAILED, failure=failure, finished_at=timezone.now()
    )


def recover_stalled_report_runs() -> int:
    """Mark as failed the runs whose worker died (the reports they kept stay)."""
    stalled = ReportRun.objects.filter(status=ReportRun.Status.RUNNING, heartbeat_at__lt=stale_cutoff())
    return stalled.update(status=ReportRun.Status.FAILED, failure=str(INTERRUPTED), finished_at=timezone.now())


# --- the schedule -----------------------------------------------------------------------------------


def due_periods(today: dt.date) -> list[tuple[str, Period]]:
    """The periods whose reports are due by `today`: last week (from Monday on) and last month
    (from the month's first working day on). A worker that was down on the day catches up."""
    due = [(PeriodKind.WEEK, last_finished(PeriodKind.WEEK, today))]
    if today >= first_working_day(today.replace(day=1)):
        due.append((PeriodKind.MONTH, last_finished(PeriodKind.MONTH, today)))
    return due


def schedule_reports(*, now: dt.datetime | None = None) -> int:
    """The periodic chore: start the run of every period due and not yet started, once per
    organisation and period (a ScheduledPeriod row under a unique constraint). Returns runs started."""
    started = 0
    for org in Organization.objects.all():
        today = (now or timezone.now()).astimezone(ZoneInfo(org.time_zone)).date()
        for period_kind, period in due_periods(today):
            if ScheduledPeriod.objects.filter(org=org, period_kind=period_kind, starts_on=period.start).exists():
                continue
            try:
                with transaction.atomic():
                    mark = ScheduledPeriod.objects.create(org=org, period_kind=period_kind, starts_on=period.start)
                    run = _queue_run(org, period_kind, period, created_by=None)
                    ScheduledPeriod.objects.filter(pk=mark.pk).update(run=run)
            except (IntegrityError, ValidationFailed):
                continue  # another worker started it, or a director's run of it is going
            started += 1
    return started
