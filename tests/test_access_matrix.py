"""Every object route × role × whose object → the allowed answer (DESIGN rule 2).

Routes are enumerated from the OpenAPI schema and Django's URL resolver, so a new route that
takes an object id fails here until it is given a maker below (deny by default). The expected
visibility is written out by hand from the rules in DESIGN.md, not computed by the code under test.
"""

import datetime as dt
import itertools
import re
import secrets

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from pacekeeper.api import api
from pacekeeper.crm.models import Contract, ImportJob
from pacekeeper.feedback import tokens as survey_tokens
from pacekeeper.feedback.models import Answer, Campaign, Invitation, SurveyTemplate
from pacekeeper.goals.models import Goal, GoalChange
from pacekeeper.incentives.models import PayoutLine, PayoutRun, Plan
from pacekeeper.meetings.models import Meeting, MeetingItem, MeetingSeries, MeetingSeriesMember
from pacekeeper.notifications.models import Notification
from pacekeeper.progress.models import ProgressReport
from pacekeeper.recognition.models import Badge, BadgeAward, Kudos
from pacekeeper.reviews.models import Criterion, CriterionScore, Evaluation, ReviewCycle
from pacekeeper.risks.models import Receivable, Risk
from pacekeeper.skills.models import Skill, SkillLevel
from pacekeeper.teamhealth.models import Conflict, ConflictParty
from pacekeeper.tenancy.models import ApiToken
from pacekeeper.tickets.models import SlaPolicy, Ticket, TicketStatusChange
from pacekeeper.training.models import (
    Assessment,
    Course,
    Enrolment,
    OnboardingItem,
    OnboardingPlan,
    OnboardingTask,
    SkillProposal,
    TrainingCertificate,
    TrainingSession,
)
from pacekeeper.work.models import (
    Attachment,
    ChecklistItem,
    Comment,
    PlanTemplate,
    PlanTemplateStep,
    RecurringTask,
    ResourceRequest,
    Task,
    WorkPlan,
)
from pacekeeper.workreports.models import HelpItem, NewsItem, WorkReport
from tests.factories import ContactFactory, InteractionFactory, OpportunityFactory, SaleFactory

VIEWERS = ("admin", "director", "analyst", "lead", "manager")
TARGETS = ("manager", "teammate", "sub_manager", "other_manager", "other_org")
WRITERS = {"admin", "director", "lead", "manager"}

# Whose portfolio each viewer sees (customers, facts, and the people themselves).
SEES_PORTFOLIO = {
    "admin": {"manager", "teammate", "sub_manager", "other_manager"},
    "director": {"manager", "teammate", "sub_manager", "other_manager"},
    "analyst": {"manager", "teammate", "sub_manager", "other_manager"},
    "lead": {"manager", "teammate", "sub_manager"},
    "manager": {"manager"},
}
# Whose team each viewer sees: a manager sees their own team (shared with the teammate).
SEES_TEAM = {**SEES_PORTFOLIO, "manager": {"manager", "teammate"}}


def _contract(customer):
    return Contract.objects.create(
        org=customer.org,
        customer=customer,
        manager=customer.owner,
        title="C",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        value_minor=100,
    )


def _membership(customer):
    return customer.owner.team_memberships.get()


def _membership_team(customer):
    return _membership(customer).team


def _personal_goal(customer):
    return Goal.objects.create(
        org=customer.org,
        title="Goal",
        metric="visits",
        level="manager",
        person=customer.owner,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        target=10,
    )


def _goal_change(customer):
    """A pending lowering of the customer's account manager's goal, asked by that person's lead."""
    goal = _personal_goal(customer)
    return GoalChange.objects.create(org=customer.org, goal=goal, target_before=10, target_after=5, reason="r")


def _plan(customer):
    return Plan.objects.create(org=customer.org, name=f"Plan {customer.pk}", metric="sales_amount")


def _approved_run(customer):
    """An approved run with one line, for the customer's account manager."""
    run = PayoutRun.objects.create(
        org=customer.org,
        plan=_plan(customer),
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 1, 31),
        status=PayoutRun.Status.APPROVED,
        total_minor=100,
    )
    PayoutLine.objects.create(
        org=customer.org, run=run, person=customer.owner, basis_minor=10_000, calculated_minor=100, amount_minor=100
    )
    return run


def _open_cycle(customer):
    cycle = ReviewCycle.objects.create(
        org=customer.org,
        name=f"Cycle {customer.pk}",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 6, 30),
        status=ReviewCycle.Status.OPEN,
    )
    Criterion.objects.create(org=customer.org, cycle=cycle, name="Service", weight=100)
    return cycle


def _evaluation(customer):
    """The customer's account manager's evaluation in an open cycle, at the self-assessment."""
    cycle = _open_cycle(customer)
    evaluation = Evaluation.objects.create(org=customer.org, cycle=cycle, person=customer.owner)
    CriterionScore.objects.create(org=customer.org, evaluation=evaluation, criterion=cycle.criteria.get())
    return evaluation


def _notification(customer):
    """A notification for the customer's account manager: theirs alone, whatever anyone's role."""
    return Notification.objects.create(org=customer.org, recipient=customer.owner, kind="goal_change_approved")


def _task(customer):
    """A task of the customer's account manager, about that customer."""
    return Task.objects.create(org=customer.org, owner=customer.owner, customer=customer, title="Visit")


def _checklist_item(customer):
    task = _task(customer)
    return ChecklistItem.objects.create(org=customer.org, task=task, text="Bring the contract")


def _recurring_task(customer):
    """A weekly rule of the customer's account manager (seen and changed like their tasks)."""
    return RecurringTask.objects.create(
        org=customer.org,
        owner=customer.owner,
        title="Weekly report",
        frequency="weekly",
        weekday=0,
        starts_on=dt.date(2026, 1, 1),
        active_since=dt.date(2026, 1, 1),
    )


def _comment(customer):
    """A comment by the customer's account manager on their task (theirs alone to change)."""
    return Comment.objects.create(org=customer.org, task=_task(customer), author=customer.owner, body="Called")


def _attachment(customer):
    """A file the customer's account manager attached to their task, kept where the service keeps it."""
    from pacekeeper.work.discussion import attachments_folder

    task = _task(customer)
    folder = attachments_folder(customer.org_id)
    folder.mkdir(parents=True, exist_ok=True)
    stored_as = secrets.token_hex(16)
    (folder / stored_as).write_bytes(b"%PDF-1.7\n")
    return Attachment.objects.create(
        org=customer.org,
        task=task,
        uploaded_by=customer.owner,
        name="offer.pdf",
        stored_as=stored_as,
        content_type="application/pdf",
        size=9,
    )


def _skill(customer):
    """A skill of the customer's organisation (the catalogue is the whole organisation's)."""
    return Skill.objects.create(org=customer.org, name=f"Skill {customer.pk}")


