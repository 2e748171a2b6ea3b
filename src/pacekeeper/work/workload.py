"""The workload view of a team: each person's booked hours against their capacity for the
coming weeks, the over- and under-loaded flags, and rebalancing suggestions (docs/work.md,
"Workload and assignment"). Reads only; the page and the API both call `team_workload`.

Flags, per person and week: **over-loaded** when the booked hours exceed the weekly capacity;
**under-loaded** when they are below half of it (`load.UNDER_LOADED_SHARE`). A person's row is
over-loaded when any week is, under-loaded when their hours over all the weeks shown are below
half their capacity over those weeks (one quiet week in a busy month is not under-loaded).
Someone with a capacity of 0 (away) is never under-loaded; any booked hour makes them over.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pacekeeper.lib.formatting import format_date, format_hours, format_week
from pacekeeper.tenancy.models import Team, TeamMembership, User
from pacekeeper.tenancy.scopes import Actor, get_visible, require_workload_viewer

from . import skill_fit
from .load import UNDER_LOADED_SHARE, ZERO, BookedTask, PersonLoad, bookings

DEFAULT_WEEKS = 4
MAX_WEEKS = 12
# At most this many suggestions on the page: a lead acts on a few moves, then looks again.
MAX_SUGGESTIONS = 20
# Tasks checked person by person, at most, for one view (see _first_move).
MAX_TASKS_TRIED = 100
# Only tasks nobody has started move: a task in progress (or blocked) stays with the person who
# knows where it stands.
MOVABLE_STATUSES = ("todo",)


@dataclass(frozen=True)
class WeekCell:
    week: dt.date
    label: str  # "This week", "week of 7 Dec" in the active language (the page's column heading)
    booked: Decimal
    capacity: int
    is_over: bool
    is_under: bool


@dataclass(frozen=True)
class PersonRow:
    person: User
    capacity: int
    cells: list[WeekCell]
    overdue: Decimal
    unscheduled: Decimal
    total: Decimal
    is_over: bool
    is_under: bool


@dataclass(frozen=True)
class Suggestion:
    task_id: int
    title: str
    hours: Decimal
    due_on: dt.date
    giver: User
    receiver: User
    week: dt.date
    giver_before: Decimal
    giver_capacity: int
    receiver_before: Decimal
    receiver_after: Decimal
    receiver_capacity: int
    skills: list[skill_fit.SkillCheck]
    reason: str


@dataclass(frozen=True)
class Workload:
    team: Team
    weeks: list[dt.date]
    current_week: dt.date
    rows: list[PersonRow]
    suggestions: list[Suggestion]


# --- which team, whose rows ---------------------------------------------------------------------


def workload_teams(actor: Actor) -> QuerySet[Team]:
    """The teams the actor may look at: a lead's teams and their sub-teams, everyone else's the
    organisation's (account managers have no workload view)."""
    require_workload_viewer(actor)
    return Team.objects.visible_to(actor).order_by("path")


def access_workload_team(actor: Actor, team_id: object | None) -> Team | None:
    """The team asked for (404 when out of scope), or the actor's first team (top of the tree)."""
    teams = workload_teams(actor)
    if team_id in (None, ""):
        return teams.first()
    return get_visible(teams, team_id, actor=actor)


def team_people(actor: Actor, team: Team, today: dt.date) -> list[User]:
    """Active people in the team or a team under it today, leads included, within the actor's
    scope."""
    members = TeamMembership.objects.current(today).filter(org_id=actor.org_id, team__path__startswith=team.path)
    people = User.objects.visible_to(actor).filter(is_active=True, pk__in=members.values("user_id"))
    return list(people.order_by("display_name", "username"))


# --- the view ----------------------------------------------------------------------------------


def team_workload(actor: Actor, team: Team, *, weeks: int = DEFAULT_WEEKS) -> Workload:
    today = actor.today()
    people = team_people(actor, team, today)
    capacities = {person.pk: person.weekly_capacity_hours for person in people}
    booked = bookings(actor, capacities=capacities, today=today, weeks=weeks, keep=MOVABLE_STATUSES)
    language = get_language() or "zh-hans"
    labels = {week: format_week(week, language, this_week=booked.weeks[0]) for week in booked.weeks}
    rows = [_row(person, booked.people[person.pk], booked.weeks, labels) for person in people]
    return Workload(
        team=team,
        weeks=booked.weeks,
        current_week=booked.weeks[0],
        rows=rows,
        suggestions=rebalancing(actor, people, booked.people, booked.tasks, booked.weeks),
    )


