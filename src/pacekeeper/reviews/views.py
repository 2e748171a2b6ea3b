"""Evaluation pages: review cycles with their criteria and progress, and one evaluation with the
form of the step the viewer may take."""

import datetime as dt

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacekeeper.errors import ValidationFailed
from pacekeeper.goals import units
from pacekeeper.lib.pages import actor_required, add_service_errors, message_service_errors, paginate, query_without
from pacekeeper.lib.tabular import download_response
from pacekeeper.tenancy.audit import audit_trail
from pacekeeper.tenancy.models import Role, person_named
from pacekeeper.tenancy.scopes import (
    REVIEW_ADMIN_ROLES,
    get_visible,
    may_calibrate,
    may_respond_to_evaluation,
    may_review,
    require_personal_records,
    require_role,
    sees_grade_distribution,
)

from . import selectors, services
from .forms import (
    CalibrationForm,
    CriterionFormSet,
    CycleForm,
    RatingsForm,
    ReasonForm,
    ResolutionForm,
    ResponseForm,
)
from .models import Criterion, Evaluation, ReviewCycle


def _cycle(request: HttpRequest, cycle_id: int) -> ReviewCycle:
    scoped = ReviewCycle.objects.visible_to(request.actor).prefetch_related("criteria")
    return get_visible(scoped, cycle_id, actor=request.actor)


def _evaluation(request: HttpRequest, evaluation_id: int) -> Evaluation:
    scoped = Evaluation.objects.visible_to(request.actor).select_related("cycle", "org", "person", "reviewed_by")
    return get_visible(scoped, evaluation_id, actor=request.actor)


def _mark_overdue(request: HttpRequest, evaluations) -> list[Evaluation]:
    """Give each evaluation `overdue_since`: the first day after its current step's passed
    deadline (None when it is not overdue), for the "overdue since" badge."""
    today = request.actor.today()
    evaluations = list(evaluations)
    for evaluation in evaluations:
        due = services.overdue_due(evaluation, today)
        evaluation.overdue_since = due + dt.timedelta(days=1) if due else None
    return evaluations


# --- cycles --------------------------------------------------------------------------------------


@actor_required
def cycle_list(request: HttpRequest):
    require_personal_records(request.actor)
    actor = request.actor
    cycles = ReviewCycle.objects.visible_to(actor)
    mine = Evaluation.objects.visible_to(actor).filter(person_id=actor.user_id).select_related("cycle")
    return render(
        request,
        "reviews/cycle_list.html",
        {"page": paginate(request, cycles), "mine": _mark_overdue(request, mine.order_by("-cycle__ends_on")[:12])},
    )


@actor_required
def cycle_detail(request: HttpRequest, cycle_id: int):
    cycle = _cycle(request, cycle_id)
    evaluations = Evaluation.objects.visible_to(request.actor).filter(cycle=cycle).select_related("person")
    step = request.GET.get("step", "")
    search = request.GET.get("q", "").strip()
    shown = evaluations
    if step in Evaluation.Step.values:
        shown = shown.filter(step=step)
    if search:
        shown = shown.filter(person_named(search, via="person__"))
    by_step = dict(evaluations.values_list("step").annotate(n=Count("pk")))
    shows_distribution = sees_grade_distribution(request.actor) and cycle.status != ReviewCycle.Status.DRAFT
    graded = evaluations.exclude(grade="")
    if shows_distribution:  # the same people as the distribution table: not the viewer's own
        graded = graded.exclude(person_id=request.actor.user_id)
    by_grade = dict(graded.values_list("grade").annotate(n=Count("pk")))
    page = paginate(request, shown.order_by("person__username"), per_page=50)
    for evaluation in page.object_list:
        evaluation.cycle = cycle
    page.object_list = _mark_overdue(request, page.object_list)
    return render(
        request,
        "reviews/cycle_detail.html",
        {
            "cycle": cycle,
            "criteria": cycle.criteria.all(),
            "page": page,
            "steps": [(value, label, by_step.get(value, 0)) for value, label in Evaluation.Step.choices],
            "grades": [(value, label, by_grade.get(value, 0)) for value, label in Evaluation.Grade.choices],
            "step": step,
            "search": search,
            "query": query_without(request, "page"),
            "manages": request.actor.role in REVIEW_ADMIN_ROLES,
            "history": audit_trail(actor=request.actor, obj=cycle),
            "distribution": selectors.distribution(actor=request.actor, cycle=cycle) if shows_distribution else None,
            "audience": _audience_words(cycle),
        },
    )


