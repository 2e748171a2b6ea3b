"""One function builds a progress report's Document (lib/documents) for a subject, a period and a
language: the page, the PDF (lib/pdf.render_pdf) and the XLSX (lib/tabular.write_document_xlsx)
all show that one Document, so their figures cannot disagree.

Every figure comes from the KPI engine (DESIGN rule 3) or from the goals' own progress (which
asks the engine): nothing is recomputed here. `Facts` reads what many reports of one
organisation share once — the engine's figures of a period for every person, team and the
organisation, the people's names, the team memberships, the goals — so a run generating every
report of the organisation pays a fixed number of queries per period plus a fixed few per report.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from pacekeeper.goals import progress as goal_progress
from pacekeeper.goals.models import Goal
from pacekeeper.kpis.engine import ORG_SUBJECT, Level, compute_levels
from pacekeeper.kpis.periods import Period, like_for_like
from pacekeeper.kpis.registry import METRICS, Unit
from pacekeeper.lib.documents import BarChart, Column, Document, Figure, Paragraph, Section, Table
from pacekeeper.lib.formatting import change_percent, format_percent, format_period
from pacekeeper.tenancy.models import Organization, Team, TeamMembership, User

from . import sources
from .models import SubjectKind
from .periods import period_label, previous_name

# The KPI figures a report states, the ones whose largest movers it names, and the task ones.
MAIN_METRICS = ("sales_amount", "gross_margin", "new_customers", "interactions", "visits", "renewal_rate")
MOVER_METRICS = ("sales_amount", "new_customers", "interactions")
TASK_METRICS = ("task_completion_rate", "on_time_completion_rate")
MOVERS_SHOWN = 5
LEVEL_OF = {SubjectKind.PERSON: Level.MANAGER, SubjectKind.TEAM: Level.TEAM, SubjectKind.ORG: Level.ORG}


@dataclass(frozen=True)
class Subject:
    kind: str  # SubjectKind
    id: int  # the person's or team's id; 0 for the organisation
    name: str


def kind_of(metric_key: str) -> str:
    """How a metric's values show in a document (lib/documents KINDS)."""
    unit = METRICS[metric_key].unit
    return {Unit.CURRENCY: "money", Unit.COUNT: "integer", Unit.PERCENT: "percent"}.get(unit, "decimal")


def _metrics(keys) -> tuple[str, ...]:
    """The metrics registered (an app not installed registers none)."""
    return tuple(key for key in keys if key in METRICS)