def _skill_level(customer):
    """The customer's account manager's self-assessed level in a skill, awaiting confirmation."""
    return SkillLevel.objects.create(
        org=customer.org, person=customer.owner, skill=_skill(customer), self_level=3, level=3
    )


def _work_plan(customer):
    """A plan of the customer's account manager's personal goal: seen with the goal."""
    return WorkPlan.objects.create(org=customer.org, goal=_personal_goal(customer), title="Plan")


_template_numbers = itertools.count(1)


def _plan_template(customer):
    """A template of the customer's organisation, with one step (titles are unique per org)."""
    template = PlanTemplate.objects.create(org=customer.org, title=f"Template {next(_template_numbers)}")
    PlanTemplateStep.objects.create(org=customer.org, template=template, title="Call", duration_days=2)
    return template


def _resource_request(customer):
    """A budget request on a task of the customer's account manager, asked by them (seen with the task)."""
    task = _task(customer)
    return ResourceRequest.objects.create(
        org=customer.org, task=task, kind="budget", description="Gifts", amount_minor=100_00, requested_by=task.owner
    )


_report_weeks = itertools.count(0)


def _work_report(customer):
    """A submitted weekly work report of the customer's account manager (a week of its own each
    time), with one news item and one open request for help."""
    start = dt.date(2026, 1, 5) + dt.timedelta(weeks=next(_report_weeks))
    report = WorkReport.objects.create(
        org=customer.org,
        author=customer.owner,
        cadence="weekly",
        period_start=start,
        period_end=start + dt.timedelta(days=6),
        status="submitted",
        submitted_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    NewsItem.objects.create(org=customer.org, report=report, text="Rival cut prices", competitor="Rival")
    HelpItem.objects.create(org=customer.org, report=report, text="Need a product expert")
    return report


def _meeting_series(customer):
    """The meeting series of the customer's account manager's team, with them as a member."""
    team = _membership_team(customer)
    series = MeetingSeries.objects.create(org=customer.org, team=team, title=f"{team.name} weekly")
    MeetingSeriesMember.objects.create(org=customer.org, series=series, person=customer.owner)
    return series


def _meeting(customer):
    """A planned meeting of that series."""
    series = _meeting_series(customer)
    return Meeting.objects.create(org=customer.org, series=series, held_on=dt.date(2026, 12, 7))


def _meeting_item(customer):
    """A point the customer's account manager added to a planned meeting of their team."""
    meeting = _meeting(customer)
    owner = customer.owner
    return MeetingItem.objects.create(
        org=customer.org, meeting=meeting, kind="point", text="Pricing", person=owner, author=owner
    )


def _survey_template(customer):
    """A survey of the customer's organisation, with one CSAT question (names are unique per org)."""
    number = next(_template_numbers)
    template = SurveyTemplate.objects.create(org=customer.org, name_zh=f"调查 {number}", name_en=f"Survey {number}")
    template.questions.create(org=customer.org, kind="csat", text_zh="满意吗？", text_en="Satisfied?")
    return template


def _survey_campaign(customer):
    """A campaign of the customer's organisation, not sent (the organisation's, like templates)."""
    return Campaign.objects.create(org=customer.org, template=_survey_template(customer), name="Q4")


def _survey_invitation(customer):
    """An open invitation to a contact of the customer, credited to its account manager."""
    nonce = survey_tokens.new_nonce()
    return Invitation.objects.create(
        org=customer.org,
        template=_survey_template(customer),
        customer=customer,
        contact=ContactFactory(customer=customer),
        manager=customer.owner,
        nonce=nonce,
        token_hash=survey_tokens.token_hash(survey_tokens.token_for(nonce)),
        expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=30),
    )


def _survey_answer(customer):
    invitation = _survey_invitation(customer)
    return Answer.objects.create(
        org=customer.org,
        invitation=invitation,
        template=invitation.template,
        customer=customer,
        contact=invitation.contact,
        manager=customer.owner,
        csat=4,
    )


_report_weeks = itertools.count(1)


def _progress_report(customer):
    """A kept weekly progress report about the customer's account manager (seen like their portfolio)."""
    starts_on = dt.date(2026, 1, 5) + dt.timedelta(weeks=next(_report_weeks))
    document = {
        "title": "Report",
        "subtitle": "Week",
        "language": "en",
        "organisation": customer.org.name,
        "generated_at": None,
        "footnotes": [],
        "sections": [],
    }
    return ProgressReport.objects.create(
        org=customer.org,
        subject_kind="person",
        person=customer.owner,
        subject_ref=customer.owner_id,
        period_kind="week",
        starts_on=starts_on,
        ends_on=starts_on + dt.timedelta(days=6),
        language="en",
        title="Report",
        subtitle="Week",
        fingerprint="0" * 64,
        document=document,
        pdf=b"%PDF-",
        xlsx=b"PK",
    )


_badge_numbers = itertools.count(1)


def _badge(customer):
    """A badge of the customer's organisation (the badges are the whole organisation's)."""
    number = next(_badge_numbers)
    return Badge.objects.create(org=customer.org, code=f"b{number}", name_zh=f"徽章{number}", name_en=f"Badge {number}")


def _badge_award(customer):
    """A badge the customer's account manager earned: seen with the person."""
    return BadgeAward.objects.create(
        org=customer.org,
        badge=_badge(customer),
        person=customer.owner,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 1, 31),
    )


def _kudos(customer):
    """Kudos from the organisation's director to the customer's account manager: seen in that
    person's team feed and by their chain."""
    giver = customer.org.users.get(role="director")
    return Kudos.objects.create(org=customer.org, giver=giver, recipient=customer.owner, text="Well done")


def _churning_customer(customer):
    """An active customer of the same account manager, never contacted in two years: at risk."""
    from tests.factories import CustomerFactory

    return CustomerFactory(owner=customer.owner, created_on=dt.date(2024, 1, 1))


def _value_service(customer):
    from pacekeeper.relationships.models import ValueService

    return ValueService.objects.create(
        org=customer.org,
        customer=customer,
        kind="consulting",
        delivered_on=dt.date(2026, 3, 1),
        effort_hours=2,
        delivered_by=customer.owner,
    )


def _education_session(customer):
    from pacekeeper.relationships.models import EducationSession

    return EducationSession.objects.create(
        org=customer.org, customer=customer, title="Intro", held_on=dt.date(2026, 3, 1), host=customer.owner
    )


def _conflict(customer):
    """A conflict case the customer's account manager raised between themselves and the team B
    lead (no viewer here): private to those two, a mediator, and directors."""
    other_lead = customer.org.users.get(username__endswith="_other_lead")
    conflict = Conflict.objects.create(org=customer.org, title="Case", description="d", raised_by=customer.owner)
    for person in (customer.owner, other_lead):
        ConflictParty.objects.create(org=customer.org, conflict=conflict, person=person)
    return conflict


