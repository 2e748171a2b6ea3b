"""What tickets announce (DESIGN rule 14): a ticket given to someone, and its SLA at 80 % and at
breach. Registered at start-up; announced from tickets.services."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pacekeeper.notifications.kinds import Kind, register
from pacekeeper.notifications.services import notify

TICKET_ASSIGNED = "ticket_assigned"
TICKET_SLA_WARNING = "ticket_sla_warning"
TICKET_SLA_BREACHED = "ticket_sla_breached"


def _link(ticket) -> str:
    return reverse("tickets:detail", args=[ticket.pk])


def _target_shown(params: dict, language: str) -> dict:
    from django.utils import translation

    shown = dict(params)
    with translation.override(language):
        shown["target"] = str(_("first response") if params.get("target") == "response" else _("resolution"))
    return shown


register(Kind(name=TICKET_ASSIGNED, message=_("Ticket #{number} was given to you: {subject}"), link=_link))
register(
    Kind(
        name=TICKET_SLA_WARNING,
        # xgettext:no-python-format
        message=_("Ticket #{number} has used 80% of its {target} time: {subject}"),
        link=_link,
        shown=_target_shown,
    )
)
register(
    Kind(
        name=TICKET_SLA_BREACHED,
        message=_("Ticket #{number} is past its {target} time: {subject}"),
        link=_link,
        shown=_target_shown,
    )
)


def announce_assigned(*, ticket, by) -> None:
    notify(
        org=ticket.org,
        recipients=[ticket.assignee],
        kind=TICKET_ASSIGNED,
        subject=ticket,
        params={"number": ticket.pk, "subject": ticket.subject},
        actor=by,
    )


def announce_sla(*, ticket, target: str, breached: bool) -> None:
    notify(
        org=ticket.org,
        recipients=[ticket.assignee],
        kind=TICKET_SLA_BREACHED if breached else TICKET_SLA_WARNING,
        subject=ticket,
        params={"number": ticket.pk, "subject": ticket.subject, "target": target},
    )