class Facts:
    """What reports of one organisation read, read once however many reports use it."""

    def __init__(self, org: Organization, *, today: dt.date) -> None:
        self.org = org
        self.today = today
        self._kpis: dict[Period, dict] = {}
        self._goals: dict[Period, dict] = {}
        self._names: dict[int, str] | None = None
        self._teams: dict[int, Team] | None = None
        self._memberships: list[tuple] | None = None
        self.goal_figures = goal_progress.Figures()
        self.metrics = _metrics(MAIN_METRICS + TASK_METRICS)

    def kpis(self, period: Period) -> dict[Level, dict[int, dict[str, object]]]:
        """The engine's figures of every person, team and the organisation over the period."""
        if period not in self._kpis:
            levels = (Level.MANAGER, Level.TEAM, Level.ORG)
            self._kpis[period] = compute_levels(org=self.org, metrics=self.metrics, levels=levels, period=period)
        return self._kpis[period]

    def figures(self, subject: Subject, period: Period) -> dict[str, object]:
        """One subject's figures (the figures of nothing for a person without facts)."""
        found = self.kpis(period)[LEVEL_OF[subject.kind]].get(subject.id)
        return found if found is not None else {key: METRICS[key].value(defaultdict(int)) for key in self.metrics}

    def names(self) -> dict[int, str]:
        if self._names is None:
            self._names = {user.pk: str(user) for user in User.objects.filter(org=self.org)}
        return self._names

    def teams(self) -> dict[int, Team]:
        if self._teams is None:
            self._teams = {team.pk: team for team in Team.objects.filter(org=self.org).order_by("path")}
        return self._teams

    def people(self, subject: Subject, period: Period, *, direct: bool = False) -> list[int]:
        """Who the report is about: the person; a team's members (its sub-teams' too, unless
        `direct`) at any time in the period, as the engine credits them; everyone of the
        organisation who belonged to a team in the period."""
        if subject.kind == SubjectKind.PERSON:
            return [subject.id]
        if self._memberships is None:
            self._memberships = list(
                TeamMembership.objects.filter(org=self.org).values_list("user_id", "team_id", "started_on", "ended_on")
            )
        teams = self.teams()
        if subject.kind == SubjectKind.TEAM and direct:
            wanted = {subject.id}
        elif subject.kind == SubjectKind.TEAM:
            prefix = teams[subject.id].path
            wanted = {pk for pk, team in teams.items() if team.path.startswith(prefix)}
        else:
            wanted = set(teams)
        people = {
            user_id
            for user_id, team_id, started, ended in self._memberships
            if team_id in wanted and started <= period.end and (ended is None or ended >= period.start)
        }
        return sorted(people)

    def goals(self, subject: Subject, period: Period) -> list[Goal]:
        """The subject's goals with a target that cover part of the period (active or closed)."""
        if period not in self._goals:
            rows = (
                Goal.objects.filter(
                    org=self.org, status__in=(Goal.Status.ACTIVE, Goal.Status.CLOSED), starts_on__lte=period.end
                )
                .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=period.start))
                .exclude(target__isnull=True)
                .exclude(metric="")
                .select_related("org")
                .order_by("starts_on", "title", "pk")
            )
            by_subject = defaultdict(list)
            for goal in rows:
                by_subject[goal.level, goal.subject_id].append(goal)
            self._goals[period] = by_subject
        level = {SubjectKind.PERSON: "manager", SubjectKind.TEAM: "team", SubjectKind.ORG: "org"}[subject.kind]
        return self._goals[period].get((level, subject.id), [])


@dataclass(frozen=True)
class Comparison:
    kind: str  # PeriodKind
    period: Period  # the report's period
    shown: Period  # what the figures cover: the period, or its days so far while it runs
    compared: Period  # the same days of the previous period
    last_year: Period
    to_date: bool


def comparison(kind: str, period: Period, today: dt.date) -> Comparison:
    shown, compared, to_date = like_for_like(period, today)
    return Comparison(kind, period, shown, compared, shown.same_last_year(), to_date)


def subject_of(org: Organization, kind: str, subject_id: int) -> Subject:
    """The subject named by kind and id, in the organisation (LookupError if none)."""
    if kind == SubjectKind.ORG:
        return Subject(kind, ORG_SUBJECT, org.name)
    if kind == SubjectKind.TEAM:
        team = Team.objects.filter(org=org, pk=subject_id).first()
        if team is None:
            raise LookupError(subject_id)
        return Subject(kind, team.pk, team.name)
    person = User.objects.filter(org=org, pk=subject_id).first()
    if person is None:
        raise LookupError(subject_id)
    return Subject(SubjectKind.PERSON, person.pk, str(person))


def build_document(
    *,
    facts: Facts,
    subject: Subject,
    period_kind: str,
    period: Period,
    language: str,
    generated_at: dt.datetime | None = None,
) -> Document:
    """The progress report of the subject for the week or month, in the language."""
    with translation.override(language):
        compared = comparison(period_kind, period, facts.today)
        people = facts.people(subject, compared.shown)
        sections = [
            _goals_section(facts, subject, compared, language),
            _kpi_section(facts, subject, compared, language),
            _tasks_section(facts, subject, compared, people),
        ]
        if subject.kind != SubjectKind.PERSON:
            sections.append(_movers_section(facts, subject, compared, people))
        sections.append(_problems_section(facts, people, compared, personal=subject.kind == SubjectKind.PERSON))
        footnotes = [_periods_note(compared, language)]
        return Document(
            title=_("Progress report: %(subject)s") % {"subject": subject.name},
            subtitle=f"{subject.name} · {period_label(period_kind, period, language)}",
            language=language,
            organisation=facts.org.name,
            sections=tuple(sections),
            generated_at=generated_at,
            footnotes=tuple(footnotes),
        )


