"""Reads for meeting series, meetings and their items, always through the one scope
(tenancy.scopes.meeting_series_q)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from pacekeeper.lib.formatting import join_items
from pacekeeper.tenancy.models import Organization, Team, User
from pacekeeper.tenancy.scopes import Actor, get_visible, may_run_meetings, meeting_teams_q

from .agenda import SECTIONS
from .models import Meeting, MeetingItem, MeetingSeries, MeetingSeriesMember


def series_list(actor: Actor) -> QuerySet[MeetingSeries]:
    return MeetingSeries.objects.visible_to(actor).select_related("team").order_by("team__name", "title", "pk")


def access_series(actor: Actor, series_id: object) -> MeetingSeries:
    return get_visible(series_list(actor), series_id, actor=actor)


def meeting_list(actor: Actor) -> QuerySet[Meeting]:
    return Meeting.objects.visible_to(actor).select_related("series", "series__team")


def access_meeting(actor: Actor, meeting_id: object) -> Meeting:
    return get_visible(meeting_list(actor), meeting_id, actor=actor)


def access_item(actor: Actor, item_id: object) -> MeetingItem:
    items = MeetingItem.objects.visible_to(actor).select_related("meeting", "meeting__series", "task")
    return get_visible(items, item_id, actor=actor)


def meeting_search(meetings: QuerySet[Meeting], q: str | None) -> QuerySet[Meeting]:
    """Meetings whose title, points, problems, decisions or action items contain `q`."""
    words = (q or "").strip()[:100]
    if not words:
        return meetings
    said = MeetingItem.objects.filter(meeting_id=OuterRef("pk"), text__icontains=words)
    return meetings.filter(Q(title__icontains=words) | Exists(said))


def series_meetings(series: MeetingSeries) -> tuple[list[Meeting], QuerySet[Meeting]]:
    """(the upcoming meetings, soonest first; the past ones — held or closed — newest first)."""
    meetings = series.meetings.all()
    upcoming = list(meetings.filter(status=Meeting.Status.PLANNED).order_by("held_on", "pk")[:20])
    past = meetings.exclude(status=Meeting.Status.PLANNED).order_by("-held_on", "-pk")
    return upcoming, past


def members_of(series: MeetingSeries) -> list[User]:
    rows = MeetingSeriesMember.objects.filter(org_id=series.org_id, series=series).select_related("person")
    return sorted((row.person for row in rows), key=lambda person: (str(person), person.pk))


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The series' last meeting held (opened) before this one."""
    earlier = (
        Meeting.objects.filter(org_id=meeting.org_id, series_id=meeting.series_id, opened_at__isnull=False)
        .exclude(pk=meeting.pk)
        .order_by("-held_on", "-opened_at", "-pk")
    )
    return earlier.first()


def team_choices(actor: Actor) -> QuerySet[Team]:
    """The teams the actor may set up a meeting series for."""
    return Team.objects.filter(meeting_teams_q(actor)).order_by("path")


def people_choices(actor: Actor, series: MeetingSeries | None = None) -> QuerySet[User]:
    """Whom a series may list as members: the active people the actor sees, and those listed."""
    listed = MeetingSeriesMember.objects.filter(series=series).values("person_id") if series else []
    seen = User.objects.visible_to(actor).filter(is_active=True)
    return (seen | User.objects.filter(org_id=actor.org_id, pk__in=listed)).distinct().order_by("display_name", "pk")


def may_run(actor: Actor, series: MeetingSeries) -> bool:
    return may_run_meetings(actor, team_id=series.team_id)


def agenda_seen_by(actor: Actor, meeting: Meeting) -> dict | None:
    """The frozen agenda as this reader may see it: only the members whose portfolio they see
    (rule 2) — an account manager reads their own figures, customers and tasks, not a peer's,
    whatever the runner's scope was when the agenda was frozen."""
    agenda = meeting.agenda
    if not agenda or actor.member_ids is None:
        return agenda
    seen = {str(person_id) for person_id in actor.member_ids}
    return {
        **agenda,
        "members": [member for member in agenda.get("members", []) if str(member["id"]) in seen],
        "sections": {
            key: {person: value for person, value in values.items() if person in seen}
            for key, values in agenda.get("sections", {}).items()
        },
    }


def agenda_rows(agenda: dict | None) -> list[dict]:
    """The frozen agenda per member: [{"person": {"id", "name"}, "sections": [(section, value)]}]."""
    agenda = agenda or {}
    sections = agenda.get("sections", {})
    rows = []
    for member in agenda.get("members", []):
        shown = []
        for key in agenda.get("order", []):
            value = sections.get(key, {}).get(str(member["id"]))
            section = SECTIONS.get(key)
            shown.append(
                {
                    "key": key,
                    "label": section.label if section else key,
                    "template": section.template if section else "meetings/agenda/_lines.html",
                    "value": value,
                }
            )
        rows.append({"person": member, "sections": shown})
    return rows


def meeting_items(meeting: Meeting) -> dict[str, list[MeetingItem]]:
    grouped = {kind: [] for kind in MeetingItem.Kind.values}
    for item in meeting.items.select_related("person", "author", "task", "problem").prefetch_related("measures"):
        grouped[item.kind].append(item)
    return grouped


def problems_and_measures(*, org: Organization, person_ids, start: dt.date, end: dt.date) -> list[dict]:
    """Problems recorded in the meetings held from `start` to `end` (inclusive) of series the
    given people attend (or about them), each with the decisions and action items that answer
    it as its measure ("" if none yet). For progress reports; the caller has scoped the people."""
    people = list(person_ids)
    attended = MeetingSeriesMember.objects.filter(org_id=org.pk, person_id__in=people).values("series_id")
    problems = (
        MeetingItem.objects.filter(
            org_id=org.pk,
            kind=MeetingItem.Kind.PROBLEM,
            meeting__held_on__range=(start, end),
            meeting__opened_at__isnull=False,
        )
        .filter(Q(meeting__series_id__in=attended) | Q(person_id__in=people))
        .select_related("meeting")
        .prefetch_related("measures")
        .order_by("meeting__held_on", "pk")
    )
    source = _("Progress meeting")
    return [
        {
            "date": problem.meeting.held_on,
            "person_id": problem.person_id,
            "problem": problem.text,
            "measure": join_items(measure.text for measure in problem.measures.all()),
            "source": source,
            "url": reverse("meetings:meeting", args=[problem.meeting_id]),
        }
        for problem in problems
    ]
