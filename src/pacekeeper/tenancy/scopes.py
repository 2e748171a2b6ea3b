"""Who may see and change what — the one place that decides (DESIGN rule 2).

Every view, endpoint and export starts from a queryset's `visible_to(actor)` or an
`access_<thing>` gate built on `get_visible`. Nothing else filters by organisation or role.

The rules:
- org admin, director, analyst: the whole organisation (the analyst read-only);
- team lead: the people currently in the teams they lead and those teams' subtrees, and the
  customers those people own;
- account manager: themselves and the customers they own.
Pay: the org admin and directors see every plan, run and line; a lead sees the lines of their
people, an account manager their own lines once the run is approved, and both the plans; the
analyst sees no pay data.
Rows hanging off a customer (contacts, interactions, sales, contracts, opportunities) are
visible with their customer, and also to the manager credited on the row. Writing is narrower
(`require_writable`): a fact is written only by those who may write its customer now, so the
manager a customer moved away from keeps reading their past facts but no longer changes them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import BooleanField, F, Func, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from pacekeeper.errors import Forbidden, NotFound
from pacekeeper.lib.ids import parse_id

from .models import Organization, Role, Team, TeamMembership, User

ORG_WIDE_ROLES = {Role.ADMIN, Role.DIRECTOR, Role.ANALYST}
WRITING_ROLES = {Role.ADMIN, Role.DIRECTOR, Role.LEAD, Role.MANAGER}
AUDIT_ROLES = {Role.ADMIN, Role.DIRECTOR}
# Who runs pay: plans, payout runs and every person's lines. (Approving is a setting:
# PAYOUT_APPROVER_ROLES.) The analyst sees no pay data at all.
PAY_ADMIN_ROLES = {Role.ADMIN, Role.DIRECTOR}


@dataclass(frozen=True)
class Actor:
    """The person asking, resolved once per request by the middleware or the API auth."""

    user: User
    org: Organization
    role: str
    # Teams the actor sees (for a lead: the led teams' subtrees). None: all of the organisation.
    team_ids: frozenset[int] | None
    # People whose portfolios the actor sees. None: all of the organisation.
    member_ids: frozenset[int] | None
    channel: str = "page"

    @property
    def org_id(self) -> int:
        return self.org.pk

    @property
    def user_id(self) -> int:
        return self.user.pk

    @property
    def can_write(self) -> bool:
        return self.role in WRITING_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def sees_whole_org(self) -> bool:
        return self.member_ids is None

    def today(self) -> dt.date:
        return timezone.now().astimezone(ZoneInfo(self.org.time_zone)).date()


def actor_for(user: User, *, channel: str = "page") -> Actor | None:
    """Build the actor for a logged-in user; None for a user without an organisation."""
    if not user.is_authenticated or user.org_id is None or not user.is_active:
        return None
    org = user.org
    role = user.role
    if role in ORG_WIDE_ROLES:
        return Actor(user=user, org=org, role=role, team_ids=None, member_ids=None, channel=channel)
    today = timezone.now().astimezone(ZoneInfo(org.time_zone)).date()
    if role == Role.LEAD:
        team_ids = _led_subtree_ids(user, today)
        members = set(
            TeamMembership.objects.current(today)
            .filter(org_id=org.pk, team_id__in=team_ids)
            .values_list("user_id", flat=True)
        )
        members.add(user.pk)
        return Actor(
            user=user, org=org, role=role, team_ids=frozenset(team_ids), member_ids=frozenset(members), channel=channel
        )
    own_teams = frozenset(
        TeamMembership.objects.current(today).filter(org_id=org.pk, user_id=user.pk).values_list("team_id", flat=True)
    )
    return Actor(user=user, org=org, role=role, team_ids=own_teams, member_ids=frozenset({user.pk}), channel=channel)


def _led_subtree_ids(user: User, today: dt.date) -> set[int]:
    led_paths = list(
        Team.objects.filter(
            org_id=user.org_id,
            memberships__in=TeamMembership.objects.current(today).filter(user_id=user.pk, is_lead=True),
        ).values_list("path", flat=True)
    )
    if not led_paths:
        return set()
    subtree = Q()
    for path in led_paths:
        subtree |= Q(path__startswith=path)
    return set(Team.objects.filter(subtree, org_id=user.org_id).values_list("pk", flat=True))


# --- filters the querysets' visible_to() use -------------------------------------------------


def portfolio_q(actor: Actor, *owner_fields: str, org_field: str = "org") -> Q:
    """Rows of the actor's organisation whose owner (any of `owner_fields`) is in scope."""
    in_org = Q(**{f"{org_field}_id": actor.org_id})
    if actor.member_ids is None:
        return in_org
    owned = Q()
    for owner_field in owner_fields:
        owned |= Q(**{f"{owner_field}_id__in": actor.member_ids})
    return in_org & owned


def users_q(actor: Actor) -> Q:
    if actor.member_ids is None:
        return Q(org_id=actor.org_id)
    return Q(org_id=actor.org_id, pk__in=actor.member_ids)


def teams_q(actor: Actor) -> Q:
    if actor.team_ids is None:
        return Q(org_id=actor.org_id)
    return Q(org_id=actor.org_id, pk__in=actor.team_ids)


def audit_q(actor: Actor) -> Q:
    """The audit trail as a whole is for the org admin and directors; others see the recorded
    changes of single objects they can see (audit.audit_trail)."""
    if actor.role in AUDIT_ROLES:
        return Q(org_id=actor.org_id)
    return Q(pk__in=[])


# --- gates -----------------------------------------------------------------------------------


def get_visible(queryset: QuerySet, pk: object, *, actor: Actor, for_write: bool = False):
    """Fetch one row from an already scoped queryset. Missing and invisible both raise NotFound;
    visible but read-only for this role raises Forbidden."""
    number = parse_id(pk)  # "²" or a 30-digit id names no row: 404, not a 500
    try:
        obj = queryset.get(pk=number) if number is not None else None
    except queryset.model.DoesNotExist:
        obj = None
    if obj is None:
        raise NotFound()
    if for_write:
        require_writable(actor, queryset.model, obj)
    return obj