def _periods_note(compared: Comparison, language: str) -> str:
    """The periods compared, stated (like for like: a running period's days so far)."""
    note = _("Figures of %(shown)s, against %(previous)s and %(last_year)s (the same days last year).") % {
        "shown": _span(compared.shown, language),
        "previous": _span(compared.compared, language),
        "last_year": _span(compared.last_year, language),
    }
    if compared.to_date:
        note += " " + _("The period is still running: it is compared day for day.")
    return note


def _span(period: Period, language: str) -> str:
    return format_period(period.start, period.end, language)


# --- goals ---------------------------------------------------------------------------------------


KIND_ORDER = ("money", "integer", "percent", "decimal")


def _by_kind(rows: list[tuple[str, tuple]]) -> list[tuple[str, list[tuple]]]:
    """Rows of (kind, row) as one group per kind, in KIND_ORDER: a table's column has one kind,
    so that the XLSX keeps numbers as numbers."""
    groups: dict[str, list[tuple]] = {}
    for kind, row in rows:
        groups.setdefault(kind, []).append(row)
    return [(kind, groups[kind]) for kind in KIND_ORDER if kind in groups]


def _goals_section(facts: Facts, subject: Subject, compared: Comparison, language: str) -> Section:
    """Each goal's attainment and pace where it stood at the end of the period (or today)."""
    as_of = min(compared.period.end, facts.today)
    status_names = {
        goal_progress.ON_TRACK: _("On track"),
        goal_progress.AT_RISK: _("At risk"),
        goal_progress.OFF_TRACK: _("Off track"),
    }
    rows, chart_labels, chart_values = [], [], []
    on_track = 0
    for goal in facts.goals(subject, compared.period):
        progress = goal_progress.goal_progress(goal, today=as_of, figures=facts.goal_figures)
        if progress is None:
            continue
        kind = kind_of(goal.metric)
        expected = progress.expected_seasonal if progress.expected_seasonal is not None else progress.expected_linear
        row = (
            goal.title,
            str(METRICS[goal.metric].label),
            _value(progress.target, kind),
            _value(progress.actual, kind),
            progress.attainment,
            _value(expected, kind) if expected is not None else None,
            status_names[progress.status],
        )
        rows.append((kind, row))
        on_track += progress.status == goal_progress.ON_TRACK
        chart_labels.append(goal.title)
        chart_values.append(progress.attainment if progress.attainment is not None else Decimal(0))
    blocks: list = []
    for kind, group in _by_kind(rows):
        currency = facts.org.currency if kind == "money" else ""
        columns = (
            Column(_("Goal")),
            Column(_("Metric")),
            Column(pgettext("the figure a goal aims at", "Target"), kind, currency),
            Column(_("Actual"), kind, currency),
            Column(_("Attainment"), "percent"),
            Column(_("Expected by then"), kind, currency),
            Column(_("Pace")),
        )
        blocks.append(Table(columns, tuple(group)))
    if rows:
        title = _("%(on)d of %(all)d goals on track") % {"on": on_track, "all": len(rows)}
        blocks.insert(0, BarChart(title, tuple(chart_labels), tuple(chart_values), "percent"))
    else:
        blocks.append(Paragraph(_("No goal with a target covers this period.")))
    return Section(_("Goal attainment and pace"), tuple(blocks), sheet_title=_("Goals"))


