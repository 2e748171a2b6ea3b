"""Every documented filter of every list endpoint answers 200 to a valid value and leaves out
the rows it should (issue 13, item 11: three documented filters always answered 422, and the
contacts list documented a manager and dates it silently ignored).

The filters come from the OpenAPI schema: a new one fails `test_every_documented_filter_is_checked`
until it gets a line in FILTERS saying how to check it."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from pacekeeper.api import api
from pacekeeper.crm.models import Contract, Customer, Tier
from pacekeeper.goals import services as goals
from pacekeeper.goals.models import Goal, GoalChange
from pacekeeper.incentives import services as incentives
from pacekeeper.incentives.commission import Tier as RateTier
from pacekeeper.kpis.periods import Period
from pacekeeper.kpis.rollups import rollups_rebuild
from pacekeeper.meetings.models import MeetingItem
from pacekeeper.notifications.models import Notification
from pacekeeper.recognition.models import Badge
from pacekeeper.reviews import services as reviews
from pacekeeper.skills import services as skills_services
from pacekeeper.work.models import RecurringTask, ResourceRequest, Task, WorkPlan
from tests.factories import ContactFactory, InteractionFactory, OpportunityFactory, SaleFactory

OCTOBER = Period.month(2026, 10)
PAGING = {"page", "page_size"}
# Parameters that shape a list without leaving rows out, or that every call must send.
NOT_FILTERS = {
    ("/api/v1/customers", "sort"),
    ("/api/v1/tasks", "sort"),
    # The workload's team and horizon choose what is computed, not rows of a list
    # (tests/work/test_workload.py).
    ("/api/v1/workload", "team"),
    ("/api/v1/workload", "weeks"),
    ("/api/v1/kpis/leaderboard", "metric"),
    ("/api/v1/kpis/leaderboard", "period"),
    # Which group's pulse figures and how many periods: what is computed (tests/teamhealth).
    ("/api/v1/pulse/results", "team"),
    ("/api/v1/pulse/results", "periods"),
}
PRIVATE_TO_DIRECTORS = {"/api/v1/conflicts"}
REQUIRED = {"/api/v1/kpis/leaderboard": {"metric": "sales_amount", "period": "2026-10"}}


def _documented_filters() -> set[tuple[str, str]]:
    """(path, parameter) of every query parameter of every GET without a path parameter that
    answers a list (paginated or not)."""
    found = set()
    for path, operations in api.get_openapi_schema()["paths"].items():
        operation = operations.get("get")
        if operation is None or "{" in path:
            continue
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query" and parameter["name"] not in PAGING:
                found.add((path, parameter["name"]))
    found -= {("/api/v1/kpis/values", name) for name in ("metrics", "level", "period")}  # one figure table
    return found


@pytest.fixture
def rows(world, django_capture_on_commit_callbacks):
    """Two of everything in organisation one, different in what each filter looks at."""
    one = world.one
    mine, theirs = one.customers["manager"], one.customers["teammate"]
    noon = dt.time(12, tzinfo=ZoneInfo(one.org.time_zone))
    for customer, day in ((mine, dt.date(2026, 10, 3)), (theirs, dt.date(2026, 10, 20))):
        SaleFactory(customer=customer, ordered_on=day, amount_minor=100_000_00, margin_minor=10_000_00)
        InteractionFactory(customer=customer, occurred_at=dt.datetime.combine(day, noon))
        ContactFactory(customer=customer)
        OpportunityFactory(customer=customer, expected_close_on=day)
        Contract.objects.create(
            org=one.org, customer=customer, manager=customer.owner, title="C", starts_on=day, ends_on=day, value_minor=1
        )
    Customer.objects.filter(pk=theirs.pk).update(
        tier=Tier.KEY, status=Customer.Status.PROSPECT, next_due_on=dt.date(2020, 1, 1)
    )
    Customer.objects.filter(org=one.org).exclude(pk=theirs.pk).update(next_due_on=dt.date(2099, 1, 1))
    rollups_rebuild(org=one.org)
    director, admin = one.actor("director"), one.actor("admin")
    draft = goals.goal_save(
        actor=director, changes={"title": "Branch", "level": "team", "team": one.team_a.pk, "starts_on": OCTOBER.start}
    )
    active = goals.goal_save(
        actor=director,
        changes={
            "title": "Mine",
            "metric": "sales_amount",
            "level": "manager",
            "person": one.manager.pk,
            "target": Decimal(50_000_00),
            "starts_on": OCTOBER.start,
            "ends_on": OCTOBER.end,
        },
    )
    goals.goal_activate(actor=director, goal=active, override_reason="test")
    for status in (GoalChange.Status.PENDING, GoalChange.Status.REFUSED):
        GoalChange.objects.create(
            org=one.org, goal=active, target_before=active.target, target_after=1, reason="Less", status=status
        )
    runs = []
    for metric in ("sales_amount", "gross_margin"):
        plan = incentives.plan_save(
            actor=admin, name=metric, metric=metric, tiers=[RateTier(0, Decimal("2"))], description="", reason=""
        )
        with django_capture_on_commit_callbacks(execute=True):  # calculated at once, not in a worker
            run = incentives.payout_run_start(
                actor=admin, plan_id=plan.pk, starts_on=OCTOBER.start, ends_on=OCTOBER.end
            )
        run.refresh_from_db()
        runs.append(run)
    incentives.payout_run_approve(actor=director, run=runs[0], reason="Checked")
    cycles = []
    for name in ("H2 a", "H2 b"):
        criteria = [reviews.CriterionIn(name="Service", kind="rating", weight=100)]
        cycle = reviews.cycle_save(
            actor=director, name=name, starts_on=dt.date(2026, 7, 1), ends_on=dt.date(2026, 12, 31), criteria=criteria
        )
        cycles.append(reviews.cycle_open(actor=director, cycle=cycle))
    evaluation = cycles[0].evaluations.get(person=one.manager)
    reviews.self_assessment_submit(actor=one.actor("manager"), evaluation=evaluation, comment="Done", ratings={})
    for read_at in (None, dt.datetime(2026, 11, 1, tzinfo=dt.UTC)):
        Notification.objects.create(org=one.org, recipient=one.admin, kind="goal_change_approved", read_at=read_at)
    Task.objects.create(
        org=one.org,
        owner=one.manager,
        customer=mine,
        goal=active,
        title="Renew",
        status="doing",
        due_on=dt.date(2026, 10, 3),
        labels="renewal",
    )
    Task.objects.create(org=one.org, owner=one.teammate, customer=theirs, title="Call", status="todo")
    WorkPlan.objects.create(org=one.org, goal=active, title="Renewal push")
    WorkPlan.objects.create(org=one.org, goal=draft, title="Branch kick-off")
    for owner, status in ((one.manager, "active"), (one.admin, "paused")):
        RecurringTask.objects.create(
            org=one.org,
            owner=owner,
            title="Weekly report",
            frequency="weekly",
            weekday=0,
            starts_on=OCTOBER.start,
            active_since=OCTOBER.start,
            status=status,
        )
    _resource_requests(one, active)
    skills = _skill_rows(one)
    _recognition_rows(one)
    _meeting_rows(one)
    _progress_report_rows(one)
    _work_report_rows(one)
    _relationship_rows(one)
    _conflict_rows(one)
    _risk_rows(one)
    training = _training_rows(one)
    return {
        "training": training,
        "skills": skills,
        "draft": draft,
        "active": active,
        "runs": runs,
        "cycles": cycles,
        "surveys": _survey_rows(one),
        "insights": _insight_rows(one),
        "tickets": _ticket_rows(one),
    }


def _relationship_rows(one) -> None:
    """Never-contacted customers (at risk) of the manager and the other manager (team B); a
    consulting service by the manager and a market report by the teammate; education sessions
    in March and October."""
    from pacekeeper.relationships.models import EducationSession, ValueService
    from tests.factories import CustomerFactory

    for owner in (one.manager, one.other_manager):
        CustomerFactory(owner=owner, created_on=dt.date(2024, 1, 1))
    for customer, kind, day in (
        (one.customers["manager"], "consulting", dt.date(2026, 3, 1)),
        (one.customers["teammate"], "market_report", dt.date(2026, 10, 1)),
    ):
        ValueService.objects.create(
            org=one.org, customer=customer, kind=kind, delivered_on=day, effort_hours=2, delivered_by=customer.owner
        )
        EducationSession.objects.create(org=one.org, customer=customer, title=kind, held_on=day, host=customer.owner)


def _ticket_rows(one) -> dict:
    """A new high complaint about the manager's customer; a low suggestion of the teammate's,
    resolved and breached; a service request of the other manager's, in progress, given to the
    teammate."""
    from pacekeeper.tickets import services as tickets
    from pacekeeper.tickets.models import Ticket

    director = one.actor("director")

    def opened(owner, **fields):
        return tickets.ticket_create(actor=director, customer_id=one.customers[owner].pk, channel="phone", **fields)

    complaint = opened("manager", kind="complaint", severity="high", subject="Invoice wrong twice")
    suggestion = opened("teammate", kind="suggestion", severity="low", subject="Offer a mobile app")
    tickets.ticket_set_status(actor=director, ticket=suggestion, status="resolved")
    Ticket.objects.filter(pk=suggestion.pk).update(is_breached=True)
    request = opened("other_manager", kind="request", subject="Training for new staff", assignee_id=one.teammate.pk)
    tickets.ticket_set_status(actor=director, ticket=request, status="in_progress")
    return {"complaint": complaint, "suggestion": suggestion, "request": request}


def _training_rows(one) -> dict:
    """Two courses (product with a pass mark, compliance) and a coming session of each; the
    manager enrolled in the first, the teammate in the second (then cancelled); a score each;
    onboarding items for both."""
    from django.utils import timezone

    from pacekeeper.training import services as training

    director, lead = one.actor("director"), one.actor("lead")
    product = training.course_create(
        actor=director, category="product", title_zh="基金", title_en="Funds", pass_mark=60
    )
    compliance = training.course_create(actor=director, category="compliance", title_zh="合规", title_en="Rules")
    starts = timezone.now() + dt.timedelta(days=2)
    sessions = [
        training.session_create(
            actor=lead,
            course_id=course.pk,
            trainer_id=one.lead.pk,
            mode="offline",
            place="Room",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=1),
            capacity=5,
        )
        for course in (product, compliance)
    ]
    training.enrol(actor=one.actor("manager"), session=sessions[0])
    cancelled = training.enrol(actor=one.actor("teammate"), session=sessions[1])
    training.enrolment_cancel(actor=one.actor("teammate"), enrolment=cancelled)
    for person, score in ((one.manager, 70), (one.teammate, 40)):
        training.assessment_record(actor=lead, course_id=product.pk, person_id=person.pk, score=score)
    plan = training.onboarding_plan_create(actor=director, role="manager", title="Start")
    training.onboarding_item_add(actor=director, plan=plan, title="Meet", due_after_days=1)
    for person in (one.manager, one.teammate):
        training.onboarding_start(person=person, today=person.date_joined.date())
    return {"courses": [product, compliance], "sessions": sessions}


def _skill_rows(one) -> dict:
    """Negotiation (active): the manager's own 2 awaiting, the teammate's confirmed 5; data
    analysis (active): the manager's 4, self-assessed and confirmed; an inactive skill."""
    manager, director = one.actor("manager"), one.actor("director")
    admin = one.actor("admin")
    negotiation = skills_services.skill_create(actor=admin, name="Negotiation")
    analysis = skills_services.skill_create(actor=admin, name="Data analysis")
    skills_services.skill_create(actor=admin, name="Telex", is_active=False)
    skills_services.level_self_assess(actor=manager, skill_id=negotiation.pk, level=2)
    skills_services.level_self_assess(actor=manager, skill_id=analysis.pk, level=4)
    skills_services.level_confirm(actor=director, person_id=one.manager.pk, skill_id=analysis.pk)
    skills_services.level_confirm(actor=director, person_id=one.teammate.pk, skill_id=negotiation.pk, level=5)
    return {"negotiation": negotiation, "analysis": analysis}


