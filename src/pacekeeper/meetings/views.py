"""Meeting pages: my teams' series, a series with its upcoming and past meetings, a meeting
(agenda per member, points, problems, decisions, action items) and its minutes. Each view
parses, fetches through the scope, calls the service the API calls too, and renders."""

from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.lib.pages import actor_required, add_service_errors, message_service_errors, paginate, query_without
from pacekeeper.tenancy.scopes import require_writer

from . import selectors, services
from .forms import ActionItemForm, AdHocMeetingForm, ItemForm, SeriesForm
from .models import Meeting, MeetingItem

MEETINGS_PER_PAGE = 20


@actor_required
def series_index(request: HttpRequest):
    actor = request.actor
    page = paginate(request, selectors.series_list(actor), per_page=25)
    context = {"page": page, "query": query_without(request, "page"), "may_create": _may_create(request)}
    return render(request, "meetings/series_list.html", context)


def _may_create(request: HttpRequest) -> bool:
    return request.actor.can_write and selectors.team_choices(request.actor).exists()


@actor_required
def series_create(request: HttpRequest):
    actor = request.actor
    teams = selectors.team_choices(actor)
    if not actor.can_write or not teams.exists():
        raise Forbidden(_("Meeting series are set up by a team's lead, a director or the org admin."))
    form = SeriesForm(request.POST or None, teams=teams, people=selectors.people_choices(actor))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["team_id"] = data.pop("team")
        data["members"] = data["members"] or None
        try:
            series = services.series_create(actor=actor, **data)
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Meeting series set up."))
            return redirect("meetings:series", series.pk)
    return render(request, "meetings/series_form.html", {"form": form, "series": None})


@actor_required
def series_detail(request: HttpRequest, series_id: int):
    actor = request.actor
    series = selectors.access_series(actor, series_id)
    upcoming, past = selectors.series_meetings(series)
    q = request.GET.get("q", "")
    page = paginate(request, selectors.meeting_search(past, q), per_page=MEETINGS_PER_PAGE)
    context = {
        "series": series,
        "members": selectors.members_of(series),
        "upcoming": upcoming,
        "page": page,
        "q": q,
        "query": query_without(request, "page"),
        "may_run": selectors.may_run(actor, series),
        "ad_hoc_form": AdHocMeetingForm(),
    }
    return render(request, "meetings/series_detail.html", context)