def _risk(customer):
    """A risk about the customer, owned by its account manager: seen with the customer."""
    return Risk.objects.create(
        org=customer.org,
        level="customer",
        customer=customer,
        title="Key account may leave",
        category="market",
        probability=3,
        impact=4,
        owner=customer.owner,
        review_on=dt.date(2030, 1, 1),
    )


def _receivable(customer):
    """A payment due date of one of the customer's sales: seen with the sale."""
    return Receivable.objects.create(
        org=customer.org, sale=SaleFactory(customer=customer), due_on=dt.date(2026, 12, 31)
    )


_insight_numbers = itertools.count(1)


def _insight_topic(customer):
    """A feedback topic of the customer's organisation (the topic list is the whole organisation's)."""
    from pacekeeper.insights.models import Topic

    number = next(_insight_numbers)
    return Topic.objects.create(
        org=customer.org, code=f"t{number}", name_zh=f"话题{number}", name_en=f"Topic {number}", keywords_zh="价格"
    )


def _text_analysis(customer):
    """An analysed interaction note about the customer, credited to its account manager."""
    from pacekeeper.insights.models import TextAnalysis

    return TextAnalysis.objects.create(
        org=customer.org,
        source="interaction",
        source_id=next(_insight_numbers),
        day=dt.date(2026, 11, 5),
        customer=customer,
        manager=customer.owner,
        excerpt="价格太贵",
        language="zh",
        sentiment="negative",
        text_hash="x",
        config_hash="x",
    )


def _ticket(customer):
    """A complaint about the customer, given to its account manager (the portfolio rule)."""
    from django.utils import timezone

    now = timezone.now()
    ticket = Ticket.objects.create(
        org=customer.org,
        customer=customer,
        assignee=customer.owner,
        manager=customer.owner,
        channel="phone",
        kind="complaint",
        subject="Late",
        created_at=now,
        response_target=3600,
        resolution_target=7200,
    )
    TicketStatusChange.objects.create(org=customer.org, ticket=ticket, after="new", at=now)
    return ticket


def _ticket_attachment(customer):
    """A file on a ticket about the customer, kept where the service keeps it: seen with the ticket."""
    from pacekeeper.tickets.services import attachments_folder

    folder = attachments_folder(customer.org_id)
    folder.mkdir(parents=True, exist_ok=True)
    stored_as = secrets.token_hex(16)
    (folder / stored_as).write_bytes(b"%PDF-1.7\n")
    return _ticket(customer).attachments.create(
        org=customer.org, name="invoice.pdf", stored_as=stored_as, content_type="application/pdf", size=9
    )


_sla_combos = itertools.count(0)


