"""Writes of work reports; the page and the API call the same functions (docs/rhythm.md)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.lib import date_rules
from pacekeeper.lib.dates import parse_date
from pacekeeper.lib.text import clean_text
from pacekeeper.tenancy.scopes import (
    Actor,
    may_comment_work_report,
    may_lead_work_report,
    may_write_work_report,
    require_writer,
)
from pacekeeper.work.models import Task
from pacekeeper.work.services import task_create

from . import notices
from .figures import period_label, period_of, sales_figures
from .models import ITEM_LIMIT, TAG_LIMIT, TEXT_LIMIT, HelpItem, NewsItem, ReportComment, WorkReport

TEXT_FIELDS = ("sales_progress", "customer_feedback", "plans")
MAX_ITEMS = 30
TASK_DUE_DAYS = 7


def _too_long(limit: int, value: str) -> str:
    return _("At most %(limit)s characters (this has %(length)s).") % {
        "limit": f"{limit:,}",
        "length": f"{len(value):,}",
    }


def _text(value: object, field: str, limit: int, errors: dict) -> str:
    text = clean_text(value if isinstance(value, str) else "").strip()
    if len(text) > limit:
        errors.setdefault(field, []).append(_too_long(limit, text))
    return text


@transaction.atomic
def work_report_start(*, actor: Actor, day: object = None) -> WorkReport:
    """The actor's report for the period containing `day` (default today), made as a draft with
    the period's figures if it does not exist yet. Nobody writes a report for someone else (the
    author is always the actor); a period that has not started yet is refused."""
    require_writer(actor)
    today = actor.today()
    if day in (None, ""):
        when = today
    else:
        try:
            when = parse_date(day)
        except (ValueError, ValidationFailed):
            raise ValidationFailed({"period": [_("Enter a date as YYYY-MM-DD.")]}) from None
    if problem := date_rules.window_problem(when, today):
        raise ValidationFailed({"period": [problem]})
    cadence = actor.org.work_report_cadence
    period = period_of(cadence, when)
    if period.start > today:
        raise ValidationFailed(
            {"period": [_("This period has not started yet: a report is written during or after its period.")]}
        )
    existing = WorkReport.objects.filter(
        org_id=actor.org_id, author_id=actor.user_id, cadence=cadence, period_start=period.start
    ).first()
    if existing is not None:
        return existing
    report = WorkReport(
        org_id=actor.org_id,
        author=actor.user,
        cadence=cadence,
        period_start=period.start,
        period_end=period.end,
        figures=sales_figures(actor=actor, author_id=actor.user_id, period=period),
        figures_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:  # made at the same moment by another request: that one stands
        return WorkReport.objects.get(
            org_id=actor.org_id, author_id=actor.user_id, cadence=cadence, period_start=period.start
        )
    return report


def _require_author(actor: Actor, report: WorkReport) -> None:
    if report.author_id != actor.user_id or not actor.can_write:
        raise Forbidden(_("A work report is written by its author alone."))
    if not may_write_work_report(actor, report):
        raise ValidationFailed({"": [_("Your lead has read this report: it can no longer be changed.")]})


@transaction.atomic
def work_report_update(*, actor: Actor, report: WorkReport, changes: dict) -> WorkReport:
    """The author's text, news items and help items. `news`: a list of {text, competitor,
    product, region}; `help_needed`: a list of texts. Both replace the lists given (help items a
    lead already handled stay as they are); a field left out keeps its value."""
    _require_author(actor, report)
    errors: dict[str, list[str]] = {}
    for field in TEXT_FIELDS:
        if field in changes:
            setattr(report, field, _text(changes[field], field, TEXT_LIMIT, errors))
    news = _news(changes["news"], errors) if "news" in changes else None
    help_texts = _help(changes["help_needed"], errors) if "help_needed" in changes else None
    if errors:
        raise ValidationFailed(errors)
    report.save(update_fields=[*TEXT_FIELDS, "updated_at"])
    if news is not None:
        report.news.all().delete()
        NewsItem.objects.bulk_create(
            NewsItem(org_id=report.org_id, report=report, position=index, **item) for index, item in enumerate(news)
        )
    if help_texts is not None:
        report.help_items.filter(status=HelpItem.Status.OPEN).delete()
        kept = report.help_items.count()
        HelpItem.objects.bulk_create(
            HelpItem(org_id=report.org_id, report=report, text=text, position=kept + index)
            for index, text in enumerate(help_texts)
        )
    return report


def _news(items: object, errors: dict) -> list[dict]:
    if not isinstance(items, list | tuple) or len(items) > MAX_ITEMS:
        errors.setdefault("news", []).append(_("At most %(n)s news items.") % {"n": MAX_ITEMS})
        return []
    rows = []
    for item in items:
        item = item if isinstance(item, dict) else {}
        row = {"text": _text(item.get("text", ""), "news", ITEM_LIMIT, errors)}
        for tag in ("competitor", "product", "region"):
            row[tag] = _text(item.get(tag, ""), "news", TAG_LIMIT, errors)
        if row["text"]:
            rows.append(row)
        elif any(row[tag] for tag in ("competitor", "product", "region")):
            errors.setdefault("news", []).append(_("A tagged news item needs its text."))
    return rows


def _help(items: object, errors: dict) -> list[str]:
    if not isinstance(items, list | tuple) or len(items) > MAX_ITEMS:
        errors.setdefault("help_needed", []).append(_("At most %(n)s help items.") % {"n": MAX_ITEMS})
        return []
    texts = [_text(item, "help_needed", ITEM_LIMIT, errors) for item in items]
    return [text for text in texts if text]


@transaction.atomic
def work_report_submit(*, actor: Actor, report: WorkReport) -> WorkReport:
    """Submit a draft: its figures are taken once more from the engine (they are frozen from
    now on) and the author's leads are told."""
    _require_author(actor, report)
    if report.is_submitted:
        raise ValidationFailed({"": [_("This report is already submitted.")]})
    period = period_of(report.cadence, report.period_start)
    report.figures = sales_figures(actor=actor, author_id=report.author_id, period=period)
    report.figures_at = report.submitted_at = timezone.now()
    report.status = WorkReport.Status.SUBMITTED
    report.save(update_fields=["figures", "figures_at", "submitted_at", "status", "updated_at"])
    notices.announce_submitted(actor=actor, report=report)
    return report