def require_writable(actor: Actor, model, obj) -> None:
    """The write scope: a writing role, and a row the actor may change now. A row's queryset
    may narrow writing below seeing (`writable_by`): a manager still sees the facts credited to
    them after their customer moved on, but writes only the facts of customers they may write
    today. Visible but not writable answers 403 (the row's existence is no secret to them)."""
    if not actor.can_write:
        raise Forbidden()
    rows = model.objects.all()
    if getattr(rows, "write_owner_fields", None) and not rows.writable_by(actor).filter(pk=obj.pk).exists():
        raise Forbidden(
            _("You may read this record, not change it: its customer, or whoever it is credited to, is not yours.")
        )


def require_writer(actor: Actor) -> None:
    if not actor.can_write:
        raise Forbidden()


def require_role(actor: Actor, roles: set[str]) -> None:
    if actor.role not in roles:
        raise Forbidden()


def require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise Forbidden()


def peers_q(actor: Actor) -> Q:
    """Whose figures the actor may compare on leaderboards: everyone for organisation-wide
    roles, a lead's scope, and for an account manager the people of their own team(s)."""
    if actor.member_ids is None:
        return Q(org_id=actor.org_id)
    if actor.role != Role.MANAGER:
        return Q(org_id=actor.org_id, pk__in=actor.member_ids)
    teammates = TeamMembership.objects.current(actor.today()).filter(
        org_id=actor.org_id, team_id__in=actor.team_ids or ()
    )
    return Q(org_id=actor.org_id) & (Q(pk__in=teammates.values("user_id")) | Q(pk=actor.user_id))


def goals_q(actor: Actor, *, prefix: str = "") -> Q:
    """Goals of the organisation are visible to everyone in it; team goals within the actor's
    teams; personal goals within the actor's people. `prefix` ("goal__") applies the same rule
    to rows seen with their goal (work plans)."""
    in_org = Q(**{f"{prefix}org_id": actor.org_id})
    if actor.member_ids is None:
        return in_org
    return in_org & (
        Q(**{f"{prefix}level": "org"})
        | Q(**{f"{prefix}level": "team", f"{prefix}team_id__in": actor.team_ids or ()})
        | Q(**{f"{prefix}level": "manager", f"{prefix}person_id__in": actor.member_ids})
    )


def goal_levels_for(actor: Actor) -> tuple[str, ...]:
    """The goal levels someone may set at all (the goal form offers only these): directors and
    admins every level, a lead their teams' and people's goals, nobody else any."""
    if actor.role in (Role.ADMIN, Role.DIRECTOR):
        return ("org", "team", "manager")
    if actor.role == Role.LEAD:
        return ("team", "manager")
    return ()


def may_set_goals(actor: Actor, *, level: str, team_id: int | None, person_id: int | None) -> bool:
    """Directors and admins set any goal; a lead sets goals for their teams and people."""
    if level not in goal_levels_for(actor):
        return False
    if actor.role in (Role.ADMIN, Role.DIRECTOR):
        return True
    if level == "team":
        return team_id in (actor.team_ids or ())
    if level == "manager":
        return person_id in (actor.member_ids or ())
    return False


def sees_personal_records(actor: Actor) -> bool:
    """Pay and evaluations are personal: the analyst sees neither."""
    return actor.role != Role.ANALYST


def require_personal_records(actor: Actor) -> None:
    if not sees_personal_records(actor):
        raise Forbidden(_("Pay and evaluations are not shown to analysts."))


def _org_unless_analyst_q(actor: Actor) -> Q:
    return Q(org_id=actor.org_id) if sees_personal_records(actor) else Q(pk__in=[])


def plans_q(actor: Actor) -> Q:
    """Everyone who is paid or pays sees the plans (how pay is worked out is no secret to the
    people paid by it); the analyst does not."""
    return _org_unless_analyst_q(actor)


def payout_runs_q(actor: Actor) -> Q:
    if actor.role in PAY_ADMIN_ROLES:
        return Q(org_id=actor.org_id)
    return Q(pk__in=[])


def payout_lines_q(actor: Actor) -> Q:
    if actor.role in PAY_ADMIN_ROLES:
        return Q(org_id=actor.org_id)
    if actor.role == Role.LEAD:
        return Q(org_id=actor.org_id, person_id__in=actor.member_ids or ())
    if actor.role == Role.MANAGER:
        return Q(org_id=actor.org_id, person_id=actor.user_id, run__status="approved")
    return Q(pk__in=[])


def is_pay_admin(actor: Actor) -> bool:
    """Runs payouts and sees everyone's pay (the others see their own, or their people's)."""
    return actor.role in PAY_ADMIN_ROLES


def require_pay_admin(actor: Actor) -> None:
    require_role(actor, PAY_ADMIN_ROLES)


def may_approve_payouts(actor: Actor) -> bool:
    return actor.role in settings.PAYOUT_APPROVER_ROLES


# --- evaluations ------------------------------------------------------------------------------
# The analyst sees none (evaluations are personal); everyone else sees the cycles, and the
# evaluations of the people in their scope: all for admins and directors, a lead's people (and
# their own), an account manager their own.

REVIEW_ADMIN_ROLES = {Role.ADMIN, Role.DIRECTOR}


def review_cycles_q(actor: Actor) -> Q:
    return _org_unless_analyst_q(actor)


def evaluations_q(actor: Actor) -> Q:
    if not sees_personal_records(actor):
        return Q(pk__in=[])
    if actor.member_ids is None:
        return Q(org_id=actor.org_id)
    return Q(org_id=actor.org_id, person_id__in=actor.member_ids)


def may_review(actor: Actor, person_id: int) -> bool:
    """Admins and directors review anyone; a lead reviews their people; nobody reviews themselves."""
    if person_id == actor.user_id:
        return False
    if actor.role in REVIEW_ADMIN_ROLES:
        return True
    return actor.role == Role.LEAD and person_id in (actor.member_ids or ())


def may_calibrate(actor: Actor, person_id: int) -> bool:
    """Admins and directors calibrate, never their own evaluation."""
    return actor.role in REVIEW_ADMIN_ROLES and person_id != actor.user_id


# --- personal rows ----------------------------------------------------------------------------


def recipient_q(actor: Actor) -> Q:
    """Notifications: a person sees their own, whatever their role (nobody reads another's)."""
    return Q(org_id=actor.org_id, recipient_id=actor.user_id)