@actor_required
def cycle_export(request: HttpRequest, cycle_id: int):
    """The evaluations of the cycle the viewer may see, CSV or XLSX (the person's own, before
    calibration, without the reviewer's part)."""
    cycle = _cycle(request, cycle_id)
    evaluations = (
        Evaluation.objects.visible_to(request.actor)
        .filter(cycle=cycle)
        .select_related("person", "reviewed_by", "calibrated_by")
        .order_by("person__username")
    )
    header = [
        _("Username"), _("Person"), _("Step"), _("Score"), _("Final score"), _("Grade"), _("Reviewed by"),
        _("Calibrated by"),
    ]  # fmt: skip

    def rows():
        for evaluation in evaluations.iterator(chunk_size=2000):
            shows = services.shows_review(request.actor, evaluation)
            yield [
                evaluation.person.username,
                str(evaluation.person),
                str(evaluation.get_step_display()),
                str(evaluation.score or "") if shows else "",
                str(evaluation.final_score or "") if shows else "",
                evaluation.grade if shows else "",
                str(evaluation.reviewed_by or "") if shows else "",
                str(evaluation.calibrated_by or "") if shows else "",
            ]

    return download_response(
        f"evaluations-{cycle.pk}", header, rows(), request.GET.get("format", "csv"), sheet="evaluations"
    )


def _audience_words(cycle: ReviewCycle) -> str:
    """Who the cycle evaluates, in words."""
    audience = cycle.audience or {}
    if audience.get("people"):
        names = selectors.audience_people(cycle, audience["people"])
        return _("Chosen people: %(names)s") % {"names": ", ".join(str(person) for person in names[:20])}
    roles = audience.get("roles") or [Role.MANAGER, Role.LEAD]
    words = ", ".join(str(Role(role).label) for role in roles)
    if audience.get("teams"):
        teams = selectors.audience_teams(cycle, audience["teams"])
        words += " · " + _("in %(teams)s") % {"teams": ", ".join(team.name for team in teams)}
    return words


def _bands_text(bands) -> str:
    return "; ".join(f"{band['from']}={band['score']}" for band in bands[1:])


def _cycle_forms(request: HttpRequest, cycle: ReviewCycle | None):
    initial, rows = None, None
    if cycle is not None:
        audience = cycle.audience or {}
        initial = {
            "name": cycle.name,
            "starts_on": cycle.starts_on,
            "ends_on": cycle.ends_on,
            **{field: getattr(cycle, field) for field in services.DEADLINE_FIELDS},
            "audience_roles": audience.get("roles", []),
            "audience_teams": audience.get("teams", []),
            "audience_people": audience.get("people", []),
            **{
                f"share_{grade}_{key}": value
                for grade, limits in (cycle.target_distribution or {}).items()
                for key, value in limits.items()
            },
        }
        rows = [
            {
                "name": criterion.name,
                "kind": criterion.kind,
                "metric": criterion.metric,
                "target": units.shown(criterion.metric, criterion.target),
                "weight": criterion.weight,
                "roles": criterion.roles,
                "curve": criterion.curve,
                "floor": criterion.floor,
                "cap": criterion.cap,
                "bands": _bands_text(criterion.bands),
            }
            for criterion in cycle.criteria.all()
        ]
    data = request.POST if request.method == "POST" else None
    org_id = request.actor.org_id
    form = CycleForm(
        data,
        initial=initial,
        teams=selectors.cycle_team_choices(org_id),
        people=selectors.cycle_people_choices(org_id),
    )
    return form, CriterionFormSet(data, initial=rows, prefix="criteria")


