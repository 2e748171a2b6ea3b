"""What work reports announce (DESIGN rule 14; docs/rhythm.md, "Work reports"):

- **work_report_submitted** — to the author's leads (their teams' and the teams above; with
  none, the directors) when a report is submitted;
- **work_report_commented** — to the author when someone comments, to the report's reader (or
  the leads) when the author answers;
- **work_report_help_handled** — to the author when a lead marks a help item handled or turns
  it into a task.
"""

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext_lazy

from pacekeeper.lib.formatting import format_period
from pacekeeper.notifications.kinds import Kind, register
from pacekeeper.notifications.services import notify
from pacekeeper.tenancy.scopes import Actor, work_report_leads

from .models import HelpItem, ReportComment, WorkReport

SUBMITTED = "work_report_submitted"
COMMENTED = "work_report_commented"
HELP_HANDLED = "work_report_help_handled"


def _link(report: WorkReport) -> str:
    return reverse("workreports:detail", args=[report.pk])


def _params(report: WorkReport, **more) -> dict:
    return {"start": report.period_start.isoformat(), "end": report.period_end.isoformat(), **more}


def _period_shown(params: dict, language: str) -> dict:
    """The stored ISO dates as the reader names the period (lib/formatting)."""
    shown = dict(params)
    try:
        shown["period"] = format_period(
            dt.date.fromisoformat(params["start"]), dt.date.fromisoformat(params["end"]), language
        )
    except (KeyError, TypeError, ValueError):
        shown["period"] = "…"
    return shown


register(Kind(SUBMITTED, gettext_lazy("{author} submitted a work report for {period}"), _link, shown=_period_shown))
register(
    Kind(
        COMMENTED,
        gettext_lazy("{person} commented on the work report for {period}: {excerpt}"),
        _link,
        shown=_period_shown,
    )
)
register(Kind(HELP_HANDLED, gettext_lazy("{person} took up your request for help: {excerpt}"), _link))


def announce_submitted(*, actor: Actor, report: WorkReport) -> None:
    notify(
        org=actor.org,
        recipients=work_report_leads(report.author, actor.today()),
        kind=SUBMITTED,
        subject=report,
        params=_params(report, author=str(report.author)),
        actor=actor.user,
    )


def announce_comment(*, actor: Actor, comment: ReportComment) -> None:
    report = comment.report
    if actor.user_id != report.author_id:
        recipients = [report.author]
    elif report.read_by_id:
        recipients = [report.read_by]
    else:
        recipients = list(work_report_leads(report.author, actor.today()))
    notify(
        org=actor.org,
        recipients=recipients,
        kind=COMMENTED,
        subject=report,
        params=_params(report, person=str(actor.user), excerpt=comment.body[:60]),
        actor=actor.user,
    )


def announce_help_handled(*, actor: Actor, item: HelpItem) -> None:
    notify(
        org=actor.org,
        recipients=[item.report.author],
        kind=HELP_HANDLED,
        subject=item.report,
        params=_params(item.report, person=str(actor.user), excerpt=item.text[:60]),
        actor=actor.user,
    )