@actor_required
def series_edit(request: HttpRequest, series_id: int):
    actor = request.actor
    series = selectors.access_series(actor, series_id)
    services.require_runner(actor, series)
    initial = {
        "title": series.title,
        "cadence": series.cadence,
        "weekday": series.weekday,
        "starts_at": series.starts_at,
        "members": [member.pk for member in selectors.members_of(series)],
    }
    people = selectors.people_choices(actor, series)
    form = SeriesForm(request.POST or None, initial=initial, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            services.series_update(actor=actor, series=series, changes=form.cleaned_data)
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Meeting series saved."))
            return redirect("meetings:series", series.pk)
    return render(request, "meetings/series_form.html", {"form": form, "series": series})


@actor_required
@require_POST
def meeting_schedule(request: HttpRequest, series_id: int):
    series = selectors.access_series(request.actor, series_id)
    meeting = services.meeting_schedule_next(actor=request.actor, series=series)
    return redirect("meetings:meeting", meeting.pk)


@actor_required
@require_POST
def meeting_ad_hoc(request: HttpRequest, series_id: int):
    actor = request.actor
    series = selectors.access_series(actor, series_id)
    services.require_runner(actor, series)
    form = AdHocMeetingForm(request.POST)
    if form.is_valid():
        try:
            meeting = services.meeting_create(actor=actor, series=series, **form.cleaned_data)
        except ValidationFailed as error:
            message_service_errors(request, error)
        else:
            return redirect("meetings:meeting", meeting.pk)
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("meetings:series", series.pk)


def _meeting_page(request: HttpRequest, meeting: Meeting, **forms):
    actor = request.actor
    may_run = selectors.may_run(actor, meeting.series)
    members = selectors.members_of(meeting.series)
    items = selectors.meeting_items(meeting)
    problems = items[MeetingItem.Kind.PROBLEM]
    kinds = [MeetingItem.Kind.POINT]
    if may_run and meeting.is_open:
        kinds += [MeetingItem.Kind.PROBLEM, MeetingItem.Kind.DECISION]
    context = {
        "meeting": meeting,
        "series": meeting.series,
        "may_run": may_run,
        "may_write": actor.can_write and not meeting.is_closed,
        "items": items,
        "agenda": selectors.agenda_rows(selectors.agenda_seen_by(actor, meeting)),
        # A member adds points under their own name ("—"); the lead may file them under anyone's.
        "item_form": forms.get("item_form")
        or ItemForm(kinds=kinds, people=members if may_run else (), problems=problems),
        "action_form": forms.get("action_form") or ActionItemForm(people=members, problems=problems),
    }
    return render(request, "meetings/meeting_detail.html", context)


@actor_required
def meeting_detail(request: HttpRequest, meeting_id: int):
    return _meeting_page(request, selectors.access_meeting(request.actor, meeting_id))


@actor_required
@require_POST
def meeting_open(request: HttpRequest, meeting_id: int):
    meeting = selectors.access_meeting(request.actor, meeting_id)
    try:
        services.meeting_open(actor=request.actor, meeting=meeting)
    except ValidationFailed as error:
        message_service_errors(request, error)
    return redirect("meetings:meeting", meeting.pk)


@actor_required
@require_POST
def meeting_close(request: HttpRequest, meeting_id: int):
    meeting = selectors.access_meeting(request.actor, meeting_id)
    try:
        services.meeting_close(actor=request.actor, meeting=meeting)
    except ValidationFailed as error:
        message_service_errors(request, error)
        return redirect("meetings:meeting", meeting.pk)
    messages.success(request, _("Meeting closed: the minutes were shared."))
    return redirect("meetings:minutes", meeting.pk)


@actor_required
@require_POST
def item_add(request: HttpRequest, meeting_id: int):
    actor = request.actor
    meeting = selectors.access_meeting(actor, meeting_id)
    require_writer(actor)
    items = selectors.meeting_items(meeting)
    form = ItemForm(
        request.POST,
        kinds=MeetingItem.Kind.values,
        people=selectors.members_of(meeting.series),
        problems=items[MeetingItem.Kind.PROBLEM],
    )
    if form.is_valid():
        try:
            services.item_add(actor=actor, meeting=meeting, **form.cleaned_data)
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            return redirect(f"{meeting_url(meeting)}#items")
    return _meeting_page(request, meeting, item_form=form)


@actor_required
@require_POST
def action_add(request: HttpRequest, meeting_id: int):
    actor = request.actor
    meeting = selectors.access_meeting(actor, meeting_id)
    services.require_runner(actor, meeting.series)
    items = selectors.meeting_items(meeting)
    form = ActionItemForm(
        request.POST, people=selectors.members_of(meeting.series), problems=items[MeetingItem.Kind.PROBLEM]
    )
    if form.is_valid():
        try:
            services.action_item_add(actor=actor, meeting=meeting, **form.cleaned_data)
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Action item added: its task is on the owner's list."))
            return redirect(f"{meeting_url(meeting)}#actions")
    return _meeting_page(request, meeting, action_form=form)


@actor_required
def minutes(request: HttpRequest, meeting_id: int):
    meeting = selectors.access_meeting(request.actor, meeting_id)
    context = {
        "meeting": meeting,
        "series": meeting.series,
        "items": selectors.meeting_items(meeting),
        "agenda": selectors.agenda_rows(selectors.agenda_seen_by(request.actor, meeting)),
    }
    return render(request, "meetings/minutes.html", context)


@actor_required
@require_POST
def item_delete(request: HttpRequest, meeting_item_id: int):
    item = selectors.access_item(request.actor, meeting_item_id)
    try:
        services.item_delete(actor=request.actor, item=item)
    except ValidationFailed as error:
        message_service_errors(request, error)
    return redirect("meetings:meeting", item.meeting_id)


def meeting_url(meeting: Meeting) -> str:
    return reverse("meetings:meeting", args=[meeting.pk])