def _value(value: Decimal, kind: str):
    return int(value.to_integral_value()) if kind in ("money", "integer") else value


# --- KPI figures -----------------------------------------------------------------------------------


def _kpi_section(facts: Facts, subject: Subject, compared: Comparison, language: str) -> Section:
    now = facts.figures(subject, compared.shown)
    before = facts.figures(subject, compared.compared)
    last_year = facts.figures(subject, compared.last_year)
    keys = _metrics(MAIN_METRICS)
    blocks: list = []
    rows = []
    for key in keys:
        kind = kind_of(key)
        blocks.append(Figure(str(METRICS[key].label), now[key], kind, facts.org.currency))
        row = (
            str(METRICS[key].label),
            now[key],
            before[key],
            _change(now[key], before[key]),
            last_year[key],
            _change(now[key], last_year[key]),
        )
        rows.append((kind, row))
    for kind, group in _by_kind(rows):
        currency = facts.org.currency if kind == "money" else ""
        columns = (
            Column(_("Metric")),
            Column(_("This period"), kind, currency),
            Column(_("Previous period"), kind, currency),
            Column(_("Change on the previous period"), "percent"),
            Column(_("Same period last year"), kind, currency),
            Column(_("Change on last year"), "percent"),
        )
        blocks.append(Table(columns, tuple(group)))
    if "sales_amount" in keys:
        values = (last_year["sales_amount"], before["sales_amount"], now["sales_amount"])
        labels = (_("Same period last year"), _("Previous period"), _("This period"))
        title = _finding("sales_amount", now["sales_amount"], before["sales_amount"], compared.kind)
        blocks.insert(0, BarChart(title, labels, values, "money", facts.org.currency))
    return Section(_("KPI figures"), tuple(blocks), sheet_title=_("KPIs"))


def _change(now, before) -> Decimal | None:
    if now is None or before is None:
        return None
    return change_percent(now, before)


def _finding(key: str, now, before, period_kind: str) -> str:
    """ "Sales amount up 8.2% on the previous month" (or down, or unchanged, or nothing to compare)."""
    what = {"metric": str(METRICS[key].label), "previous": previous_name(period_kind)}
    change = _change(now, before)
    if change is None:
        return _("%(metric)s: nothing to compare with in %(previous)s") % what
    if change > 0:
        return _("%(metric)s up %(change)s on %(previous)s") % {**what, "change": format_percent(change)}
    if change < 0:
        return _("%(metric)s down %(change)s on %(previous)s") % {**what, "change": format_percent(-change)}
    return _("%(metric)s unchanged on %(previous)s") % what


# --- tasks -----------------------------------------------------------------------------------------


def _tasks_section(facts: Facts, subject: Subject, compared: Comparison, people: list[int]) -> Section:
    keys = _metrics(TASK_METRICS)
    if not keys:
        return Section(_("Tasks"), (Paragraph(_("Tasks are not in use.")),))
    now = facts.figures(subject, compared.shown)
    before = facts.figures(subject, compared.compared)
    blocks: list = []
    for key in keys:
        note = _("previous period: %(value)s") % {"value": format_percent(before[key])}
        blocks.append(Figure(str(METRICS[key].label), now[key], "percent", note=note))
    if subject.kind != SubjectKind.PERSON:
        by_team, rows = _task_rows(facts, subject, compared, people, keys)
        first = _("Person") if not by_team else _("Team") if subject.kind == SubjectKind.ORG else _("Person or team")
        columns = (Column(first), *(Column(str(METRICS[key].label), "percent") for key in keys))
        blocks.append(Table(columns, tuple(rows), empty_text=_("Nobody to show.")))
    return Section(_("Task completion"), tuple(blocks), sheet_title=_("Tasks"))