def _ticket_sla_policy(customer):
    """One of the organisation's 20 (severity, tier) targets, in turn (the SLA policy is the
    organisation's)."""
    number = next(_sla_combos) % 20
    severity, tier = (
        ["critical", "high", "normal", "low"][number // 5],
        ["", "strategic", "key", "standard", "sme"][number % 5],
    )
    policy, _created = SlaPolicy.objects.update_or_create(
        org=customer.org,
        severity=severity,
        tier=tier,
        defaults={"first_response_hours": 1, "resolution_hours": 2},
    )
    return policy


def _training_course(customer, pass_mark=None):
    """A course of the customer's organisation (the catalogue is the whole organisation's)."""
    return Course.objects.create(
        org=customer.org, category="product", title_zh="课程", title_en="Course", pass_mark=pass_mark
    )


def _training_session(customer):
    """A coming session, led by the customer's account manager (the catalogue's, like courses)."""
    from django.utils import timezone

    starts = timezone.now() + dt.timedelta(days=1)
    return TrainingSession.objects.create(
        org=customer.org,
        course=_training_course(customer),
        trainer=customer.owner,
        place="Room",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        capacity=50,
        created_by=customer.owner,
    )


def _training_enrolment(customer):
    """The customer's account manager holds a place on a coming session."""
    from django.utils import timezone

    owner = customer.owner
    return Enrolment.objects.create(
        org=customer.org,
        session=_training_session(customer),
        person=owner,
        status="enrolled",
        enrolled_by=owner,
        created_at=timezone.now(),
    )


def _training_assessment(customer):
    """The customer's account manager's score (personal: no analyst)."""
    from django.utils import timezone

    owner = customer.owner
    return Assessment.objects.create(
        org=customer.org,
        course=_training_course(customer, pass_mark=60),
        person=owner,
        score=80,
        pass_mark=60,
        passed=True,
        assessed_by=owner,
        assessed_at=timezone.now(),
    )


def _training_certificate(customer):
    from django.utils import timezone

    owner = customer.owner
    return TrainingCertificate.objects.create(
        org=customer.org, course=_training_course(customer), person=owner, issued_by=owner, issued_at=timezone.now()
    )


def _training_skill_proposal(customer):
    """A completed course proposes level 3 in a skill to the customer's account manager's lead."""
    skill = Skill.objects.create(org=customer.org, name=f"Trained skill {next(_badge_numbers)}")
    return SkillProposal.objects.create(
        org=customer.org, person=customer.owner, course=_training_course(customer), skill=skill, level=3
    )


def _onboarding_plan(customer):
    """A role's onboarding plan (one per role: each call takes a role the organisation lacks)."""
    taken = set(OnboardingPlan.objects.filter(org=customer.org).values_list("role", flat=True))
    role = next(r for r in ("manager", "lead", "director", "admin", "analyst") if r not in taken)
    return OnboardingPlan.objects.create(org=customer.org, role=role, title="Plan")


def _onboarding_task(customer):
    """An onboarding item of the customer's account manager."""
    plan = _onboarding_plan(customer)
    item = OnboardingItem.objects.create(org=customer.org, plan=plan, title="Meet", due_after_days=3)
    return OnboardingTask.objects.create(
        org=customer.org, person=customer.owner, item=item, due_on=dt.date(2026, 12, 1)
    )


# Object makers by the collection an id belongs to: given the target's customer, the object.
MAKERS = {
    "customers": lambda customer: customer,
    "contacts": lambda customer: ContactFactory(customer=customer),
    "interactions": lambda customer: InteractionFactory(
        customer=customer, next_step="call back", next_step_on=dt.date.today() + dt.timedelta(days=7)
    ),
    "sales": lambda customer: SaleFactory(customer=customer),
    "contracts": _contract,
    "opportunities": lambda customer: OpportunityFactory(customer=customer),
    "users": lambda customer: customer.owner,
    "teams": _membership_team,
    "memberships": _membership,
    "goals": _personal_goal,
    "goal-changes": _goal_change,
    "imports": lambda customer: ImportJob.objects.create(
        org=customer.org, created_by=customer.owner, kind="customers", filename="c.csv", stored_as=f"t{customer.pk}"
    ),
    "plans": _plan,
    "payouts": _approved_run,
    "payout-lines": lambda customer: _approved_run(customer).lines.get(),
    "review-cycles": _open_cycle,
    "evaluations": _evaluation,
    "notifications": _notification,
    "tasks": _task,
    "checklist-items": _checklist_item,
    "recurring-tasks": _recurring_task,
    "comments": _comment,
    "attachments": _attachment,
    "skills": _skill,
    "skill-levels": _skill_level,
    "work-plans": _work_plan,
    "plan-templates": _plan_template,
    "resource-requests": _resource_request,
    "work-reports": _work_report,
    "work-report-help-items": lambda customer: _work_report(customer).help_items.get(),
    "work-report-news": lambda customer: _work_report(customer).news.get(),
    "meeting-series": _meeting_series,
    "meetings": _meeting,
    "meeting-items": _meeting_item,
    "feedback/templates": _survey_template,
    "feedback/campaigns": _survey_campaign,
    "feedback/invitations": _survey_invitation,
    "feedback/answers": _survey_answer,
    "progress-reports": _progress_report,
    "kudos": _kudos,
    "badges": _badge,
    "badge-awards": _badge_award,
    "relationship-health": _churning_customer,
    "churn-risks": _churning_customer,
    "value-services": _value_service,
    "education-sessions": _education_session,
    "conflicts": _conflict,
    "risks": _risk,
    "risk-receivables": _receivable,
    "insight-topics": _insight_topic,
    "text-analyses": _text_analysis,
    "tickets": _ticket,
    "ticket-sla-policies": _ticket_sla_policy,
    "training-courses": _training_course,
    "training-sessions": _training_session,
    "training-enrolments": _training_enrolment,
    "training-assessments": _training_assessment,
    "training-certificates": _training_certificate,
    "training-skill-proposals": _training_skill_proposal,
    "onboarding-plans": _onboarding_plan,
    "onboarding-tasks": _onboarding_task,
}
# An import is its author's alone (here the target's account manager made it).
SEES_OWN = {viewer: {viewer} & set(TARGETS) for viewer in VIEWERS}
ORG_ONE = {"manager", "teammate", "sub_manager", "other_manager"}
# Pay (DESIGN: the analyst sees no pay data): plans for everyone paid or paying; runs for the org
# admin and directors; a line also for the person's lead, and the person once approved.
SEES_PLANS = {"admin": ORG_ONE, "director": ORG_ONE, "analyst": set(), "lead": ORG_ONE, "manager": ORG_ONE}
SEES_RUNS = {"admin": ORG_ONE, "director": ORG_ONE, "analyst": set(), "lead": set(), "manager": set()}
SEES_LINES = {**SEES_PORTFOLIO, "analyst": set()}
# Plan templates are the organisation's know-how: everyone in it reads them.
SEES_ORG = dict.fromkeys(VIEWERS, ORG_ONE)
EXPECTED_SCOPE = {kind: SEES_PORTFOLIO for kind in MAKERS} | {
    "teams": SEES_TEAM,
    # A membership is seen with its team.
    "memberships": SEES_TEAM,
    "imports": SEES_OWN,
    "plans": SEES_PLANS,
    "payouts": SEES_RUNS,
    "payout-lines": SEES_LINES,
    # Evaluations are personal like pay lines (no analyst); everyone else sees the cycles.
    "review-cycles": SEES_PLANS,
    "evaluations": SEES_LINES,
    # A notification is its recipient's alone (here the target's account manager).
    "notifications": SEES_OWN,
    # The skill catalogue is the organisation's; levels follow the people (the portfolio rule).
    "skills": {viewer: ORG_ONE for viewer in VIEWERS},
    "plan-templates": SEES_ORG,
    # A team's meetings: the organisation-wide roles (the analyst reads), the leads of the team
    # and above, and the team's people (a manager: their own team's, not the sub-team's).
    "meeting-series": SEES_TEAM,
    "meetings": SEES_TEAM,
    "meeting-items": SEES_TEAM,
    # Survey templates and campaigns are the organisation's; invitations and answers follow the
    # customer (the portfolio rule).
    "feedback/templates": SEES_ORG,
    "feedback/campaigns": SEES_ORG,
    # Kudos are read in the recipient's team feed and by their chain.
    "kudos": SEES_TEAM,
    "badges": SEES_ORG,
    # Conflict cases: the people involved (here the target raised it and is a party) and
    # directors (HR); not the org admin, not the analyst, not a lead who is not involved.
    "conflicts": {"admin": set(), "director": ORG_ONE, "analyst": set(), "lead": set(), "manager": {"manager"}},
    # Feedback topics are the organisation's list; analysed texts follow the portfolio rule.
    "insight-topics": SEES_ORG,
    # The SLA targets are the organisation's: everyone reads them, the org admin keeps them.
    "ticket-sla-policies": SEES_ORG,
    # Training: the catalogue, its sessions and the onboarding plans are the organisation's;
    # scores and certificates are personal like evaluations (no analyst); enrolments, onboarding
    # items and skill proposals follow the people (the portfolio rule).
    "training-courses": SEES_ORG,
    "training-sessions": SEES_ORG,
    "onboarding-plans": SEES_ORG,
    "training-assessments": SEES_LINES,
    "training-certificates": SEES_LINES,
}
# PATCH rights beyond visibility: people and teams are the org admin's (a user may edit only themselves);
# goals are set by directors and admins, and by a lead for their people.
ADMIN_ONLY_WRITES = {"users", "teams"}
# Plans are the org admin's; runs, lines and cycles the pay and review admins'. (An evaluation's
# steps belong to its person, reviewer and calibrator, each step its own rule: tests/reviews.)
PAY_AND_REVIEW_WRITERS = {
    "plans": {"admin"},
    "payouts": {"admin", "director"},
    "payout-lines": {"admin", "director"},
    "review-cycles": {"admin", "director"},
}
GOAL_SETTERS = {"admin", "director", "lead"}
SKILL_CONFIRMERS = {"admin", "director", "lead"}
TRAINING_ADMINS = {"admin", "director"}
# A work plan is changed by whoever sets its goal; plan templates by the org admin and directors.
TEMPLATE_WRITERS = {"admin", "director"}
# Survey templates are kept by the org admin and directors; campaigns are run by leads too.
SURVEY_CAMPAIGN_RUNNERS = {"admin", "director", "lead"}
# A campaign is sent by its maker, the org admin or a director (another lead would spend it).
SURVEY_CAMPAIGN_SENDERS = {"admin", "director"}
# A lead's lowering of their own team's target waits for a director, who alone decides it.
CHANGE_DECIDERS = {"director"}
# A work report is written by its author alone (here the target's account manager); the author's
# lead chain, directors and the org admin mark it read and take up its requests for help; they and
# the author comment. The analyst reads submitted reports, nothing more (docs/rhythm.md).
WORK_REPORT_LEADS = {"admin", "director", "lead"}
# A team's meetings are run by its lead (or a lead above), a director or the org admin; the
# members who write add their points; an item is taken back by its author or a runner.
MEETING_RUNNERS = {"admin", "director", "lead"}


def _target_customer(world, target: str):
    if target == "other_org":
        return world.two.customers["manager"]
    return world.one.customers[target]


# Public routes: no session, only the token in the path (their own section below).
PUBLIC_API_ROUTES = {"/api/v1/feedback/public/{invitation_token}"}


def api_object_routes() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    routes = []
    for path, operations in schema["paths"].items():
        if "{" not in path or path in PUBLIC_API_ROUTES:
            continue
        for method in operations:
            routes.append((method.upper(), path))
    return sorted(routes)


def _collection(path: str) -> str:
    """The first part of the path ("tasks"), or the first two under an app's prefix ("feedback/answers")."""
    parts = path.removeprefix("/api/v1/").split("/")
    return "/".join(parts[:2]) if parts[0] == "feedback" else parts[0]


def test_it_knows_a_maker_for_every_api_object_route():
    unknown = {path for _method, path in api_object_routes() if _collection(path) not in MAKERS}
    assert not unknown, f"object routes without a scoping rule in this test: {unknown}"


@pytest.mark.parametrize("method,path", api_object_routes())
def test_it_answers_api_object_routes_by_scope(method, path, world, client):
    kind = _collection(path)
    objects = {target: MAKERS[kind](_target_customer(world, target)) for target in TARGETS}
    for viewer in VIEWERS:
        if method == "DELETE":  # a permitted delete removes the object: each viewer gets their own
            objects = {target: MAKERS[kind](_target_customer(world, target)) for target in TARGETS}
        person = getattr(world.one, viewer)
        person.refresh_from_db()  # an earlier viewer's action may have ended their sessions
        client.force_login(person)
        missing_url = re.sub(r"\{\w+\}", "987654321", path)
        missing = client.generic(method, missing_url, data="{}", content_type="application/json").status_code
        # A missing id answers 404, or 422 when the body is checked first (the same for any id).
        assert missing in (404, 422), (method, path, missing)
        for target, obj in objects.items():
            url = re.sub(r"\{\w+\}", str(obj.pk), path)
            response = client.generic(method, url, data="{}", content_type="application/json")
            visible = target in EXPECTED_SCOPE[kind][viewer]
            expected = _expected(method, kind, viewer, target, path) if visible else {missing}
            assert response.status_code in expected, (viewer, target, method, url, response.content[:300])


# Operations on a person that are the org admin's alone, even on oneself.
ADMIN_ONLY_OPERATIONS = {"/api/v1/users/{user_id}/two-factor-reset"}


def _expected(method: str, kind: str, viewer: str, target: str, path: str = "") -> set[int]:
    """Allowed answers for a visible object; a permitted write may still be refused as invalid
    (400/422) for an empty body."""
    if path.endswith("/certificate"):
        return {404} if viewer == "analyst" else {200}  # the analyst sees badges, not certificates
    if method == "GET":
        return {200}
    if path in ADMIN_ONLY_OPERATIONS:
        return {200} if viewer == "admin" else {403}
    if kind == "goals":
        return {200, 400, 422} if viewer in GOAL_SETTERS else {403, 422}
    if kind == "work-plans":
        return {200, 400, 422} if viewer in GOAL_SETTERS else {403, 422}
    if kind == "plan-templates":
        return {200, 204, 400, 422} if viewer in TEMPLATE_WRITERS else {403, 422}
    if kind == "feedback/templates":
        return {200, 201, 400, 422} if viewer in TEMPLATE_WRITERS else {403, 422}
    if kind == "insight-topics":  # kept by the org admin and directors (an empty PATCH changes nothing)
        return {200, 204} if viewer in TEMPLATE_WRITERS else {403}
    if kind == "feedback/campaigns":
        # Sending: the first sender sends (200), the next ones find it sent (400). The campaign
        # has no maker here, so only the org admin and directors may send it.
        return {200, 400} if viewer in SURVEY_CAMPAIGN_SENDERS else {403}
    if kind == "feedback/answers":
        return {403}  # answers are kept: a delete is refused to everyone (and audited)
    if kind == "goal-changes":
        return {200, 400, 422} if viewer in CHANGE_DECIDERS else {403, 422}
    if kind == "evaluations":
        return {200, 400, 403, 422}
    if kind == "notifications":
        return {200}  # marking one's own read is no business write: every role may
    if kind == "memberships":
        # Ending one needs a date (422 for an empty body, before the role is looked at).
        return {200, 400, 422} if viewer == "admin" else {403, 422}
    if kind in PAY_AND_REVIEW_WRITERS:
        # A permitted write may still be refused for an empty body (422) or the object's state
        # (400: an approved run cannot rerun, an open cycle cannot open again); the services'
        # own rules are tested in tests/incentives and tests/reviews.
        return {200, 400, 422} if viewer in PAY_AND_REVIEW_WRITERS[kind] else {403, 422}
    if kind == "work-reports":
        if path.endswith("/read"):
            return {200} if viewer in WORK_REPORT_LEADS else {403}
        if path.endswith("/comments"):  # an empty body is refused first (422), for anyone
            return {201, 422} if viewer in WORK_REPORT_LEADS or viewer == target else {403, 422}
        if path.endswith("/submit"):  # the maker's report is submitted already (400)
            return {400} if viewer == target else {403}
        return {200} if viewer == target else {403}
    if kind == "work-report-help-items":
        # The first lead takes it up; the next are told it has been taken up already (400).
        return {200, 400} if viewer in WORK_REPORT_LEADS else {403}
    if kind == "meeting-series":
        if path.endswith("/meetings"):  # plans the next meeting (an empty body asks for it)
            return {201} if viewer in MEETING_RUNNERS else {403}
        return {200} if viewer in MEETING_RUNNERS else {403}
    if kind == "meetings":
        if path.endswith(("/items", "/action-items")):  # the body is checked first: text, owner, date
            return {422}
        # Opening a planned meeting works once (a second runner: 400); closing needs it open (400).
        return {200, 400} if viewer in MEETING_RUNNERS else {403}
    if kind == "meeting-items":
        return {204} if viewer in MEETING_RUNNERS or viewer == target else {403}
    if kind == "conflicts":
        # An empty body is refused first (422) on the steps that take one; the raiser's PATCH
        # changes nothing (200); confirming is a party's, refused while the case is only raised
        # (400). The order of steps and who takes each: tests/teamhealth/test_conflicts.py.
        if path.endswith("/confirm"):
            return {400} if viewer == target else {403}
        return {200} if method == "PATCH" else {422}
    if kind == "risks" and method == "POST":
        return {422}  # an action needs its title: the body is checked first, for anyone
    if kind == "comments":
        # A comment is its author's to reword or delete (here the target's account manager's).
        return {200, 204} if viewer == target else {403}
    if kind in ("value-services", "education-sessions") and method in ("PATCH", "POST"):
        return {422}  # the body is checked first: a rating, the attendees
    if kind == "attachments":
        # Deleted by its uploader or whoever edits the task in full: every writer who sees it here.
        return {204} if viewer in WRITERS else {403}
    if kind == "tickets":
        # Status, assignee, thread: the body is checked first (422 for an empty one), then the role.
        return {200, 201, 400, 422} if viewer in WRITERS else {403, 422}
    if kind == "ticket-sla-policies":
        return {204} if viewer == "admin" else {403}
    if method == "DELETE":
        return {204} if viewer in WRITERS else {403}
    if kind == "tasks" and method == "POST":
        # Adding a checklist item needs its text (422 for an empty body, before the rights).
        return {201, 422} if viewer in WRITERS else {403, 422}
    if kind == "skills":
        return {200} if viewer == "admin" else {403}  # the org admin keeps the catalogue
    if kind == "skill-levels":
        # Confirmed by a lead for their people, a director or admin: never by oneself (the
        # manager viewer's target here is their own level).
        return {200} if viewer in SKILL_CONFIRMERS else {403}
    if kind == "training-courses":
        return {200} if viewer in TRAINING_ADMINS else {403}  # the catalogue is kept by admins and directors
    if kind in ("training-sessions", "onboarding-plans"):
        return {422}  # a check-in needs its code, an item its title: the body is checked first
    if kind == "training-enrolments":
        # Cancelled by the person, their lead, a director or the org admin; the next finds it cancelled.
        return {200, 400} if viewer in WRITERS else {403}
    if kind == "training-skill-proposals":
        # Decided like a skill level (never one's own); the next confirmer finds it decided.
        return {200, 400} if viewer in SKILL_CONFIRMERS else {403}
    if kind == "onboarding-tasks":
        return {200} if viewer in WRITERS else {403}
    if kind == "resource-requests":
        # An empty PATCH says nothing to do (400) to every writer; deciding and spending rights
        # are the service's, tested in tests/work/test_resources.py.
        return {400} if viewer in WRITERS else {403}
    if kind in ADMIN_ONLY_WRITES:
        return {200} if viewer == "admin" or (kind == "users" and viewer == target) else {403}
    return {200} if viewer in WRITERS else {403}


# --- pages ----------------------------------------------------------------------------------------


def page_object_routes() -> list[tuple[str, str]]:
    """(URL name, pattern) of every page whose URL carries an object id."""
    found = []

    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
            elif isinstance(pattern, URLPattern) and "<int:" in str(pattern.pattern):
                found.append((namespace + (pattern.name or ""), prefix + str(pattern.pattern)))

    walk(get_resolver().url_patterns)
    return sorted(route for route in found if not route[1].startswith("admin/"))


PAGE_MAKERS = {
    "plan_id": MAKERS["plans"],
    "run_id": MAKERS["payouts"],
    "line_id": MAKERS["payout-lines"],
    "cycle_id": MAKERS["review-cycles"],
    "evaluation_id": MAKERS["evaluations"],
    "user_id": MAKERS["users"],
    "goal_id": MAKERS["goals"],
    "change_id": MAKERS["goal-changes"],
    "customer_id": MAKERS["customers"],
    "interaction_id": MAKERS["interactions"],
    "opportunity_id": MAKERS["opportunities"],
    "membership_id": MAKERS["memberships"],
    "notification_id": MAKERS["notifications"],
    "task_id": MAKERS["tasks"],
    "item_id": MAKERS["checklist-items"],
    "recurrence_id": MAKERS["recurring-tasks"],
    "comment_id": MAKERS["comments"],
    "attachment_id": MAKERS["attachments"],
    "skill_id": MAKERS["skills"],
    "work_plan_id": MAKERS["work-plans"],
    "template_id": MAKERS["plan-templates"],
    "resource_request_id": MAKERS["resource-requests"],
    "work_report_id": MAKERS["work-reports"],
    "help_item_id": MAKERS["work-report-help-items"],
    "series_id": MAKERS["meeting-series"],
    "meeting_id": MAKERS["meetings"],
    "meeting_item_id": MAKERS["meeting-items"],
    "survey_template_id": MAKERS["feedback/templates"],
    "campaign_id": MAKERS["feedback/campaigns"],
    "contact_id": MAKERS["contacts"],
    "invitation_id": MAKERS["feedback/invitations"],
    "progress_report_id": MAKERS["progress-reports"],
    "badge_award_id": MAKERS["badge-awards"],
    "education_session_id": MAKERS["education-sessions"],
    "conflict_id": MAKERS["conflicts"],
    "risk_id": MAKERS["risks"],
    "insight_topic_id": MAKERS["insight-topics"],
    "ticket_id": MAKERS["tickets"],
    "ticket_attachment_id": lambda customer: _ticket_attachment(customer),
    "training_course_id": MAKERS["training-courses"],
    "training_session_id": MAKERS["training-sessions"],
    "training_enrolment_id": MAKERS["training-enrolments"],
    "training_certificate_id": MAKERS["training-certificates"],
    "training_skill_proposal_id": MAKERS["training-skill-proposals"],
    "onboarding_task_id": MAKERS["onboarding-tasks"],
}


# Personal objects, visible to their owner only, have tests of their own.
PERSONAL_PARAMS = {
    "token_id": "API tokens: test_it_hides_other_peoples_api_tokens",
    "job_id": "imports: tests/test_pages.py::test_it_keeps_imports_private_to_their_author",
}


# Who may write through pages taking this kind of id, where it differs from WRITERS.
PAGE_WRITERS = {
    "goal_id": GOAL_SETTERS,
    "change_id": CHANGE_DECIDERS,
    "plan_id": {"admin"},
    "line_id": {"admin", "director"},
    "cycle_id": {"admin", "director"},
    "notification_id": set(VIEWERS),  # opening one's own marks it read, whatever the role
    "skill_id": {"admin"},  # the catalogue is the org admin's
    "work_plan_id": GOAL_SETTERS,
    "template_id": TEMPLATE_WRITERS,
    "series_id": MEETING_RUNNERS,
    "meeting_id": MEETING_RUNNERS,
    "meeting_item_id": MEETING_RUNNERS,
    "survey_template_id": TEMPLATE_WRITERS,
    "campaign_id": SURVEY_CAMPAIGN_RUNNERS,
    "progress_report_id": {"admin", "director", "lead"},  # generating again: leads, directors, org admins
    "insight_topic_id": TEMPLATE_WRITERS,
    "training_skill_proposal_id": SKILL_CONFIRMERS,
}
# Who may write through one page, where it differs from its id's rule: every member who writes
# adds a point to a meeting.
PAGE_ROUTE_WRITERS = {
    "meetings:item_add": WRITERS,
    "feedback:campaign_send": SURVEY_CAMPAIGN_SENDERS,
    # Scores are recorded by whoever schedules sessions (and the course's trainer).
    "training:assess": {"admin", "director", "lead"},
}
# Written through pages by its author (the target's account manager) or by PAGE_WRITERS.
PAGE_AUTHOR_OR_WRITERS = {"meeting_item_id"}
# Written through pages by its author alone (here the target's account manager), whatever the role.
PAGE_AUTHOR_WRITES = {"comment_id"}
# Who may write through a page of this name, where it is neither WRITERS nor the parameter's rule:
# (viewer, target) → allowed. Work reports: the author writes, the leads read and take up help.
PAGE_NAME_WRITERS = {
    "workreports:edit": lambda viewer, target: viewer == target,
    "workreports:submit": lambda viewer, target: viewer == target,
    "workreports:mark_read": lambda viewer, target: viewer in WORK_REPORT_LEADS,
    "workreports:comment": lambda viewer, target: viewer in WORK_REPORT_LEADS or viewer == target,
    "workreports:help_handle": lambda viewer, target: viewer in WORK_REPORT_LEADS,
    "workreports:help_task": lambda viewer, target: viewer in WORK_REPORT_LEADS,
    # Acknowledging or disputing an evaluation is its person's alone (here: not calibrated yet, 400).
    "reviews:evaluation_respond": lambda viewer, target: viewer == target,
    # Conflict steps: a director names the mediator; the mediator (none yet) or a director records
    # the agreement and closes; each party confirms.
    "teamhealth:conflict_mediation": lambda viewer, target: viewer == "director",
    "teamhealth:conflict_agreement": lambda viewer, target: viewer == "director",
    "teamhealth:conflict_close": lambda viewer, target: viewer == "director",
    "teamhealth:conflict_confirm": lambda viewer, target: viewer == target,
}
# Who sees the object behind this kind of id, where it is not the portfolio rule.
PAGE_SCOPE = {
    "plan_id": SEES_PLANS,
    "run_id": SEES_RUNS,
    "line_id": SEES_LINES,
    "cycle_id": SEES_PLANS,
    "evaluation_id": SEES_LINES,
    "membership_id": SEES_TEAM,
    "notification_id": SEES_OWN,
    "skill_id": EXPECTED_SCOPE["skills"],
    "template_id": SEES_ORG,
    "series_id": SEES_TEAM,
    "meeting_id": SEES_TEAM,
    "meeting_item_id": SEES_TEAM,
    "survey_template_id": SEES_ORG,
    "campaign_id": SEES_ORG,
    "badge_award_id": SEES_LINES,  # certificates: the person, their chain, directors, the org admin
    "conflict_id": EXPECTED_SCOPE["conflicts"],
    "insight_topic_id": SEES_ORG,
    "training_course_id": SEES_ORG,
    "training_session_id": SEES_ORG,
    "training_certificate_id": SEES_LINES,
}
# Settings pages are the org admin's alone: every other role gets 403 whatever the id (the
# refusal comes before the lookup, so it tells nothing about the object).
ADMIN_PAGES = "settings:"


def test_it_knows_a_maker_for_every_page_object_route():
    params = {param for _name, route in page_object_routes() for param in re.findall(r"<int:(\w+)>", route)}
    assert params <= set(PAGE_MAKERS) | set(PERSONAL_PARAMS), params - set(PAGE_MAKERS)


@pytest.mark.parametrize("name,route", page_object_routes())
def test_it_answers_page_object_routes_by_scope(name, route, world, client):
    param = re.findall(r"<int:(\w+)>", route)[0]
    if param in PERSONAL_PARAMS:
        pytest.skip(PERSONAL_PARAMS[param])
    objects = {target: PAGE_MAKERS[param](_target_customer(world, target)) for target in TARGETS}
    for viewer in VIEWERS:
        if name.endswith("delete"):  # a permitted delete takes the object away: each viewer gets their own
            objects = {target: PAGE_MAKERS[param](_target_customer(world, target)) for target in TARGETS}
        person = getattr(world.one, viewer)
        person.refresh_from_db()  # an earlier viewer's action may have ended their sessions
        client.force_login(person)
        for target, obj in objects.items():
            url = "/" + re.sub(r"<int:\w+>", str(obj.pk), route)
            get = client.get(url)
            response = client.post(url, {}) if get.status_code == 405 else get
            visible = target in PAGE_SCOPE.get(param, SEES_PORTFOLIO)[viewer]
            is_write = get.status_code == 405 or name.split(":")[-1].endswith(("edit", "create"))
            writers = PAGE_ROUTE_WRITERS.get(name, PAGE_WRITERS.get(param, WRITERS))
            may_write = viewer in writers or (param in PAGE_AUTHOR_OR_WRITERS and viewer == target)
            if name.startswith(ADMIN_PAGES) and viewer != "admin":
                assert response.status_code == 403, (viewer, target, url)
            elif not visible:
                assert response.status_code == 404, (viewer, target, url)
            elif is_write and name in PAGE_NAME_WRITERS:
                allowed = PAGE_NAME_WRITERS[name](viewer, target)
                assert (response.status_code == 403) != allowed, (viewer, target, url, response.status_code)
                assert allowed or response.status_code == 403
            elif is_write and not may_write:
                assert response.status_code == 403, (viewer, target, url)
            elif is_write and param in PAGE_AUTHOR_WRITES and viewer != target:
                assert response.status_code == 403, (viewer, target, url)
            else:
                assert response.status_code in (200, 204, 302, 400), (viewer, target, url, response.status_code)


def test_it_hides_other_peoples_api_tokens(world, client):
    from pacekeeper.tenancy.services import api_token_create

    token, _secret = api_token_create(user=world.one.teammate, name="theirs")
    client.force_login(world.one.manager)
    response = client.post(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


# --- lists return exactly the visible rows ---------------------------------------------------------

LIST_ROUTES = {
    "/api/v1/goals": "goals",
    "/api/v1/goal-changes": "goal-changes",
    "/api/v1/customers": "customers",
    "/api/v1/contacts": "contacts",
    "/api/v1/interactions": "interactions",
    "/api/v1/sales": "sales",
    "/api/v1/contracts": "contracts",
    "/api/v1/opportunities": "opportunities",
    "/api/v1/users": "users",
    "/api/v1/teams": "teams",
    "/api/v1/imports": "imports",
    "/api/v1/plans": "plans",
    "/api/v1/payouts": "payouts",
    "/api/v1/payout-lines": "payout-lines",
    "/api/v1/review-cycles": "review-cycles",
    "/api/v1/evaluations": "evaluations",
    "/api/v1/notifications": "notifications",
    "/api/v1/tasks": "tasks",
    "/api/v1/recurring-tasks": "recurring-tasks",
    "/api/v1/skills": "skills",
    "/api/v1/skill-levels": "skill-levels",
    "/api/v1/work-plans": "work-plans",
    "/api/v1/plan-templates": "plan-templates",
    "/api/v1/resource-requests": "resource-requests",
    "/api/v1/work-reports": "work-reports",
    "/api/v1/work-reports/news": "work-report-news",
    "/api/v1/work-report-help-items": "work-report-help-items",
    "/api/v1/meeting-series": "meeting-series",
    "/api/v1/meetings": "meetings",
    "/api/v1/feedback/templates": "feedback/templates",
    "/api/v1/feedback/campaigns": "feedback/campaigns",
    "/api/v1/feedback/invitations": "feedback/invitations",
    "/api/v1/feedback/answers": "feedback/answers",
    "/api/v1/progress-reports": "progress-reports",
    "/api/v1/kudos": "kudos",
    "/api/v1/badges": "badges",
    "/api/v1/badge-awards": "badge-awards",
    "/api/v1/relationship-health": "relationship-health",
    "/api/v1/churn-risks": "churn-risks",
    "/api/v1/value-services": "value-services",
    "/api/v1/education-sessions": "education-sessions",
    "/api/v1/conflicts": "conflicts",
    "/api/v1/risks": "risks",
    "/api/v1/risk-receivables": "risk-receivables",
    "/api/v1/insight-topics": "insight-topics",
    "/api/v1/text-analyses": "text-analyses",
    "/api/v1/tickets": "tickets",
    "/api/v1/ticket-sla-policies": "ticket-sla-policies",
    "/api/v1/training-courses": "training-courses",
    "/api/v1/training-sessions": "training-sessions",
    "/api/v1/training-enrolments": "training-enrolments",
    "/api/v1/training-assessments": "training-assessments",
    "/api/v1/training-certificates": "training-certificates",
    "/api/v1/training-skill-proposals": "training-skill-proposals",
    "/api/v1/onboarding-plans": "onboarding-plans",
    "/api/v1/onboarding-tasks": "onboarding-tasks",
}


# Not rows of a list: the person themselves, and their organisation's settings (the same for
# everyone in it; writing them is tested in tests/tenancy/test_memberships_api.py).
SINGLE_OBJECTS = {"/api/v1/me", "/api/v1/organization", "/api/v1/follow-up-policies", "/api/v1/risk-settings"}
# Figures computed for subjects; scoped by role in kpis.selectors, tested in tests/kpis/test_api_pages.py.
COMPUTED_ROUTES = {"/api/v1/kpis/metrics", "/api/v1/kpis/values", "/api/v1/kpis/leaderboard"}
# The workload of a team: scoped by team and people in work.workload, tested in tests/work/test_workload.py.
COMPUTED_ROUTES |= {"/api/v1/workload"}
# Anonymous pulse figures of whole teams, shown by the group rule (teamhealth/groups.py); the
# person's own pulse status and the organisation's pulse settings. Tested in tests/teamhealth.
COMPUTED_ROUTES |= {"/api/v1/pulse/results"}
SINGLE_OBJECTS |= {"/api/v1/pulse/status", "/api/v1/pulse/settings"}
# The risk heat map counts the risks the viewer sees (risks_q), tested in tests/risks/test_api.py.
COMPUTED_ROUTES |= {"/api/v1/risk-heatmap"}


def test_it_covers_every_api_list_route():
    schema = api.get_openapi_schema()
    lists = {path for path, operations in schema["paths"].items() if "{" not in path and "get" in operations}
    assert lists - SINGLE_OBJECTS - COMPUTED_ROUTES == set(LIST_ROUTES)


@pytest.mark.parametrize("path,kind", sorted(LIST_ROUTES.items()))
def test_it_lists_exactly_what_each_role_may_see(path, kind, world, client):
    objects = {target: MAKERS[kind](_target_customer(world, target)) for target in TARGETS}
    for viewer in VIEWERS:
        client.force_login(getattr(world.one, viewer))
        body = client.get(path, {"page_size": 500}).json()
        returned = {item["id"] for item in body["items"]}
        expected = {objects[t].pk for t in EXPECTED_SCOPE[kind][viewer]}
        leaked = {objects["other_org"].pk} & returned
        assert not leaked
        assert expected <= returned, (viewer, kind)
        # Nothing from outside the viewer's scope among the rows this test made.
        made = {obj.pk for obj in objects.values()}
        assert returned & made == expected, (viewer, kind)


def test_it_lists_pay_on_the_page_exactly_as_the_api_does(world, client):
    for target in TARGETS:
        MAKERS["payouts"](_target_customer(world, target))
    for viewer in ("lead", "manager"):
        client.force_login(getattr(world.one, viewer))
        api_ids = {item["id"] for item in client.get("/api/v1/payout-lines", {"page_size": 500}).json()["items"]}
        page_ids = {line.pk for line in client.get("/pay/").context["page"].object_list}
        assert page_ids == api_ids and api_ids, viewer
    for viewer in ("admin", "director"):
        client.force_login(getattr(world.one, viewer))
        api_ids = {item["id"] for item in client.get("/api/v1/payouts", {"page_size": 500}).json()["items"]}
        page_ids = {run.pk for run in client.get("/pay/").context["page"].object_list}
        assert page_ids == api_ids and len(api_ids) == 4, viewer


def test_it_lists_customers_on_the_page_exactly_as_the_api_does(world, client):
    for viewer in VIEWERS:
        client.force_login(getattr(world.one, viewer))
        api_ids = {item["id"] for item in client.get("/api/v1/customers", {"page_size": 500}).json()["items"]}
        page = client.get("/customers/")
        page_ids = {customer.pk for customer in page.context["page"].object_list}
        assert page_ids == api_ids, viewer
        export = b"".join(client.get("/exports/customers/").streaming_content).decode("utf-8-sig")
        exported = {line.split(",")[0] for line in export.splitlines()[1:]}
        expected = {c.external_id for c in world.one.customers.values() if c.pk in api_ids}
        assert exported == expected, viewer


# --- the public survey endpoint: no session, only the token -------------------------------------


def test_the_public_survey_endpoint_answers_to_the_token_alone(world, client):
    invitation = _survey_invitation(world.one.customers["manager"])
    token = survey_tokens.token_for(invitation.nonce)
    url = f"/api/v1/feedback/public/{token}"
    question = invitation.template.questions.get()
    assert client.get(url).status_code == 200  # nobody signed in
    client.force_login(world.two.admin)  # a session of another organisation changes nothing
    assert client.get(url).status_code == 200
    assert client.get(url[:-1] + ("A" if token[-1] != "A" else "B")).status_code == 404
    client.logout()
    assert client.post(url, {"answers": {str(question.pk): 4}}, content_type="application/json").status_code == 201
    assert client.get(url).status_code == 404  # answered: the link opens nothing more
    assert client.get("/api/v1/feedback/templates").status_code == 401  # the rest of the API needs a session
