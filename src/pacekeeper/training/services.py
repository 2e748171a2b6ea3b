"""Writes of training and onboarding. Pages, the API and the chore call these same functions
(docs/people.md). Every refusal is a field error (ValidationFailed) or Forbidden, raised before
anything is written, so a refused request changes nothing."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.lib import date_rules
from pacekeeper.lib.documents import Certificate
from pacekeeper.lib.formatting import format_date, format_datetime, is_chinese
from pacekeeper.lib.ids import parse_id
from pacekeeper.lib.pdf import render_certificate_pdf
from pacekeeper.lib.text import clean_text
from pacekeeper.skills import selectors as skill_selectors
from pacekeeper.skills import services as skill_services
from pacekeeper.tenancy.audit import audit_record
from pacekeeper.tenancy.models import Organization, Role, User
from pacekeeper.tenancy.scopes import (
    Actor,
    may_act_for_trainee,
    may_assess_trainee,
    may_confirm_skill,
    may_manage_training,
    may_schedule_training,
)

from . import notices
from .models import (
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

TITLE_MAX = 200
TEXT_MAX = 4000
PLACE_MAX = 300
MAX_CAPACITY = 1000
# Check-in opens this long before a session starts and closes when it ends.
CHECK_IN_EARLY = dt.timedelta(minutes=30)
CHECK_IN_SALT = "pacekeeper.training.check-in"
# A person counts as a new hire (gets their role's onboarding) this many days after hire.
NEW_HIRE_DAYS = 180


def _text(errors: dict, field: str, value: object, *, required: bool, limit: int) -> str:
    text = clean_text(str(value or "")).strip()
    if required and not text:
        errors[field] = [_("This field is required.")]
    elif len(text) > limit:
        errors[field] = [_("Keep this under %(n)d characters.") % {"n": limit}]
    return text


def _whole(errors: dict, field: str, value: object, low: int, high: int, *, required: bool = True) -> int | None:
    if value in (None, "") and not required:
        return None
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        number = int(value.strip())
    if number is None or not low <= number <= high:
        errors[field] = [_("Enter a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}]
        return None
    return number


def _person(actor: Actor, person_id: object, field: str = "person") -> User:
    """An active person the actor sees, else a field error (out of scope reads as missing)."""
    number = parse_id(person_id)
    person = User.objects.visible_to(actor).filter(pk=number, is_active=True).first() if number else None
    if person is None:
        raise ValidationFailed({field: [_("Choose one of your people.")]})
    return person


def _course(actor: Actor, course_id: object, *, active: bool = True) -> Course:
    number = parse_id(course_id)
    rows = Course.objects.visible_to(actor)
    course = rows.filter(pk=number, **({"is_active": True} if active else {})).first() if number else None
    if course is None:
        raise ValidationFailed({"course": [_("Choose an active course of your organisation.")]})
    return course


# --- the catalogue ------------------------------------------------------------------------------

COURSE_FIELDS = {
    "category",
    "product_line",
    "title_zh",
    "title_en",
    "description_zh",
    "description_en",
    "pass_mark",
    "skill",
    "skill_level",
    "is_active",
}


@transaction.atomic
def course_create(*, actor: Actor, **fields) -> Course:
    if not may_manage_training(actor):
        raise Forbidden(_("The course catalogue is kept by the org admin and directors."))
    course = Course(org_id=actor.org_id)
    _set_course_fields(actor, course, {"is_active": True, **fields}, creating=True)
    course.save()
    return course


@transaction.atomic
def course_update(*, actor: Actor, course: Course, changes: dict) -> Course:
    if not may_manage_training(actor):
        raise Forbidden(_("The course catalogue is kept by the org admin and directors."))
    before = course.pass_mark
    _set_course_fields(actor, course, changes, creating=False)
    course.save()
    if course.pass_mark != before:
        audit_record(actor=actor, obj=course, field="pass_mark", before=before, after=course.pass_mark)
    return course


def _set_course_fields(actor: Actor, course: Course, changes: dict, *, creating: bool) -> None:
    unknown = set(changes) - COURSE_FIELDS
    if unknown:
        raise ValidationFailed({name: [_("This field cannot be set.")] for name in sorted(unknown)})
    errors: dict[str, list[str]] = {}
    if creating or "category" in changes:
        if changes.get("category") not in Course.Category.values:
            errors["category"] = [_("Choose a category.")]
        else:
            course.category = changes["category"]
    for field in ("title_zh", "title_en"):
        if creating or field in changes:
            setattr(course, field, _text(errors, field, changes.get(field), required=True, limit=TITLE_MAX))
    for field in ("description_zh", "description_en"):
        if field in changes:
            setattr(course, field, _text(errors, field, changes.get(field), required=False, limit=TEXT_MAX))
    if "product_line" in changes:
        course.product_line = _text(errors, "product_line", changes["product_line"], required=False, limit=100)
    if "pass_mark" in changes:
        course.pass_mark = _whole(errors, "pass_mark", changes["pass_mark"], 1, 100, required=False)
    if "skill" in changes:
        course.skill = None
        if changes["skill"] not in (None, ""):
            number = parse_id(changes["skill"])
            skill = skill_selectors.skill_list(actor).filter(pk=number, is_active=True).first() if number else None
            if skill is None:
                errors["skill"] = [_("Choose an active skill of your organisation.")]
            course.skill = skill
    if "skill_level" in changes:
        course.skill_level = _whole(errors, "skill_level", changes["skill_level"], 1, 5, required=False)
    if (course.skill_id is None) != (course.skill_level is None) and not errors:
        errors["skill_level"] = [_("Give both the skill and the level the course proposes, or neither.")]
    if "is_active" in changes:
        course.is_active = bool(changes["is_active"])
    if errors:
        raise ValidationFailed(errors)


# --- sessions -------------------------------------------------------------------------------------


@transaction.atomic
def session_create(
    *,
    actor: Actor,
    course_id: object,
    trainer_id: object,
    mode: str,
    place: str,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    capacity: object,
) -> TrainingSession:
    if not may_schedule_training(actor):
        raise Forbidden(_("Sessions are scheduled by team leads, directors and the org admin."))
    errors: dict[str, list[str]] = {}
    try:
        course = _course(actor, course_id)
    except ValidationFailed as failed:
        errors.update(failed.errors)
        course = None
    number = parse_id(trainer_id)
    trainer = User.objects.filter(org_id=actor.org_id, pk=number, is_active=True).first() if number else None
    if trainer is None:
        errors["trainer"] = [_("Choose an active person of your organisation.")]
    if mode not in TrainingSession.Mode.values:
        errors["mode"] = [_("Choose in person or online.")]
    place = _text(errors, "place", place, required=True, limit=PLACE_MAX)
    seats = _whole(errors, "capacity", capacity, 1, MAX_CAPACITY)
    today = actor.today()
    for field, moment in (("starts_at", starts_at), ("ends_at", ends_at)):
        if moment is None:
            errors[field] = [_("This field is required.")]
        elif timezone.is_naive(moment):
            errors[field] = [_("Give the time with its time zone.")]
        elif problem := date_rules.window_problem(moment.date(), today):
            errors[field] = [problem]
    if not errors and ends_at <= starts_at:
        errors["ends_at"] = [_("The session ends after it starts.")]
    if errors:
        raise ValidationFailed(errors)
    return TrainingSession.objects.create(
        org_id=actor.org_id,
        course=course,
        trainer=trainer,
        mode=mode,
        place=place,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=seats,
        created_by=actor.user,
    )


# --- enrolment and the waiting list ------------------------------------------------------------


def _locked_session(session: TrainingSession) -> TrainingSession:
    """The session row locked, so two people taking the last place at once are served in turn."""
    return TrainingSession.objects.select_for_update().get(pk=session.pk)


@transaction.atomic
def enrol(
    *, actor: Actor, session: TrainingSession, person_id: object = None, join_waiting_list: bool = True
) -> Enrolment:
    """Enrol the actor (or, for a lead, one of their people) in a session. A full session puts
    them on its waiting list, or — with `join_waiting_list` false — refuses with nothing changed."""
    person = actor.user if person_id in (None, "") else _person(actor, person_id)
    if not may_act_for_trainee(actor, person.pk):
        raise Forbidden(_("You enrol yourself; a lead enrols their people."))
    session = _locked_session(session)
    if session.ends_at <= timezone.now():
        raise ValidationFailed({"session": [_("This session is over: choose a coming one.")]})
    existing = Enrolment.objects.filter(org_id=actor.org_id, session=session, person=person).first()
    if existing is not None and existing.status != Enrolment.Status.CANCELLED:
        raise ValidationFailed({"person": [_("%(person)s is already on this session.") % {"person": person}]})
    taken = Enrolment.objects.filter(session=session).holding_places().count()
    if taken >= session.capacity and not join_waiting_list:
        raise ValidationFailed(
            {
                "session": [
                    _("This session is full (%(n)d places). Join the waiting list or choose another session.")
                    % {"n": session.capacity}
                ]
            }
        )
    status = Enrolment.Status.ENROLLED if taken < session.capacity else Enrolment.Status.WAITING
    row = existing or Enrolment(org_id=actor.org_id, session=session, person=person)
    row.status, row.enrolled_by, row.created_at, row.attended_at = status, actor.user, timezone.now(), None
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise ValidationFailed(
            {"person": [_("This enrolment was made at the same moment. Please try again.")]}
        ) from None
    return row


@transaction.atomic
def enrolment_cancel(*, actor: Actor, enrolment: Enrolment) -> Enrolment:
    """Cancel an enrolment. A place it held goes at once to the first on the waiting list, who
    is told."""
    if not may_act_for_trainee(actor, enrolment.person_id):
        raise Forbidden(_("You cancel your own enrolment; a lead cancels their people's."))
    session = _locked_session(enrolment.session)
    enrolment.refresh_from_db()
    if enrolment.status == Enrolment.Status.CANCELLED:
        raise ValidationFailed({"": [_("This enrolment is already cancelled.")]})
    if enrolment.attended_at is not None:
        raise ValidationFailed({"": [_("An attended session cannot be cancelled.")]})
    held_place = enrolment.status == Enrolment.Status.ENROLLED
    enrolment.status = Enrolment.Status.CANCELLED
    enrolment.save(update_fields=["status"])
    if held_place:
        _promote_waiting(actor, session)
    return enrolment


def _promote_waiting(actor: Actor, session: TrainingSession) -> None:
    taken = Enrolment.objects.filter(session=session).holding_places().count()
    free = session.capacity - taken
    if free <= 0:
        return
    waiting = list(
        Enrolment.objects.filter(session=session, status=Enrolment.Status.WAITING)
        .select_related("person")
        .order_by("created_at", "pk")[:free]
    )
    for row in waiting:
        row.status = Enrolment.Status.ENROLLED
        row.save(update_fields=["status"])
        notices.announce_promoted(actor=actor, enrolment=row)


# --- attendance: check-in by QR code -----------------------------------------------------------


def check_in_token(session: TrainingSession) -> str:
    """The signature that makes a session's check-in link: valid for this session only."""
    return signing.Signer(salt=CHECK_IN_SALT).sign(f"{session.org_id}.{session.pk}").rsplit(":", 1)[1]


