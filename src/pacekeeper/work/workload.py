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
# Only tasks nobody has started move: a task in progress (or blocked) stays with the person who
# knows where it stands.
MOVABLE_STATUSES = ("todo",)


@dataclass(frozen=True)
class WeekCell:
    week: dt.date
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
    booked = bookings(actor, capacities={p.pk: p.weekly_capacity_hours for p in people}, today=today, weeks=weeks)
    rows = [_row(person, booked.people[person.pk], booked.weeks) for person in people]
    return Workload(
        team=team,
        weeks=booked.weeks,
        current_week=booked.weeks[0],
        rows=rows,
        suggestions=rebalancing(actor, people, booked.people, booked.tasks, booked.weeks),
    )


def _row(person: User, load: PersonLoad, weeks: list[dt.date]) -> PersonRow:
    cells = [WeekCell(w, load.booked(w), load.capacity, load.is_over(w), load.is_under(w)) for w in weeks]
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
    their to-do tasks booking hours in an over-loaded week, the largest share of that week first,
    go to the person who (1) meets every required skill of the task, (2) stays within capacity
    in every week of the window the task books hours in, and (3) of those, ends up least loaded
    (the highest booked ÷ capacity over those weeks, lowest first; then by name). Each move is
    counted before the next is chosen, so two moves never fill the same free hours twice; a
    person stops giving once no week is over. Weeks after the window are not checked.
    """
    over = [load for load in loads.values() if any(load.is_over(w) for w in weeks)]
    if not over or len(people) < 2:
        return []
    by_pk = {person.pk: person for person in people}
    hours = {pk: dict(load.weeks) for pk, load in loads.items()}
    capacity = {pk: load.capacity for pk, load in loads.items()}
    movable = [t for t in tasks if t.status in MOVABLE_STATUSES and t.owner_id in {load.person_id for load in over}]
    requirements = skill_fit.requirements_for(actor, {task.pk for task in movable})
    levels = skill_fit.person_levels(actor, by_pk, [r for reqs in requirements.values() for r in reqs])
    suggestions: list[Suggestion] = []
    for giver in sorted(over, key=lambda load: (-_worst_ratio(load, weeks), _name(by_pk[load.person_id]))):
        own = [task for task in movable if task.owner_id == giver.person_id]
        while len(suggestions) < MAX_SUGGESTIONS:
            worst = _worst_week(hours[giver.person_id], capacity[giver.person_id], weeks)
            if worst is None:
                break
            move = _first_move(own, worst, hours, capacity, by_pk, giver.person_id, requirements, levels, weeks)
            if move is None:
                break
            task, receiver_pk, checks = move
            own.remove(task)
            suggestions.append(_suggest(task, worst, by_pk, giver.person_id, receiver_pk, checks, hours, capacity))
            for week in weeks:
                share = task.shares.get(week, ZERO)
                hours[giver.person_id][week] = hours[giver.person_id].get(week, ZERO) - share
                hours[receiver_pk][week] = hours[receiver_pk].get(week, ZERO) + share
    return suggestions


def _first_move(own, worst, hours, capacity, by_pk, giver_pk, requirements, levels, weeks):
    """The first of the giver's tasks (largest share of the worst week first) that someone can
    take, with the best receiver and their skill checks; None when no task can move."""
    touching = sorted((t for t in own if t.shares.get(worst)), key=lambda t: (-t.shares[worst], t.due_on, t.pk))
    for task in touching:
        task_weeks = [week for week in task.shares if week in weeks]
        best = None
        for pk in by_pk:
            if pk == giver_pk:
                continue
            checks = skill_fit.skill_checks(requirements.get(task.pk, []), levels, pk)
            if not all(check.is_met for check in checks):
                continue
            after = {week: hours[pk].get(week, ZERO) + task.shares[week] for week in task_weeks}
            if any(after[week] > capacity[pk] for week in task_weeks):
                continue
            peak = max((after[week] / capacity[pk] for week in task_weeks), default=ZERO) if capacity[pk] else ZERO
            key = (peak, _name(by_pk[pk]), pk)
            if best is None or key < best[0]:
                best = (key, pk, checks)
        if best is not None:
            return task, best[1], best[2]
    return None


def _suggest(task, week, by_pk, giver_pk, receiver_pk, checks, hours, capacity) -> Suggestion:
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
        "week": format_week(week, language),
        "giver_booked": format_hours(hours[giver_pk].get(week, ZERO)),
        "giver_capacity": capacity[giver_pk],
        "receiver_booked": format_hours(receiver_before),
        "receiver_after": format_hours(receiver_before + share),
        "receiver_capacity": capacity[receiver_pk],
    }
    reason = (
        _(
            "%(giver)s is booked %(giver_booked)s/%(giver_capacity)s h in the %(week)s; “%(title)s” (%(hours)s h, due "
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