def _task_rows(
    facts: Facts, subject: Subject, compared: Comparison, people: list[int], keys
) -> tuple[bool, list[tuple]]:
    """(with teams?, rows): the organisation by its top teams; a team by its own members, then
    its sub-teams (each with its own sub-teams)."""
    teams = facts.teams()
    parent = subject.id if subject.kind == SubjectKind.TEAM else None
    below = [Subject(SubjectKind.TEAM, pk, team.name) for pk, team in teams.items() if team.parent_id == parent]
    subjects = []
    if subject.kind == SubjectKind.TEAM:
        names = facts.names()
        own = facts.people(subject, compared.shown, direct=True)
        subjects = sorted((Subject(SubjectKind.PERSON, pk, names.get(pk, "")) for pk in own), key=lambda s: s.name)
    subjects += below
    rows = []
    for one in subjects:
        values = facts.figures(one, compared.shown)
        rows.append((one.name, *(values[key] for key in keys)))
    return bool(below), rows


# --- key changes -------------------------------------------------------------------------------------


def _movers_section(facts: Facts, subject: Subject, compared: Comparison, people: list[int]) -> Section:
    """For each main metric, the people whose figure changed most on the previous period."""
    names = facts.names()
    blocks: list = []
    for index, key in enumerate(_metrics(MOVER_METRICS)):
        kind = kind_of(key)
        changes = []
        for person in people:
            one = Subject(SubjectKind.PERSON, person, names.get(person, ""))
            now = facts.figures(one, compared.shown)[key] or 0
            before = facts.figures(one, compared.compared)[key] or 0
            if now != before:
                changes.append((one.name, now, before, now - before, change_percent(now, before)))
        changes.sort(key=lambda row: (-abs(row[3]), row[0]))
        shown = tuple(changes[:MOVERS_SHOWN])
        label = str(METRICS[key].label)
        columns = (
            Column(_("Person")),
            Column(_("This period"), kind, facts.org.currency),
            Column(_("Previous period"), kind, facts.org.currency),
            Column(pgettext("compared with before", "Change"), kind, facts.org.currency),
            Column(_("Change in percent"), "percent"),
        )
        if shown and index == 0:
            total_now = facts.figures(subject, compared.shown)[key]
            total_before = facts.figures(subject, compared.compared)[key]
            title = _finding(key, total_now, total_before, compared.kind)
            top = max(shown, key=lambda row: (row[3], row[0]))
            if top[3] > 0:
                title += _(", %(name)s grew the most") % {"name": top[0]}
            else:
                title += _(", %(name)s fell the most") % {"name": min(shown, key=lambda row: row[3])[0]}
            blocks.append(
                BarChart(
                    title, tuple(row[0] for row in shown), tuple(row[3] for row in shown), kind, facts.org.currency
                )
            )
        blocks.append(Paragraph(label))
        blocks.append(Table(columns, shown, empty_text=_("Nobody's figure changed.")))
    return Section(_("Key changes"), tuple(blocks), sheet_title=_("Key changes"))


# --- problems and measures -----------------------------------------------------------------------------


def _problems_section(facts: Facts, people: list[int], compared: Comparison, *, personal: bool) -> Section:
    names = facts.names()
    found = sources.problems_and_measures(
        org=facts.org, person_ids=people, start=compared.period.start, end=min(compared.period.end, facts.today)
    )
    if personal:  # a team's problem, raised about nobody in particular, is not this person's
        found = [item for item in found if item.get("person_id")]
    rows = tuple(
        (
            item["date"],
            names.get(item.get("person_id"), "") if item.get("person_id") else "",
            str(item["problem"]),
            str(item.get("measure") or "") or _("No measure yet"),
            str(item.get("source", "")),
        )
        for item in found
    )
    columns = (
        Column(_("Date"), "date"),
        Column(_("Person")),
        Column(_("Problem")),
        Column(_("Measure taken")),
        Column(_("Raised in")),
    )
    empty = _("No problems were recorded in this period.")
    return Section(_("Problems and measures"), (Table(columns, rows, empty_text=empty),), sheet_title=_("Problems"))
