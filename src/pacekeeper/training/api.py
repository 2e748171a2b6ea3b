"""/api/v1/training-courses, training-sessions, training-enrolments, training-assessments,
training-certificates, training-skill-proposals, onboarding-plans and onboarding-tasks
(docs/people.md). Each endpoint fetches through the scope and calls the service the page calls."""

import datetime as dt

from django.http import HttpResponse
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from pacekeeper.lib.api_types import BodySchema, Flag, ObjectId, Page, QueryId, omittable

from . import selectors, services
from .models import Course, Enrolment

router = Router(tags=["training"])


class TrainingCourseOut(Schema):
    id: int
    category: str
    product_line: str
    title_zh: str
    title_en: str
    description_zh: str
    description_en: str
    pass_mark: int | None = Field(description="score out of 100 needed to pass; empty: no assessment")
    skill: int | None = Field(alias="skill_id")
    skill_level: int | None = Field(description="the level completing the course proposes")
    is_active: bool


class TrainingCourseIn(BodySchema):
    category: Course.Category
    title_zh: str = Field(min_length=1, max_length=services.TITLE_MAX)
    title_en: str = Field(min_length=1, max_length=services.TITLE_MAX)
    description_zh: str = Field("", max_length=services.TEXT_MAX)
    description_en: str = Field("", max_length=services.TEXT_MAX)
    product_line: str = Field("", max_length=100)
    pass_mark: int | None = Field(None, ge=1, le=100)
    skill: ObjectId | None = None
    skill_level: int | None = Field(None, ge=1, le=5)


class TrainingCoursePatch(BodySchema):
    category: Course.Category = omittable()
    title_zh: str = omittable(min_length=1, max_length=services.TITLE_MAX)
    title_en: str = omittable(min_length=1, max_length=services.TITLE_MAX)
    description_zh: str = omittable(max_length=services.TEXT_MAX)
    description_en: str = omittable(max_length=services.TEXT_MAX)
    product_line: str = omittable(max_length=100)
    pass_mark: int | None = Field(None, ge=1, le=100, description="null: the course has no assessment any more")
    skill: ObjectId | None = Field(None, description="null: the course builds no skill (with `skill_level` null)")
    skill_level: int | None = Field(None, ge=1, le=5)
    is_active: Flag = omittable()


class TrainingSessionOut(Schema):
    id: int
    course: int = Field(alias="course_id")
    mode: str
    trainer: int = Field(alias="trainer_id")
    place: str = Field(description="the room, or the link of an online session")
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    taken: int = Field(description="places held")
    waiting: int = Field(description="people on the waiting list")


class TrainingSessionIn(BodySchema):
    course: ObjectId
    trainer: ObjectId
    mode: str = Field(pattern="^(online|offline)$")
    place: str = Field(min_length=1, max_length=services.PLACE_MAX)
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int = Field(ge=1, le=services.MAX_CAPACITY)


class TrainingCheckInIn(BodySchema):
    token: str = Field(min_length=1, max_length=100, description="the code in the session's QR link (`t=`)")


class TrainingEnrolmentOut(Schema):
    id: int
    session: int = Field(alias="session_id")
    person: int = Field(alias="person_id")
    status: str
    enrolled_by: int = Field(alias="enrolled_by_id")
    created_at: dt.datetime
    attended_at: dt.datetime | None = Field(description="the check-in; empty until attended")


class TrainingEnrolmentIn(BodySchema):
    session: ObjectId
    person: ObjectId | None = Field(None, description="one of your people (a lead); yourself if left out")
    join_waiting_list: Flag = Field(True, description="false: refuse instead of waiting when the session is full")


class TrainingAssessmentOut(Schema):
    id: int
    course: int = Field(alias="course_id")
    person: int = Field(alias="person_id")
    score: int
    pass_mark: int
    passed: bool
    assessed_by: int = Field(alias="assessed_by_id")
    assessed_at: dt.datetime
    note: str


class TrainingAssessmentIn(BodySchema):
    course: ObjectId
    person: ObjectId
    score: int = Field(ge=0, le=100)
    note: str = Field("", max_length=500)


class TrainingCertificateOut(Schema):
    id: int
    number: str
    course: int = Field(alias="course_id")
    person: int = Field(alias="person_id")
    issued_by: int = Field(alias="issued_by_id")
    issued_at: dt.datetime


