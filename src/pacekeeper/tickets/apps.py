from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "pacekeeper.tickets"
    verbose_name = _("Tickets")

    def ready(self) -> None:
        # `chores` registers the SLA warning chore, `notices` the kinds it announces, `metrics`
        # the ticket KPIs (the engine knows no fact app). A low survey score opens a ticket
        # through feedback's ANSWER_RECORDED hook (feedback never imports tickets).
        from pacekeeper.feedback import hooks

        from . import chores, metrics, notices  # noqa: F401
        from .services import ticket_open_from_answer

        metrics.register()
        hooks.register_answer_recorded(ticket_open_from_answer)
