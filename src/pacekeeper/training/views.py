"""Training pages: the catalogue, a course (sessions, scores, certificate), a session (places,
waiting list, the check-in QR code), the phone check-in page, onboarding. Each view fetches
through the scope and calls the service the API calls too (docs/people.md)."""

import segno
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.lib.pages import actor_required, add_service_errors, message_service_errors, paginate, query_without
from pacekeeper.tenancy.models import User
from pacekeeper.tenancy.scopes import may_manage_training, may_schedule_training, may_see_check_in_code

from . import selectors, services
from .forms import AssessmentForm, CourseForm, EnrolForm, PlanForm, PlanItemForm, SessionForm
from .models import Course, Enrolment

PER_PAGE = 20


def _people(actor):
    """Whom the actor may act for besides themselves (a lead's people; everyone for org roles)."""
    return User.objects.visible_to(actor).filter(is_active=True).exclude(pk=actor.user_id).order_by("display_name")


@actor_required
def catalogue(request: HttpRequest):
    actor = request.actor
    form = CourseForm(request.POST or None) if may_manage_training(actor) else None
    if request.method == "POST":
        if form is None:
            raise Forbidden(_("The course catalogue is kept by the org admin and directors."))
        if form.is_valid():
            try:
                course = services.course_create(actor=actor, **form.cleaned_data)
            except ValidationFailed as failed:
                add_service_errors(form, failed)
            else:
                messages.success(request, _("Course added."))
                return redirect("training:course", training_course_id=course.pk)
    category = request.GET.get("category") if request.GET.get("category") in Course.Category.values else None
    search = (request.GET.get("q") or "").strip()[:100]
    rows = selectors.course_filter(
        selectors.course_list(actor).filter(is_active=True), category=category, search=search
    )
    page = paginate(request, rows, PER_PAGE)
    context = {
        "page": page,
        "categories": Course.Category.choices,
        "category": category,
        "search": search,
        "form": form,
        "mine": selectors.enrolment_list(actor)
        .filter(person_id=actor.user_id)
        .exclude(status=Enrolment.Status.CANCELLED)
        .order_by("-session__starts_at")[:10],
        "certificates": selectors.certificate_list(actor).filter(person_id=actor.user_id)[:10],
        "proposals": selectors.proposal_list(actor).filter(status="pending").exclude(person_id=actor.user_id)[:20],
        "query": query_without(request, "page"),
    }
    return render(request, "training/catalogue.html", context, status=400 if form is not None and form.errors else 200)


def _course_context(request, course, *, session_form=None, assessment_form=None) -> dict:
    actor = request.actor
    sessions = selectors.session_list(actor).filter(course=course).order_by("-starts_at")
    if session_form is None and may_schedule_training(actor):
        session_form = SessionForm(trainers=User.objects.visible_to(actor).filter(is_active=True))
    may_assess = may_schedule_training(actor) or sessions.filter(trainer_id=actor.user_id).exists()
    if assessment_form is None and may_assess and course.pass_mark is not None:
        assessment_form = AssessmentForm(people=_people(actor))
    return {
        "course": course,
        "title": course.title_in(get_language() or "zh-hans"),
        "description": course.description_in(get_language() or "zh-hans"),
        "sessions": sessions[:50],
        "session_form": session_form,
        "assessment_form": assessment_form,
        "assessments": selectors.assessment_list(actor).filter(course=course)[:50],
        "completed": services.is_completed(course, actor.user_id),
        "certificate": selectors.certificate_list(actor).filter(course=course, person_id=actor.user_id).first(),
    }


@actor_required
def course(request: HttpRequest, training_course_id: int):
    """A course; a POST schedules a session of it."""
    actor = request.actor
    found = selectors.access_course(actor, training_course_id)
    session_form = None
    if request.method == "POST":
        if not may_schedule_training(actor):
            raise Forbidden(_("Sessions are scheduled by team leads, directors and the org admin."))
        session_form = SessionForm(request.POST, trainers=User.objects.visible_to(actor).filter(is_active=True))
        if session_form.is_valid():
            data = session_form.cleaned_data
            try:
                made = services.session_create(
                    actor=actor,
                    course_id=found.pk,
                    trainer_id=data["trainer"],
                    **{key: data[key] for key in ("mode", "place", "starts_at", "ends_at", "capacity")},
                )
            except ValidationFailed as failed:
                add_service_errors(session_form, failed)
            else:
                messages.success(request, _("Session scheduled."))
                return redirect("training:session", training_session_id=made.pk)
    context = _course_context(request, found, session_form=session_form)
    return render(request, "training/course.html", context, status=400 if session_form and session_form.errors else 200)


