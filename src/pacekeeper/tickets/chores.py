"""Tickets' periodic chore (lib/chores.py), registered from TicketsConfig.ready()."""

from pacekeeper.lib.chores import register

from .services import tickets_check_sla_all

register(
    "ticket_sla",
    lambda: tickets_check_sla_all(),
    help="Warn ticket assignees at 80% of an SLA target and at its breach (each once).",
)
