"""The rhythm's pieces read each other: a meeting's agenda names each member's latest work
report (frozen with the meeting), and a progress report lists the problems raised in meetings
and the help asked for in work reports, with what was done about them."""

import pytest
from django.utils import translation

from pacekeeper.meetings import services as meetings
from pacekeeper.progress.sources import problems_and_measures
from pacekeeper.workreports import services as workreports

pytestmark = pytest.mark.django_db


def _report_with_help(world, *help_needed):
    actor = world.one.actor("manager")
    report = workreports.work_report_start(actor=actor)
    workreports.work_report_update(actor=actor, report=report, changes={"help_needed": list(help_needed)})
    return workreports.work_report_submit(actor=actor, report=report)


def _held_meeting(world):
    lead = world.one.actor("lead")
    series = meetings.series_create(actor=lead, team_id=world.one.team_a.pk)
    return meetings.meeting_open(actor=lead, meeting=meetings.meeting_schedule_next(actor=lead, series=series))


def test_the_agenda_names_each_members_latest_work_report_and_its_open_help(world, client):
    report = _report_with_help(world, "需要产品经理陪同拜访", "报价审批")
    meeting = _held_meeting(world)
    line = meeting.agenda["sections"]["work_report"][str(world.one.manager.pk)]
    assert (line["id"], line["help_needed_open"]) == (report.pk, 2)
    assert line["period_start"] == report.period_start.isoformat()
    # The teammate has not reported: no line, the agenda says nothing was reported.
    assert str(world.one.teammate.pk) not in meeting.agenda["sections"]["work_report"]

    client.force_login(world.one.lead)
    with translation.override("zh-hans"):
        page = client.get(f"/meetings/{meeting.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "2 项求助尚未处理" in page and f"/work-reports/{report.pk}/" in page


def test_a_progress_report_lists_meeting_problems_and_work_report_help(world):
    report = _report_with_help(world, "需要产品经理陪同拜访")
    meeting = _held_meeting(world)
    meetings.item_add(actor=world.one.actor("lead"), meeting=meeting, kind="problem", text="回款周期变长")
    rows = problems_and_measures(
        org=world.one.org,
        person_ids=[world.one.lead.pk, world.one.manager.pk],
        start=report.period_start,
        end=report.period_end,
    )
    assert {row["problem"] for row in rows} == {"需要产品经理陪同拜访", "回款周期变长"}
    # Raised the day the report was submitted (today), not at its period's end (days ahead).
    today = world.one.actor("manager").today()
    assert {row["date"] for row in rows} == {today}


def test_an_account_manager_reads_only_their_own_part_of_the_agenda(world, client):
    """The agenda is frozen in the lead's scope; a member reads only the people whose figures
    they may see (rule 2) — their own goals, tasks and customers, not a peer's."""
    meeting = _held_meeting(world)
    client.force_login(world.one.teammate)
    agenda = client.get(f"/api/v1/meetings/{meeting.pk}/agenda").json()["agenda"]
    assert [member["id"] for member in agenda["members"]] == [world.one.teammate.pk]
    assert all(set(values) <= {str(world.one.teammate.pk)} for values in agenda["sections"].values())
    client.force_login(world.one.lead)
    agenda = client.get(f"/api/v1/meetings/{meeting.pk}/agenda").json()["agenda"]
    assert {member["id"] for member in agenda["members"]} == {
        world.one.lead.pk,
        world.one.manager.pk,
        world.one.teammate.pk,
    }
