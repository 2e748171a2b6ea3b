"""Writes for meeting series, meetings and their items. The page and the API call these same
functions; every rule lives here (docs/rhythm.md, "The weekly meeting")."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.lib import date_rules
from pacekeeper.lib.text import clean_text
from pacekeeper.tenancy.models import Team, TeamMembership, User
from pacekeeper.tenancy.scopes import Actor, may_run_meetings, meeting_teams_q
from pacekeeper.work.services import task_create

from . import notices
from .agenda import agenda_build
from .models import TEXT_LIMIT, TITLE_LIMIT, Cadence, Meeting, MeetingItem, MeetingSeries, MeetingSeriesMember
from .selectors import members_of, people_choices, previous_meeting

MAX_MEMBERS = 200


def require_runner(actor: Actor, series: MeetingSeries) -> None:
    if not may_run_meetings(actor, team_id=series.team_id):
        raise Forbidden(_("Only the team's lead, a director or the org admin runs its meetings."))


def _text(value: object, field: str, *, limit: int, required: bool = True) -> str:
    text = clean_text(value if isinstance(value, str) else "").strip()
    if required and not text:
        raise ValidationFailed({field: [_("Write something here.")]})
    if len(text) > limit:
        raise ValidationFailed({field: [_("Keep it under %(limit)s characters.") % {"limit": f"{limit:,}"}]})
    return text


def _schedule_fields(changes: dict, errors: dict) -> dict:
    fields = {}
    if "cadence" in changes:
        if changes["cadence"] not in Cadence.values:
            errors["cadence"] = [_("Choose a cadence from the list.")]
        fields["cadence"] = changes["cadence"]
    if "weekday" in changes:
        if not isinstance(changes["weekday"], int) or not 0 <= changes["weekday"] <= 6:
            errors["weekday"] = [_("Choose a day of the week.")]
        fields["weekday"] = changes["weekday"]
    if "starts_at" in changes:
        if not isinstance(changes["starts_at"], dt.time):
            errors["starts_at"] = [_("Enter a time such as 09:30.")]
        fields["starts_at"] = _local_time(changes["starts_at"])
    return fields


def _local_time(value):
    """A meeting's time is a wall-clock time in the organisation's zone: an offset sent with it
    (the API takes ISO times) is dropped, the databases store no zone for a time."""
    return value.replace(tzinfo=None) if isinstance(value, dt.time) else value


def _members(actor: Actor, series: MeetingSeries | None, ids) -> list[User]:
    wanted = {int(pk) for pk in ids if isinstance(pk, int) or str(pk).isdigit()}
    if len(wanted) > MAX_MEMBERS:
        raise ValidationFailed({"members": [_("A series has at most %(most)s members.") % {"most": MAX_MEMBERS}]})
    found = list(people_choices(actor, series).filter(pk__in=wanted))
    if len(found) != len(wanted) or len(wanted) != len(list(ids)):
        raise ValidationFailed({"members": [_("Choose members among the people you see.")]})
    return found


def _set_members(series: MeetingSeries, people: list[User]) -> None:
    MeetingSeriesMember.objects.filter(series=series).exclude(person__in=people).delete()
    present = set(MeetingSeriesMember.objects.filter(series=series).values_list("person_id", flat=True))
    MeetingSeriesMember.objects.bulk_create(
        [MeetingSeriesMember(org_id=series.org_id, series=series, person=p) for p in people if p.pk not in present]
    )


@transaction.atomic
def series_create(
    *,
    actor: Actor,
    team_id: object,
    title: str = "",
    cadence: str = Cadence.WEEKLY,
    weekday: int = 0,
    starts_at: dt.time | None = None,
    members: list | None = None,
) -> MeetingSeries:
    """A team's meeting series, set up by its lead (or a director, the org admin). Members
    default to the team's people today; the list can be edited later."""
    team = Team.objects.filter(meeting_teams_q(actor), pk=team_id if str(team_id).isdigit() else None).first()
    if team is None or not actor.can_write:
        raise ValidationFailed({"team": [_("Choose one of the teams you lead.")]})
    errors: dict[str, list[str]] = {}
    fields = _schedule_fields({"cadence": cadence, "weekday": weekday, "starts_at": starts_at or dt.time(9, 0)}, errors)
    if errors:
        raise ValidationFailed(errors)
    title = _text(title, "title", limit=TITLE_LIMIT, required=False) or _("%(team)s progress meeting") % {
        "team": team.name
    }
    series = MeetingSeries.objects.create(org_id=actor.org_id, team=team, title=title, created_by=actor.user, **fields)
    if members is None:
        today = actor.today()
        current = TeamMembership.objects.current(today).filter(org_id=actor.org_id, team=team).values("user_id")
        people = list(User.objects.filter(org_id=actor.org_id, is_active=True, pk__in=current))
    else:
        people = _members(actor, series, members)
    _set_members(series, people)
    return series


