"""Team health pages: answering the pulse (phone-first), the team health page (trend, and why a
period shows no figure), its export, and conflict cases with one URL per step. Every page calls
the service the API calls, and pulse figures come only from pulse.team_trend."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.lib.formatting import format_period
from pacekeeper.lib.pages import actor_required, add_service_errors, message_service_errors, paginate, query_without
from pacekeeper.lib.tabular import download_response
from pacekeeper.tenancy.models import Team
from pacekeeper.tenancy.scopes import (
    get_visible,
    may_assign_mediator,
    may_change_pulse_settings,
    may_mediate_conflict,
    may_raise_conflict,
    may_see_org_pulse,
)

from . import conflicts, pulse, selectors
from .forms import AgreementForm, CloseForm, ConflictForm, MediationForm, PulseForm, PulseSettingsForm
from .models import QUESTION_LABELS, QUESTIONS, Conflict

PER_PAGE = 20


@actor_required
def pulse_answer(request: HttpRequest):
    actor = request.actor
    form = PulseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            first = pulse.pulse_answer(actor=actor, scores=form.cleaned_data)
        except ValidationFailed as failed:
            add_service_errors(form, failed)
        else:
            messages.success(request, _("Thank you: your answer is in.") if first else _("Your answer is changed."))
            return redirect("teamhealth:pulse")
    status = pulse.pulse_status(actor)
    context = {
        "form": form,
        "status": status,
        "period": format_period(status.period_start, status.period_end, get_language()),
    }
    return render(request, "teamhealth/pulse.html", context, status=400 if form.errors else 200)


def _chosen_team(request: HttpRequest) -> tuple[list[Team], Team | None]:
    """The teams the actor may ask about, and the one asked (None: the organisation)."""
    actor = request.actor
    teams = list(selectors.pulse_teams(actor))
    chosen = request.GET.get("team")
    if chosen:
        return teams, get_visible(selectors.pulse_teams(actor), chosen, actor=actor)
    if may_see_org_pulse(actor) or not teams:
        return teams, None
    return teams, teams[0]


def _rows(trend: list[pulse.PeriodFigure], language: str) -> list[dict]:
    return [
        {
            "figure": figure,
            "period": format_period(figure.start, figure.end, language),
            "reason": "" if figure.shown else pulse.hidden_reason(figure.hidden_because),
        }
        for figure in trend
    ]


@actor_required
def results(request: HttpRequest):
    actor = request.actor
    teams, team = _chosen_team(request)
    may_ask = team is not None or may_see_org_pulse(actor)
    trend = pulse.team_trend(org=actor.org, team=team, today=actor.today()) if may_ask else []
    language = get_language()
    rows = _rows(trend, language)
    settings = pulse.pulse_settings(actor.org)
    chart = {
        "labels": [row["period"] for row in rows],
        "values": [str(row["figure"].means["score"]) if row["figure"].shown else None for row in rows],
    }
    context = {
        "teams": teams,
        "team": team,
        "may_ask": may_ask,
        "rows": rows,
        "chart": chart,
        "questions": [(q, QUESTION_LABELS[q]) for q in QUESTIONS],
        "settings": settings,
        "org_option": may_see_org_pulse(actor),
        "settings_form": PulseSettingsForm(initial=settings.__dict__) if may_change_pulse_settings(actor) else None,
        "status": pulse.pulse_status(actor),
        "query": query_without(request, "format"),
    }
    return render(request, "teamhealth/results.html", context)


@actor_required
@require_POST
def settings_change(request: HttpRequest):
    actor = request.actor
    if not may_change_pulse_settings(actor):
        raise Forbidden()
    form = PulseSettingsForm(request.POST)
    if form.is_valid():
        try:
            pulse.pulse_settings_change(actor=actor, **form.cleaned_data)
        except ValidationFailed as failed:
            message_service_errors(request, failed)
        else:
            messages.success(request, _("Pulse settings saved."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("teamhealth:results")


@actor_required
def export(request: HttpRequest):
    """The figures of the page, as CSV or XLSX: the same groups, the same hidden periods."""
    actor = request.actor
    _teams, team = _chosen_team(request)
    if team is None and not may_see_org_pulse(actor):
        raise Forbidden(pulse.team_required_message())
    language = get_language()
    trend = pulse.team_trend(org=actor.org, team=team, today=actor.today())
    header = [
        _("Period"),
        _("Group"),
        _("Answers"),
        *[str(QUESTION_LABELS[q]) for q in QUESTIONS],
        _("Score"),
        _("Note"),
    ]
    group = team.name if team else actor.org.name
    lines = []
    for row in _rows(trend, language):
        figure = row["figure"]
        if figure.shown:
            values = [str(figure.means[q]) for q in (*QUESTIONS, "score")]
            lines.append([row["period"], group, str(figure.answers), *values, ""])
        else:
            lines.append([row["period"], group, "", "", "", "", "", "", row["reason"]])
    file_format = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    return download_response("team-health", header, lines, file_format, sheet=_("Team health"))


# --- conflicts ---------------------------------------------------------------------------------------


@actor_required
def conflict_list(request: HttpRequest):
    actor = request.actor
    status = request.GET.get("status") or None
    if status not in Conflict.Status.values:
        status = None
    search = request.GET.get("q", "")[:200]
    page = paginate(request, conflicts.conflict_list(actor, status=status, search=search), PER_PAGE)
    context = {
        "page": page,
        "status": status,
        "q": search,
        "statuses": Conflict.Status.choices,
        "may_raise": may_raise_conflict(actor),
        "query": query_without(request, "page"),
    }
    return render(request, "teamhealth/conflicts.html", context)


def _people(actor):
    return selectors.conflict_people(actor)


@actor_required
def conflict_new(request: HttpRequest):
    actor = request.actor
    if not may_raise_conflict(actor):
        raise Forbidden()
    form = ConflictForm(request.POST or None, people=_people(actor), initial={"parties": [actor.user_id]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            conflict = conflicts.conflict_raise(
                actor=actor, title=data["title"], description=data["description"], party_ids=data["parties"]
            )
        except ValidationFailed as failed:
            add_service_errors(form, failed)
        else:
            messages.success(request, _("The case is raised. Directors have been told."))
            return redirect("teamhealth:conflict", conflict_id=conflict.pk)
    return render(request, "teamhealth/conflict_new.html", {"form": form}, status=400 if form.errors else 200)


def _detail(request, conflict: Conflict, *, forms: dict | None = None, status: int = 200):
    actor = request.actor
    forms = forms or {}
    parties = conflicts.conflict_parties(conflict)
    S = Conflict.Status
    context = {
        "conflict": conflict,
        "parties": parties,
        "steps": conflicts.conflict_steps(conflict),
        "mediation_form": forms.get("mediation")
        or (
            MediationForm(people=_people(actor)) if may_assign_mediator(actor) and conflict.status == S.RAISED else None
        ),
        "agreement_form": forms.get("agreement")
        or (
            AgreementForm(initial={"agreement": conflict.agreement, "follow_up_on": conflict.follow_up_on})
            if may_mediate_conflict(actor, conflict) and conflict.status in (S.MEDIATION, S.AGREEMENT)
            else None
        ),
        "may_confirm": conflict.status == S.AGREEMENT
        and any(p.person_id == actor.user_id and p.confirmed_at is None for p in parties),
        "close_form": forms.get("close")
        or (CloseForm() if may_mediate_conflict(actor, conflict) and conflict.status == S.FOLLOW_UP else None),
    }
    return render(request, "teamhealth/conflict_detail.html", context, status=status)


@actor_required
def conflict_detail(request: HttpRequest, conflict_id: int):
    return _detail(request, conflicts.access_conflict(request.actor, conflict_id))


def _step(request, conflict, form_name: str, form, run):
    """Validate the step's form, run the step; errors show on the case's page (400)."""
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except ValidationFailed as failed:
            add_service_errors(form, failed)
        else:
            messages.success(request, _("Saved."))
            return redirect("teamhealth:conflict", conflict_id=conflict.pk)
    return _detail(request, conflict, forms={form_name: form}, status=400)


@actor_required
@require_POST
def conflict_mediation(request: HttpRequest, conflict_id: int):
    actor = request.actor
    conflict = conflicts.access_conflict(actor, conflict_id)
    if not may_assign_mediator(actor):
        raise Forbidden()
    form = MediationForm(request.POST, people=_people(actor))
    return _step(
        request,
        conflict,
        "mediation",
        form,
        lambda data: conflicts.conflict_start_mediation(
            actor=actor, conflict=conflict, mediator_id=data["mediator"], note=data["note"]
        ),
    )


@actor_required
@require_POST
def conflict_agreement(request: HttpRequest, conflict_id: int):
    actor = request.actor
    conflict = conflicts.access_conflict(actor, conflict_id)
    if not may_mediate_conflict(actor, conflict):
        raise Forbidden()
    return _step(
        request,
        conflict,
        "agreement",
        AgreementForm(request.POST),
        lambda data: conflicts.conflict_propose_agreement(
            actor=actor, conflict=conflict, agreement=data["agreement"], follow_up_on=data["follow_up_on"]
        ),
    )


@actor_required
@require_POST
def conflict_confirm(request: HttpRequest, conflict_id: int):
    actor = request.actor
    conflict = conflicts.access_conflict(actor, conflict_id)
    try:
        conflicts.conflict_confirm(actor=actor, conflict=conflict)
    except ValidationFailed as failed:
        message_service_errors(request, failed)
    else:
        messages.success(request, _("Your confirmation is recorded."))
    return redirect("teamhealth:conflict", conflict_id=conflict.pk)


@actor_required
@require_POST
def conflict_close(request: HttpRequest, conflict_id: int):
    actor = request.actor
    conflict = conflicts.access_conflict(actor, conflict_id)
    if not may_mediate_conflict(actor, conflict):
        raise Forbidden()
    return _step(
        request,
        conflict,
        "close",
        CloseForm(request.POST),
        lambda data: conflicts.conflict_close(actor=actor, conflict=conflict, outcome=data["outcome"]),
    )