def check_in_token_valid(session: TrainingSession, token: object) -> bool:
    if not isinstance(token, str) or not token or len(token) > 100:
        return False
    try:
        signing.Signer(salt=CHECK_IN_SALT).unsign(f"{session.org_id}.{session.pk}:{token}")
    except signing.BadSignature:
        return False
    return True


def check_in_window(session: TrainingSession) -> tuple[dt.datetime, dt.datetime]:
    return session.starts_at - CHECK_IN_EARLY, session.ends_at


@transaction.atomic
def check_in(*, actor: Actor, session: TrainingSession, token: object, now: dt.datetime | None = None) -> Enrolment:
    """The signed-in attendee checks in with the code of this session, inside its window
    (from 30 minutes before the start to the end). Checking in twice keeps the first time."""
    if not check_in_token_valid(session, token):
        raise ValidationFailed({"token": [_("This check-in code is not valid for this session.")]})
    now = now or timezone.now()
    opens, closes = check_in_window(session)
    if not opens <= now <= closes:
        language = translation.get_language() or "zh-hans"
        zone = ZoneInfo(actor.org.time_zone)
        raise ValidationFailed(
            {
                "": [
                    _("Check-in for this session is open from %(opens)s to %(closes)s only.")
                    % {
                        "opens": format_datetime(opens.astimezone(zone), language),
                        "closes": format_datetime(closes.astimezone(zone), language),
                    }
                ]
            }
        )
    row = (
        Enrolment.objects.select_for_update()
        .filter(org_id=actor.org_id, session=session, person_id=actor.user_id)
        .first()
    )
    if row is None or row.status != Enrolment.Status.ENROLLED:
        raise ValidationFailed({"": [_("You have no place on this session: ask the trainer.")]})
    if row.attended_at is None:
        row.attended_at = now
        row.save(update_fields=["attended_at"])
        _on_progress(actor, session.course, actor.user)
    return row