@actor_required
def assess(request: HttpRequest, training_course_id: int):
    actor = request.actor
    found = selectors.access_course(actor, training_course_id)
    if request.method != "POST":
        return HttpResponse(status=405)
    if not (may_schedule_training(actor) or found.sessions.filter(trainer_id=actor.user_id).exists()):
        raise Forbidden(_("A score is recorded by the trainer, the person's lead, a director or the org admin."))
    form = AssessmentForm(request.POST, people=_people(actor))
    if form.is_valid():
        try:
            data = form.cleaned_data
            services.assessment_record(
                actor=actor, course_id=found.pk, person_id=data["person"], score=data["score"], note=data["note"]
            )
        except ValidationFailed as failed:
            add_service_errors(form, failed)
        else:
            messages.success(request, _("Score recorded."))
            return redirect("training:course", training_course_id=found.pk)
    return render(request, "training/course.html", _course_context(request, found, assessment_form=form), status=400)


@actor_required
def certificate_issue(request: HttpRequest, training_course_id: int):
    actor = request.actor
    found = selectors.access_course(actor, training_course_id)
    if request.method != "POST":
        return HttpResponse(status=405)
    if not actor.can_write:
        raise Forbidden()
    try:
        issued = services.certificate_issue(actor=actor, course_id=found.pk)
    except ValidationFailed as failed:
        message_service_errors(request, failed)
        return render(request, "training/course.html", _course_context(request, found), status=400)
    messages.success(request, _("Certificate issued: %(number)s.") % {"number": issued.number})
    return redirect("training:course", training_course_id=found.pk)


@actor_required
def certificate_pdf(request: HttpRequest, training_certificate_id: int):
    found = selectors.access_certificate(request.actor, training_certificate_id)
    lang = request.GET.get("lang")
    language = lang if lang in ("zh-hans", "en") else (get_language() or "zh-hans")
    response = HttpResponse(services.certificate_pdf(certificate=found, language=language), "application/pdf")
    response["Content-Disposition"] = f'attachment; filename="training-certificate-{found.pk}.pdf"'
    return response


@actor_required
def session(request: HttpRequest, training_session_id: int):
    actor = request.actor
    found = selectors.access_session(actor, training_session_id)
    qr = url = ""
    if may_see_check_in_code(actor, found):
        path = reverse("training:check_in", args=[found.pk]) + "?t=" + services.check_in_token(found)
        url = request.build_absolute_uri(path)
        qr = segno.make(url, error="m").svg_inline(scale=4, dark="#111", light="#fff")
    opens, closes = services.check_in_window(found)
    context = {
        "session": found,
        "title": found.course.title_in(get_language() or "zh-hans"),
        "roster": selectors.enrolment_list(actor).filter(session=found).exclude(status=Enrolment.Status.CANCELLED),
        "mine": selectors.own_enrolment(actor, found),
        "enrol_form": EnrolForm(people=_people(actor)) if actor.can_write else None,
        "qr": qr,
        "url": url,
        "opens": opens,
        "closes": closes,
    }
    return render(request, "training/session.html", context)


@actor_required
def enrol(request: HttpRequest, training_session_id: int):
    actor = request.actor
    found = selectors.access_session(actor, training_session_id)
    if request.method != "POST":
        return HttpResponse(status=405)
    if not actor.can_write:
        raise Forbidden()
    form = EnrolForm(request.POST, people=_people(actor))
    if not form.is_valid():
        message_service_errors(request, ValidationFailed(form.errors))
        return redirect("training:session", training_session_id=found.pk)
    try:
        row = services.enrol(actor=actor, session=found, person_id=form.cleaned_data.get("person"))
    except ValidationFailed as failed:
        message_service_errors(request, failed)
    else:
        if row.status == Enrolment.Status.WAITING and row.person_id != actor.user_id:
            # A lead enrolling someone else: the message speaks of that person, not of the lead.
            text = _("The session is full: %(person)s is on the waiting list and will be told when a place frees up.")
            messages.warning(request, text % {"person": row.person})
        elif row.status == Enrolment.Status.WAITING:
            messages.warning(
                request, _("The session is full: you are on the waiting list and will be told when a place frees up.")
            )
        else:
            messages.success(request, _("Enrolled."))
    return redirect("training:session", training_session_id=found.pk)


