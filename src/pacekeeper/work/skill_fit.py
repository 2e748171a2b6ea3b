"""How well a person meets a task's required skills: the skill half of the assignment ranking
and of the rebalancing suggestions (docs/work.md, "Workload and assignment").

A requirement is met when the person's current level (skills.selectors.levels_for: confirmed,
else self-assessed) is at least the task's minimum; a person without a level in the skill has
level 0 for the sums below.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from pacekeeper.skills.selectors import levels_for
from pacekeeper.tenancy.scopes import Actor

from .models import TaskRequiredSkill


@dataclass(frozen=True)
class Requirement:
    skill_id: int
    name: str
    min_level: int


@dataclass(frozen=True)
class SkillCheck:
    requirement: Requirement
    level: int | None

    @property
    def is_met(self) -> bool:
        return (self.level or 0) >= self.requirement.min_level

    @property
    def text(self) -> str:
        """ "Data analysis 4/3 ✓" — the level, the minimum, met or not."""
        level = "–" if self.level is None else str(self.level)
        mark = "✓" if self.is_met else "✕"
        return f"{self.requirement.name} {level}/{self.requirement.min_level} {mark}"


def requirements_for(actor: Actor, task_ids: Iterable[int]) -> dict[int, list[Requirement]]:
    """The required skills of tasks, by task, in one query. The ids come from a query already
    scoped to the actor (work/load.py: tenancy.scopes.task_load_q, or an access_task gate), and a
    required skill is seen with its task; so the rows are fetched by task id within the actor's
    organisation, without repeating the task scope's subquery over the whole task table."""
    task_ids = list(task_ids)
    if not task_ids:
        return {}
    rows = (
        TaskRequiredSkill.objects.filter(org_id=actor.org_id, task_id__in=task_ids)
        .values_list("task_id", "skill_id", "skill__name", "min_level")
        .order_by("skill__name", "pk")
    )
    found: dict[int, list[Requirement]] = {}
    for task_id, skill_id, name, min_level in rows:
        found.setdefault(task_id, []).append(Requirement(skill_id, name, min_level))
    return found


def person_levels(actor: Actor, person_ids: Iterable[int], requirements: Iterable[Requirement]):
    """{(person id, skill id): level} for the people (already chosen within the actor's scope)."""
    return levels_for(actor.org_id, person_ids, {requirement.skill_id for requirement in requirements})


def skill_checks(requirements: list[Requirement], levels: dict, person_id: int) -> list[SkillCheck]:
    return [SkillCheck(req, levels.get((person_id, req.skill_id))) for req in requirements]


def shortfall(checks: list[SkillCheck]) -> int:
    """Levels missing across the requirements: 0 when every one is met."""
    return sum(max(0, check.requirement.min_level - (check.level or 0)) for check in checks)


def surplus(checks: list[SkillCheck]) -> int:
    """Levels above the minimums, over the requirements met."""
    return sum((check.level or 0) - check.requirement.min_level for check in checks if check.is_met)


def skills_text(checks: list[SkillCheck]) -> str:
    return ", ".join(check.text for check in checks) if checks else _("no skills required")