# --- assessments, completion, certificates ------------------------------------------------------


@transaction.atomic
def assessment_record(
    *, actor: Actor, course_id: object, person_id: object, score: object, note: str = ""
) -> Assessment:
    """Record a score (0–100) in a course's assessment, judged against the course's pass mark."""
    course = _course(actor, course_id, active=False)
    person = _person(actor, person_id)
    is_trainer = TrainingSession.objects.filter(course=course, trainer_id=actor.user_id).exists()
    if not may_assess_trainee(actor, person.pk, is_trainer=is_trainer):
        raise Forbidden(_("A score is recorded by the trainer, the person's lead, a director or the org admin."))
    errors: dict[str, list[str]] = {}
    if course.pass_mark is None:
        errors["course"] = [_("This course has no assessment (no pass mark).")]
    value = _whole(errors, "score", score, 0, 100)
    note = _text(errors, "note", note, required=False, limit=500)
    if errors:
        raise ValidationFailed(errors)
    row = Assessment.objects.create(
        org_id=actor.org_id,
        course=course,
        person=person,
        score=value,
        pass_mark=course.pass_mark,
        passed=value >= course.pass_mark,
        assessed_by=actor.user,
        assessed_at=timezone.now(),
        note=note,
    )
    audit_record(actor=actor, obj=row, field="score", before=None, after=value, reason=note)
    _on_progress(actor, course, person)
    return row