def _save_cycle(request: HttpRequest, cycle: ReviewCycle | None):
    require_role(request.actor, REVIEW_ADMIN_ROLES)
    form, criteria_forms = _cycle_forms(request, cycle)
    if request.method == "POST" and form.is_valid() and criteria_forms.is_valid():
        criteria = [
            services.CriterionIn(
                name=row["name"],
                kind=row["kind"],
                weight=row["weight"],
                metric=row.get("metric") or "",
                target=units.stored(row.get("metric") or "", row.get("target")),
                roles=tuple(row.get("roles") or ()),
                curve=row.get("curve") or "linear",
                floor=row.get("floor"),
                cap=row.get("cap"),
                bands=tuple(row.get("bands") or ()),
            )
            for row in criteria_forms.cleaned_data
            if row.get("name")
        ]
        data = form.cleaned_data
        try:
            saved = services.cycle_save(
                actor=request.actor,
                cycle=cycle,
                criteria=criteria,
                name=data["name"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                deadlines=services.Deadlines(*(data[field] for field in services.DEADLINE_FIELDS)),
                audience=form.audience(),
                target_distribution=form.target_distribution(),
            )
        except ValidationFailed as error:
            add_service_errors(form, error)  # "criteria" is no form field: its messages go on top
        else:
            messages.success(request, _("Saved as a draft. Open it when the criteria are right."))
            return redirect("reviews:cycle", cycle_id=saved.pk)
    context = {"form": form, "criteria_forms": criteria_forms, "cycle": cycle}
    return render(request, "reviews/cycle_form.html", context)


@actor_required
def cycle_create(request: HttpRequest):
    return _save_cycle(request, None)


@actor_required
def cycle_edit(request: HttpRequest, cycle_id: int):
    return _save_cycle(request, _cycle(request, cycle_id))


def _cycle_action(request: HttpRequest, cycle_id: int, action, done: str):
    cycle = _cycle(request, cycle_id)
    try:
        action(actor=request.actor, cycle=cycle)
    except ValidationFailed as error:
        message_service_errors(request, error)
    else:
        messages.success(request, done)
    return redirect("reviews:cycle", cycle_id=cycle.pk)


@actor_required
@require_POST
def cycle_open(request: HttpRequest, cycle_id: int):
    return _cycle_action(request, cycle_id, services.cycle_open, _("Open: everyone can write their self-assessment."))


@actor_required
@require_POST
def cycle_close(request: HttpRequest, cycle_id: int):
    return _cycle_action(request, cycle_id, services.cycle_close, _("Closed."))


# --- one evaluation ----------------------------------------------------------------------------------


def _rating_criteria(evaluation: Evaluation) -> list[Criterion]:
    """The rating criteria that measure this person (their role's set)."""
    return list(evaluation.cycle.criteria.filter(kind=Criterion.Kind.RATING, scores__evaluation=evaluation))


def _step_forms(request: HttpRequest, evaluation: Evaluation) -> dict:
    """The one form for the step the viewer may take now, if any."""
    actor = request.actor
    open_cycle = evaluation.cycle.status == ReviewCycle.Status.OPEN
    forms = {}
    if evaluation.locked_at is None and evaluation.step == Evaluation.Step.DONE:
        if not evaluation.response and may_respond_to_evaluation(actor, evaluation.person_id):
            forms["response_form"] = ResponseForm()
        if evaluation.response == Evaluation.Response.DISPUTED and may_calibrate(actor, evaluation.person_id):
            forms["resolution_form"] = ResolutionForm()
    if not open_cycle:
        return forms
    criteria = _rating_criteria(evaluation)
    if evaluation.step == Evaluation.Step.SELF and evaluation.person_id == actor.user_id:
        forms["self_form"] = RatingsForm(
            criteria=criteria, required=False, initial={"comment": evaluation.self_comment}
        )
    if evaluation.step in (Evaluation.Step.SELF, Evaluation.Step.REVIEW) and may_review(actor, evaluation.person_id):
        forms["review_form"] = RatingsForm(criteria=criteria)
    if evaluation.step == Evaluation.Step.REVIEW and may_review(actor, evaluation.person_id):
        forms["send_back_form"] = ReasonForm()
    if evaluation.step == Evaluation.Step.CALIBRATION and may_calibrate(actor, evaluation.person_id):
        forms["calibration_form"] = CalibrationForm(initial={"final_score": evaluation.score})
    return forms


@actor_required
def evaluation_detail(request: HttpRequest, evaluation_id: int, forms: dict | None = None, status: int = 200):
    evaluation = _evaluation(request, evaluation_id)
    _mark_overdue(request, [evaluation])
    shows = services.shows_review(request.actor, evaluation)
    rows = evaluation.scores.select_related("criterion")
    history = audit_trail(actor=request.actor, obj=evaluation)
    sent_back_by = None
    if evaluation.sent_back_reason and evaluation.step == Evaluation.Step.SELF:
        last = history.filter(field="step", before=Evaluation.Step.REVIEW, after=Evaluation.Step.SELF).first()
        sent_back_by = last.actor_id if last else None
    context = {
        "evaluation": evaluation,
        "sent_back_by": sent_back_by,
        "rows": rows,
        "shows_review": shows,
        "history": history,
        **_step_forms(request, evaluation),
        **(forms or {}),
    }
    return render(request, "reviews/evaluation_detail.html", context, status=status)


def _submit(request: HttpRequest, evaluation_id: int, form_name: str, form, action):
    if form.is_valid():
        try:
            action(form)
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Submitted."))
            return redirect("reviews:evaluation", evaluation_id=evaluation_id)
    return evaluation_detail(request, evaluation_id, forms={form_name: form}, status=400)


def _ratings_step(request: HttpRequest, evaluation_id: int, form_name: str, submit, *, required: bool):
    """A step that takes a comment and ratings (the self-assessment, the review)."""
    evaluation = _evaluation(request, evaluation_id)
    form = RatingsForm(request.POST, criteria=_rating_criteria(evaluation), required=required)

    def action(form):
        comment, ratings = form.cleaned_data["comment"], form.ratings()
        return submit(actor=request.actor, evaluation=evaluation, comment=comment, ratings=ratings)

    return _submit(request, evaluation.pk, form_name, form, action)


@actor_required
@require_POST
def evaluation_self(request: HttpRequest, evaluation_id: int):
    return _ratings_step(request, evaluation_id, "self_form", services.self_assessment_submit, required=False)


@actor_required
@require_POST
def evaluation_review(request: HttpRequest, evaluation_id: int):
    return _ratings_step(request, evaluation_id, "review_form", services.review_submit, required=True)


@actor_required
@require_POST
def evaluation_calibrate(request: HttpRequest, evaluation_id: int):
    evaluation = _evaluation(request, evaluation_id)
    form = CalibrationForm(request.POST)
    return _submit(
        request,
        evaluation.pk,
        "calibration_form",
        form,
        lambda form: services.calibrate(
            actor=request.actor,
            evaluation=evaluation,
            final_score=form.cleaned_data["final_score"],
            reason=form.cleaned_data["reason"],
        ),
    )


@actor_required
@require_POST
def evaluation_send_back(request: HttpRequest, evaluation_id: int):
    evaluation = _evaluation(request, evaluation_id)
    form = ReasonForm(request.POST)
    return _submit(
        request,
        evaluation.pk,
        "send_back_form",
        form,
        lambda form: services.send_back(actor=request.actor, evaluation=evaluation, reason=form.cleaned_data["reason"]),
    )


@actor_required
@require_POST
def evaluation_respond(request: HttpRequest, evaluation_id: int):
    """Acknowledge (button "acknowledge") or dispute (button "dispute") with the comment."""
    evaluation = _evaluation(request, evaluation_id)
    form = ResponseForm(request.POST)
    respond = services.dispute if request.POST.get("answer") == "dispute" else services.acknowledge
    return _submit(
        request,
        evaluation.pk,
        "response_form",
        form,
        lambda form: respond(actor=request.actor, evaluation=evaluation, comment=form.cleaned_data["comment"]),
    )


@actor_required
@require_POST
def evaluation_resolve(request: HttpRequest, evaluation_id: int):
    evaluation = _evaluation(request, evaluation_id)
    form = ResolutionForm(request.POST)
    return _submit(
        request,
        evaluation.pk,
        "resolution_form",
        form,
        lambda form: services.resolve_dispute(
            actor=request.actor,
            evaluation=evaluation,
            reason=form.cleaned_data["reason"],
            final_score=form.cleaned_data["final_score"],
        ),
    )