def _recognition_rows(one) -> None:
    """Kudos to the manager (team A) and to the other manager (team B); a manual award each for
    the manager and the teammate, of two badges; one default badge deactivated."""
    from pacekeeper.recognition import services as recognition

    director = one.actor("director")
    recognition.kudos_give(actor=director, recipient_id=one.manager.pk, text="Great")
    recognition.kudos_give(actor=director, recipient_id=one.other_manager.pk, text="Well done")
    badges = list(Badge.objects.filter(org=one.org, rule="manual").order_by("pk"))
    recognition.badge_award_manual(actor=director, person_id=one.manager.pk, badge_id=badges[0].pk, reason="x")
    recognition.badge_award_manual(actor=director, person_id=one.teammate.pk, badge_id=badges[1].pk, reason="y")
    Badge.objects.filter(org=one.org, code="full-follow-up").update(is_active=False)


def _conflict_rows(one) -> None:
    """Two conflict cases, one taken into mediation."""
    from pacekeeper.teamhealth import conflicts

    manager, director = one.actor("manager"), one.actor("director")
    people = [one.manager.pk, one.teammate.pk]
    conflicts.conflict_raise(actor=manager, title="Parking spots", description="d", party_ids=people)
    case = conflicts.conflict_raise(actor=manager, title="Shared customer", description="d", party_ids=people)
    conflicts.conflict_start_mediation(actor=director, conflict=case, mediator_id=one.lead.pk)