def is_completed(course: Course, person_id: int) -> bool:
    """Attended a session of the course and, if it has a pass mark, passed an assessment."""
    attended = Enrolment.objects.filter(
        org_id=course.org_id, session__course=course, person_id=person_id, attended_at__isnull=False
    ).exists()
    if not attended:
        return False
    if course.pass_mark is None:
        return True
    return Assessment.objects.filter(org_id=course.org_id, course=course, person_id=person_id, passed=True).exists()


def _on_progress(actor: Actor, course: Course, person: User) -> None:
    """A completed course that builds a skill proposes its level to the person's lead, unless the
    person's current level is already that high."""
    if course.skill_id is None or course.skill_level is None or not is_completed(course, person.pk):
        return
    current = skill_selectors.levels_for(course.org_id, [person.pk], [course.skill_id]).get(
        (person.pk, course.skill_id)
    )
    if current is not None and current >= course.skill_level:
        return
    SkillProposal.objects.get_or_create(
        org_id=course.org_id,
        person=person,
        course=course,
        defaults={"skill_id": course.skill_id, "level": course.skill_level},
    )


@transaction.atomic
def certificate_issue(*, actor: Actor, course_id: object, person_id: object = None) -> TrainingCertificate:
    """Issue the completion certificate of a course (once per person); refused for a course the
    person has not completed. Audited."""
    course = _course(actor, course_id, active=False)
    person = actor.user if person_id in (None, "") else _person(actor, person_id)
    if not may_act_for_trainee(actor, person.pk):
        raise Forbidden()
    if not is_completed(course, person.pk):
        needs = (
            _("attend a session")
            if course.pass_mark is None
            else _("attend a session and pass the assessment (%(mark)d/100)") % {"mark": course.pass_mark}
        )
        raise ValidationFailed(
            {
                "course": [
                    _("%(person)s has not completed this course yet: %(needs)s first.")
                    % {"person": person, "needs": needs}
                ]
            }
        )
    existing = TrainingCertificate.objects.filter(org_id=actor.org_id, course=course, person=person).first()
    if existing is not None:
        return existing
    certificate = TrainingCertificate.objects.create(
        org_id=actor.org_id, course=course, person=person, issued_by=actor.user, issued_at=timezone.now()
    )
    audit_record(actor=actor, obj=certificate, field="issued", before=None, after=certificate.number)
    return certificate