def _row(person: User, load: PersonLoad, weeks: list[dt.date], labels: dict[dt.date, str]) -> PersonRow:
    cells = [WeekCell(w, labels[w], load.booked(w), load.capacity, load.is_over(w), load.is_under(w)) for w in weeks]
    total = sum((cell.booked for cell in cells), ZERO)
    return PersonRow(
        person=person,
        capacity=load.capacity,
        cells=cells,
        overdue=load.overdue,
        unscheduled=load.unscheduled,
        total=total,
        is_over=any(cell.is_over for cell in cells),
        is_under=load.capacity > 0 and total < load.capacity * len(weeks) * UNDER_LOADED_SHARE,
    )


# --- rebalancing --------------------------------------------------------------------------------


def rebalancing(
    actor: Actor,
    people: list[User],
    loads: dict[int, PersonLoad],
    tasks: list[BookedTask],
    weeks: list[dt.date],
) -> list[Suggestion]:
    """Moves of not-started tasks from over-loaded people to people with room.

    For each over-loaded person, most over-loaded first (booked ÷ capacity in their worst week):
    their to-do tasks booking hours in their most over-loaded week (in hours), the largest share
    of that week first, go to the person who (1) meets every required skill of the task, (2)
    stays within capacity in every week of the window the task books hours in, and (3) of those,
    ends up least loaded (the highest booked ÷ capacity over those weeks, lowest first; then by
    name). Each move is counted before the next is chosen, so two moves never fill the same free
    hours twice; a person stops giving once no week is over. Weeks after the window are not
    checked.
    """
    over = [load for load in loads.values() if any(load.is_over(w) for w in weeks)]
    if not over or len(people) < 2:
        return []
    givers = {load.person_id for load in over}
    movable: dict[int, list[BookedTask]] = {}
    for task in tasks:
        if task.status in MOVABLE_STATUSES and task.owner_id in givers:
            movable.setdefault(task.owner_id, []).append(task)
    plan = _Rebalancer(actor, people, loads, weeks, [task for own in movable.values() for task in own])
    for giver in sorted(over, key=lambda load: (-_worst_ratio(load, weeks), _name(plan.people[load.person_id]))):
        plan.relieve(giver.person_id, movable.get(giver.person_id, []))
    return plan.suggestions


class _Rebalancer:
    """The state of one round of suggestions: everyone's hours as the moves so far leave them."""

    def __init__(self, actor: Actor, people: list[User], loads: dict[int, PersonLoad], weeks, movable):
        self.people = {person.pk: person for person in people}
        self.hours = {pk: dict(load.weeks) for pk, load in loads.items()}
        self.capacity = {pk: load.capacity for pk, load in loads.items()}
        self.weeks = weeks
        self.actor = actor
        self.suggestions: list[Suggestion] = []
        self.budget = MAX_TASKS_TRIED
        self._room = None
        # Required skills and levels are read for the tasks someone has room for at all (in a
        # busy branch most have none): one query each now, one more per task found later.
        self.requirements: dict[int, list[skill_fit.Requirement]] = {}
        self.levels: dict[tuple[int, int], int] = {}
        self._load_skills([task for task in movable if self._anyone_has_room(task)])

    def _anyone_has_room(self, task: BookedTask) -> bool:
        return all(share <= self._most_room(week, None) for week, share in task.shares.items() if week in self.weeks)

    def _load_skills(self, tasks: list[BookedTask]) -> None:
        found = skill_fit.requirements_for(self.actor, [task.pk for task in tasks])
        self.requirements.update({task.pk: found.get(task.pk, []) for task in tasks})
        wanted = [req for reqs in found.values() for req in reqs]
        if wanted:
            self.levels.update(skill_fit.person_levels(self.actor, self.people, wanted))

    def _required(self, task: BookedTask) -> list[skill_fit.Requirement]:
        if task.pk not in self.requirements:
            self._load_skills([task])
        return self.requirements[task.pk]

    def relieve(self, giver: int, own: list[BookedTask]) -> None:
        """Move the giver's tasks, one at a time, while a week of theirs is over capacity."""
        own = list(own)
        while own and len(self.suggestions) < MAX_SUGGESTIONS:
            worst = _worst_week(self.hours[giver], self.capacity[giver], self.weeks)
            move = self._first_move(giver, own, worst) if worst else None
            if move is None:
                return
            task, receiver, checks = move
            own.remove(task)
            self.suggestions.append(self._suggest(task, worst, giver, receiver, checks))
            for week in self.weeks:
                share = task.shares.get(week, ZERO)
                self.hours[giver][week] = self.hours[giver].get(week, ZERO) - share
                self.hours[receiver][week] = self.hours[receiver].get(week, ZERO) + share
            self._room = None

    def _first_move(self, giver: int, own: list[BookedTask], worst: dt.date):
        """The first of the giver's tasks (largest share of the worst week first) that someone
        can take, with the best receiver and their skill checks; None when none can move.

        Speed (a 200-person branch): a task is looked at person by person only if, in each of
        its weeks, somebody else has that much room at all; and at most MAX_TASKS_TRIED tasks
        are looked at so in one view (most tasks either move or fail the room test)."""
        touching = sorted((t for t in own if t.shares.get(worst)), key=lambda t: (-t.shares[worst], t.due_on, t.pk))
        for task in touching:
            task_weeks = [week for week in self.weeks if week in task.shares]
            if self.budget <= 0 or any(task.shares[week] > self._most_room(week, giver) for week in task_weeks):
                continue
            self.budget -= 1
            best = None
            for pk in self.people:
                if pk == giver:
                    continue
                checks = skill_fit.skill_checks(self._required(task), self.levels, pk)
                after = [self.hours[pk].get(week, ZERO) + task.shares[week] for week in task_weeks]
                capacity = self.capacity[pk]
                if not all(check.is_met for check in checks) or any(hours > capacity for hours in after):
                    continue
                peak = max(after, default=ZERO) / capacity if capacity else ZERO
                key = (peak, _name(self.people[pk]), pk)
                if best is None or key < best[0]:
                    best = (key, pk, checks)
            if best is not None:
                return task, best[1], best[2]
        return None

    def _most_room(self, week: dt.date, giver: int | None) -> Decimal:
        """The most free hours anyone but the giver has in the week (kept until the next move)."""
        if self._room is None:
            self._room = {}
            for w in self.weeks:
                rooms = sorted(
                    ((self.capacity[pk] - self.hours[pk].get(w, ZERO), pk) for pk in self.people), reverse=True
                )
                self._room[w] = rooms[:2]
        return next((room for room, pk in self._room[week] if pk != giver), ZERO)

    def _suggest(self, task: BookedTask, week: dt.date, giver_pk: int, receiver_pk: int, checks) -> Suggestion:
        this_week = self.weeks[0]
        return _suggest(task, week, this_week, self.people, giver_pk, receiver_pk, checks, self.hours, self.capacity)


