"""/api/v1/workload and /api/v1/tasks/{task_id}/candidates: the workload view and the ranked
owners of a task, as the pages show them. Hours are decimal strings ("32.5"), one decimal."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ninja import Field, Query, Router, Schema

from pacekeeper.lib.api_types import IsoDate, QueryId, decimal_text

from . import selectors, workload
from .assignment import Candidate, TaskDraft, ranked_candidates

router = Router(tags=["workload"])


def _hours(value: Decimal) -> str:
    return decimal_text(Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


class WeekOut(Schema):
    week: IsoDate = Field(description="the Monday of the ISO week")
    booked_hours: str
    capacity_hours: int
    is_over: bool
    is_under: bool


class PersonLoadOut(Schema):
    person: int
    name: str
    capacity_hours: int = Field(description="weekly capacity")
    weeks: list[WeekOut]
    overdue_hours: str = Field(description="open tasks past their due date (inside this week's figure)")
    unscheduled_hours: str = Field(description="open tasks without a due date (in no week)")
    is_over: bool = Field(description="over capacity in any week shown")
    is_under: bool = Field(description="below half the capacity over the weeks shown")


class SkillCheckOut(Schema):
    skill: int
    name: str
    level: int | None
    min_level: int
    is_met: bool


class SuggestionOut(Schema):
    task: int
    title: str
    from_person: int
    to_person: int
    week: IsoDate
    reason: str
    skills: list[SkillCheckOut]


class TeamRef(Schema):
    id: int
    name: str


class WorkloadOut(Schema):
    team: TeamRef | None
    weeks: list[IsoDate]
    people: list[PersonLoadOut]
    suggestions: list[SuggestionOut]


class CandidateWeekOut(Schema):
    week: IsoDate
    booked_hours: str = Field(description="booked without this task")
    task_hours: str
    capacity_hours: int


class CandidateOut(Schema):
    rank: int
    person: int
    name: str
    is_owner: bool
    skills: list[SkillCheckOut]
    skill_shortfall: int
    fits: bool = Field(description="within capacity in every week of the task, with it")
    weeks: list[CandidateWeekOut]
    reason: str


def _checks(checks) -> list[dict]:
    return [
        {
            "skill": check.requirement.skill_id,
            "name": check.requirement.name,
            "level": check.level,
            "min_level": check.requirement.min_level,
            "is_met": check.is_met,
        }
        for check in checks
    ]


@router.get(
    "/workload",
    response=WorkloadOut,
    summary="A team's booked hours against capacity, week by week, with rebalancing suggestions",
    description="Leads see their teams, directors, admins and analysts the organisation's; account managers 403. "
    "Without `team`, the first team in scope.",
)
def workload_read(
    request, team: QueryId | None = None, weeks: int = Query(workload.DEFAULT_WEEKS, ge=1, le=workload.MAX_WEEKS)
):
    actor = request.actor
    found = workload.access_workload_team(actor, team)
    if found is None:
        return {"team": None, "weeks": [], "people": [], "suggestions": []}
    view = workload.team_workload(actor, found, weeks=weeks)
    return {
        "team": {"id": found.pk, "name": found.name},
        "weeks": view.weeks,
        "people": [_person(row) for row in view.rows],
        "suggestions": [
            {
                "task": move.task_id,
                "title": move.title,
                "from_person": move.giver.pk,
                "to_person": move.receiver.pk,
                "week": move.week,
                "reason": move.reason,
                "skills": _checks(move.skills),
            }
            for move in view.suggestions
        ],
    }


def _person(row: workload.PersonRow) -> dict:
    return {
        "person": row.person.pk,
        "name": str(row.person),
        "capacity_hours": row.capacity,
        "weeks": [
            {
                "week": cell.week,
                "booked_hours": _hours(cell.booked),
                "capacity_hours": cell.capacity,
                "is_over": cell.is_over,
                "is_under": cell.is_under,
            }
            for cell in row.cells
        ],
        "overdue_hours": _hours(row.overdue),
        "unscheduled_hours": _hours(row.unscheduled),
        "is_over": row.is_over,
        "is_under": row.is_under,
    }


@router.get(
    "/tasks/{task_id}/candidates",
    response=list[CandidateOut],
    summary="Who could own the task, best first, each with the reason",
    description="The people the caller may assign, ranked by skill fit, then room in their capacity over the "
    "task's weeks, then load (docs/work.md, 'Workload and assignment').",
)
def task_candidates(request, task_id: int):
    task = selectors.access_task(request.actor, task_id)
    draft = TaskDraft(task.pk, task.owner_id, task.start_on, task.due_on, task.estimate_hours)
    return [_candidate(found) for found in ranked_candidates(request.actor, draft)]


def _candidate(found: Candidate) -> dict:
    return {
        "rank": found.rank,
        "person": found.person.pk,
        "name": str(found.person),
        "is_owner": found.is_owner,
        "skills": _checks(found.skills),
        "skill_shortfall": found.shortfall,
        "fits": found.fits,
        "weeks": [
            {
                "week": week.week,
                "booked_hours": _hours(week.booked),
                "task_hours": _hours(week.task_hours),
                "capacity_hours": week.capacity,
            }
            for week in found.weeks
        ],
        "reason": found.reason,
    }