def certificate_pdf(*, certificate: TrainingCertificate, language: str) -> bytes:
    """The bilingual completion certificate as a one-page PDF in `language`."""
    language = "zh-hans" if is_chinese(language) else "en"
    course = certificate.course
    with translation.override(language):
        day = certificate.issued_at.astimezone(ZoneInfo(certificate.org.time_zone)).date()
        achievement = _("For completing the course “%(course)s” on %(date)s.") % {
            "course": course.title_in(language),
            "date": format_date(day, language),
        }
        pdf = Certificate(
            title=_("Certificate of Completion"),
            organisation=certificate.org.name,
            person=str(certificate.person),
            achievement=achievement,
            date=day,
            language=language,
            number=certificate.number,
        )
    return render_certificate_pdf(pdf)


# --- skills: proposals the lead confirms --------------------------------------------------------


@transaction.atomic
def proposal_confirm(*, actor: Actor, proposal: SkillProposal) -> SkillProposal:
    """Confirm the proposed level through the skills app's own service (audited and announced
    there): one skill model."""
    if not may_confirm_skill(actor, proposal.person_id):
        raise Forbidden(_("A level is confirmed by the person's lead, a director or an admin, never by oneself."))
    if proposal.status != SkillProposal.Status.PENDING:
        raise ValidationFailed({"": [_("This proposal has been decided already.")]})
    skill_services.level_confirm(
        actor=actor,
        person_id=proposal.person_id,
        skill_id=proposal.skill_id,
        level=proposal.level,
        note=_("Completed the course “%(course)s”.") % {"course": proposal.course},
    )
    return _decide(actor, proposal, SkillProposal.Status.CONFIRMED)


@transaction.atomic
def proposal_dismiss(*, actor: Actor, proposal: SkillProposal) -> SkillProposal:
    if not may_confirm_skill(actor, proposal.person_id):
        raise Forbidden(_("A level is confirmed by the person's lead, a director or an admin, never by oneself."))
    if proposal.status != SkillProposal.Status.PENDING:
        raise ValidationFailed({"": [_("This proposal has been decided already.")]})
    return _decide(actor, proposal, SkillProposal.Status.DISMISSED)


def _decide(actor: Actor, proposal: SkillProposal, status: str) -> SkillProposal:
    proposal.status, proposal.decided_by, proposal.decided_at = status, actor.user, timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at"])
    return proposal


# --- onboarding -------------------------------------------------------------------------------


@transaction.atomic
def onboarding_plan_create(*, actor: Actor, role: str, title: str) -> OnboardingPlan:
    if not may_manage_training(actor):
        raise Forbidden(_("Onboarding plans are kept by the org admin and directors."))
    errors: dict[str, list[str]] = {}
    if role not in Role.values:
        errors["role"] = [_("Choose a role.")]
    elif OnboardingPlan.objects.filter(org_id=actor.org_id, role=role).exists():
        errors["role"] = [_("This role has an onboarding plan already.")]
    title = _text(errors, "title", title, required=True, limit=TITLE_MAX)
    if errors:
        raise ValidationFailed(errors)
    return OnboardingPlan.objects.create(org_id=actor.org_id, role=role, title=title)