def _suggest(task, week, this_week, by_pk, giver_pk, receiver_pk, checks, hours, capacity) -> Suggestion:
    giver, receiver = by_pk[giver_pk], by_pk[receiver_pk]
    share = task.shares[week]
    receiver_before = hours[receiver_pk].get(week, ZERO)
    language = get_language() or "zh-hans"
    values = {
        "title": task.title,
        "hours": format_hours(task.estimate),
        "due": format_date(task.due_on, language),
        "giver": giver,
        "receiver": receiver,
        "week": capfirst(format_week(week, language, this_week=this_week)),
        "giver_booked": format_hours(hours[giver_pk].get(week, ZERO)),
        "giver_capacity": capacity[giver_pk],
        "receiver_booked": format_hours(receiver_before),
        "receiver_after": format_hours(receiver_before + share),
        "receiver_capacity": capacity[receiver_pk],
    }
    reason = (
        _(
            "%(week)s: %(giver)s is booked %(giver_booked)s/%(giver_capacity)s h; “%(title)s” (%(hours)s h, due "
            "%(due)s) has not been started. %(receiver)s has %(receiver_booked)s/%(receiver_capacity)s h that week and "
            "would be at %(receiver_after)s/%(receiver_capacity)s h, within capacity in every week the task takes."
        )
        % values
    )
    if checks:
        reason += " " + _("Required skills: %(skills)s.") % {"skills": skill_fit.skills_text(checks)}
    return Suggestion(
        task_id=task.pk,
        title=task.title,
        hours=task.estimate,
        due_on=task.due_on,
        giver=giver,
        receiver=receiver,
        week=week,
        giver_before=hours[giver_pk].get(week, ZERO),
        giver_capacity=capacity[giver_pk],
        receiver_before=receiver_before,
        receiver_after=receiver_before + share,
        receiver_capacity=capacity[receiver_pk],
        skills=checks,
        reason=reason,
    )


def _worst_week(booked: dict[dt.date, Decimal], capacity: int, weeks: list[dt.date]) -> dt.date | None:
    """The week most over capacity (the earliest of equals), or None when none is over."""
    over = [(booked.get(week, ZERO) - capacity, -index, week) for index, week in enumerate(weeks)]
    excess, _index, week = max(over)
    return week if excess > 0 else None


def _worst_ratio(load: PersonLoad, weeks: list[dt.date]) -> Decimal:
    if not load.capacity:
        return Decimal("Infinity")
    return max(load.booked(week) / load.capacity for week in weeks)


def _name(person: User) -> str:
    return str(person).casefold()
