"""/api/v1/ routes for the signed-in user, users, teams, dated team memberships and the
organisation's settings. Writes are the org admin's and go through the same services as the
Settings pages."""

from ninja import Field, Router, Schema
from ninja.pagination import paginate
from pydantic import field_validator

from pacekeeper.lib.api_types import BodySchema, Flag, IsoDate, ObjectId, Page, json_int, omittable

from . import selectors, services, sign_in
from .models import Organization, Role, Team, TeamMembership, User, person_named
from .scopes import get_visible, require_admin

router = Router(tags=["people"])
WeeklyHours = json_int(ge=0, le=168)  # a person's weekly capacity for tasks, whole hours


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    email: str
    role: str
    language: str
    is_active: bool
    weekly_capacity_hours: int = Field(description="hours a week the person can give to tasks (0-168)")


class UserIn(BodySchema):
    username: str = Field(min_length=2, max_length=150, pattern=r"^[\w.+-]+$")
    password: str = Field(min_length=8, max_length=128)
    role: Role = Role.MANAGER
    display_name: str = Field("", max_length=100)
    email: str = Field("", max_length=254)
    language: str = Field("", pattern=r"^(|zh-hans|en)$")
    team: ObjectId | None = Field(None, description="Put the person in this team …")
    started_on: IsoDate | None = Field(None, description="… from this date (default: today)")

    @field_validator("username", mode="before")
    @classmethod
    def _no_at_sign(cls, value: object) -> object:
        """Said in the user's language, before the pattern's own (English) message."""
        if isinstance(value, str) and (problem := services.username_problem(value)):
            raise ValueError(problem)
        return value


class UserPatch(BodySchema):
    display_name: str = omittable(max_length=100)
    email: str = omittable(max_length=254)
    language: str = omittable(pattern=r"^(|zh-hans|en)$")
    role: Role = omittable()
    is_active: Flag = omittable()
    weekly_capacity_hours: WeeklyHours = omittable(description="org admin: hours a week for tasks (0-168)")
    reason: str = Field("", max_length=2000)
    current_password: str = Field(
        "", max_length=128, description="Your password: needed to change your own email address"
    )


class TeamOut(Schema):
    id: int
    name: str
    kind: str
    parent: int | None = Field(alias="parent_id")


class TeamIn(BodySchema):
    name: str = Field(min_length=1, max_length=200)
    kind: Team.Kind = Team.Kind.TEAM
    parent: ObjectId | None = None
    lead: ObjectId | None = Field(None, description="The person who leads the new team …")
    started_on: IsoDate | None = Field(None, description="… from this date (default: today)")


class TeamPatch(BodySchema):
    name: str = omittable(min_length=1, max_length=200)
    kind: Team.Kind = omittable()
    parent: ObjectId | None = None  # null: a top-level team


class MemberOut(Schema):
    id: int
    user: int = Field(alias="user_id")
    team: int = Field(alias="team_id")
    is_lead: bool
    started_on: IsoDate
    ended_on: IsoDate | None


class MembershipIn(BodySchema):
    """A member's current membership ends the day before `started_on` (a move); a lead
    membership is held alongside any member one."""

    user: ObjectId
    team: ObjectId
    started_on: IsoDate
    is_lead: Flag = False
    reason: str = Field("", max_length=2000)


class MembershipEnd(BodySchema):
    ended_on: IsoDate = Field(description="The last day in the team (inclusive)")
    reason: str = Field("", max_length=2000)


class OrganizationOut(Schema):
    name: str
    currency: str
    time_zone: str
    language: str
    change_colours: Organization.ChangeColours
    payout_second_approver: bool
    work_report_cadence: Organization.ReportCadence


class OrganizationPatch(BodySchema):
    name: str = omittable(min_length=1, max_length=200)
    currency: str = omittable(max_length=3)
    time_zone: str = omittable(max_length=64)
    language: str = omittable(pattern=r"^(zh-hans|en)$")
    change_colours: Organization.ChangeColours = omittable()
    payout_second_approver: Flag = omittable()
    work_report_cadence: Organization.ReportCadence = omittable()
    reason: str = Field("", max_length=2000)


class TokenRequest(BodySchema):
    username: str = Field(min_length=1, max_length=254, description="Username or email")
    password: str = Field(min_length=1, max_length=128)
    code: str = Field("", max_length=12, description="The authenticator app's code, for two-factor accounts")
    name: str = Field("API", min_length=1, max_length=100, description="What the token is for")


class TokenOut(Schema):
    token: str
    name: str


@router.post(
    "/auth/token",
    auth=None,
    response={201: TokenOut},
    summary="Exchange a password (and two-factor code) for a personal API token",
)
def auth_token(request, payload: TokenRequest):
    """Locked like the login page after repeated failures (429)."""
    secret, token = sign_in.token_for_credentials(
        request, username=payload.username, password=payload.password, code=payload.code, name=payload.name
    )
    return 201, {"token": secret, "name": token.name}


@router.get("/me", response=UserOut, summary="The signed-in user")
def me(request):
    return request.actor.user