def _risk_rows(one) -> None:
    """Risks: the manager's customer's (market, 4 × 3, open), team A's "Tender lost" (credit,
    2 × 2, closed), the organisation's (operational, 3 × 3, review overdue). Two payment due
    dates, one paid."""
    from pacekeeper.risks import services as risks
    from pacekeeper.risks.models import Receivable, Risk

    director = one.actor("director")
    later = dt.date.today() + dt.timedelta(days=7)
    common = {"description": "", "contingency": "", "response": "", "review_on": later}
    risks.risk_create(
        actor=director,
        data=common
        | {"level": "customer", "customer": one.customers["manager"].pk, "title": "Key account", "category": "market"}
        | {"probability": 4, "impact": 3, "owner": one.manager.pk},
    )
    team = risks.risk_create(
        actor=director,
        data=common
        | {"level": "team", "team": one.team_a.pk, "title": "Tender lost", "category": "credit"}
        | {"probability": 2, "impact": 2, "owner": one.lead.pk},
    )
    risks.risk_update(actor=director, risk=team, data={"status": "closed"})
    overdue = risks.risk_create(
        actor=director,
        data=common | {"level": "org", "title": "Rates rise", "category": "operational", "probability": 3, "impact": 3},
    )
    Risk.objects.filter(pk=overdue.pk).update(review_on=dt.date.today() - dt.timedelta(days=1))
    for customer, paid_on in ((one.customers["manager"], None), (one.customers["teammate"], dt.date(2026, 11, 2))):
        sale = SaleFactory(customer=customer, ordered_on=dt.date(2026, 10, 1))
        Receivable.objects.create(org=one.org, sale=sale, due_on=dt.date(2026, 11, 1), paid_on=paid_on)


def _insight_rows(one) -> None:
    """Two interaction notes analysed (the manager's negative about price on 3 Oct, the
    sub-team manager's positive about billing on 20 Oct) among the other texts; one topic
    deactivated."""
    from pacekeeper.insights.models import TextAnalysis, Topic
    from pacekeeper.insights.services import analyse_org

    noon = dt.time(12, tzinfo=ZoneInfo(one.org.time_zone))
    for owner, day, text in (
        ("manager", dt.date(2026, 10, 3), "价格太贵，很不满意"),
        ("sub_manager", dt.date(2026, 10, 20), "The invoice is clear, thanks"),
    ):
        InteractionFactory(customer=one.customers[owner], occurred_at=dt.datetime.combine(day, noon), summary=text)
    Topic.objects.filter(org=one.org, code="delivery").update(is_active=False)
    # Staff notes are left out of the customer's voice; here they stand in for customer texts
    # (the rows the filters look at), so the note source is counted for this one analysis.
    from dataclasses import replace

    from pacekeeper.insights import sources

    notes = sources.SOURCES["interaction"]
    sources.SOURCES["interaction"] = replace(notes, customer_authored=True)
    try:
        analyse_org(one.org)
    finally:
        sources.SOURCES["interaction"] = notes
    # And one from a source another app registers (tickets).
    TextAnalysis.objects.create(
        org=one.org,
        source="ticket",
        source_id=1,
        day=dt.date(2026, 10, 21),
        customer=one.customers["teammate"],
        manager=one.teammate,
        excerpt="Late delivery",
        language="en",
        sentiment="negative",
        text_hash="x",
        config_hash="x",
    )