def payout_approvers(org: Organization):
    """The active people of `org` who may approve payout runs (PAYOUT_APPROVER_ROLES), the same
    rule as `may_approve_payouts`."""
    return User.objects.filter(org_id=org.pk, role__in=settings.PAYOUT_APPROVER_ROLES, is_active=True)


def target_change_deciders(org: Organization):
    """The active directors of `org`: they alone approve or refuse a lowered target."""
    return User.objects.filter(org_id=org.pk, role=Role.DIRECTOR, is_active=True)


# --- tasks ------------------------------------------------------------------------------------
# Seen: the whole organisation for admins, directors and analysts; otherwise the tasks owned by
# the actor's people (a lead's team, an account manager themselves), those they collaborate on,
# and the tasks about customers they see. Written: by admins and directors, by the owner and
# the owner's lead in full; a collaborator moves the status and ticks the checklist only.

TASK_ADMIN_ROLES = {Role.ADMIN, Role.DIRECTOR}
TASK_FULL = "full"
TASK_PROGRESS = "progress"


def tasks_q(actor: Actor, *, collaborations: QuerySet, customers: QuerySet) -> Q:
    """`collaborations`: the task–collaborator link rows; `customers`: the customer table (work
    passes both in).

    Each of the three ways to see a task is asked of an index of its own — the owner on
    (org, owner, status, due_on), the customer on the task's customer column, the collaboration
    on the primary key — and the database takes the union of the three. ("The customer's owner
    is one of my people" asked through a join made PostgreSQL read every task of the
    organisation with its customer: seconds for a lead's board at a million tasks.) The
    customers are those of `portfolio_q`, the rule Customer.visible_to applies."""
    in_org = Q(org_id=actor.org_id)
    if actor.member_ids is None:
        return in_org
    collaborating = collaborations.filter(user_id__in=actor.member_ids).values("task_id")
    their_customers = customers.filter(portfolio_q(actor, "owner")).order_by().values("pk")
    return in_org & (
        Q(owner_id__in=actor.member_ids) | Q(AnyOf("customer_id", their_customers)) | Q(AnyOf("pk", collaborating))
    )


class AnyOf(Func):
    """`column IN (subquery)`, written so that PostgreSQL answers it from the column's index
    even inside an OR: `column = ANY(ARRAY(subquery))` runs the subquery once and looks its
    values up in the index (a plain `IN (subquery)` under OR becomes a filter on every row).
    Elsewhere (SQLite) it is the plain `IN`, which SQLite already looks up per OR term."""

    output_field = BooleanField()
    conditional = True
    arity = 2

    def __init__(self, column: str, subquery: QuerySet):
        super().__init__(F(column), Subquery(subquery))

    def as_sql(self, compiler, connection, **extra):
        (column, column_params), (rows, rows_params) = (compiler.compile(e) for e in self.get_source_expressions())
        return f"{column} IN {rows}", (*column_params, *rows_params)

    def as_postgresql(self, compiler, connection, **extra):
        (column, column_params), (rows, rows_params) = (compiler.compile(e) for e in self.get_source_expressions())
        return f"{column} = ANY(ARRAY{rows})", (*column_params, *rows_params)


def task_write_level(actor: Actor, task, *, collaborating: bool | None = None) -> str | None:
    """TASK_FULL, TASK_PROGRESS (status and checklist) or None, for a task the actor sees.
    `collaborating`: whether the actor collaborates on it, when a list has worked that out for
    all its rows at once (else one query asks)."""
    if not actor.can_write:
        return None
    if actor.role in TASK_ADMIN_ROLES or task.owner_id in (actor.member_ids or ()):
        return TASK_FULL
    if collaborating is None:
        collaborating = task.collaborators.filter(pk=actor.user_id).exists()
    if collaborating:
        return TASK_PROGRESS
    return None


def sees_only_own_tasks_calendar(actor: Actor) -> bool:
    """An account manager's due-date calendar is their own; the others choose whose to see."""
    return actor.role == Role.MANAGER


def task_assignees_q(actor: Actor) -> Q:
    """Whom the actor may make a task's owner: their active people (an account manager:
    themselves), never the org admin account — it sets the organisation up and carries no tasks.
    The owner pickers, the assignment ranking, the form, the API and the service all ask this."""
    return users_q(actor) & Q(is_active=True) & ~Q(role=Role.ADMIN)


def task_collaborators_q(actor: Actor) -> Q:
    """Whom the actor may add as collaborators: the people they may compare with (a manager's
    team), active ones."""
    return peers_q(actor) & Q(is_active=True)


# --- discussion: comments and attachments on tasks ----------------------------------------------
# Anyone of a writing role who sees a task may comment on it (a question is no change to the task);
# attaching files is for the people who work on it (task_write_level). An author edits and deletes
# their own comments; an attachment is deleted by its uploader or by whoever edits the task in full.


def may_comment(actor: Actor) -> bool:
    return actor.can_write


def mentionable_q(actor: Actor, *, task_people=()) -> Q:
    """Whom the actor may @mention on a task: the people they may assign or work with (their
    scope and, for an account manager, their team), and the people on the task itself (its owner
    and collaborators); active people of the organisation. (Whether the person also sees the
    task is checked by the caller: a mention must lead somewhere.)"""
    on_task = Q(org_id=actor.org_id, pk__in=list(task_people))
    return (users_q(actor) | peers_q(actor) | on_task) & Q(is_active=True)


# --- work plans and plan templates (docs/work.md "Plans") --------------------------------------
# A work plan is seen with its goal (goals_q). It is made and changed by whoever may set that
# goal (may_set_goals: directors and admins any, a lead their teams' and people's goals); its
# tasks keep their own rules (tasks_q, task_write_level). Plan templates are the organisation's
# know-how, read by everyone in it and written by the org admin and directors.

PLAN_TEMPLATE_WRITER_ROLES = {Role.ADMIN, Role.DIRECTOR}


def work_plans_q(actor: Actor) -> Q:
    return Q(org_id=actor.org_id) & goals_q(actor, prefix="goal__")


def may_plan_goal(actor: Actor, goal) -> bool:
    """Whether the actor may make or change the plans of this goal (the goal's setter)."""
    return actor.can_write and may_set_goals(actor, level=goal.level, team_id=goal.team_id, person_id=goal.person_id)