@router.get("/users", response=list[UserOut], summary="List users")
@paginate(Page)
def users_list(request, role: Role | None = None, q: str = ""):
    users = User.objects.visible_to(request.actor).order_by("username")
    if role:
        users = users.filter(role=role)
    if q:
        users = users.filter(person_named(q))
    return users


@router.get("/users/{user_id}", response=UserOut, summary="Read a user")
def users_read(request, user_id: int):
    return get_visible(User.objects.visible_to(request.actor), user_id, actor=request.actor)


@router.post("/users", response={201: UserOut}, summary="Create a user (org admin)")
def users_create(request, payload: UserIn):
    require_admin(request.actor)
    fields = payload.dict()
    team = services.team_parent(actor=request.actor, parent_id=fields.pop("team"), field="team")
    return 201, services.user_add(actor=request.actor, team=team, **fields)


@router.patch("/users/{user_id}", response=UserOut, summary="Update a user")
def users_update(request, user_id: int, payload: UserPatch):
    user = get_visible(User.objects.visible_to(request.actor), user_id, actor=request.actor)
    changes = payload.dict(exclude_unset=True)
    reason = changes.pop("reason", "")
    current_password = changes.pop("current_password", "")
    return services.user_update(
        actor=request.actor, user=user, changes=changes, reason=reason, current_password=current_password
    )


@router.get("/teams", response=list[TeamOut], summary="List teams")
@paginate(Page)
def teams_list(request):
    return Team.objects.visible_to(request.actor).order_by("path")


@router.get("/teams/{team_id}", response=TeamOut, summary="Read a team")
def teams_read(request, team_id: int):
    return get_visible(Team.objects.visible_to(request.actor), team_id, actor=request.actor)


@router.get("/teams/{team_id}/members", response=list[MemberOut], summary="A team's memberships, past and present")
def teams_members(request, team_id: int):
    team = get_visible(Team.objects.visible_to(request.actor), team_id, actor=request.actor)
    return TeamMembership.objects.visible_to(request.actor).filter(team=team).order_by("-started_on")


@router.post("/teams", response={201: TeamOut}, summary="Create a team (org admin)")
def teams_create(request, payload: TeamIn):
    require_admin(request.actor)
    parent = services.team_parent(actor=request.actor, parent_id=payload.parent)
    return 201, services.team_create_with_lead(
        actor=request.actor,
        name=payload.name,
        kind=payload.kind,
        parent=parent,
        lead_id=payload.lead,
        started_on=payload.started_on,
    )


@router.patch("/teams/{team_id}", response=TeamOut, summary="Update a team (org admin)")
def teams_update(request, team_id: int, payload: TeamPatch):
    team = get_visible(Team.objects.visible_to(request.actor), team_id, actor=request.actor, for_write=True)
    return services.team_update(actor=request.actor, team=team, changes=payload.dict(exclude_unset=True))


class Reason(BodySchema):
    reason: str = Field("", max_length=2000)


@router.post(
    "/users/{user_id}/two-factor-reset",
    response=UserOut,
    summary="Remove a person's authenticator and end their sessions (org admin; not oneself)",
)
def users_two_factor_reset(request, user_id: int, payload: Reason):
    user = get_visible(User.objects.visible_to(request.actor), user_id, actor=request.actor)
    return services.user_two_factor_reset(actor=request.actor, user=user, reason=payload.reason)


@router.get("/users/{user_id}/memberships", response=list[MemberOut], summary="A person's teams, past and present")
def users_memberships(request, user_id: int):
    user = get_visible(User.objects.visible_to(request.actor), user_id, actor=request.actor)
    return selectors.membership_history(actor=request.actor, user=user)


@router.post("/memberships", response={201: MemberOut}, summary="Put a person in a team from a date (org admin)")
def memberships_create(request, payload: MembershipIn):
    require_admin(request.actor)
    user = services.membership_person(actor=request.actor, user_id=payload.user)
    team = services.team_parent(actor=request.actor, parent_id=payload.team, field="team")
    membership = services.membership_start(
        actor=request.actor,
        user=user,
        team=team,
        started_on=payload.started_on,
        is_lead=payload.is_lead,
        reason=payload.reason,
    )
    return 201, membership


@router.post("/memberships/{membership_id}/end", response=MemberOut, summary="End a membership on a date (org admin)")
def memberships_end(request, membership_id: int, payload: MembershipEnd):
    membership = get_visible(TeamMembership.objects.visible_to(request.actor), membership_id, actor=request.actor)
    return services.membership_end(
        actor=request.actor, membership=membership, ended_on=payload.ended_on, reason=payload.reason
    )


@router.get("/organization", response=OrganizationOut, summary="The organisation's settings")
def organization_read(request):
    return request.actor.org


@router.patch("/organization", response=OrganizationOut, summary="Change the organisation's settings (org admin)")
def organization_update(request, payload: OrganizationPatch):
    changes = payload.dict(exclude_unset=True)
    reason = changes.pop("reason", "")
    return services.organization_update(actor=request.actor, changes=changes, reason=reason)