class TrainingCertificateIn(BodySchema):
    course: ObjectId
    person: ObjectId | None = Field(None, description="yourself if left out")


class TrainingSkillProposalOut(Schema):
    id: int
    person: int = Field(alias="person_id")
    course: int = Field(alias="course_id")
    skill: int = Field(alias="skill_id")
    level: int
    status: str
    decided_by: int | None = Field(alias="decided_by_id")
    decided_at: dt.datetime | None


class OnboardingItemOut(Schema):
    id: int
    title: str
    due_after_days: int
    course: int | None = Field(alias="course_id")


class OnboardingPlanOut(Schema):
    id: int
    role: str
    title: str
    items: list[OnboardingItemOut]

    @staticmethod
    def resolve_items(plan):
        return list(plan.items.all())


class OnboardingPlanIn(BodySchema):
    role: str = Field(min_length=1, max_length=16)
    title: str = Field(min_length=1, max_length=services.TITLE_MAX)


class OnboardingItemIn(BodySchema):
    title: str = Field(min_length=1, max_length=services.TITLE_MAX)
    due_after_days: int = Field(ge=0, le=365)
    course: ObjectId | None = None


class OnboardingTaskOut(Schema):
    id: int
    person: int = Field(alias="person_id")
    title: str
    due_on: dt.date
    done_at: dt.datetime | None
    overdue: bool

    @staticmethod
    def resolve_title(task):
        return task.item.title

    @staticmethod
    def resolve_overdue(task):
        return task.is_overdue


class OnboardingTaskDoneIn(BodySchema):
    done: Flag = True


# --- courses -------------------------------------------------------------------------------------


@router.get("/training-courses", response=list[TrainingCourseOut], summary="The course catalogue")
@paginate(Page)
def training_courses_list(request, category: Course.Category | None = None):
    return selectors.course_filter(selectors.course_list(request.actor), category=category).order_by("pk")


@router.post("/training-courses", response={201: TrainingCourseOut}, summary="Add a course (org admin, directors)")
def training_courses_create(request, payload: TrainingCourseIn):
    return 201, services.course_create(actor=request.actor, **payload.model_dump())


@router.get("/training-courses/{training_course_id}", response=TrainingCourseOut, summary="Read a course")
def training_courses_read(request, training_course_id: int):
    return selectors.access_course(request.actor, training_course_id)


@router.patch("/training-courses/{training_course_id}", response=TrainingCourseOut, summary="Change a course")
def training_courses_update(request, training_course_id: int, payload: TrainingCoursePatch):
    course = selectors.access_course(request.actor, training_course_id)
    return services.course_update(actor=request.actor, course=course, changes=payload.model_dump(exclude_unset=True))


# --- sessions, check-in ------------------------------------------------------------------------


@router.get("/training-sessions", response=list[TrainingSessionOut], summary="Training sessions, soonest first")
@paginate(Page)
def training_sessions_list(request, course: QueryId | None = None):
    rows = selectors.session_list(request.actor)
    if course is not None:
        rows = rows.filter(course_id=course)
    return rows.order_by("starts_at", "pk")


@router.post(
    "/training-sessions", response={201: TrainingSessionOut}, summary="Schedule a session (leads, directors, admin)"
)
def training_sessions_create(request, payload: TrainingSessionIn):
    actor = request.actor
    session = services.session_create(
        actor=actor,
        course_id=payload.course,
        trainer_id=payload.trainer,
        mode=payload.mode,
        place=payload.place,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        capacity=payload.capacity,
    )
    return 201, selectors.access_session(actor, session.pk)


@router.get("/training-sessions/{training_session_id}", response=TrainingSessionOut, summary="Read a session")
def training_sessions_read(request, training_session_id: int):
    return selectors.access_session(request.actor, training_session_id)


@router.post(
    "/training-sessions/{training_session_id}/check-in",
    response=TrainingEnrolmentOut,
    summary="Check in to a session (the signed-in attendee, with the session's code, in its window)",
    description="Open from 30 minutes before the start to the end; outside it a 400 says when it opens.",
)
def training_sessions_check_in(request, training_session_id: int, payload: TrainingCheckInIn):
    session = selectors.access_session(request.actor, training_session_id)
    return services.check_in(actor=request.actor, session=session, token=payload.token)