def _survey_rows(one) -> dict:
    """The seeded NPS template deactivated; two campaigns; the manager's customer asked in the
    first and answered, the teammate's asked in the second and answered, and asked again by
    hand (unanswered)."""
    from django.utils import timezone

    from pacekeeper.feedback import services as feedback
    from pacekeeper.feedback.defaults import templates_ensure
    from pacekeeper.feedback.models import SurveyTemplate

    director = one.actor("director")
    templates_ensure(one.org)
    csat = SurveyTemplate.objects.get(org=one.org, kind="csat", is_default=True)
    nps = SurveyTemplate.objects.get(org=one.org, kind="nps", is_default=True)
    feedback.template_update(actor=director, template=nps, changes={"is_active": False})
    campaigns = [
        feedback.campaign_create(actor=director, name=name, template_id=csat.pk, filters={})
        for name in ("Spring", "Autumn")
    ]
    contacts = {
        owner: ContactFactory(customer=one.customers[owner], email=f"{owner}-survey@example.com")
        for owner in ("manager", "teammate")
    }
    with timezone.override(one.org.time_zone):
        asked = [
            feedback._invite(one.org, template=csat, contact=contacts[owner], channel="link", campaign=campaign)
            for owner, campaign in (("manager", campaigns[0]), ("teammate", campaigns[1]), ("teammate", None))
        ]
    score = next(q for q in csat.questions.all() if q.kind == "csat")
    for sent in asked[:2]:
        feedback.answer_submit(token=sent.token, values={str(score.pk): 5})
    return {"campaigns": campaigns, "invitations": [sent.invitation for sent in asked]}


def _meeting_rows(one) -> None:
    """Team A's series (active): a closed meeting whose minutes mention the renewal, a planned
    one; team B's series (deactivated): a meeting being held."""
    from pacekeeper.meetings import services as meetings
    from pacekeeper.meetings.models import Meeting, MeetingItem

    series_a = meetings.series_create(actor=one.actor("lead"), team_id=one.team_a.pk, title="Team A weekly")
    series_b = meetings.series_create(actor=one.actor("director"), team_id=one.team_b.pk, title="Team B weekly")
    meetings.series_update(actor=one.actor("director"), series=series_b, changes={"is_active": False})
    at = dt.datetime(2026, 10, 5, 1, tzinfo=dt.UTC)
    closed = Meeting.objects.create(
        org=one.org, series=series_a, held_on=dt.date(2026, 10, 5), status="closed", opened_at=at, closed_at=at
    )
    MeetingItem.objects.create(
        org=one.org, meeting=closed, kind="problem", text="The Acme renewal is late", author=one.lead
    )
    Meeting.objects.create(org=one.org, series=series_a, held_on=dt.date(2026, 10, 12))
    held = Meeting.objects.create(
        org=one.org, series=series_b, held_on=dt.date(2026, 10, 6), status="open", opened_at=at
    )
    MeetingItem.objects.create(org=one.org, meeting=held, kind="point", text="Trade fair", author=one.other_lead)