@transaction.atomic
def series_update(*, actor: Actor, series: MeetingSeries, changes: dict) -> MeetingSeries:
    require_runner(actor, series)
    unknown = set(changes) - {"title", "cadence", "weekday", "starts_at", "is_active", "members"}
    if unknown:
        raise ValidationFailed({name: [_("This field cannot be set.")] for name in sorted(unknown)})
    errors: dict[str, list[str]] = {}
    fields = _schedule_fields(changes, errors)
    if errors:
        raise ValidationFailed(errors)
    if "title" in changes:
        fields["title"] = _text(changes["title"], "title", limit=TITLE_LIMIT)
    if "is_active" in changes:
        fields["is_active"] = bool(changes["is_active"])
    for name, value in fields.items():
        setattr(series, name, value)
    if fields:
        series.save(update_fields=list(fields))
    if "members" in changes:
        _set_members(series, _members(actor, series, changes["members"] or []))
    return series


def next_occurrence(series: MeetingSeries, *, after: dt.date | None, today: dt.date) -> dt.date:
    """The series' next date: its weekday on or after today, and a cadence after the last
    meeting (a week, two weeks, or the same weekday in the next month's first week)."""
    start = today
    if after is not None:
        if series.cadence == Cadence.MONTHLY:
            first = (after.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
            start = max(start, first)
        else:
            gap = 14 if series.cadence == Cadence.BIWEEKLY else 7
            start = max(start, after + dt.timedelta(days=gap - 6))
    return start + dt.timedelta(days=(series.weekday - start.weekday()) % 7)


@transaction.atomic
def meeting_schedule_next(*, actor: Actor, series: MeetingSeries) -> Meeting:
    """Plan the series' next meeting (after its last one); a planned one already waiting is it."""
    require_runner(actor, series)
    waiting = series.meetings.filter(status=Meeting.Status.PLANNED, is_ad_hoc=False).order_by("held_on").first()
    if waiting is not None:
        return waiting
    last = series.meetings.order_by("-held_on").values_list("held_on", flat=True).first()
    held_on = next_occurrence(series, after=last, today=actor.today())
    return Meeting.objects.create(org_id=actor.org_id, series=series, held_on=held_on, starts_at=series.starts_at)


@transaction.atomic
def meeting_create(
    *, actor: Actor, series: MeetingSeries, held_on: dt.date | None, title: str = "", starts_at: dt.time | None = None
) -> Meeting:
    """An ad-hoc meeting of the series on a given day."""
    require_runner(actor, series)
    if held_on is None:
        raise ValidationFailed({"held_on": [_("Enter the date.")]})
    date_rules.require_dates(today=actor.today(), business={"held_on": held_on})
    title = _text(title, "title", limit=TITLE_LIMIT, required=False)
    return Meeting.objects.create(
        org_id=actor.org_id,
        series=series,
        held_on=held_on,
        title=title,
        starts_at=_local_time(starts_at) or series.starts_at,
        is_ad_hoc=True,
    )


@transaction.atomic
def meeting_open(*, actor: Actor, meeting: Meeting) -> Meeting:
    """Hold the meeting: the agenda is generated from live data now and frozen into it."""
    require_runner(actor, meeting.series)
    if not meeting.is_planned:
        raise ValidationFailed(_("This meeting has already been opened."))
    planned_on, meeting.held_on = meeting.held_on, actor.today()
    previous = previous_meeting(meeting)
    members = members_of(meeting.series)
    meeting.agenda = agenda_build(actor=actor, meeting=meeting, members=members, previous=previous)
    meeting.status = Meeting.Status.OPEN
    meeting.opened_at = timezone.now()
    meeting.opened_by = actor.user
    meeting.save(update_fields=["held_on", "agenda", "status", "opened_at", "opened_by"])
    if not meeting.is_ad_hoc:
        _plan_following(meeting, after=max(planned_on, meeting.held_on))
    return meeting


def _plan_following(meeting: Meeting, *, after: dt.date) -> None:
    """Once a series' meeting is held, its next one shows as upcoming. A meeting held early
    (Wednesday for Friday) does not pull the next one into the same week: the cadence counts
    from the later of the planned and the held day."""
    series = meeting.series
    if series.meetings.filter(status=Meeting.Status.PLANNED, is_ad_hoc=False).exists():
        return
    held_on = next_occurrence(series, after=after, today=meeting.held_on)
    Meeting.objects.create(org_id=meeting.org_id, series=series, held_on=held_on, starts_at=series.starts_at)


@transaction.atomic
def meeting_close(*, actor: Actor, meeting: Meeting) -> Meeting:
    """Close the meeting and share its minutes with the attendees and the lead's chain."""
    require_runner(actor, meeting.series)
    if not meeting.is_open:
        raise ValidationFailed(_("Only a meeting being held can be closed: open it first."))
    meeting.status = Meeting.Status.CLOSED
    meeting.closed_at = timezone.now()
    meeting.closed_by = actor.user
    meeting.save(update_fields=["status", "closed_at", "closed_by"])
    notices.announce_minutes(actor=actor, meeting=meeting)
    return meeting


ITEM_KINDS_BY_RUNNER = {MeetingItem.Kind.PROBLEM, MeetingItem.Kind.DECISION}


def _problem(meeting: Meeting, problem_id: object) -> MeetingItem | None:
    if problem_id in (None, ""):
        return None
    found = (
        meeting.items.filter(kind=MeetingItem.Kind.PROBLEM, pk=problem_id).first()
        if str(problem_id).isdigit()
        else None
    )
    if found is None:
        raise ValidationFailed({"problem": [_("Choose a problem recorded in this meeting.")]})
    return found


def _person(actor: Actor, meeting: Meeting, person_id: object, field: str) -> User | None:
    if person_id in (None, ""):
        return None
    members = {member.pk: member for member in members_of(meeting.series)}
    found = members.get(int(person_id)) if str(person_id).isdigit() else None
    if found is None:
        raise ValidationFailed({field: [_("Choose one of the meeting's members.")]})
    return found


@transaction.atomic
def item_add(
    *, actor: Actor, meeting: Meeting, kind: str, text: str, person: object = None, problem: object = None
) -> MeetingItem:
    """A point (any member who writes, before or during the meeting), or a problem or decision
    (the lead, during the meeting)."""
    if kind == MeetingItem.Kind.POINT:
        if not actor.can_write:
            raise Forbidden()
        if meeting.is_closed:
            raise ValidationFailed(_("The meeting is closed: its minutes no longer change."))
    elif kind in ITEM_KINDS_BY_RUNNER:
        require_runner(actor, meeting.series)
        if not meeting.is_open:
            raise ValidationFailed(_("Problems and decisions are recorded while the meeting is held: open it first."))
    else:
        raise ValidationFailed({"kind": [_("Choose a point, a problem or a decision.")]})
    text = _text(text, "text", limit=TEXT_LIMIT)
    answered = _problem(meeting, problem) if kind == MeetingItem.Kind.DECISION else None
    about = _person(actor, meeting, person, "person")
    if kind == MeetingItem.Kind.POINT and about is None:
        about = actor.user
    if about not in (None, actor.user) and not may_run_meetings(actor, team_id=meeting.series.team_id):
        # A member speaks for themselves; the lead files a point under someone else's name.
        raise ValidationFailed({"person": [_("Add points under your own name: the lead files them under others.")]})
    return MeetingItem.objects.create(
        org_id=actor.org_id, meeting=meeting, kind=kind, text=text, person=about, author=actor.user, problem=answered
    )


@transaction.atomic
def action_item_add(
    *, actor: Actor, meeting: Meeting, title: str, owner: object, due_on: dt.date | None, problem: object = None
) -> MeetingItem:
    """An action item and its task in one step: the task is the owner's, due on the date,
    created through work's own service (its rules, its notice to the owner)."""
    require_runner(actor, meeting.series)
    if not meeting.is_open:
        raise ValidationFailed(_("Action items are recorded while the meeting is held: open it first."))
    title = _text(title, "title", limit=TITLE_LIMIT)
    person = _person(actor, meeting, owner, "owner")
    if person is None:
        raise ValidationFailed({"owner": [_("Choose who does it.")]})
    if due_on is None:
        raise ValidationFailed({"due_on": [_("Enter the due date.")]})
    answered = _problem(meeting, problem)
    description = _("Action item from the meeting “%(meeting)s” of %(day)s.") % {
        "meeting": meeting,
        "day": meeting.held_on.isoformat(),
    }
    # What a meeting decides to do is important by definition; urgency follows from the due date.
    changes = {"title": title, "owner": person.pk, "due_on": due_on, "description": description, "is_important": True}
    task = task_create(actor=actor, changes=changes)
    return MeetingItem.objects.create(
        org_id=actor.org_id,
        meeting=meeting,
        kind=MeetingItem.Kind.ACTION,
        text=title,
        person=person,
        author=actor.user,
        problem=answered,
        task=task,
    )


@transaction.atomic
def item_delete(*, actor: Actor, item: MeetingItem) -> None:
    """Its author or whoever runs the meeting takes an item back, until the meeting closes (an
    action item's task stays: it is work already handed out)."""
    runs = may_run_meetings(actor, team_id=item.meeting.series.team_id)
    if not actor.can_write or not (item.author_id == actor.user_id or runs):
        raise Forbidden()
    if item.meeting.is_closed:
        raise ValidationFailed(_("The meeting is closed: its minutes no longer change."))
    item.delete()