def plan_templates_q(actor: Actor) -> Q:
    return Q(org_id=actor.org_id)


def may_write_plan_templates(actor: Actor) -> bool:
    return actor.role in PLAN_TEMPLATE_WRITER_ROLES


# --- recurring tasks -------------------------------------------------------------------------------
# A rule is seen with its owner (a lead: their people's; an account manager: their own; the
# org-wide roles: all) and changed by whoever may change that owner's tasks in full.


def recurring_tasks_q(actor: Actor) -> Q:
    return portfolio_q(actor, "owner")


def may_change_recurring_task(actor: Actor, rule) -> bool:
    if not actor.can_write:
        return False
    return actor.role in TASK_ADMIN_ROLES or rule.owner_id in (actor.member_ids or ())


# --- skills (docs/skills.md) ------------------------------------------------------------------
# The catalogue is the organisation's: everyone in it sees it, the org admin manages it. Levels
# are personal: a person sees their own, a lead their people's, admins, directors and analysts
# the organisation's (the analyst read-only). A person self-assesses only themselves; a lead
# confirms their people's levels (not their own), admins and directors anyone's but their own.

SKILL_CONFIRMER_ROLES = {Role.ADMIN, Role.DIRECTOR}


def skills_q(actor: Actor) -> Q:
    return Q(org_id=actor.org_id)


def skill_levels_q(actor: Actor, *, person_field: str = "person") -> Q:
    if actor.member_ids is None:
        return Q(org_id=actor.org_id)
    return Q(org_id=actor.org_id, **{f"{person_field}_id__in": actor.member_ids})


def skill_level_changes_q(actor: Actor) -> Q:
    """A level's history is seen with the level."""
    return skill_levels_q(actor, person_field="skill_level__person")


def skill_people_q(actor: Actor) -> Q:
    """Whose levels the actor sees (the rows of the team skills matrix): active people in scope."""
    return users_q(actor) & Q(is_active=True)


def may_manage_skills(actor: Actor) -> bool:
    return actor.is_admin


def may_self_assess(actor: Actor, person_id: int) -> bool:
    """Everyone who writes assesses themselves, nobody else."""
    return actor.can_write and person_id == actor.user_id


def may_confirm_skill(actor: Actor, person_id: int) -> bool:
    """A lead confirms their people; admins and directors anyone in the organisation; nobody
    confirms their own level (a confirmation is a second person's word)."""
    if person_id == actor.user_id or not actor.can_write:
        return False
    if actor.role in SKILL_CONFIRMER_ROLES:
        return True
    return actor.role == Role.LEAD and person_id in (actor.member_ids or ())


# --- workload (work/load.py) -------------------------------------------------------------------
# Whose load the actor sees: the people in their scope (a lead's teams, the whole organisation
# for admins, directors and analysts). Account managers have no workload view.

WORKLOAD_ROLES = {Role.ADMIN, Role.DIRECTOR, Role.ANALYST, Role.LEAD}


def task_load_q(actor: Actor) -> Q:
    """The tasks counted in the actor's workload figures: those owned by people in the actor's
    scope. A narrower filter than `tasks_q` (no collaborations, no customers), so the load
    query stays on the (org, owner, status, due_on) index; every task it keeps is one the actor
    sees (`tasks_q` includes the tasks owned by the actor's people)."""
    return portfolio_q(actor, "owner")


def require_workload_viewer(actor: Actor) -> None:
    if actor.role not in WORKLOAD_ROLES:
        raise Forbidden(_("The workload view is for team leads, directors, analysts and the org admin."))


# --- resource requests (work/resources.py) -------------------------------------------------------
# A request is seen with its task or goal. Deciding: never one's own request; the org admin and
# directors decide any amount; a team lead decides the requests of their people (their teams and
# sub-teams) up to the thresholds the org admin sets. Spending is recorded by the requester, their
# lead, a director or the org admin.

RESOURCE_ADMIN_ROLES = {Role.ADMIN, Role.DIRECTOR}


def decides_resource_requests(actor: Actor) -> bool:
    """Whether the actor is among those who decide resource requests at all (a lead for their
    people within the thresholds, directors and the org admin above them)."""
    return actor.can_write and actor.role in RESOURCE_ADMIN_ROLES | {Role.LEAD}


def may_decide_resource_request(actor: Actor, *, requester_id: int, within_lead_limit: bool) -> bool:
    if requester_id == actor.user_id or not actor.can_write:
        return False
    if actor.role in RESOURCE_ADMIN_ROLES:
        return True
    return actor.role == Role.LEAD and within_lead_limit and requester_id in (actor.member_ids or ())


def may_record_resource_spending(actor: Actor, *, requester_id: int) -> bool:
    if not actor.can_write:
        return False
    if actor.role in RESOURCE_ADMIN_ROLES or requester_id == actor.user_id:
        return True
    return actor.role == Role.LEAD and requester_id in (actor.member_ids or ())


def resource_request_deciders(requester: User, *, within_lead_limit: bool, today: dt.date):
    """Whom to ask: up to the lead's threshold, the leads of the requester's teams and of the
    teams above them (as a lead's scope reaches down their subtree); above it — or when the
    requester has no lead — the directors; with no director, the org admins."""
    org_id = requester.org_id
    if within_lead_limit:
        paths = Team.objects.filter(
            org_id=org_id, memberships__in=TeamMembership.objects.current(today).filter(user_id=requester.pk)
        ).values_list("path", flat=True)
        above = {int(part) for path in paths for part in path.strip("/").split("/") if part.isdigit()}
        leads = User.objects.filter(
            org_id=org_id,
            is_active=True,
            role=Role.LEAD,
            team_memberships__in=TeamMembership.objects.current(today).filter(team_id__in=above, is_lead=True),
        ).exclude(pk=requester.pk)
        if leads.exists():
            return leads.distinct()
    directors = User.objects.filter(org_id=org_id, role=Role.DIRECTOR, is_active=True).exclude(pk=requester.pk)
    if directors.exists():
        return directors
    return User.objects.filter(org_id=org_id, role=Role.ADMIN, is_active=True).exclude(pk=requester.pk)


