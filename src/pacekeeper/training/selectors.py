"""Reads of training, always scoped to the person asking (tenancy/scopes.py)."""

from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _

from pacekeeper.errors import ValidationFailed
from pacekeeper.lib.ids import parse_id
from pacekeeper.tenancy.models import User
from pacekeeper.tenancy.scopes import Actor, get_visible

from .models import (
    Assessment,
    Course,
    Enrolment,
    OnboardingPlan,
    OnboardingTask,
    SkillProposal,
    TrainingCertificate,
    TrainingSession,
)


def course_list(actor: Actor) -> QuerySet[Course]:
    return Course.objects.visible_to(actor).select_related("skill")


def course_filter(rows: QuerySet[Course], *, category: str | None = None, search: str = "") -> QuerySet[Course]:
    if category:
        rows = rows.filter(category=category)
    if search:
        rows = rows.filter(
            Q(title_zh__icontains=search) | Q(title_en__icontains=search) | Q(product_line__icontains=search)
        )
    return rows


def access_course(actor: Actor, course_id: object) -> Course:
    return get_visible(course_list(actor), course_id, actor=actor)


def session_list(actor: Actor) -> QuerySet[TrainingSession]:
    places = Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.ENROLLED))
    waiting = Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.WAITING))
    return (
        TrainingSession.objects.visible_to(actor)
        .select_related("course", "trainer")
        .annotate(taken=places, waiting=waiting)
    )


def access_session(actor: Actor, session_id: object) -> TrainingSession:
    return get_visible(session_list(actor), session_id, actor=actor)


def session_for_body(actor: Actor, session_id: object) -> TrainingSession:
    """A session named in a request body: out of scope or missing is a field error (400)."""
    session = session_list(actor).filter(pk=parse_id(session_id) or 0).first()
    if session is None:
        raise ValidationFailed({"session": [_("Choose a session of your organisation.")]})
    return session


def enrolment_list(actor: Actor) -> QuerySet[Enrolment]:
    return Enrolment.objects.visible_to(actor).select_related("session__course", "person")


def access_enrolment(actor: Actor, enrolment_id: object) -> Enrolment:
    return get_visible(enrolment_list(actor), enrolment_id, actor=actor)


def own_enrolment(actor: Actor, session: TrainingSession) -> Enrolment | None:
    return Enrolment.objects.filter(org_id=actor.org_id, session=session, person_id=actor.user_id).first()


def assessment_list(actor: Actor) -> QuerySet[Assessment]:
    return Assessment.objects.visible_to(actor).select_related("course", "person")


def access_assessment(actor: Actor, assessment_id: object) -> Assessment:
    return get_visible(assessment_list(actor), assessment_id, actor=actor)


def certificate_list(actor: Actor) -> QuerySet[TrainingCertificate]:
    return TrainingCertificate.objects.visible_to(actor).select_related("course", "person", "org")


def access_certificate(actor: Actor, certificate_id: object) -> TrainingCertificate:
    return get_visible(certificate_list(actor), certificate_id, actor=actor)


def proposal_list(actor: Actor) -> QuerySet[SkillProposal]:
    return SkillProposal.objects.visible_to(actor).select_related("person", "course", "skill")


def access_proposal(actor: Actor, proposal_id: object) -> SkillProposal:
    return get_visible(proposal_list(actor), proposal_id, actor=actor)


def plan_list(actor: Actor) -> QuerySet[OnboardingPlan]:
    return OnboardingPlan.objects.visible_to(actor).prefetch_related("items__course")


def access_plan(actor: Actor, plan_id: object) -> OnboardingPlan:
    return get_visible(plan_list(actor), plan_id, actor=actor)


def onboarding_task_list(actor: Actor) -> QuerySet[OnboardingTask]:
    return OnboardingTask.objects.visible_to(actor).select_related("item__course", "person__org")


def access_onboarding_task(actor: Actor, task_id: object) -> OnboardingTask:
    return get_visible(onboarding_task_list(actor), task_id, actor=actor)


def my_onboarding(actor: Actor) -> dict | None:
    """The new hire's own checklist for My day: open items first by due date, then the done
    ones; None when they have no onboarding or have finished it."""
    rows = list(
        OnboardingTask.objects.filter(org_id=actor.org_id, person_id=actor.user_id)
        .select_related("item")
        .order_by(F("done_at").asc(nulls_first=True), "due_on", "pk")
    )
    if not rows:
        return None
    today = actor.today()
    done = sum(1 for row in rows if row.done_at is not None)
    if done == len(rows):
        return None
    return {
        "rows": [{"task": row, "overdue": row.done_at is None and row.due_on < today} for row in rows],
        "done": done,
        "total": len(rows),
    }


def onboarding_progress(actor: Actor) -> list[dict]:
    """Each new hire the actor sees (other than themselves): items done of all, and overdue ones,
    in one grouped query."""
    today = actor.today()
    rows = (
        onboarding_task_list(actor)
        .exclude(person_id=actor.user_id)
        .values("person_id")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(done_at__isnull=False)),
            overdue=Count("pk", filter=Q(done_at__isnull=True, due_on__lt=today)),
        )
        .order_by("person_id")
    )
    people = {
        person.pk: person for person in User.objects.visible_to(actor).filter(pk__in=[r["person_id"] for r in rows])
    }
    return [{**row, "person": people[row["person_id"]]} for row in rows if row["person_id"] in people]