def _require_lead(actor: Actor, report: WorkReport) -> None:
    if not may_lead_work_report(actor, report):
        if report.author_id != actor.user_id and actor.can_write and not report.is_submitted:
            raise ValidationFailed({"": [_("This report is still a draft.")]})
        raise Forbidden(_("The author's lead, a director or the org admin does this."))


@transaction.atomic
def work_report_mark_read(*, actor: Actor, report: WorkReport) -> WorkReport:
    """A lead has read it: from now on the author changes it no more. Reading twice keeps the
    first reader."""
    _require_lead(actor, report)
    if report.read_at is None:
        report.read_at = timezone.now()
        report.read_by = actor.user
        report.save(update_fields=["read_at", "read_by", "updated_at"])
    return report


@transaction.atomic
def work_report_comment(*, actor: Actor, report: WorkReport, body: object) -> ReportComment:
    if not may_comment_work_report(actor, report):
        raise Forbidden(_("The author and their leads comment on a report."))
    errors: dict[str, list[str]] = {}
    text = _text(body, "body", TEXT_LIMIT, errors)
    if not text and not errors:
        errors["body"] = [_("Write a comment.")]
    if errors:
        raise ValidationFailed(errors)
    comment = ReportComment.objects.create(org_id=report.org_id, report=report, author=actor.user, body=text)
    notices.announce_comment(actor=actor, comment=comment)
    return comment


def _require_open(item: HelpItem) -> None:
    if item.status != HelpItem.Status.OPEN:
        raise ValidationFailed({"": [_("This request for help has already been taken up.")]})


@transaction.atomic
def help_item_handle(*, actor: Actor, item: HelpItem, note: object = "") -> HelpItem:
    _require_lead(actor, item.report)
    _require_open(item)
    errors: dict[str, list[str]] = {}
    text = _text(note, "note", ITEM_LIMIT, errors)
    if errors:
        raise ValidationFailed(errors)
    item.status = HelpItem.Status.HANDLED
    item.handled_by, item.handled_at, item.handled_note = actor.user, timezone.now(), text
    item.save(update_fields=["status", "handled_by", "handled_at", "handled_note"])
    notices.announce_help_handled(actor=actor, item=item)
    return item


@transaction.atomic
def help_item_to_task(
    *, actor: Actor, item: HelpItem, owner: int | None = None, due_on: dt.date | None = None
) -> HelpItem:
    """One step: a task (work.services.task_create, with its own rules on whom the actor may
    assign) for the lead by default, due in a week, that says where it came from."""
    _require_lead(actor, item.report)
    _require_open(item)
    report = item.report
    title = item.text if len(item.text) <= 200 else item.text[:199] + "…"
    description = _("From %(author)s's work report (%(period)s):\n%(text)s") % {
        "author": report.author,
        "period": period_label(report.cadence, report.period_start, report.period_end),
        "text": item.text,
    }
    task = task_create(
        actor=actor,
        changes={
            "title": title,
            "description": description[:5000],
            "owner": owner or actor.user_id,
            "due_on": due_on or actor.today() + dt.timedelta(days=TASK_DUE_DAYS),
            # Someone asked for help with it: important; urgency follows from the due date.
            "is_important": True,
        },
    )
    item.status = HelpItem.Status.TASK
    item.task = task
    item.handled_by, item.handled_at = actor.user, timezone.now()
    item.handled_note = _("Task: %(title)s") % {"title": task.title}
    item.save(update_fields=["status", "task", "handled_by", "handled_at", "handled_note"])
    notices.announce_help_handled(actor=actor, item=item)
    return item


def task_status_label(task: Task | None) -> str:
    return task.get_status_display() if task else ""