# --- customer work: who holds a portfolio, who changes credit, who sets follow-up policies (crm) --
# Account managers and leads carry customers. Directors, org admins and analysts carry none:
# nothing is credited to them, or they could credit sales — and so commission — to themselves.
PORTFOLIO_ROLES = {Role.MANAGER, Role.LEAD}
# Crediting a fact to someone other than its customer's manager at the fact's date, or moving it
# to another customer, is an exception (DESIGN rule 4), with a reason kept in the audit trail.
CREDIT_ROLES = {Role.ADMIN, Role.DIRECTOR}
# Who sets follow-up policies (the Settings page itself is the org admin's, like all of Settings).
FOLLOW_UP_POLICY_ROLES = {Role.ADMIN, Role.DIRECTOR}


def holds_portfolio(person: Actor | User) -> bool:
    """May customers (and the facts credited with them) be this person's?"""
    return person.role in PORTFOLIO_ROLES


def portfolio_holders_q() -> Q:
    """The people holds_portfolio says yes to, as a filter on users."""
    return Q(role__in=PORTFOLIO_ROLES)


def may_change_credit(actor: Actor) -> bool:
    return actor.role in CREDIT_ROLES


def may_set_follow_up_policy(actor: Actor) -> bool:
    return actor.role in FOLLOW_UP_POLICY_ROLES


def require_follow_up_policy_setter(actor: Actor) -> None:
    if not may_set_follow_up_policy(actor):
        raise Forbidden()


# --- work reports (docs/rhythm.md, "Work reports") ------------------------------------------------
# A report is its author's: they alone write it (nobody writes a report for someone else), and
# see it while it is a draft. Once submitted it is read by the author's lead chain (a lead's
# scope reaches down their teams' subtrees), the directors and the org admin, and by the analyst
# (read-only: the market news and sales progress are the analyst's material; no pay data is in
# a report). Leads, directors and the org admin mark a report read, handle its help items and
# comment; the author comments back.

WORK_REPORT_LEAD_ROLES = {Role.ADMIN, Role.DIRECTOR, Role.LEAD}


def work_reports_q(actor: Actor, *, prefix: str = "") -> Q:
    own = Q(**{f"{prefix}org_id": actor.org_id, f"{prefix}author_id": actor.user_id})
    submitted = Q(**{f"{prefix}org_id": actor.org_id, f"{prefix}status": "submitted"})
    if actor.member_ids is not None:
        submitted &= Q(**{f"{prefix}author_id__in": actor.member_ids})
    return own | submitted


def may_write_work_report(actor: Actor, report) -> bool:
    """The author, until a lead has read it."""
    return actor.can_write and report.author_id == actor.user_id and report.read_at is None


def may_lead_work_report(actor: Actor, report) -> bool:
    """Mark read, handle help items: whoever leads the author (the report is in their scope),
    never the author themselves."""
    return (
        actor.can_write
        and actor.role in WORK_REPORT_LEAD_ROLES
        and report.author_id != actor.user_id
        and report.status == "submitted"
    )


def may_comment_work_report(actor: Actor, report) -> bool:
    return may_lead_work_report(actor, report) or (actor.can_write and report.author_id == actor.user_id)


def work_report_authors_q(actor: Actor) -> Q:
    """Whose reports the actor expects (missing-report lists): active account managers in scope."""
    return users_q(actor) & Q(is_active=True, role=Role.MANAGER)


def work_report_leads(author: User, today: dt.date):
    """Whom a submitted report is announced to: the active leads of the author's teams and of
    the teams above them (whose scope reaches the author); with none, the directors."""
    org_id = author.org_id
    paths = Team.objects.filter(
        org_id=org_id, memberships__in=TeamMembership.objects.current(today).filter(user_id=author.pk)
    ).values_list("path", flat=True)
    above = {int(part) for path in paths for part in path.strip("/").split("/") if part.isdigit()}
    leads = User.objects.filter(
        org_id=org_id,
        is_active=True,
        role=Role.LEAD,
        team_memberships__in=TeamMembership.objects.current(today).filter(team_id__in=above, is_lead=True),
    ).exclude(pk=author.pk)
    if leads.exists():
        return leads.distinct()
    return User.objects.filter(org_id=org_id, role=Role.DIRECTOR, is_active=True).exclude(pk=author.pk)


# --- progress meetings (meetings/; docs/rhythm.md "The weekly meeting") -------------------------
# A team's meeting series, its meetings and their minutes are seen by the organisation-wide roles
# (the analyst read-only), by the leads of the team and of the teams above it (a lead's scope
# reaches down their subtree), by the people of the team, and by anyone on the series' member
# list. The series and its meetings are run by the team's lead (or a lead above), a director or
# the org admin; members who write add their own points; another team's lead: 404.

MEETING_ADMIN_ROLES = {Role.ADMIN, Role.DIRECTOR}


def meeting_series_q(actor: Actor, *, memberships: QuerySet, prefix: str = "") -> Q:
    """`memberships`: the series–member rows (meetings passes its own table in); `prefix`
    ("series__", "meeting__series__") applies the same rule to rows seen with their series."""
    in_org = Q(**{f"{prefix}org_id": actor.org_id})
    if actor.member_ids is None:
        return in_org
    listed = memberships.filter(person_id=actor.user_id).values("series_id")
    return in_org & (Q(**{f"{prefix}team_id__in": actor.team_ids or ()}) | Q(**{f"{prefix}pk__in": listed}))


def may_run_meetings(actor: Actor, *, team_id: int) -> bool:
    """Whether the actor manages the meeting series of this team and runs its meetings."""
    if not actor.can_write:
        return False
    if actor.role in MEETING_ADMIN_ROLES:
        return True
    return actor.role == Role.LEAD and team_id in (actor.team_ids or ())


def meeting_teams_q(actor: Actor) -> Q:
    """The teams the actor may set up meeting series for."""
    if actor.role in MEETING_ADMIN_ROLES and actor.can_write:
        return Q(org_id=actor.org_id)
    if actor.role == Role.LEAD:
        return Q(org_id=actor.org_id, pk__in=actor.team_ids or ())
    return Q(pk__in=[])


def team_chain(team: Team, today: dt.date):
    """The active leads of a team and of every team above it, and the organisation's directors:
    whom a team's minutes are shared with beside the attendees."""
    above = [int(part) for part in team.path.strip("/").split("/") if part.isdigit()] or [team.pk]
    leading = TeamMembership.objects.current(today).filter(org_id=team.org_id, team_id__in=above, is_lead=True)
    return User.objects.filter(
        Q(pk__in=leading.values("user_id")) | Q(role=Role.DIRECTOR), org_id=team.org_id, is_active=True
    )