# --- enrolments ---------------------------------------------------------------------------------


@router.get("/training-enrolments", response=list[TrainingEnrolmentOut], summary="Enrolments you may see")
@paginate(Page)
def training_enrolments_list(
    request, session: QueryId | None = None, person: QueryId | None = None, status: Enrolment.Status | None = None
):
    rows = selectors.enrolment_list(request.actor)
    if session is not None:
        rows = rows.filter(session_id=session)
    if person is not None:
        rows = rows.filter(person_id=person)
    if status is not None:
        rows = rows.filter(status=status)
    return rows.order_by("pk")


@router.post(
    "/training-enrolments",
    response={201: TrainingEnrolmentOut},
    summary="Enrol yourself or one of your people",
    description="A full session puts the person on its waiting list (status `waiting`), or with "
    "`join_waiting_list: false` answers 400 and changes nothing.",
)
def training_enrolments_create(request, payload: TrainingEnrolmentIn):
    actor = request.actor
    session = selectors.session_for_body(actor, payload.session)
    return 201, services.enrol(
        actor=actor, session=session, person_id=payload.person, join_waiting_list=payload.join_waiting_list
    )


@router.get("/training-enrolments/{training_enrolment_id}", response=TrainingEnrolmentOut, summary="Read one")
def training_enrolments_read(request, training_enrolment_id: int):
    return selectors.access_enrolment(request.actor, training_enrolment_id)


@router.post(
    "/training-enrolments/{training_enrolment_id}/cancel",
    response=TrainingEnrolmentOut,
    summary="Cancel; a freed place goes to the first on the waiting list",
)
def training_enrolments_cancel(request, training_enrolment_id: int):
    enrolment = selectors.access_enrolment(request.actor, training_enrolment_id)
    return services.enrolment_cancel(actor=request.actor, enrolment=enrolment)


# --- assessments and certificates ----------------------------------------------------------------


@router.get(
    "/training-assessments",
    response=list[TrainingAssessmentOut],
    summary="Scores you may see (the person, their leads, directors, the org admin; not the analyst)",
)
@paginate(Page)
def training_assessments_list(request, person: QueryId | None = None):
    rows = selectors.assessment_list(request.actor)
    if person is not None:
        rows = rows.filter(person_id=person)
    return rows.order_by("-assessed_at", "-pk")


@router.post("/training-assessments", response={201: TrainingAssessmentOut}, summary="Record a score (audited)")
def training_assessments_create(request, payload: TrainingAssessmentIn):
    return 201, services.assessment_record(
        actor=request.actor, course_id=payload.course, person_id=payload.person, score=payload.score, note=payload.note
    )


@router.get("/training-assessments/{training_assessment_id}", response=TrainingAssessmentOut, summary="Read one")
def training_assessments_read(request, training_assessment_id: int):
    return selectors.access_assessment(request.actor, training_assessment_id)


@router.get("/training-certificates", response=list[TrainingCertificateOut], summary="Completion certificates")
@paginate(Page)
def training_certificates_list(request):
    return selectors.certificate_list(request.actor).order_by("-issued_at", "-pk")


@router.post(
    "/training-certificates",
    response={201: TrainingCertificateOut},
    summary="Issue a completion certificate (audited)",
    description="Refused (400, nothing changed) for a course the person has not completed.",
)
def training_certificates_create(request, payload: TrainingCertificateIn):
    return 201, services.certificate_issue(actor=request.actor, course_id=payload.course, person_id=payload.person)


@router.get("/training-certificates/{training_certificate_id}", response=TrainingCertificateOut, summary="Read one")
def training_certificates_read(request, training_certificate_id: int):
    return selectors.access_certificate(request.actor, training_certificate_id)


@router.get(
    "/training-certificates/{training_certificate_id}/pdf",
    response={200: bytes},
    summary="The certificate as PDF (`lang`: zh-hans or en)",
)
def training_certificates_pdf(request, training_certificate_id: int, lang: str | None = None):
    certificate = selectors.access_certificate(request.actor, training_certificate_id)
    language = lang if lang in ("zh-hans", "en") else (request.LANGUAGE_CODE or "zh-hans")
    response = HttpResponse(services.certificate_pdf(certificate=certificate, language=language), "application/pdf")
    response["Content-Disposition"] = f'attachment; filename="training-certificate-{certificate.pk}.pdf"'
    return response


