"""/api/v1/skills and /api/v1/skill-levels: the catalogue, each person's levels (self-assessed
and confirmed) and their history (docs/skills.md)."""

import datetime as dt

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from pacekeeper.lib.api_types import BodySchema, Flag, JsonInt, ObjectId, Page, QueryId, omittable

from . import selectors, services
from .models import SkillLevel

router = Router(tags=["skills"])
LEVEL_HELP = "a whole number from 1 to 5"


class SkillOut(Schema):
    id: int
    name: str
    description: str
    is_active: bool


class SkillIn(BodySchema):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=1000)
    is_active: Flag = True


class SkillPatch(BodySchema):
    name: str = omittable(min_length=1, max_length=200)
    description: str = omittable(max_length=1000)
    is_active: Flag = omittable()


class LevelOut(Schema):
    id: int
    person: int = Field(alias="person_id")
    skill: int = Field(alias="skill_id")
    level: int = Field(description="the current level: the confirmed one if confirmed, else the self-assessed one")
    self_level: int | None
    self_assessed_at: dt.datetime | None
    confirmed_level: int | None
    confirmed_by: int | None = Field(alias="confirmed_by_id")
    confirmed_at: dt.datetime | None
    awaits_confirmation: bool


class SelfLevelIn(BodySchema):
    skill: ObjectId
    level: JsonInt = Field(description=LEVEL_HELP)
    note: str = Field("", max_length=2000)


class ConfirmIn(BodySchema):
    person: ObjectId
    skill: ObjectId
    level: JsonInt | None = Field(None, description=f"{LEVEL_HELP}; leave out to confirm the self-assessed level")
    note: str = Field("", max_length=2000, description="kept in the history and the audit trail")


class ConfirmRowIn(BodySchema):
    level: JsonInt | None = Field(None, description=f"{LEVEL_HELP}; leave out to confirm the self-assessed level")
    note: str = Field("", max_length=2000, description="kept in the history and the audit trail")


class ChangeOut(Schema):
    id: int
    kind: str = Field(description="self or confirmed")
    from_level: int | None
    to_level: int
    changed_by: int = Field(alias="changed_by_id")
    at: dt.datetime
    note: str


@router.get("/skills", response=list[SkillOut], summary="The organisation's skill catalogue")
@paginate(Page)
def skills_list(request, active: bool | None = None, q: str | None = None):
    skills = selectors.skill_list(request.actor)
    if active is not None:
        skills = skills.filter(is_active=active)
    if q and q.strip():
        skills = skills.filter(name__icontains=q.strip()[:100])
    return skills


@router.post("/skills", response={201: SkillOut}, summary="Add a skill (org admin)")
def skills_create(request, payload: SkillIn):
    return 201, services.skill_create(actor=request.actor, **payload.dict())


@router.get("/skills/{skill_id}", response=SkillOut, summary="Read a skill")
def skills_read(request, skill_id: int):
    return selectors.access_skill(request.actor, skill_id)


@router.patch(
    "/skills/{skill_id}",
    response=SkillOut,
    summary="Rename, describe, deactivate or reactivate a skill (org admin)",
    description="Skills are never deleted: deactivate one that is no longer used.",
)
def skills_update(request, skill_id: int, payload: SkillPatch):
    skill = selectors.access_skill(request.actor, skill_id)
    return services.skill_update(actor=request.actor, skill=skill, changes=payload.dict(exclude_unset=True))


@router.get("/skill-levels", response=list[LevelOut], summary="Levels of the people you see")
@paginate(Page)
def skill_levels_list(
    request,
    person: QueryId | None = None,
    skill: QueryId | None = None,
    awaiting: bool | None = None,
    min_level: int | None = None,
):
    """`awaiting`: true for levels self-assessed and not yet confirmed; `min_level`: the current
    level at least this (1–5)."""
    if min_level is not None:
        min_level = services.parse_level(min_level, "min_level")
    levels = selectors.level_filter(
        selectors.level_list(request.actor), person=person, skill=skill, awaiting=awaiting, min_level=min_level
    )
    return levels.order_by("person_id", "skill__name", "pk")


@router.post("/skill-levels", response=LevelOut, summary="Assess your own level in a skill")
def skill_levels_self(request, payload: SelfLevelIn) -> SkillLevel:
    return services.level_self_assess(
        actor=request.actor, skill_id=payload.skill, level=payload.level, note=payload.note
    )


@router.post(
    "/skill-levels/confirm",
    response=LevelOut,
    summary="Confirm or set one of your people's levels",
    description="A lead for their people, a director or admin for anyone; never one's own level.",
)
def skill_levels_confirm(request, payload: ConfirmIn) -> SkillLevel:
    return services.level_confirm(
        actor=request.actor, person_id=payload.person, skill_id=payload.skill, level=payload.level, note=payload.note
    )


@router.get("/skill-levels/{level_id}", response=LevelOut, summary="Read a level")
def skill_levels_read(request, level_id: int):
    return selectors.access_level(request.actor, level_id)


@router.post("/skill-levels/{level_id}/confirm", response=LevelOut, summary="Confirm or change a level")
def skill_levels_confirm_row(request, level_id: int, payload: ConfirmRowIn) -> SkillLevel:
    row = selectors.access_level(request.actor, level_id)
    return services.level_confirm_row(actor=request.actor, row=row, level=payload.level, note=payload.note)


@router.get("/skill-levels/{level_id}/history", response=list[ChangeOut], summary="A level's history, newest first")
@paginate(Page)
def skill_levels_history(request, level_id: int):
    row = selectors.access_level(request.actor, level_id)
    return selectors.level_history(request.actor, row)
