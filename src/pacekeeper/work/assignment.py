"""Assignment that explains itself: the people who could own a task, ranked by skill fit and by
load over the task's dates, each with the reason ("Data analysis 4/3 ✓, this week 32/40 h").
docs/work.md, "Workload and assignment", states the rule; tests/work/test_assignment.py works
it by hand on a small team.

The ranking, in order (the first difference decides):
1. **Skill shortfall**, smallest first: the levels missing across the task's required skills
   (a person at level 2 for a minimum of 3 misses 1; without a level in the skill, all of it).
   0 means every requirement is met.
2. **Fits**: people who stay within their capacity in every week the task books hours in, with
   the task added, before those who would go over.
3. **Peak load with the task**, lowest first: the highest booked ÷ capacity, over the task's
   weeks, once the task's share of each week is added (hours booked to the task itself are left
   out first, so its current owner is not counted twice). Capacity 0 with hours to add counts as
   infinitely loaded.
4. **Skill surplus**, largest first: levels above the minimums, over the requirements met.
5. Name, then id: a stable order.
The task's weeks and shares follow the booking rule of work/load.py. A task without a due date
is ranked as if it were due at the end of the current working week.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pacekeeper.lib.formatting import format_hours, format_week
from pacekeeper.tenancy.models import User
from pacekeeper.tenancy.scopes import Actor, task_assignees_q

from . import skill_fit
from .load import ZERO, bookings, monday_of, next_working_day, task_shares

INFINITE = Decimal("Infinity")
# The load check looks this far ahead at most: a task due in two years is judged on its first
# half-year of weeks.
MAX_RANKED_WEEKS = 26


@dataclass(frozen=True)
class TaskDraft:
    """What the ranking needs of a task: saved (`pk`, its required skills) or still on the form."""

    pk: int | None
    owner_id: int | None
    start_on: dt.date | None
    due_on: dt.date | None
    estimate: Decimal
    # The required skills as typed on the form; None: the saved task's (none for a new task).
    requirements: tuple[skill_fit.Requirement, ...] | None = None


@dataclass(frozen=True)
class WeekLoad:
    week: dt.date
    booked: Decimal  # without this task
    task_hours: Decimal
    capacity: int

    @property
    def after(self) -> Decimal:
        return self.booked + self.task_hours

    @property
    def ratio(self) -> Decimal:
        if self.capacity:
            return self.after / self.capacity
        return INFINITE if self.after > 0 else ZERO


@dataclass(frozen=True)
class Candidate:
    person: User
    rank: int
    is_owner: bool
    skills: list[skill_fit.SkillCheck]
    shortfall: int
    surplus: int
    weeks: list[WeekLoad]
    peak: WeekLoad
    fits: bool
    reason: str


def ranked_candidates(actor: Actor, draft: TaskDraft, *, limit: int | None = None) -> list[Candidate]:
    """The people the actor may assign the task to (tenancy.scopes.task_assignees_q), best first."""
    people = list(User.objects.filter(task_assignees_q(actor)).order_by("display_name", "username", "pk"))
    if not people:
        return []
    today = actor.today()
    this_week = monday_of(today)
    shares = _draft_shares(draft, today, until=this_week + dt.timedelta(weeks=MAX_RANKED_WEEKS - 1))
    span = (max(shares) - this_week).days // 7 + 1
    booked = bookings(
        actor,
        capacities={p.pk: p.weekly_capacity_hours for p in people},
        today=today,
        weeks=span,
        exclude_task=draft.pk,
    )
    if draft.requirements is not None:
        requirements = list(draft.requirements)
    else:
        requirements = skill_fit.requirements_for(actor, [draft.pk]).get(draft.pk, []) if draft.pk else []
    levels = skill_fit.person_levels(actor, [p.pk for p in people], requirements)
    language = get_language() or "zh-hans"
    scored = []
    for person in people:
        load = booked.people[person.pk]
        weeks = [WeekLoad(week, load.booked(week), hours, load.capacity) for week, hours in sorted(shares.items())]
        checks = skill_fit.skill_checks(requirements, levels, person.pk)
        peak = max(weeks, key=lambda w: (w.ratio, -w.week.toordinal()))
        fits = all(w.after <= w.capacity for w in weeks)
        key = (skill_fit.shortfall(checks), not fits, peak.ratio, -skill_fit.surplus(checks), str(person).casefold())
        scored.append((key + (person.pk,), person, checks, weeks, peak, fits))
    scored.sort(key=lambda item: item[0])
    found = [
        Candidate(
            person=person,
            rank=rank,
            is_owner=person.pk == draft.owner_id,
            skills=checks,
            shortfall=skill_fit.shortfall(checks),
            surplus=skill_fit.surplus(checks),
            weeks=weeks,
            peak=peak,
            fits=fits,
            reason=_reason(checks, peak, fits, this_week, language),
        )
        for rank, (_key, person, checks, weeks, peak, fits) in enumerate(scored, start=1)
    ]
    return found[:limit] if limit else found


def _draft_shares(draft: TaskDraft, today: dt.date, *, until: dt.date) -> dict[dt.date, Decimal]:
    """The task's hours per week by the booking rule; undated: due at the end of this working
    week. Always at least one week (an estimate of 0 shows the load of the task's first week)."""
    due_on = draft.due_on or monday_of(next_working_day(today)) + dt.timedelta(days=4)
    start_on = draft.start_on if draft.start_on and draft.start_on <= due_on else None
    shares = task_shares(estimate=draft.estimate, start_on=start_on, due_on=due_on, today=today, until=until)
    if not shares:
        first = max(start_on or today, today) if due_on >= today else today
        shares = {monday_of(next_working_day(first)): ZERO}
    return shares


def _reason(checks, peak: WeekLoad, fits: bool, this_week: dt.date, language: str) -> str:
    """ "Data analysis 4/3 ✓, this week 32/40 h" — the skills, then the load of the task's
    busiest week before the task; when the task would not fit, by how much it would go over."""
    values = {"booked": format_hours(peak.booked), "capacity": peak.capacity}
    week = format_week(peak.week, language, this_week=this_week)  # the workload table's label
    load = _("%(week)s %(booked)s/%(capacity)s h") % {**values, "week": week}
    if not fits:
        load += " " + _("(%(after)s h with this task ✕)") % {"after": format_hours(peak.after)}
    parts = [check.text for check in checks] + [load]
    return ", ".join(parts)