# --- skill proposals ----------------------------------------------------------------------------


@router.get(
    "/training-skill-proposals",
    response=list[TrainingSkillProposalOut],
    summary="Skill levels completed courses propose",
)
@paginate(Page)
def training_skill_proposals_list(request):
    return selectors.proposal_list(request.actor).order_by("-pk")


@router.get(
    "/training-skill-proposals/{training_skill_proposal_id}", response=TrainingSkillProposalOut, summary="Read one"
)
def training_skill_proposals_read(request, training_skill_proposal_id: int):
    return selectors.access_proposal(request.actor, training_skill_proposal_id)


@router.post(
    "/training-skill-proposals/{training_skill_proposal_id}/confirm",
    response=TrainingSkillProposalOut,
    summary="Confirm the level in the person's skills (their lead, a director, the org admin)",
)
def training_skill_proposals_confirm(request, training_skill_proposal_id: int):
    proposal = selectors.access_proposal(request.actor, training_skill_proposal_id)
    return services.proposal_confirm(actor=request.actor, proposal=proposal)


@router.post(
    "/training-skill-proposals/{training_skill_proposal_id}/dismiss",
    response=TrainingSkillProposalOut,
    summary="Dismiss the proposal",
)
def training_skill_proposals_dismiss(request, training_skill_proposal_id: int):
    proposal = selectors.access_proposal(request.actor, training_skill_proposal_id)
    return services.proposal_dismiss(actor=request.actor, proposal=proposal)


# --- onboarding ---------------------------------------------------------------------------------


@router.get("/onboarding-plans", response=list[OnboardingPlanOut], summary="Onboarding plans per role")
@paginate(Page)
def onboarding_plans_list(request):
    return selectors.plan_list(request.actor).order_by("pk")


@router.post("/onboarding-plans", response={201: OnboardingPlanOut}, summary="Add a role's onboarding plan")
def onboarding_plans_create(request, payload: OnboardingPlanIn):
    plan = services.onboarding_plan_create(actor=request.actor, role=payload.role, title=payload.title)
    return 201, selectors.access_plan(request.actor, plan.pk)


@router.get("/onboarding-plans/{onboarding_plan_id}", response=OnboardingPlanOut, summary="Read a plan")
def onboarding_plans_read(request, onboarding_plan_id: int):
    return selectors.access_plan(request.actor, onboarding_plan_id)


@router.post(
    "/onboarding-plans/{onboarding_plan_id}/items", response={201: OnboardingItemOut}, summary="Add an item to a plan"
)
def onboarding_plans_item_add(request, onboarding_plan_id: int, payload: OnboardingItemIn):
    plan = selectors.access_plan(request.actor, onboarding_plan_id)
    item = services.onboarding_item_add(
        actor=request.actor,
        plan=plan,
        title=payload.title,
        due_after_days=payload.due_after_days,
        course_id=payload.course,
    )
    return 201, item


@router.get("/onboarding-tasks", response=list[OnboardingTaskOut], summary="New hires' onboarding items")
@paginate(Page)
def onboarding_tasks_list(request, person: QueryId | None = None):
    rows = selectors.onboarding_task_list(request.actor)
    if person is not None:
        rows = rows.filter(person_id=person)
    return rows.order_by("due_on", "pk")


@router.get("/onboarding-tasks/{onboarding_task_id}", response=OnboardingTaskOut, summary="Read one")
def onboarding_tasks_read(request, onboarding_task_id: int):
    return selectors.access_onboarding_task(request.actor, onboarding_task_id)


@router.post(
    "/onboarding-tasks/{onboarding_task_id}/done",
    response=OnboardingTaskOut,
    summary="Tick an item done (or `done: false` to reopen it)",
)
def onboarding_tasks_done(request, onboarding_task_id: int, payload: OnboardingTaskDoneIn):
    task = selectors.access_onboarding_task(request.actor, onboarding_task_id)
    return services.onboarding_task_done(actor=request.actor, task=task, done=payload.done)