@transaction.atomic
def onboarding_item_add(
    *, actor: Actor, plan: OnboardingPlan, title: str, due_after_days: object, course_id: object = None
) -> OnboardingItem:
    if not may_manage_training(actor):
        raise Forbidden(_("Onboarding plans are kept by the org admin and directors."))
    errors: dict[str, list[str]] = {}
    title = _text(errors, "title", title, required=True, limit=TITLE_MAX)
    days = _whole(errors, "due_after_days", due_after_days, 0, 365)
    course = None
    if course_id not in (None, ""):
        try:
            course = _course(actor, course_id)
        except ValidationFailed as failed:
            errors.update(failed.errors)
    if errors:
        raise ValidationFailed(errors)
    return OnboardingItem.objects.create(
        org_id=actor.org_id, plan=plan, title=title, due_after_days=days, course=course
    )


def hire_date(person: User) -> dt.date:
    """An account manager's hire date from their profile; otherwise the day their account was
    made (in the organisation's time zone)."""
    profile = getattr(person, "manager_profile", None)
    if profile is not None and profile.hired_on:
        return profile.hired_on
    return person.date_joined.astimezone(ZoneInfo(person.org.time_zone)).date()


def onboarding_start(*, person: User, today: dt.date) -> int:
    """Give a new hire the items of their role's plan (idempotent: items they have are kept)."""
    plan = OnboardingPlan.objects.filter(org_id=person.org_id, role=person.role).first()
    if plan is None:
        return 0
    hired = hire_date(person)
    if (today - hired).days > NEW_HIRE_DAYS:
        return 0
    rows = [
        OnboardingTask(
            org_id=person.org_id, person=person, item=item, due_on=hired + dt.timedelta(days=item.due_after_days)
        )
        for item in plan.items.all()
    ]
    made = OnboardingTask.objects.bulk_create(rows, ignore_conflicts=True)
    return len(made)


@transaction.atomic
def onboarding_task_done(*, actor: Actor, task: OnboardingTask, done: bool = True) -> OnboardingTask:
    if not may_act_for_trainee(actor, task.person_id):
        raise Forbidden(_("An onboarding item is ticked by the new hire or their lead."))
    task.done_at, task.done_by = (timezone.now(), actor.user) if done else (None, None)
    task.save(update_fields=["done_at", "done_by"])
    return task


def onboarding_chore() -> dict:
    """Every organisation: start the onboarding of new hires, and tell each person (and their
    leads) once about each item that became overdue."""
    started = notified = 0
    for org in Organization.objects.all():
        today = timezone.now().astimezone(ZoneInfo(org.time_zone)).date()
        since = today - dt.timedelta(days=NEW_HIRE_DAYS)
        roles = OnboardingPlan.objects.filter(org=org).values_list("role", flat=True)
        people = User.objects.filter(org=org, is_active=True, role__in=list(roles)).filter(
            Q(manager_profile__hired_on__gte=since)
            | Q(manager_profile__hired_on__isnull=True, date_joined__date__gte=since)
        )
        for person in people.select_related("manager_profile", "org"):
            started += onboarding_start(person=person, today=today)
        notified += _notify_overdue(org, today)
    return {"started": started, "notified": notified}


def _notify_overdue(org: Organization, today: dt.date) -> int:
    overdue = list(
        OnboardingTask.objects.filter(org=org, done_at__isnull=True, due_on__lt=today, overdue_notified_at__isnull=True)
        .select_related("person", "item")
        .order_by("pk")
    )
    for task in overdue:
        # Marked first, in one statement per row: a second worker running the chore finds it taken.
        if OnboardingTask.objects.filter(pk=task.pk, overdue_notified_at__isnull=True).update(
            overdue_notified_at=timezone.now()
        ):
            notices.announce_overdue(task=task, today=today)
    return len(overdue)