def _progress_report_rows(one) -> None:
    """Kept reports: the manager's week from 5 October, team A's October, the organisation's
    week from 12 October."""
    from pacekeeper.progress.models import ProgressReport

    for kind, subject, period_kind, starts_on, ends_on in (
        ("person", {"person": one.manager}, "week", dt.date(2026, 10, 5), dt.date(2026, 10, 11)),
        ("team", {"team": one.team_a}, "month", dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
        ("org", {}, "week", dt.date(2026, 10, 12), dt.date(2026, 10, 18)),
    ):
        ProgressReport.objects.create(
            org=one.org,
            subject_kind=kind,
            subject_ref=next(iter(subject.values())).pk if subject else 0,
            period_kind=period_kind,
            starts_on=starts_on,
            ends_on=ends_on,
            language="en",
            title="Report",
            subtitle=period_kind,
            fingerprint="0" * 64,
            pdf=b"%PDF-",
            xlsx=b"PK",
            **subject,
        )


def _work_report_rows(one) -> None:
    """The manager's report of the week from 5 October, submitted and read (news about the
    competitor Acme in the north, help handled); the teammate's of the next week, submitted and
    unread (news about the product Acme in the south, help open); the admin's own draft."""
    from pacekeeper.workreports.models import HelpItem, NewsItem, WorkReport

    at = dt.datetime(2026, 10, 20, 1, tzinfo=dt.UTC)
    for author, start, status, read, news, help_status in (
        (one.manager, dt.date(2026, 10, 5), "submitted", True, ("Acme cut prices", "Acme", "", "North"), "handled"),
        (one.teammate, dt.date(2026, 10, 12), "submitted", False, ("A new Acme range", "", "Acme", "South"), "open"),
        (one.admin, dt.date(2026, 10, 19), "draft", False, None, None),
    ):
        report = WorkReport.objects.create(
            org=one.org,
            author=author,
            cadence="weekly",
            period_start=start,
            period_end=start + dt.timedelta(days=6),
            status=status,
            submitted_at=at if status == "submitted" else None,
            read_at=at if read else None,
            read_by=one.lead if read else None,
        )
        if news:
            text, competitor, product, region = news
            NewsItem.objects.create(
                org=one.org, report=report, text=text, competitor=competitor, product=product, region=region
            )
            HelpItem.objects.create(org=one.org, report=report, text="Samples", status=help_status)


def _resource_requests(one, goal) -> None:
    """Waiting on a task under way (flagged started-without), spent over its approval, and the
    admin's own request on a goal (never theirs to decide)."""
    renew, call = Task.objects.get(title="Renew"), Task.objects.get(title="Call")
    common = {"org": one.org, "description": "x", "amount_minor": 100_00}
    ResourceRequest.objects.create(**common, task=renew, kind="budget", requested_by=one.manager)
    ResourceRequest.objects.create(
        **common, task=call, kind="tools", requested_by=one.teammate, status="spent", decision="approved",
        decided_by=one.lead, spent_minor=150_00,
    )  # fmt: skip
    ResourceRequest.objects.create(**common, goal=goal, kind="training", requested_by=one.admin)


def _ids(*objects) -> set[int]:
    return {obj.pk for obj in objects}


# (path, parameter) → (the value to send, given the world and rows; does a returned row match it?)
FILTERS = {
    ("/api/v1/users", "role"): (lambda w, r: "lead", lambda item, w, r: item["role"] == "lead"),
    ("/api/v1/users", "q"): (lambda w, r: "teammate", lambda item, w, r: "teammate" in item["username"]),
    ("/api/v1/customers", "q"): (lambda w, r: "teammate", lambda item, w, r: "teammate" in item["name"]),
    ("/api/v1/customers", "tier"): (lambda w, r: "key", lambda item, w, r: item["tier"] == "key"),
    ("/api/v1/customers", "status"): (lambda w, r: "prospect", lambda item, w, r: item["status"] == "prospect"),
    ("/api/v1/customers", "owner"): (
        lambda w, r: w.one.manager.pk,
        lambda item, w, r: item["owner"] == w.one.manager.pk,
    ),
    ("/api/v1/customers", "overdue"): (
        lambda w, r: "true",
        lambda item, w, r: item["next_due_on"] == "2020-01-01",
    ),
    ("/api/v1/kpis/leaderboard", "team"): (
        lambda w, r: w.one.team_b.pk,
        lambda item, w, r: item["user"] in _ids(w.one.other_lead, w.one.other_manager),
    ),
    ("/api/v1/goals", "status"): (lambda w, r: "active", lambda item, w, r: item["status"] == "active"),
    ("/api/v1/goals", "level"): (lambda w, r: "team", lambda item, w, r: item["level"] == "team"),
    ("/api/v1/goals", "active_on"): (
        lambda w, r: "2026-10-15",
        lambda item, w, r: item["starts_on"] <= "2026-10-15" <= (item["ends_on"] or ""),
    ),
    ("/api/v1/goal-changes", "status"): (lambda w, r: "refused", lambda item, w, r: item["status"] == "refused"),
    ("/api/v1/payouts", "status"): (lambda w, r: "approved", lambda item, w, r: item["status"] == "approved"),
    ("/api/v1/payout-lines", "run"): (lambda w, r: r["runs"][1].pk, lambda item, w, r: item["run"] == r["runs"][1].pk),
    ("/api/v1/payout-lines", "person"): (
        lambda w, r: w.one.manager.pk,
        lambda item, w, r: item["person"] == w.one.manager.pk,
    ),
    ("/api/v1/evaluations", "cycle"): (
        lambda w, r: r["cycles"][1].pk,
        lambda item, w, r: item["cycle"] == r["cycles"][1].pk,
    ),
    ("/api/v1/notifications", "unread"): (lambda w, r: "true", lambda item, w, r: item["read_at"] is None),
    ("/api/v1/evaluations", "step"): (lambda w, r: "review", lambda item, w, r: item["step"] == "review"),
    ("/api/v1/skills", "active"): (lambda w, r: "false", lambda item, w, r: not item["is_active"]),
    ("/api/v1/skills", "q"): (lambda w, r: "nego", lambda item, w, r: item["name"] == "Negotiation"),
    ("/api/v1/skill-levels", "person"): (
        lambda w, r: w.one.teammate.pk,
        lambda item, w, r: item["person"] == w.one.teammate.pk,
    ),
    ("/api/v1/skill-levels", "skill"): (
        lambda w, r: r["skills"]["analysis"].pk,
        lambda item, w, r: item["skill"] == r["skills"]["analysis"].pk,
    ),
    ("/api/v1/skill-levels", "awaiting"): (lambda w, r: "true", lambda item, w, r: item["awaits_confirmation"]),
    ("/api/v1/skill-levels", "min_level"): (lambda w, r: "4", lambda item, w, r: item["level"] >= 4),
}
for _name, _value, _field in (
    ("status", "doing", "status"),
    ("owner", lambda w: w.one.manager.pk, "owner"),
    ("goal", lambda w: Goal.objects.get(title="Mine").pk, "goal"),
    ("customer", lambda w: w.one.customers["manager"].pk, "customer"),
):
    FILTERS[("/api/v1/tasks", _name)] = (
        lambda w, r, value=_value: value(w) if callable(value) else value,
        lambda item, w, r, value=_value, field=_field: item[field] == (value(w) if callable(value) else value),
    )
FILTERS[("/api/v1/tasks", "due")] = (lambda w, r: "overdue", lambda item, w, r: item["due_on"] == "2026-10-03")
FILTERS[("/api/v1/tasks", "q")] = (
    lambda w, r: "renew",
    lambda item, w, r: "renew" in (item["title"] + item["description"]).lower(),
)
FILTERS[("/api/v1/tasks", "label")] = (lambda w, r: "renewal", lambda item, w, r: "renewal" in item["labels"])
FILTERS[("/api/v1/work-plans", "goal")] = (
    lambda w, r: r["active"].pk,
    lambda item, w, r: item["goal"] == r["active"].pk,
)
FILTERS[("/api/v1/work-plans", "q")] = (lambda w, r: "renewal", lambda item, w, r: "renewal" in item["title"].lower())
FILTERS[("/api/v1/recurring-tasks", "owner")] = (
    lambda w, r: w.one.manager.pk,
    lambda item, w, r: item["owner"] == w.one.manager.pk,
)
FILTERS[("/api/v1/recurring-tasks", "status")] = (lambda w, r: "paused", lambda item, w, r: item["status"] == "paused")
FILTERS[("/api/v1/recurring-tasks", "mine")] = (lambda w, r: "true", lambda item, w, r: item["owner"] == w.one.admin.pk)
# Resource requests (rows: _resource_requests).
FILTERS[("/api/v1/resource-requests", "status")] = (lambda w, r: "spent", lambda item, w, r: item["status"] == "spent")
FILTERS[("/api/v1/resource-requests", "kind")] = (lambda w, r: "tools", lambda item, w, r: item["kind"] == "tools")
FILTERS[("/api/v1/resource-requests", "task")] = (
    lambda w, r: Task.objects.get(title="Renew").pk,
    lambda item, w, r: item["task"] == Task.objects.get(title="Renew").pk,
)
FILTERS[("/api/v1/resource-requests", "goal")] = (
    lambda w, r: r["active"].pk,
    lambda item, w, r: item["goal"] == r["active"].pk or item["task"] == Task.objects.get(title="Renew").pk,
)
FILTERS[("/api/v1/resource-requests", "requested_by")] = (
    lambda w, r: w.one.teammate.pk,
    lambda item, w, r: item["requested_by"] == w.one.teammate.pk,
)
FILTERS[("/api/v1/resource-requests", "flag")] = (
    lambda w, r: "over_budget",
    lambda item, w, r: item["flags"] == ["over_budget"],
)
FILTERS[("/api/v1/resource-requests", "to_decide")] = (
    lambda w, r: "true",
    lambda item, w, r: item["status"] == "requested" and item["requested_by"] != w.one.admin.pk,
)
# Recognition (rows: _recognition_rows).
FILTERS[("/api/v1/kudos", "team")] = (
    lambda w, r: w.one.team_b.pk,
    lambda item, w, r: item["recipient"] == w.one.other_manager.pk,
)
FILTERS[("/api/v1/kudos", "person")] = (
    lambda w, r: w.one.manager.pk,
    lambda item, w, r: item["recipient"] == w.one.manager.pk,
)
FILTERS[("/api/v1/badges", "active")] = (lambda w, r: "false", lambda item, w, r: not item["is_active"])
FILTERS[("/api/v1/badge-awards", "person")] = (
    lambda w, r: w.one.teammate.pk,
    lambda item, w, r: item["person"] == w.one.teammate.pk,
)
FILTERS[("/api/v1/badge-awards", "badge")] = (
    lambda w, r: Badge.objects.get(org=w.one.org, code="team-spirit").pk,
    lambda item, w, r: item["badge"] == Badge.objects.get(org=w.one.org, code="team-spirit").pk,
)
# Conflict cases (rows: _conflict_rows), read by a director: the org admin sees none.
FILTERS[("/api/v1/conflicts", "status")] = (lambda w, r: "mediation", lambda item, w, r: item["status"] == "mediation")
FILTERS[("/api/v1/conflicts", "q")] = (lambda w, r: "parking", lambda item, w, r: "parking" in item["title"].lower())
# Risks (rows: _risk_rows).
FILTERS[("/api/v1/risks", "level")] = (lambda w, r: "team", lambda item, w, r: item["level"] == "team")
FILTERS[("/api/v1/risks", "category")] = (lambda w, r: "credit", lambda item, w, r: item["category"] == "credit")
FILTERS[("/api/v1/risks", "status")] = (lambda w, r: "closed", lambda item, w, r: item["status"] == "closed")
FILTERS[("/api/v1/risks", "probability")] = (lambda w, r: 4, lambda item, w, r: item["probability"] == 4)
FILTERS[("/api/v1/risks", "impact")] = (lambda w, r: 3, lambda item, w, r: item["impact"] == 3)
FILTERS[("/api/v1/risks", "owner")] = (
    lambda w, r: w.one.manager.pk,
    lambda item, w, r: item["owner"] == w.one.manager.pk,
)
FILTERS[("/api/v1/risks", "review_overdue")] = (
    lambda w, r: "true",
    lambda item, w, r: item["status"] == "open" and item["review_on"] < dt.date.today().isoformat(),
)
FILTERS[("/api/v1/risks", "q")] = (lambda w, r: "tender", lambda item, w, r: "Tender" in item["title"])
FILTERS[("/api/v1/risk-receivables", "paid")] = (lambda w, r: "true", lambda item, w, r: item["is_paid"])
# Training (rows: _training_rows).
FILTERS[("/api/v1/training-courses", "category")] = (
    lambda w, r: "compliance",
    lambda item, w, r: item["category"] == "compliance",
)
FILTERS[("/api/v1/training-sessions", "course")] = (
    lambda w, r: r["training"]["courses"][1].pk,
    lambda item, w, r: item["course"] == r["training"]["courses"][1].pk,
)
FILTERS[("/api/v1/training-enrolments", "session")] = (
    lambda w, r: r["training"]["sessions"][0].pk,
    lambda item, w, r: item["session"] == r["training"]["sessions"][0].pk,
)
FILTERS[("/api/v1/training-enrolments", "status")] = (
    lambda w, r: "cancelled",
    lambda item, w, r: item["status"] == "cancelled",
)
for _kind in ("training-enrolments", "training-assessments", "onboarding-tasks"):
    FILTERS[(f"/api/v1/{_kind}", "person")] = (
        lambda w, r: w.one.teammate.pk,
        lambda item, w, r: item["person"] == w.one.teammate.pk,
    )
# Surveys (rows: _survey_rows).
FILTERS[("/api/v1/feedback/templates", "active")] = (lambda w, r: "false", lambda item, w, r: not item["is_active"])
FILTERS[("/api/v1/feedback/invitations", "answered")] = (
    lambda w, r: "true",
    lambda item, w, r: item["answered_at"] is not None,
)
FILTERS[("/api/v1/feedback/invitations", "campaign")] = (
    lambda w, r: r["surveys"]["campaigns"][1].pk,
    lambda item, w, r: item["campaign"] == r["surveys"]["campaigns"][1].pk,
)
FILTERS[("/api/v1/feedback/answers", "campaign")] = (
    lambda w, r: r["surveys"]["campaigns"][0].pk,
    lambda item, w, r: (
        item["invitation"]
        in {sent.pk for sent in r["surveys"]["invitations"] if sent.campaign_id == r["surveys"]["campaigns"][0].pk}
    ),
)
for _kind in ("invitations", "answers"):
    FILTERS[(f"/api/v1/feedback/{_kind}", "customer")] = (
        lambda w, r: w.one.customers["manager"].pk,
        lambda item, w, r: item["customer"] == w.one.customers["manager"].pk,
    )
# Insights (rows: _insight_rows).
FILTERS[("/api/v1/insight-topics", "active")] = (lambda w, r: "false", lambda item, w, r: not item["is_active"])


def _topic_id(w, code):
    from pacekeeper.insights.models import Topic

    return Topic.objects.get(org=w.one.org, code=code).pk


FILTERS[("/api/v1/text-analyses", "topic")] = (
    lambda w, r: _topic_id(w, "price"),
    lambda item, w, r: _topic_id(w, "price") in item["topics"],
)
FILTERS[("/api/v1/text-analyses", "sentiment")] = (
    lambda w, r: "negative",
    lambda item, w, r: item["sentiment"] == "negative",
)
FILTERS[("/api/v1/text-analyses", "source")] = (lambda w, r: "ticket", lambda item, w, r: item["source"] == "ticket")
FILTERS[("/api/v1/text-analyses", "manager")] = (
    lambda w, r: w.one.sub_manager.pk,
    lambda item, w, r: item["manager"] == w.one.sub_manager.pk,
)
FILTERS[("/api/v1/text-analyses", "team")] = (
    lambda w, r: w.one.team_a1.pk,
    lambda item, w, r: item["team"] == w.one.team_a1.pk,
)
FILTERS[("/api/v1/text-analyses", "customer")] = (
    lambda w, r: w.one.customers["manager"].pk,
    lambda item, w, r: item["customer"] == w.one.customers["manager"].pk,
)
FILTERS[("/api/v1/text-analyses", "since")] = (
    lambda w, r: "2026-10-10",
    lambda item, w, r: item["day"] >= "2026-10-10",
)
FILTERS[("/api/v1/text-analyses", "until")] = (
    lambda w, r: "2026-10-10",
    lambda item, w, r: item["day"] <= "2026-10-10",
)
# Tickets (rows: _ticket_rows).
FILTERS[("/api/v1/tickets", "status")] = (
    lambda w, r: "in_progress",
    lambda item, w, r: item["status"] == "in_progress",
)
FILTERS[("/api/v1/tickets", "kind")] = (lambda w, r: "complaint", lambda item, w, r: item["kind"] == "complaint")
FILTERS[("/api/v1/tickets", "severity")] = (lambda w, r: "low", lambda item, w, r: item["severity"] == "low")
FILTERS[("/api/v1/tickets", "assignee")] = (
    lambda w, r: w.one.teammate.pk,
    lambda item, w, r: item["assignee"] == w.one.teammate.pk,
)
FILTERS[("/api/v1/tickets", "customer")] = (
    lambda w, r: w.one.customers["manager"].pk,
    lambda item, w, r: item["customer"] == w.one.customers["manager"].pk,
)
FILTERS[("/api/v1/tickets", "breached")] = (lambda w, r: "true", lambda item, w, r: item["is_breached"])
FILTERS[("/api/v1/tickets", "q")] = (lambda w, r: "invoice", lambda item, w, r: "Invoice" in item["subject"])
# Meetings (rows: _meeting_rows): `q` searches titles and what the minutes say.
FILTERS[("/api/v1/meeting-series", "active")] = (lambda w, r: "false", lambda item, w, r: not item["is_active"])
FILTERS[("/api/v1/meetings", "status")] = (lambda w, r: "open", lambda item, w, r: item["status"] == "open")
FILTERS[("/api/v1/meetings", "q")] = (
    lambda w, r: "renewal",
    lambda item, w, r: (
        "renewal" in item["title"].lower()
        or MeetingItem.objects.filter(meeting_id=item["id"], text__icontains="renewal").exists()
    ),
)
# Progress reports (rows: _progress_report_rows).
FILTERS[("/api/v1/progress-reports", "period_kind")] = (
    lambda w, r: "month",
    lambda item, w, r: item["period_kind"] == "month",
)
FILTERS[("/api/v1/progress-reports", "subject_kind")] = (
    lambda w, r: "team",
    lambda item, w, r: item["subject_kind"] == "team",
)
FILTERS[("/api/v1/progress-reports", "starts_on")] = (
    lambda w, r: "2026-10-12",
    lambda item, w, r: item["starts_on"] == "2026-10-12",
)
# Work reports (rows: _work_report_rows).
FILTERS[("/api/v1/work-reports", "author")] = (
    lambda w, r: w.one.teammate.pk,
    lambda item, w, r: item["author"] == w.one.teammate.pk,
)
FILTERS[("/api/v1/work-reports", "status")] = (lambda w, r: "draft", lambda item, w, r: item["status"] == "draft")
FILTERS[("/api/v1/work-reports", "unread")] = (
    lambda w, r: "true",
    lambda item, w, r: item["status"] == "submitted" and item["read_at"] is None,
)
FILTERS[("/api/v1/work-reports", "day")] = (
    lambda w, r: "2026-10-14",
    lambda item, w, r: item["period_start"] <= "2026-10-14" <= item["period_end"],
)
FILTERS[("/api/v1/work-report-help-items", "open")] = (
    lambda w, r: "true",
    lambda item, w, r: item["status"] == "open",
)
FILTERS[("/api/v1/work-reports/news", "q")] = (lambda w, r: "prices", lambda item, w, r: "prices" in item["text"])
FILTERS[("/api/v1/work-reports/news", "tag")] = (
    lambda w, r: "north",
    lambda item, w, r: "north" in {item[kind].lower() for kind in ("competitor", "product", "region")},
)
# `kind` says which of the item's tags `tag` must be: sent with a tag found under two kinds.
FILTERS[("/api/v1/work-reports/news", "kind")] = (
    lambda w, r: {"tag": "acme", "kind": "product"},
    lambda item, w, r: item["product"].lower() == "acme",
)
# Relationships (rows: _relationship_rows).
for _path in ("/api/v1/relationship-health", "/api/v1/churn-risks"):
    FILTERS[(_path, "manager")] = (
        lambda w, r: w.one.manager.pk,
        lambda item, w, r: item["manager"] == w.one.manager.pk,
    )
    FILTERS[(_path, "team")] = (
        lambda w, r: w.one.team_b.pk,
        lambda item, w, r: item["manager"] == w.one.other_manager.pk,
    )
FILTERS[("/api/v1/relationship-health", "at_risk")] = (lambda w, r: "true", lambda item, w, r: item["at_risk"])
for _path in ("/api/v1/value-services", "/api/v1/education-sessions"):
    FILTERS[(_path, "customer")] = (
        lambda w, r: w.one.customers["manager"].pk,
        lambda item, w, r: item["customer"] == w.one.customers["manager"].pk,
    )
FILTERS[("/api/v1/value-services", "kind")] = (
    lambda w, r: "consulting",
    lambda item, w, r: item["kind"] == "consulting",
)
FILTERS[("/api/v1/value-services", "delivered_by")] = (
    lambda w, r: w.one.teammate.pk,
    lambda item, w, r: item["delivered_by"] == w.one.teammate.pk,
)
FILTERS[("/api/v1/education-sessions", "held_from")] = (
    lambda w, r: "2026-06-01",
    lambda item, w, r: item["held_on"] >= "2026-06-01",
)
_DATE_FIELDS = {
    "interactions": "occurred_at",
    "sales": "ordered_on",
    "contracts": "starts_on",
    "opportunities": "expected_close_on",
}
for _kind in ("contacts", *_DATE_FIELDS):
    FILTERS[(f"/api/v1/{_kind}", "customer")] = (
        lambda w, r: w.one.customers["manager"].pk,
        lambda item, w, r: item["customer"] == w.one.customers["manager"].pk,
    )
for _kind, _field in _DATE_FIELDS.items():
    FILTERS[(f"/api/v1/{_kind}", "manager")] = (
        lambda w, r: w.one.teammate.pk,
        lambda item, w, r: item["manager"] == w.one.teammate.pk,
    )
    FILTERS[(f"/api/v1/{_kind}", "since")] = (
        lambda w, r: "2026-10-10",
        lambda item, w, r, field=_field: item[field][:10] >= "2026-10-10",
    )
    FILTERS[(f"/api/v1/{_kind}", "until")] = (
        lambda w, r: "2026-10-10",
        lambda item, w, r, field=_field: item[field][:10] <= "2026-10-10",
    )


def test_every_documented_filter_is_checked():
    assert _documented_filters() == set(FILTERS) | NOT_FILTERS


def _items(response) -> list[dict]:
    assert response.status_code == 200, response.content
    body = response.json()
    return body["items"] if isinstance(body, dict) else body


@pytest.mark.parametrize(("path", "name"), sorted(FILTERS))
def test_each_filter_answers_200_and_leaves_out_what_it_should(world, rows, client, path, name):
    value, matches = FILTERS[(path, name)]
    # The org admin sees every row of the organisation, pay and evaluations included; conflict
    # cases are the people involved's and directors' alone.
    client.force_login(world.one.director if path in PRIVATE_TO_DIRECTORS else world.one.admin)
    base = {**REQUIRED.get(path, {}), "page_size": 500} if path != "/api/v1/kpis/leaderboard" else REQUIRED[path]
    everything = _items(client.get(path, base))
    sent = value(world, rows)  # a dict: parameters that only mean something together
    chosen = _items(client.get(path, {**base, **(sent if isinstance(sent, dict) else {name: sent})}))
    assert chosen, "the filter's value should match some rows"
    assert all(matches(item, world, rows) for item in chosen)
    assert len(chosen) < len(everything), "the filter should leave some rows out"


# A yes/no filter sent as false keeps the other side (not everything, as if it were left out).
BOOLEAN_FILTERS = (
    ("/api/v1/notifications", "unread"),
    ("/api/v1/work-reports", "unread"),
    (
        "/api/v1/work-report-help-items",
        "open",
    ),
)


@pytest.mark.parametrize(("path", "name"), BOOLEAN_FILTERS)
def test_a_yes_no_filter_sent_as_false_keeps_the_other_side(world, rows, client, path, name):
    _value, matches = FILTERS[(path, name)]
    client.force_login(world.one.admin)
    base = {**REQUIRED.get(path, {}), "page_size": 500}
    everything = _items(client.get(path, base))
    yes = _items(client.get(path, {**base, name: "true"}))
    no = _items(client.get(path, {**base, name: "false"}))
    assert no and yes
    assert not any(matches(item, world, rows) for item in no)
    assert sorted(item["id"] for item in yes + no) == sorted(item["id"] for item in everything)
