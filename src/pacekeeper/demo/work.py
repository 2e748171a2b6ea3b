"""Demo tasks, plans and recurring rules: the work a director or an account manager sees on My
tasks, the board, the list, the calendar, the workload view and the plan pages.

Everyone in the field gets a handful of tasks in every state — to do, doing, blocked with a
reason, done (on time and late), one cancelled — due around the seed's end date (overdue, today,
tomorrow, the next four weeks), about their customers and their goals, some with a teammate
as collaborator, a checklist or required skills. Each team carries one heavy and one light
person: open estimates are fitted so that the workload view flags someone over and someone
under their capacity, the rest in between. The first three team goals get a plan from a
shipped template, part done; each lead has a weekly team report and a few managers a monthly
portfolio review on a schedule; late and blocked tasks carry short conversations with
@mentions.

Everything goes through the work services (owner in scope, dates, notifications, audit, the
task rollups the KPI engine reads), acting as the person who would have done it. Only what a
service stamps with the clock is set afterwards — when a task was created and done — and the
task rollups are then rebuilt, so the completion KPIs count the demo's own dates.
Deterministic for a given seed and end date (apart from those clock stamps of the audit and
the notifications).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone, translation

from pacekeeper.crm.models import Customer, Tier
from pacekeeper.goals.models import Goal
from pacekeeper.skills.defaults import DEFAULT_SKILLS
from pacekeeper.skills.models import Skill
from pacekeeper.tenancy.models import Organization, Role, TeamMembership, User
from pacekeeper.tenancy.scopes import Actor, actor_for
from pacekeeper.work import discussion, load, plans, recurring_services, services
from pacekeeper.work.models import Task
from pacekeeper.work.task_rollups import task_rollups_rebuild

# Default skills by their position in skills.defaults.DEFAULT_SKILLS (names are stored in the
# organisation's language, so they are looked up by the translated name).
DATA, NEEDS, NEGOTIATION, KEY_ACCOUNTS, RELATIONSHIPS, PRESENTATION, COMPLIANCE, SERVICE = range(8)

# Shipped plan templates for the first team goals, and how many days before the end date each
# plan started: the first steps are done, one is overdue, the rest ahead.
PLANS = (("satisfaction", 16), ("win_back", 10), ("renewals", 12))

# How busy a person is (see _fit_hours): each team has one heavy and one light person.
HEAVY, NORMAL, LIGHT = "heavy", "normal", "light"
# Weekly hours for tasks (the workload view's capacity): an account manager spends most of the
# week with customers (the CRM's visits and calls, not tasks), a lead with the team.
MANAGER_CAPACITY, LEAD_CAPACITY = 20, 16


@dataclass(frozen=True)
class Spec:
    """One kind of task: its title ({c} a customer, {p} a teammate, {m} a month), estimate range in
    hours, importance, labels, an optional required skill (index, level) and checklist."""

    title: str
    hours: tuple[int, int]
    important: bool = False
    labels: str = ""
    skill: tuple[int, int] | None = None
    checklist: tuple[str, ...] = ()
    description: str = ""


# An account manager's work, by the slot it fills (see _manager_tasks).
OVERDUE_CUSTOMER = (
    Spec("拜访{c}财务总监，沟通明年授信需求", (2, 4), True, "拜访", (NEEDS, 3)),
    Spec(
        "{c}授信到期续审材料准备",
        (3, 6),
        True,
        "续约, 授信",
        None,
        ("收集近三年财务报表", "填写授信申请书", "提交风险部预审"),
    ),
    Spec("为{c}制作现金管理方案演示材料", (3, 5), True, "方案", (PRESENTATION, 3)),
)
# Work that runs over the coming weeks (the workload view's later weeks are not empty).
LONG_RUNNING = (
    Spec("年末存量客户全面回访", (12, 16), True, "回访, 冲刺", (RELATIONSHIPS, 3)),
    Spec("整理名下客户年度经营分析报告", (12, 16), False, "分析", (DATA, 3)),
    Spec("明年重点客户拓展计划", (10, 16), True, "计划", (KEY_ACCOUNTS, 3)),
)
SOON_ROUTINE = (
    Spec("协助{c}解决网银付款失败问题", (1, 3), False, "客户服务", (SERVICE, 2)),
    Spec("整理{c}开户补充材料并提交审核", (1, 3), False, "合规"),
    Spec("更新CRM中{c}的联系人信息", (1, 2), False, "内部"),
    Spec("邀请{c}参加年末客户答谢沙龙", (1, 2), False, "活动"),
)
GOAL_WORK = (
    Spec("梳理个人存量客户名单，筛选年末冲刺重点客户", (3, 6), True, "冲刺", (DATA, 3)),
    Spec("制定{m}月销售冲刺计划", (2, 5), True, "冲刺", None, ("列出重点客户与预计金额", "与主管确认", "排定拜访日程")),
    Spec("完成个人销售目标差距分析", (4, 8), True, "冲刺", (DATA, 3)),
)
LATER_CHORES = (
    Spec("完成反洗钱年度合规培训", (2, 4), False, "合规, 培训", (COMPLIANCE, 2)),
    Spec("参加供应链金融新产品培训", (3, 5), False, "培训"),
    Spec("提交上月差旅报销单据", (1, 2), False, "内部"),
    Spec("整理本季度客户拜访记录", (2, 4), False, "内部"),
)
BLOCKED_CUSTOMER = (
    Spec("跟进{c}代发工资上线进度", (2, 5), True, "客户服务"),
    Spec("与{c}谈判明年存款利率与服务费", (4, 8), True, "续约", (NEGOTIATION, 3)),
    Spec("为{c}准备供应链金融合作方案", (6, 12), True, "方案", (NEEDS, 3)),
)
BLOCKED_REASONS = (
    "等待客户提供最新财务报表",
    "客户负责人出差，下周返回后再约",
    "授信审批系统升级中，暂时无法提交",
    "等待产品部确认报价",
)
DONE_WORK = (
    Spec("回访{c}，收集服务满意度反馈", (1, 3), False, "客户服务"),
    Spec("向{c}发送产品方案与报价", (2, 4), True, "方案"),
    Spec("完成{c}年度合作回顾", (3, 6), True, "拜访", (KEY_ACCOUNTS, 3)),
    Spec("录入上周客户拜访记录", (1, 2), False, "内部"),
)
CANCELLED_WORK = (
    Spec("为{c}准备跨境结算方案", (4, 8), False, "方案"),
    Spec("安排产品经理上门拜访{c}", (2, 3), False, "拜访"),
)
CANCEL_REASONS = ("客户暂缓跨境业务，方案搁置", "客户改为线上沟通，无需上门")
EXTRA_WORK = (
    Spec(
        "准备{c}续约合同及报价",
        (4, 10),
        True,
        "续约",
        (NEGOTIATION, 3),
        ("核对合同到期日", "测算新报价", "法务审核合同文本", "约客户面谈"),
    ),
    Spec("电话回访{c}，确认下季度资金需求", (1, 2), False, "拜访"),
    Spec("向{c}介绍企业网银新版功能", (1, 3), False, "客户服务", (PRESENTATION, 2)),
)
FROM_LEAD = (
    Spec("整理{c}年度合作回顾材料，供主管审阅", (3, 6), True, "拜访", (KEY_ACCOUNTS, 3)),
    Spec("分析{c}近半年交易流水变化", (3, 6), True, "分析", (DATA, 3)),
)

# A lead's own work.
LEAD_OVERDUE = Spec("审核{p}提交的{c}授信续审材料", (2, 4), True, "授信", (COMPLIANCE, 3))
LEAD_SOON = Spec("与{p}进行一对一辅导面谈", (1, 2), False, "辅导")
LEAD_SCHEDULE = Spec(
    "准备团队{m}月经营分析汇报",
    (8, 14),
    True,
    "汇报",
    (DATA, 4),
    ("汇总团队销售与目标完成情况", "分析重点客户变化", "列出下月行动计划"),
)
LEAD_LATER = Spec("确认团队成员技能自评", (1, 3), False, "内部")
LEAD_BLOCKED = Spec("协调产品经理支持{c}现金管理方案", (3, 6), True, "方案")
LEAD_BLOCKED_REASON = "产品部人手紧张，等待排期"
LEAD_DONE = (Spec("完成团队{m}月业绩复盘", (3, 6), True, "汇报"), Spec("提交团队季度培训需求", (1, 3), False, "培训"))
LEAD_CANCELLED = Spec("组织客户沙龙场地踩点", (2, 4), False, "活动")
LEAD_CANCEL_REASON = "沙龙改为线上举办"

# Mentions in the discussion are added in _comments when the discussion is available.


@dataclass
class Person:
    user: User
    actor: Actor
    team_id: int
    load: str = NORMAL
    customers: list[Customer] = field(default_factory=list)
    goal_id: int | None = None


@dataclass
class Made:
    """What the seed made, and the clock stamps to set afterwards."""

    tasks: int = 0
    plans: int = 0
    rules: int = 0
    created: dict[int, dt.datetime] = field(default_factory=dict)
    tasks_by_pk: dict[int, Task] = field(default_factory=dict)
    drafts: list[Draft] = field(default_factory=list)
    late_steps: list[tuple[Person, Person, Task]] = field(default_factory=list)  # lead, owner, plan step
    comments: int = 0


def make_work(org: Organization, *, seed: int, until: dt.date) -> dict[str, int]:
    rng = random.Random(seed * 104_729 + 31)
    zone = ZoneInfo(org.time_zone)
    made = Made()
    with translation.override(org.language or "zh-hans"):
        skills = _skills(org)
        teams = _teams(org)
        _capacities(teams)
        _plans(rng, made, org, teams, until, zone)
        _rules(made, teams, until)
        first = min((p.user.pk for _lead, people in teams for p in people), default=None)
        for lead, members in teams:
            _weigh(rng, members, first)
            for person in members:
                _manager_tasks(rng, made, person, lead, members, until, zone, skills)
            _lead_tasks(rng, made, lead, members, until, zone, skills)
        _fit_hours(made.drafts, [p for lead, people in teams for p in (lead, *people)], until)
        for draft in made.drafts:
            draft.task = _create(made, draft, skills, zone)
        _comments(made)
    _stamp(made, zone)
    _rebuild_task_rollups(org)
    return {"tasks": made.tasks, "work_plans": made.plans, "recurring_tasks": made.rules, "comments": made.comments}


# --- who works here ------------------------------------------------------------------------------


def _skills(org: Organization) -> dict[int, int]:
    """{index in DEFAULT_SKILLS: skill id} of the default skills the catalogue holds."""
    by_name = dict(Skill.objects.filter(org=org, is_active=True).values_list("name", "pk"))
    return {index: by_name[str(name)] for index, (name, _text) in enumerate(DEFAULT_SKILLS) if str(name) in by_name}


def _teams(org: Organization) -> list[tuple[Person, list[Person]]]:
    """Each team's lead and members (teams in order, people by username), with their customers
    (largest first) and personal goal. Teams as of the actors' today, which their scopes follow
    (a seed ending in the past has people moving team after its end date)."""
    today = timezone.now().astimezone(ZoneInfo(org.time_zone)).date()
    current = TeamMembership.objects.current(today).filter(org=org).select_related("user", "user__org")
    leads, members = {}, {}
    for membership in current.order_by("team_id", "user__username"):
        if not membership.user.is_active:
            continue
        person = Person(membership.user, actor_for(membership.user, channel="system"), membership.team_id)
        if membership.is_lead:
            leads.setdefault(membership.team_id, person)
        elif membership.user.role == Role.MANAGER:
            members.setdefault(membership.team_id, []).append(person)
    by_person = {person.user.pk: person for people in members.values() for person in people}
    tier_rank = {Tier.STRATEGIC: 0, Tier.KEY: 1, Tier.STANDARD: 2, Tier.SME: 3}
    customers = Customer.objects.filter(org=org, owner_id__in=by_person).exclude(status=Customer.Status.LOST)
    for customer in sorted(customers.order_by("pk"), key=lambda c: (tier_rank.get(c.tier, 9), c.pk)):
        by_person[customer.owner_id].customers.append(customer)
    goals = Goal.objects.filter(org=org, level=Goal.Level.PERSON, status=Goal.Status.ACTIVE, person_id__in=by_person)
    for person_id, goal_id in goals.order_by("pk").values_list("person_id", "pk"):
        by_person[person_id].goal_id = goal_id
    return [(leads[team_id], members.get(team_id, [])) for team_id in sorted(leads)]


def _capacities(teams) -> None:
    for lead, members in teams:
        lead.user.weekly_capacity_hours = LEAD_CAPACITY
        for person in members:
            person.user.weekly_capacity_hours = MANAGER_CAPACITY
    leads = [lead.user.pk for lead, _members in teams]
    members = [person.user.pk for _lead, people in teams for person in people]
    User.objects.filter(pk__in=leads).update(weekly_capacity_hours=LEAD_CAPACITY)
    User.objects.filter(pk__in=members).update(weekly_capacity_hours=MANAGER_CAPACITY)


def _weigh(rng: random.Random, members: list[Person], first: int) -> None:
    """One heavy and one light person per team (of three or more), the rest in between; the
    first account manager (the demo's login) is in between."""
    others = [person for person in members if person.user.pk != first]
    if len(others) < 2 or len(members) < 3:
        return
    heavy, light = rng.sample(others, 2)
    heavy.load, light.load = HEAVY, LIGHT


# --- tasks -----------------------------------------------------------------------------------------


def _manager_tasks(rng, made: Made, person: Person, lead: Person, team: list[Person], until, zone, skills) -> None:
    """Eight tasks in fixed slots (every quadrant, every open status, one done on time, one
    handed over by the lead), then perhaps one done late and one cancelled or one more ahead."""
    customers = person.customers[:12] or [None]
    pick = _picker(rng, customers)
    peers = [other for other in team if other is not person]
    month = until.month

    def add(spec, *, due, start=None, status="todo", reason="", customer=None, goal=False, collaborator=None):
        return _task(
            made,
            person.actor,
            spec,
            owner=person,
            due=due,
            start=start,
            status=status,
            reason=reason,
            customer=customer,
            goal_id=person.goal_id if goal else None,
            collaborator=collaborator,
            skills=skills,
            rng=rng,
            month=month,
            zone=zone,
            until=until,
        )

    # Important and overdue (do now): still being worked on.
    due = until - dt.timedelta(days=rng.randint(1, 5))
    add(
        rng.choice(OVERDUE_CUSTOMER),
        due=due,
        start=due - dt.timedelta(days=rng.randint(3, 8)),
        status=rng.choice(["doing", "todo"]),
        customer=pick(),
    )
    # Not important, due today or tomorrow (delegate).
    add(rng.choice(SOON_ROUTINE), due=until + dt.timedelta(days=rng.randint(0, 1)), customer=pick())
    # Important, for the personal goal, weeks ahead (schedule), started.
    add(
        rng.choice(GOAL_WORK),
        due=until + dt.timedelta(days=rng.randint(8, 20)),
        start=until - dt.timedelta(days=rng.randint(1, 5)),
        status="doing",
        goal=True,
        collaborator=rng.choice(peers) if peers and rng.random() < 0.4 else None,
    )
    # A larger piece of work over the coming weeks.
    add(
        rng.choice(LONG_RUNNING),
        due=until + dt.timedelta(days=rng.randint(22, 30)),
        start=until - dt.timedelta(days=rng.randint(0, 2)),
        status="doing",
        goal=True,
    )
    # Neither (drop): a chore for later.
    add(rng.choice(LATER_CHORES), due=until + dt.timedelta(days=rng.randint(14, 27)))
    # Blocked on the customer or another department.
    add(
        rng.choice(BLOCKED_CUSTOMER),
        due=until + dt.timedelta(days=rng.randint(4, 12)),
        start=until - dt.timedelta(days=rng.randint(2, 6)),
        status="blocked",
        reason=rng.choice(BLOCKED_REASONS),
        customer=pick(),
        collaborator=rng.choice(peers) if peers and rng.random() < 0.5 else None,
    )
    # Done on time.
    due = until - dt.timedelta(days=rng.randint(3, 18))
    add(
        rng.choice(DONE_WORK), due=due, start=due - dt.timedelta(days=rng.randint(2, 6)), status="done", customer=pick()
    ).completed_on = due - dt.timedelta(days=rng.randint(0, 2))
    # Given by the lead (they are told in their inbox).
    _task(
        made,
        lead.actor,
        rng.choice(FROM_LEAD),
        owner=person,
        due=until + dt.timedelta(days=rng.randint(6, 14)),
        start=until - dt.timedelta(days=1),
        customer=pick(),
        goal_id=person.goal_id,
        skills=skills,
        rng=rng,
        month=month,
        zone=zone,
        until=until,
    )
    # Then some of: done late, cancelled, one more ahead.
    if rng.random() < 0.6:
        due = until - dt.timedelta(days=rng.randint(6, 25))
        late = add(
            rng.choice(DONE_WORK),
            due=due,
            start=due - dt.timedelta(days=rng.randint(2, 6)),
            status="done",
            customer=pick(),
        )
        late.completed_on = min(until - dt.timedelta(days=1), due + dt.timedelta(days=rng.randint(1, 4)))
    if rng.random() < 0.4:  # a cancelled task or one more ahead
        index = rng.randrange(len(CANCELLED_WORK))
        task = add(CANCELLED_WORK[index], due=until + dt.timedelta(days=rng.randint(3, 20)), customer=pick())
        task.cancel_reason = CANCEL_REASONS[index]
    elif rng.random() < 0.6:
        add(rng.choice(EXTRA_WORK), due=until + dt.timedelta(days=rng.randint(10, 27)), customer=pick())


def _lead_tasks(rng, made: Made, lead: Person, team: list[Person], until, zone, skills) -> None:
    if not team:
        return
    month = until.month
    coached, reviewed, helped = (rng.choice(team) for _ in range(3))
    common = {"skills": skills, "rng": rng, "month": month, "zone": zone, "until": until}
    due = until - dt.timedelta(days=rng.randint(1, 3))
    _task(
        made,
        lead.actor,
        LEAD_OVERDUE,
        owner=lead,
        due=due,
        start=due - dt.timedelta(days=3),
        status="doing",
        customer=_first(reviewed.customers),
        collaborator=reviewed,
        person=reviewed,
        **common,
    )
    _task(
        made,
        lead.actor,
        LEAD_SOON,
        owner=lead,
        due=until + dt.timedelta(days=rng.randint(0, 1)),
        collaborator=coached,
        person=coached,
        **common,
    )
    team_goal = Goal.objects.filter(org_id=lead.user.org_id, level=Goal.Level.TEAM, team_id=lead.team_id).first()
    _task(
        made,
        lead.actor,
        LEAD_SCHEDULE,
        owner=lead,
        due=until + dt.timedelta(days=rng.randint(14, 24)),
        start=until - dt.timedelta(days=2),
        status="doing",
        goal_id=team_goal.pk if team_goal else None,
        **common,
    )
    _task(made, lead.actor, LEAD_LATER, owner=lead, due=until + dt.timedelta(days=rng.randint(14, 27)), **common)
    _task(
        made,
        lead.actor,
        LEAD_BLOCKED,
        owner=lead,
        due=until + dt.timedelta(days=rng.randint(3, 10)),
        status="blocked",
        reason=LEAD_BLOCKED_REASON,
        customer=_first(helped.customers),
        collaborator=helped,
        **common,
    )
    previous_month = (until.replace(day=1) - dt.timedelta(days=1)).month
    for spec, days_late in zip(LEAD_DONE, (0, rng.randint(1, 3)), strict=True):
        due = until - dt.timedelta(days=rng.randint(2, 12))
        task = _task(
            made,
            lead.actor,
            spec,
            owner=lead,
            due=due,
            start=due - dt.timedelta(days=4),
            status="done",
            **{**common, "month": previous_month},
        )
        task.completed_on = min(until - dt.timedelta(days=1), due + dt.timedelta(days=days_late))
    task = _task(
        made, lead.actor, LEAD_CANCELLED, owner=lead, due=until + dt.timedelta(days=rng.randint(5, 15)), **common
    )
    task.cancel_reason = LEAD_CANCEL_REASON


@dataclass
class Draft:
    """A task to create once everyone's hours are fitted (see _fit_hours)."""

    actor: Actor
    spec: Spec
    owner: Person
    title: str
    due: dt.date
    start: dt.date | None
    status: str
    reason: str
    customer: Customer | None
    goal_id: int | None
    collaborator: Person | None
    hours: Decimal
    created_at: dt.datetime
    completed_on: dt.date | None = None  # set by the caller on a done task
    cancel_reason: str = ""  # set by the caller: created, then cancelled with this reason
    task: Task | None = None  # once created

    @property
    def is_open(self) -> bool:
        return self.status not in Task.CLOSED and not self.cancel_reason


def _task(
    made: Made,
    actor: Actor,
    spec: Spec,
    *,
    owner: Person,
    due: dt.date,
    start: dt.date | None = None,
    status: str = "todo",
    reason: str = "",
    customer: Customer | None = None,
    goal_id: int | None = None,
    collaborator: Person | None = None,
    person: Person | None = None,
    skills: dict[int, int],
    rng: random.Random,
    month: int,
    zone: ZoneInfo,
    until: dt.date,
) -> Draft:
    """One task to create as `actor`, with its hours drawn from the spec's range (open ones are
    fitted to the owner's load later)."""
    low, high = spec.hours
    title = spec.title.format(
        c=customer.name if customer else "重点客户",
        p=(person.user.display_name or person.user.username) if person else "",
        m=month,
    )
    start = min(start, due) if start else None
    first_day = min(filter(None, [start, due - dt.timedelta(days=2), until]))
    draft = Draft(
        actor=actor,
        spec=spec,
        owner=owner,
        title=title,
        due=due,
        start=start,
        status=status,
        reason=reason,
        customer=customer,
        goal_id=goal_id,
        collaborator=collaborator if collaborator is not None and collaborator is not owner else None,
        hours=Decimal(rng.randint(low * 2, high * 2)) / 2,
        created_at=_at(first_day - dt.timedelta(days=rng.randint(1, 4)), rng.randint(9, 17), zone),
    )
    made.drafts.append(draft)
    return draft


def _create(made: Made, draft: Draft, skills: dict[int, int], zone: ZoneInfo) -> Task:
    """The draft through the services, as its actor; the clock stamps are set by _stamp."""
    changes = {
        "title": draft.title,
        "description": draft.spec.description,
        "owner": draft.owner.user.pk,
        "due_on": draft.due,
        "start_on": draft.start,
        "estimate_hours": draft.hours,
        "status": draft.status,
        "is_important": draft.spec.important,
        "labels": draft.spec.labels,
    }
    if draft.status == "blocked":
        changes["blocked_reason"] = draft.reason
    if draft.customer is not None:
        changes["customer"] = draft.customer.pk
    if draft.goal_id is not None:
        changes["goal"] = draft.goal_id
    if draft.collaborator is not None:
        changes["collaborators"] = [draft.collaborator.user.pk]
    skill = draft.spec.skill
    if skill and skill[0] in skills:
        changes["required_skills"] = [{"skill": skills[skill[0]], "min_level": skill[1]}]
    task = services.task_create(actor=draft.actor, changes=changes)
    checklist = draft.spec.checklist
    for position, text in enumerate(checklist):
        item = services.checklist_item_add(actor=draft.actor, task=task, text=text)
        if draft.status == "done" or (draft.status != "todo" and position < len(checklist) // 2):
            services.checklist_item_update(actor=draft.actor, item=item, is_done=True)
    if draft.cancel_reason:
        services.task_update(actor=draft.actor, task=task, changes={"status": "cancelled"}, reason=draft.cancel_reason)
    made.tasks += 1
    made.created[task.pk] = draft.created_at
    task.completed_on = draft.completed_on
    made.tasks_by_pk[task.pk] = task
    return task


# --- fitting the hours to each person's load -------------------------------------------------------

# The busiest of the coming four weeks, as a share of the person's weekly capacity.
PEAK_SHARE = {HEAVY: Decimal("1.4"), NORMAL: Decimal("0.95"), LIGHT: Decimal("0.3")}
MIN_HOURS, MAX_HOURS = Decimal(1), Decimal(16)


def _fit_hours(drafts: list[Draft], people: list[Person], until: dt.date) -> None:
    """Scale each person's open drafts so that their busiest week of the workload view (on the
    end date) holds PEAK_SHARE of their capacity: over it for the heavy person of each team,
    well under for the light one, comfortably below for the rest. The work already theirs (plan
    steps, recurring tasks) counts; each estimate stays within 1–16 h, in half hours."""
    weeks = load.week_starts(until, 4)
    existing = _booked(people, until, weeks)
    by_owner: dict[int, list[Draft]] = {}
    for draft in drafts:
        if draft.is_open:
            by_owner.setdefault(draft.owner.user.pk, []).append(draft)
    capacities = {person.user.pk: person.user.weekly_capacity_hours for person in people}
    for person in people:
        mine = by_owner.get(person.user.pk, [])
        units = [_shares(Decimal(1), draft.start, draft.due, until, weeks) for draft in mine]
        target = PEAK_SHARE.get(person.load, PEAK_SHARE[NORMAL]) * capacities[person.user.pk]
        base = existing.get(person.user.pk, {})

        def peak(scale: Decimal, mine=mine, units=units, base=base) -> Decimal:
            booked = dict(base)
            for draft, unit in zip(mine, units, strict=True):
                hours = _clamp(draft.hours * scale)
                for week, share in unit.items():
                    booked[week] = booked.get(week, Decimal(0)) + share * hours
            return max(booked.values(), default=Decimal(0))

        low, high = Decimal("0.05"), Decimal(10)
        for _step in range(25):
            middle = (low + high) / 2
            low, high = (middle, high) if peak(middle) < target else (low, middle)
        for draft in mine:
            draft.hours = _clamp(draft.hours * low)


def _clamp(hours: Decimal) -> Decimal:
    return min(MAX_HOURS, max(MIN_HOURS, (hours * 2).quantize(Decimal(1)) / 2))


def _shares(hours: Decimal, start, due, today: dt.date, weeks: list[dt.date]) -> dict[dt.date, Decimal]:
    """The weeks of the view an open task books its hours in (work/load.py's rule)."""
    if due < today:
        current = load.monday_of(load.next_working_day(today))
        return {current: hours} if current in weeks else {}
    shares = load.task_shares(estimate=hours, start_on=start, due_on=due, today=today, until=weeks[-1])
    return {week: value for week, value in shares.items() if week in weeks}


def _booked(people: list[Person], today: dt.date, weeks: list[dt.date]) -> dict[int, dict[dt.date, Decimal]]:
    """The hours the people's open tasks already book, per week."""
    booked: dict[int, dict[dt.date, Decimal]] = {}
    tasks = Task.objects.filter(owner__in=[person.user.pk for person in people], estimate_hours__gt=0)
    rows = tasks.exclude(status__in=Task.CLOSED).exclude(due_on=None)
    for owner_id, start, due, hours in rows.values_list("owner_id", "start_on", "due_on", "estimate_hours"):
        mine = booked.setdefault(owner_id, {})
        for week, share in _shares(hours, start, due, today, weeks).items():
            mine[week] = mine.get(week, Decimal(0)) + share
    return booked


def _picker(rng: random.Random, customers: list):
    """Customers in a shuffled order, each once before any comes again."""
    order = list(customers)
    rng.shuffle(order)
    state = {"next": 0}

    def pick():
        customer = order[state["next"] % len(order)]
        state["next"] += 1
        return customer

    return pick


def _first(customers: list[Customer]) -> Customer | None:
    return customers[0] if customers else None


def _at(day: dt.date, hour: int, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 30), tzinfo=zone)


# --- plans and recurring rules -------------------------------------------------------------------


def _plans(rng, made: Made, org: Organization, teams, until: dt.date, zone: ZoneInfo) -> None:
    """A plan from a shipped template on each of the first team goals: steps shared among the
    lead's people, the ones due well before the end date done, the current ones in progress."""
    leads = {lead.team_id: (lead, members) for lead, members in teams if members}
    goals = Goal.objects.filter(org=org, level=Goal.Level.TEAM, status=Goal.Status.ACTIVE, team_id__in=leads)
    for goal, (key, days_back) in zip(goals.order_by("team_id", "pk"), PLANS, strict=False):
        lead, members = leads[goal.team_id]
        template = plans.template_find(lead.actor, key)
        start = until - dt.timedelta(days=days_back)
        if goal.ends_on:
            start = min(start, goal.ends_on - dt.timedelta(days=template.span_days - 1))
        start = max(start, goal.starts_on)
        plan = plans.work_plan_create(actor=lead.actor, goal=goal.pk, template=key, start_on=start, owner=lead.user.pk)
        made.plans += 1
        steps = list(plan.tasks.order_by("start_on", "pk"))
        for index, task in enumerate(steps):
            owner = lead if index == len(steps) - 1 else members[index % len(members)]
            changes = {"owner": owner.user.pk}
            if task.due_on < until - dt.timedelta(days=5):
                changes["status"] = "done"
            elif task.start_on <= until:
                changes["status"] = "doing"
            if changes["owner"] != task.owner_id or "status" in changes:
                services.task_update(actor=lead.actor, task=task, changes=changes)
            if task.is_overdue(until) and owner is not lead:
                made.late_steps.append((lead, owner, task))
            made.tasks += 1
            made.created[task.pk] = _at(start - dt.timedelta(days=2), 10, zone)
            task.completed_on = task.due_on + dt.timedelta(days=rng.choice([-1, 0, 0, 1, 2]))
            task.completed_on = max(task.start_on, min(task.completed_on, until - dt.timedelta(days=1)))
            made.tasks_by_pk[task.pk] = task


def _rules(made: Made, teams, until: dt.date) -> None:
    """A weekly team report for each lead (due Fridays), a monthly portfolio review for the first
    manager of each team (due on the 25th)."""
    first_monday = until - dt.timedelta(days=until.weekday() + 28)
    for lead, members in teams:
        recurring_services.recurring_task_create(
            actor=lead.actor,
            changes={
                "title": "编写团队周报",
                "description": "汇总本周重点客户进展、销售与目标完成情况、下周计划。",
                "frequency": "weekly",
                "weekday": 4,
                "starts_on": first_monday,
                "lead_days": 4,
                "estimate_hours": 2,
                "labels": "周报, 汇报",
            },
        )
        made.rules += 1
        for person in members[:1]:
            recurring_services.recurring_task_create(
                actor=person.actor,
                changes={
                    "title": "月度客户组合回顾",
                    "description": "检查名下客户的跟进间隔、到期合同和商机阶段，更新下月拜访计划。",
                    "frequency": "monthly",
                    "day_of_month": 25,
                    "starts_on": until.replace(day=1) - dt.timedelta(days=31),
                    "lead_days": 5,
                    "estimate_hours": 3,
                    "is_important": True,
                    "labels": "回顾",
                },
            )
            made.rules += 1


# --- comments ---------------------------------------------------------------------------------------


def _comments(made: Made) -> None:
    """A few conversations with @mentions (each mention tells its person in the inbox): a lead
    asking for what is missing, a blocked account manager asking a teammate for help, a lead
    chasing a late plan step."""
    talks = []
    for draft in made.drafts:
        owner, other = draft.owner, draft.collaborator
        if draft.spec is LEAD_OVERDUE and other is not None:
            talks.append(
                (
                    draft.task,
                    (owner, f"@{other.user.username} 材料里还缺近三年的审计报告，请今天补齐后我再审核。"),
                    (other, f"@{owner.user.username} 已联系客户财务，明天上午补齐。"),
                )
            )
        elif draft.status == "blocked" and other is not None and owner.user.role == Role.MANAGER:
            talks.append(
                (
                    draft.task,
                    (owner, f"@{other.user.username} 客户一直没回复，你之前对接过他们财务，能帮忙问一下吗？"),
                    (other, "好的，我下午给他们打个电话，有消息告诉你。"),
                )
            )
    for lead, owner, task in made.late_steps[:2]:
        talks.append(
            (
                task,
                (lead, f"@{owner.user.username} 这一步已经逾期了，本周内能完成吗？有困难及时说。"),
                (owner, f"@{lead.user.username} 还差两家客户的反馈，周四前完成。"),
            )
        )
    for task, *lines in talks:
        for person, body in lines:
            discussion.comment_add(actor=person.actor, task=task, body=body)
            made.comments += 1


# --- the clock stamps and the rollups --------------------------------------------------------------


def _stamp(made: Made, zone: ZoneInfo) -> None:
    """When each task was created and done, as the demo's story has it (the services stamped the
    clock)."""
    created, done = [], []
    for pk, at in made.created.items():
        created.append(Task(pk=pk, created_at=at))
        task = made.tasks_by_pk[pk]
        if task.status == Task.Status.DONE and task.completed_on:
            done.append(Task(pk=pk, completed_at=_at(task.completed_on, 17, zone)))
    Task.objects.bulk_update(created, ["created_at"], batch_size=500)
    Task.objects.bulk_update(done, ["completed_at"], batch_size=500)


def _rebuild_task_rollups(org: Organization) -> None:
    """The task rollups the KPI engine reads, from the tasks as stamped (a bulk write: the
    services' own upkeep saw the clock's completion times)."""
    task_rollups_rebuild(org.pk)