# --- surveys (docs/feedback.md) --------------------------------------------------------------
# Templates and campaigns are the organisation's: everyone in it reads them; the org admin and
# directors keep the templates and settings, and leads may run campaigns too. Invitations and
# answers hang off a customer: seen with the customer, and by the manager credited on the row.

SURVEY_TEMPLATE_WRITER_ROLES = {Role.ADMIN, Role.DIRECTOR}
SURVEY_CAMPAIGN_ROLES = {Role.ADMIN, Role.DIRECTOR, Role.LEAD}


def survey_templates_q(actor: Actor) -> Q:
    return Q(org_id=actor.org_id)


def survey_campaigns_q(actor: Actor) -> Q:
    return Q(org_id=actor.org_id)


def survey_invitations_q(actor: Actor) -> Q:
    return portfolio_q(actor, "customer__owner", "manager")


def survey_answers_q(actor: Actor) -> Q:
    return portfolio_q(actor, "customer__owner", "manager")


def may_write_survey_templates(actor: Actor) -> bool:
    return actor.role in SURVEY_TEMPLATE_WRITER_ROLES


def may_run_survey_campaigns(actor: Actor) -> bool:
    return actor.role in SURVEY_CAMPAIGN_ROLES


def may_see_survey_link(actor: Actor, invitation) -> bool:
    """A live survey link answers as the customer without an account: only whoever sent it and
    the account manager credited with it see it again (not the analyst, not a peer)."""
    return actor.user.pk in (invitation.created_by_id, invitation.manager_id)


def may_send_survey_campaign(actor: Actor, campaign) -> bool:
    """A campaign is sent by whoever made it, or by the org admin or a director: another lead
    sending it would spend it on their own contacts."""
    if not may_run_survey_campaigns(actor):
        return False
    return actor.role in SURVEY_TEMPLATE_WRITER_ROLES or campaign.created_by_id == actor.user.pk


# --- progress reports (progress/) ------------------------------------------------------------------

# Who generates progress reports on demand (for the subjects they see) and starts the whole
# organisation's run (directors and org admins); everyone reads the reports they see.
REPORT_GENERATING_ROLES = {Role.ADMIN, Role.DIRECTOR, Role.LEAD}


def progress_reports_q(actor: Actor) -> Q:
    """Organisation-wide roles: every report; a lead: the reports of their teams (sub-teams
    included) and of their people; anyone else: their own."""
    if actor.member_ids is None:
        return Q(org_id=actor.org_id)
    own = Q(org_id=actor.org_id, subject_kind="person", person_id__in=actor.member_ids)
    if actor.role == Role.LEAD:
        return own | Q(org_id=actor.org_id, subject_kind="team", team_id__in=actor.team_ids or ())
    return own


def may_generate_progress_report(actor: Actor, *, subject_kind: str, subject_id: int) -> bool:
    """A lead for their teams and people; a director or org admin for anyone and the organisation."""
    if actor.role not in REPORT_GENERATING_ROLES:
        return False
    if actor.member_ids is None:
        return True
    if subject_kind == "team":
        return subject_id in (actor.team_ids or ())
    return subject_kind == "person" and subject_id in actor.member_ids


def may_run_all_progress_reports(actor: Actor) -> bool:
    return actor.role in (Role.ADMIN, Role.DIRECTOR)


# --- recognition (docs/recognition.md) ------------------------------------------------------
# Kudos are seen in the organisation like the team feed: organisation-wide roles see all; a lead
# the kudos to or from their people; an account manager those to or from themselves and those
# to their teammates (the team feed). A person's badges are seen by whoever sees the person;
# their certificates by the person, their chain, directors and the org admin (not the analyst).

BADGE_AWARDERS = {Role.ADMIN, Role.DIRECTOR, Role.LEAD}


def kudos_q(actor: Actor) -> Q:
    if actor.member_ids is None:
        return Q(org_id=actor.org_id)
    if actor.role == Role.MANAGER:
        teammates = TeamMembership.objects.current(actor.today()).filter(
            org_id=actor.org_id, team_id__in=actor.team_ids or ()
        )
        return Q(org_id=actor.org_id) & (
            Q(recipient_id__in=teammates.values("user_id")) | Q(recipient_id=actor.user_id) | Q(giver_id=actor.user_id)
        )
    return Q(org_id=actor.org_id) & (Q(recipient_id__in=actor.member_ids) | Q(giver_id__in=actor.member_ids))


def kudos_recipients_q(actor: Actor) -> Q:
    """Whom the actor may praise: anyone active in their organisation but themselves."""
    return Q(org_id=actor.org_id, is_active=True) & ~Q(pk=actor.user_id)


def badges_q(actor: Actor) -> Q:
    return Q(org_id=actor.org_id)


def badge_awards_q(actor: Actor) -> Q:
    if actor.member_ids is None:
        return Q(org_id=actor.org_id)
    return Q(org_id=actor.org_id, person_id__in=actor.member_ids)


def certificates_q(actor: Actor) -> Q:
    """Awards whose certificate the actor may download: the analyst none."""
    if actor.role == Role.ANALYST:
        return Q(pk__in=[])
    return badge_awards_q(actor)


def may_award_badge(actor: Actor, person_id: int) -> bool:
    """Directors and the org admin award a badge by hand to anyone; a lead to their people;
    nobody to themselves."""
    if person_id == actor.user_id or actor.role not in BADGE_AWARDERS:
        return False
    return actor.role != Role.LEAD or person_id in (actor.member_ids or ())


# --- evaluations: acknowledgement, disputes, distribution (reviews) -----------------------------


def may_respond_to_evaluation(actor: Actor, person_id: int) -> bool:
    """Only the person evaluated acknowledges or disputes their evaluation."""
    return person_id == actor.user_id and sees_personal_records(actor)


def sees_grade_distribution(actor: Actor) -> bool:
    """Grade shares per team and the calibration moves: directors and admins (all), leads (their
    people's); never an account manager (a small team's shares would show a peer's grade)."""
    return actor.role in REVIEW_ADMIN_ROLES or actor.role == Role.LEAD


