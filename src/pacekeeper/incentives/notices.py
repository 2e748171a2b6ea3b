"""What pay announces (DESIGN rule 14): a calculated payout run waits for the people who may
approve it (PAYOUT_APPROVER_ROLES). Registered at start-up by the notifications app."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pacekeeper.lib.formatting import format_amount, format_period
from pacekeeper.notifications.kinds import Kind, register
from pacekeeper.notifications.services import notify, settle
from pacekeeper.tenancy.scopes import payout_approvers

from .models import PayoutRun

RUN_WAITING = "payout_run_waiting"


def _run_shown(params: dict, language: str) -> dict:
    """Period and total in the reader's language and the organisation's currency."""
    shown = dict(params)
    if params.get("starts_on") and params.get("ends_on"):
        start, end = dt.date.fromisoformat(params["starts_on"]), dt.date.fromisoformat(params["ends_on"])
        shown["period"] = format_period(start, end, language)
    if params.get("total_minor") is not None:
        shown["total"] = format_amount(int(params["total_minor"]), params.get("currency", "CNY"), language)
    return shown


register(
    Kind(
        name=RUN_WAITING,
        message=_("The payout run of “{plan}” for {period} waits for your approval: {total} in total."),
        link=lambda run: reverse("incentives:run", args=[run.pk]) + "#approval",
        shown=_run_shown,
    )
)


def announce_run_waiting(run: PayoutRun, *, total_minor: int, paid: set[int]) -> None:
    """Called by the calculation (a background job: no one acted), in its transaction. Asked are
    those who may approve this run — services.approval_refusal's rule, for all at once: not
    anyone paid in it, nor whoever started it when a second approver is required."""
    approvers = payout_approvers(run.org).exclude(pk__in=paid)
    if run.org.payout_second_approver and run.created_by_id:
        approvers = approvers.exclude(pk=run.created_by_id)
    notify(
        org=run.org,
        recipients=approvers,
        kind=RUN_WAITING,
        subject=run,
        params={
            "plan": run.plan.name,
            "starts_on": run.starts_on.isoformat(),
            "ends_on": run.ends_on.isoformat(),
            "total_minor": total_minor,
            "currency": run.org.currency,
        },
    )


def settle_run(run: PayoutRun) -> None:
    """Approved or cancelled: nobody is left asked to approve it."""
    settle(org=run.org, subject=run, kinds=[RUN_WAITING])
