"""Where the texts to analyse come from: a small registry. feedback's survey comments, tickets'
subjects and descriptions and crm's interaction notes are registered here (each model is
imported lazily, inside its reader); another app may register its own with `register(Source(...))`.

A source yields `SourceText` rows of one organisation; `label` names it on the pages and `link`
gives the page of one text (or "" when there is none).

Only the customer's own words are the customer's voice: a source is analysed only when
`customer_authored` is true. Interaction notes are written by our own staff (a visit report says
"上门拜访，了解今年资金需求" — that is not a customer talking about delivery), so they are
registered but left out (`customer_authored=False`); their stored analyses are removed on the
next run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class SourceText:
    source_id: int
    text: str
    day: dt.date
    customer_id: int | None
    manager_id: int | None
    team_id: int | None = None


@dataclass(frozen=True)
class Source:
    kind: str
    label: object
    texts: Callable[[object], Iterable[SourceText]]  # org → its texts
    link: Callable[[int], str] = lambda source_id: ""
    customer_authored: bool = True


def analysed_kinds() -> list[str]:
    """The sources whose texts are analysed: the customer-authored ones."""
    return [kind for kind, source in SOURCES.items() if source.customer_authored]


SOURCES: dict[str, Source] = {}


def register(source: Source) -> Source:
    SOURCES[source.kind] = source
    return source


def label(kind: str) -> str:
    source = SOURCES.get(kind)
    return str(source.label) if source else kind


# --- the sources this app knows ---------------------------------------------------------------


def _survey_texts(org) -> Iterable[SourceText]:
    """Every free-text answer of a survey answer (the comment and any other text question)."""
    from pacekeeper.feedback.models import Answer, SurveyQuestion

    zone = ZoneInfo(org.time_zone)
    text_questions = {
        str(pk)
        for pk in SurveyQuestion.objects.filter(org=org, kind=SurveyQuestion.Kind.TEXT).values_list("pk", flat=True)
    }
    rows = Answer.objects.filter(org=org).values_list(
        "pk", "comment", "items", "answered_at", "customer_id", "manager_id", "team_id"
    )
    for pk, comment, items, answered_at, customer_id, manager_id, team_id in rows.iterator(chunk_size=2000):
        parts = [comment] if comment else []
        for key, value in (items or {}).items():
            if key in text_questions and isinstance(value, str) and value and value != comment:
                parts.append(value)
        text = "\n".join(p.strip() for p in parts if p.strip())
        if text:
            yield SourceText(pk, text, answered_at.astimezone(zone).date(), customer_id, manager_id, team_id)


def _team_finder(org) -> Callable[[int | None, dt.date], int | None]:
    """The team a manager was in on a day (a lead membership first)."""
    from pacekeeper.tenancy.models import TeamMembership

    memberships: dict[int, list] = {}
    for m in TeamMembership.objects.filter(org_id=org.pk).order_by("-is_lead", "pk"):
        memberships.setdefault(m.user_id, []).append(m)

    def team_on(manager_id: int | None, day: dt.date) -> int | None:
        for m in memberships.get(manager_id, ()):
            if m.started_on <= day and (m.ended_on is None or day <= m.ended_on):
                return m.team_id
        return None

    return team_on


def _interaction_texts(org) -> Iterable[SourceText]:
    """Interaction notes (summary and outcome), credited to the interaction's manager and the
    team they were in on its day."""
    from pacekeeper.crm.models import Interaction

    zone = ZoneInfo(org.time_zone)
    team_on = _team_finder(org)
    rows = Interaction.objects.filter(org=org).values_list(
        "pk", "summary", "outcome", "occurred_at", "customer_id", "manager_id"
    )
    for pk, summary, outcome, occurred_at, customer_id, manager_id in rows.iterator(chunk_size=2000):
        text = "\n".join(p.strip() for p in (summary, outcome) if p and p.strip())
        if text:
            day = occurred_at.astimezone(zone).date()
            yield SourceText(pk, text, day, customer_id, manager_id, team_on(manager_id, day))


def _ticket_texts(org) -> Iterable[SourceText]:
    """A ticket's subject and description (the customer's complaint, suggestion or request),
    credited to the ticket's manager. A ticket opened from a survey answer is skipped: its
    words are already the survey answer's."""
    from pacekeeper.tickets.models import Ticket

    zone = ZoneInfo(org.time_zone)
    team_on = _team_finder(org)
    rows = Ticket.objects.filter(org=org, survey_answer__isnull=True).values_list(
        "pk", "subject", "description", "created_at", "customer_id", "manager_id"
    )
    for pk, subject, description, created_at, customer_id, manager_id in rows.iterator(chunk_size=2000):
        text = "\n".join(p.strip() for p in (subject, description) if p and p.strip())
        if text:
            day = created_at.astimezone(zone).date()
            yield SourceText(pk, text, day, customer_id, manager_id, team_on(manager_id, day))


register(Source("survey_answer", _("Survey answer"), _survey_texts))
register(Source("ticket", _("Ticket"), _ticket_texts))
register(Source("interaction", _("Interaction note"), _interaction_texts, customer_authored=False))