def calibration_moves_q(actor: Actor) -> Q:
    """Moves on the evaluations the viewer may see, never on their own (a lead's own evaluation
    is calibrated above them)."""
    if not sees_grade_distribution(actor):
        return Q(pk__in=[])
    q = Q(org_id=actor.org_id) & ~Q(evaluation__person_id=actor.user_id)
    if actor.member_ids is not None:
        q &= Q(evaluation__person_id__in=actor.member_ids)
    return q


# --- relationships (docs/relationships.md) ---------------------------------------------------------
# Health scores and churn risks are seen with the customer (the portfolio rule); value-added
# services and education sessions with their customer, and by whoever delivered or hosted them.
# They are written by whoever may write the customer. The health weights are the org admin's.


def relationship_customers_q(actor: Actor) -> Q:
    """Customers whose health the actor sees: their portfolio, lost and prospects included."""
    return portfolio_q(actor, "owner")


def may_set_health_weights(actor: Actor) -> bool:
    return actor.is_admin


def service_deliverers_q(actor: Actor) -> Q:
    """Who may be named as having delivered a service or hosted a session: anyone active in the
    organisation (a specialist from another team often does)."""
    return Q(org_id=actor.org_id, is_active=True)


# --- team health (docs/teamhealth.md) ------------------------------------------------------------
# Pulse figures are anonymous group figures (teamhealth.groups decides which groups may be shown at
# all, the same for everyone); here only whose groups a person may ask for: the whole organisation
# for organisation-wide roles, a lead's teams and their sub-teams, an account manager's own team.
# Everyone answers the pulse for themselves. Conflict cases are private to the people involved
# (whoever raised it, the parties, the mediator) and directors, who stand for HR: not the org admin
# (a system role: running the tool gives no business in people's disputes), not the analyst.

PULSE_SETTINGS_ROLES = {Role.ADMIN, Role.DIRECTOR}
CONFLICT_HANDLER_ROLES = {Role.DIRECTOR}


def pulse_teams_q(actor: Actor) -> Q:
    return teams_q(actor)


def may_see_org_pulse(actor: Actor) -> bool:
    return actor.sees_whole_org


def may_change_pulse_settings(actor: Actor) -> bool:
    return actor.role in PULSE_SETTINGS_ROLES


def pulse_alert_recipients(team: Team, today: dt.date):
    """The manager of a team's lead: the leads of the team above it, else the directors."""
    if team.parent_id is not None:
        leads = User.objects.filter(
            org_id=team.org_id,
            is_active=True,
            pk__in=TeamMembership.objects.current(today)
            .filter(org_id=team.org_id, team_id=team.parent_id, is_lead=True)
            .values("user_id"),
        )
        if leads.exists():
            return leads
    return User.objects.filter(org_id=team.org_id, is_active=True, role=Role.DIRECTOR)


def conflicts_q(actor: Actor) -> Q:
    if actor.role in CONFLICT_HANDLER_ROLES:
        return Q(org_id=actor.org_id)
    me = actor.user_id
    return Q(org_id=actor.org_id) & (Q(raised_by_id=me) | Q(mediator_id=me) | Q(parties__person_id=me))


def may_raise_conflict(actor: Actor) -> bool:
    return actor.can_write


def conflict_people_q(actor: Actor) -> Q:
    """Who may be named a party or a mediator: anyone active in the actor's organisation."""
    return Q(org_id=actor.org_id, is_active=True)


def may_edit_conflict(actor: Actor, conflict) -> bool:
    return actor.role in CONFLICT_HANDLER_ROLES or conflict.raised_by_id == actor.user_id


def may_assign_mediator(actor: Actor) -> bool:
    return actor.role in CONFLICT_HANDLER_ROLES


def may_mediate_conflict(actor: Actor, conflict) -> bool:
    """Record the agreement and the follow-up: the mediator or a director."""
    return actor.role in CONFLICT_HANDLER_ROLES or (
        conflict.mediator_id is not None and conflict.mediator_id == actor.user_id
    )


def conflict_handlers(org: Organization):
    return User.objects.filter(org_id=org.pk, is_active=True, role__in=CONFLICT_HANDLER_ROLES)


# --- risk register (risks/; docs/risks.md) ---------------------------------------------------
# A risk is seen by the organisation-wide roles (the analyst read-only) and by its owner; a team's
# risk also by the team's lead chain (a lead's scope reaches down their subtree) and its members;
# a customer's risk with the customer (the portfolio rule); a goal's risk with the goal. An
# organisation's risk: the organisation-wide roles and its owner alone. Writing: the org admin and
# directors any risk; a lead the risks they see below the organisation; anyone writing their own
# risks and (account managers) their own customers'. Signals run for the org admin and directors.

RISK_ADMIN_ROLES = {Role.ADMIN, Role.DIRECTOR}


def risks_q(actor: Actor, *, prefix: str = "") -> Q:
    in_org = Q(**{f"{prefix}org_id": actor.org_id})
    if actor.member_ids is None:
        return in_org
    return in_org & (
        Q(**{f"{prefix}owner_id": actor.user_id})
        | Q(**{f"{prefix}level": "team", f"{prefix}team_id__in": actor.team_ids or ()})
        | Q(**{f"{prefix}level": "customer", f"{prefix}customer__owner_id__in": actor.member_ids})
        | (Q(**{f"{prefix}level": "goal"}) & goals_q(actor, prefix=f"{prefix}goal__"))
    )


def may_write_risk(actor: Actor, risk) -> bool:
    """For a risk the actor sees (risks_q)."""
    if not actor.can_write:
        return False
    if actor.role in RISK_ADMIN_ROLES or risk.owner_id == actor.user_id:
        return True
    if actor.role == Role.LEAD:
        return risk.level != "org"
    return risk.level == "customer" and risk.customer.owner_id == actor.user_id


def may_raise_risk(actor: Actor, *, level: str, team_id=None, customer=None, goal=None) -> bool:
    """Whether the actor may record a risk about this subject (already checked visible)."""
    if not actor.can_write:
        return False
    if actor.role in RISK_ADMIN_ROLES:
        return True
    if actor.role == Role.LEAD:
        return level != "org" and (level != "team" or team_id in (actor.team_ids or ()))
    if level == "customer":
        return customer is not None and customer.owner_id == actor.user_id
    return level == "goal" and goal is not None and goal.person_id == actor.user_id