@actor_required
def enrolment_cancel(request: HttpRequest, training_enrolment_id: int):
    actor = request.actor
    found = selectors.access_enrolment(actor, training_enrolment_id)
    if request.method != "POST":
        return HttpResponse(status=405)
    try:
        services.enrolment_cancel(actor=actor, enrolment=found)
    except ValidationFailed as failed:
        message_service_errors(request, failed)
    else:
        messages.success(request, _("Enrolment cancelled."))
    return redirect("training:session", training_session_id=found.session_id)


@actor_required
def check_in(request: HttpRequest, training_session_id: int):
    """The page the QR code opens on the attendee's phone: the session, and one button."""
    actor = request.actor
    found = selectors.access_session(actor, training_session_id)
    token = request.POST.get("t") if request.method == "POST" else request.GET.get("t")
    context = {
        "session": found,
        "title": found.course.title_in(get_language() or "zh-hans"),
        "token": token or "",
        "mine": selectors.own_enrolment(actor, found),
        "valid": services.check_in_token_valid(found, token),
    }
    if not context["valid"]:
        context["problem"] = _("This check-in link is not valid for this session. Scan the code the trainer shows.")
        return render(request, "training/check_in.html", context, status=400)
    if request.method == "POST":
        try:
            context["mine"] = services.check_in(actor=actor, session=found, token=token)
        except ValidationFailed as failed:
            context["problem"] = " ".join(str(m) for found_messages in failed.errors.values() for m in found_messages)
            return render(request, "training/check_in.html", context, status=400)
        context["checked_in"] = True
    return render(request, "training/check_in.html", context)


@actor_required
def onboarding(request: HttpRequest):
    """The actor's own checklist, their new hires' progress, and (org admin, directors) the plans."""
    actor = request.actor
    plan_form = item_form = None
    plans = selectors.plan_list(actor)
    if may_manage_training(actor):
        plan_form = PlanForm(request.POST if "role" in request.POST else None)
        item_form = PlanItemForm(request.POST if "plan" in request.POST else None, plans=plans)
    if request.method == "POST":
        if plan_form is None:
            raise Forbidden(_("Onboarding plans are kept by the org admin and directors."))
        form = plan_form if "role" in request.POST else item_form
        if form.is_valid():
            data = form.cleaned_data
            try:
                if form is plan_form:
                    services.onboarding_plan_create(actor=actor, **data)
                else:
                    plan = selectors.access_plan(actor, data.pop("plan"))
                    services.onboarding_item_add(actor=actor, plan=plan, **data)
            except ValidationFailed as failed:
                add_service_errors(form, failed)
            else:
                messages.success(request, _("Saved."))
                return redirect("training:onboarding")
    context = {
        "checklist": selectors.my_onboarding(actor),
        "progress": selectors.onboarding_progress(actor),
        "plans": plans,
        "plan_form": plan_form,
        "item_form": item_form,
        "tasks": selectors.onboarding_task_list(actor).exclude(person_id=actor.user_id).open().order_by("due_on")[:100],
        "today": actor.today(),
    }
    return render(request, "training/onboarding.html", context)


@actor_required
def onboarding_done(request: HttpRequest, onboarding_task_id: int):
    actor = request.actor
    task = selectors.access_onboarding_task(actor, onboarding_task_id)
    if request.method != "POST":
        return HttpResponse(status=405)
    services.onboarding_task_done(actor=actor, task=task, done=request.POST.get("undo") != "1")
    return redirect(request.POST.get("next") if request.POST.get("next") == "/my-day/" else "training:onboarding")


def _decide(request: HttpRequest, proposal_id: int, confirm: bool):
    actor = request.actor
    proposal = selectors.access_proposal(actor, proposal_id)
    if request.method != "POST":
        return HttpResponse(status=405)
    try:
        if confirm:
            services.proposal_confirm(actor=actor, proposal=proposal)
            messages.success(request, _("Level confirmed in the person's skills."))
        else:
            services.proposal_dismiss(actor=actor, proposal=proposal)
            messages.success(request, _("Proposal dismissed."))
    except ValidationFailed as failed:
        message_service_errors(request, failed)
    return redirect("training:catalogue")


@actor_required
def proposal_confirm(request: HttpRequest, training_skill_proposal_id: int):
    return _decide(request, training_skill_proposal_id, confirm=True)


@actor_required
def proposal_dismiss(request: HttpRequest, training_skill_proposal_id: int):
    return _decide(request, training_skill_proposal_id, confirm=False)
