"""Read queries of skills: the levels ranking and the pages read."""

from collections.abc import Iterable

from .models import SkillLevel


def levels_for(org_id: int, person_ids: Iterable[int], skill_ids: Iterable[int]) -> dict[tuple[int, int], int]:
    """(person_id, skill_id) -> current level (the lead-confirmed level if confirmed, else the
    self-assessed one), in one query. A person without a level in a skill has no entry.

    Not scoped to an actor: the caller has already chosen people and skills it may see (the
    assignment ranking ranks candidates in the lead's scope)."""
    person_ids, skill_ids = list(person_ids), list(skill_ids)
    if not person_ids or not skill_ids:
        return {}
    rows = SkillLevel.objects.filter(org_id=org_id, person_id__in=person_ids, skill_id__in=skill_ids)
    return {(person, skill): level for person, skill, level in rows.values_list("person_id", "skill_id", "level")}