def risk_owners_q(actor: Actor) -> Q:
    """Who may own a risk: an active person of the organisation who writes (the owner may
    change their risk and add its actions; an analyst reads only)."""
    return Q(org_id=actor.org_id, is_active=True, role__in=WRITING_ROLES)


def may_run_risk_signals(actor: Actor) -> bool:
    return actor.role in RISK_ADMIN_ROLES


def may_set_risk_settings(actor: Actor) -> bool:
    return actor.role in RISK_ADMIN_ROLES


def risk_overview_reader(actor: Actor) -> bool:
    """The director's overview lists every overdue risk review of the organisation."""
    return actor.role in RISK_ADMIN_ROLES


def receivables_q(actor: Actor) -> Q:
    """A sale's payment due date is seen with the sale (its customer, or the manager credited)."""
    return portfolio_q(actor, "sale__customer__owner", "sale__manager")


def may_write_receivable(actor: Actor) -> bool:
    return actor.can_write


# --- insights (feedback text analysis: topics, analysed texts) --------------------------------

INSIGHT_TOPIC_WRITER_ROLES = {Role.ADMIN, Role.DIRECTOR}


def insight_topics_q(actor: Actor) -> Q:
    """Everyone in the organisation reads its topic list."""
    return Q(org_id=actor.org_id)


def may_write_insight_topics(actor: Actor) -> bool:
    return actor.role in INSIGHT_TOPIC_WRITER_ROLES


def require_insight_topic_writer(actor: Actor) -> None:
    if not may_write_insight_topics(actor):
        raise Forbidden(_("The topic list is kept by the org admin and directors."))


def text_analyses_q(actor: Actor, *, prefix: str = "") -> Q:
    """Analysed customer texts: those credited to a person the actor sees, or about a customer
    such a person holds (an account manager sees their portfolio's comments only)."""
    in_org = Q(**{f"{prefix}org_id": actor.org_id})
    if actor.member_ids is None:
        return in_org
    return in_org & (
        Q(**{f"{prefix}manager_id__in": actor.member_ids}) | Q(**{f"{prefix}customer__owner_id__in": actor.member_ids})
    )


def may_reanalyse_insights(actor: Actor) -> bool:
    return actor.role in INSIGHT_TOPIC_WRITER_ROLES


# --- tickets (tickets/; docs/tickets.md) ---------------------------------------------------------
# The portfolio rule: a manager sees the tickets of their customers and those assigned to them; a
# lead their team's; the org-wide roles all; the analyst reads. The org admin keeps the SLA
# policy, the working hours and the holiday overrides.


def tickets_q(actor: Actor, *, prefix: str = "") -> Q:
    return portfolio_q(actor, f"{prefix}customer__owner", f"{prefix}assignee", org_field=f"{prefix}org")


def ticket_assignees_q(actor: Actor) -> Q:
    """Anyone of the organisation who writes may be given a ticket (a specialist, a colleague)."""
    return Q(org_id=actor.org_id, is_active=True, role__in=WRITING_ROLES)


def may_set_sla_policy(actor: Actor) -> bool:
    return actor.is_admin


# --- training (docs/people.md) -----------------------------------------------------------------
# The catalogue, its sessions and the onboarding plans are the organisation's: everyone in it
# reads them. A person's enrolments, attendance, onboarding items and skill proposals follow the
# people rule (themselves, their lead chain, the organisation-wide roles, the analyst reading).
# Scores and certificates are personal like evaluations: the person, their lead chain,
# directors and the org admin — not the analyst (an analyst sees who attended, never a score).

TRAINING_ADMIN_ROLES = {Role.ADMIN, Role.DIRECTOR}
TRAINING_SESSION_ROLES = {Role.ADMIN, Role.DIRECTOR, Role.LEAD}


def training_courses_q(actor: Actor) -> Q:
    return Q(org_id=actor.org_id)


def training_sessions_q(actor: Actor) -> Q:
    return Q(org_id=actor.org_id)


def onboarding_plans_q(actor: Actor) -> Q:
    return Q(org_id=actor.org_id)


def _training_people_q(actor: Actor, person_field: str = "person") -> Q:
    if actor.member_ids is None:
        return Q(org_id=actor.org_id)
    return Q(org_id=actor.org_id, **{f"{person_field}_id__in": actor.member_ids})


def training_enrolments_q(actor: Actor) -> Q:
    return _training_people_q(actor)


def onboarding_tasks_q(actor: Actor) -> Q:
    return _training_people_q(actor)


def training_skill_proposals_q(actor: Actor) -> Q:
    return _training_people_q(actor)


def training_assessments_q(actor: Actor) -> Q:
    if actor.role == Role.ANALYST:
        return Q(pk__in=[])
    return _training_people_q(actor)


def training_certificates_q(actor: Actor) -> Q:
    return training_assessments_q(actor)


def may_manage_training(actor: Actor) -> bool:
    """The catalogue and the onboarding plans: the org admin and directors."""
    return actor.role in TRAINING_ADMIN_ROLES


def may_schedule_training(actor: Actor) -> bool:
    """Sessions are scheduled by the org admin, directors and team leads."""
    return actor.role in TRAINING_SESSION_ROLES


def may_act_for_trainee(actor: Actor, person_id: int) -> bool:
    """Enrol, cancel, tick an onboarding item: the person themselves, their lead, a director or
    the org admin."""
    if not actor.can_write:
        return False
    if person_id == actor.user_id or actor.role in TRAINING_ADMIN_ROLES:
        return True
    return actor.role == Role.LEAD and person_id in (actor.member_ids or ())


def may_assess_trainee(actor: Actor, person_id: int, *, is_trainer: bool = False) -> bool:
    """A score is recorded by a second person: the course's trainer, the person's lead, a
    director or the org admin — never by the person themselves."""
    if not actor.can_write or person_id == actor.user_id:
        return False
    if is_trainer or actor.role in TRAINING_ADMIN_ROLES:
        return True
    return actor.role == Role.LEAD and person_id in (actor.member_ids or ())


def may_see_check_in_code(actor: Actor, session) -> bool:
    """The QR code is shown by the trainer and whoever schedules sessions."""
    return session.trainer_id == actor.user_id or may_schedule_training(actor)
