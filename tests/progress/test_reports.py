"""Kept progress reports: generating, reproducing, saying when the figures changed, refusing a
period not yet started, scoping, the pages and the API, the organisation's run and its schedule."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from pacekeeper.errors import Forbidden, TooManyAttempts, ValidationFailed
from pacekeeper.kpis.rollups import rollups_rebuild
from pacekeeper.progress import services
from pacekeeper.progress.models import ProgressReport, ReportRun, ScheduledPeriod
from pacekeeper.tenancy.models import Team, User
from tests.factories import SaleFactory

MARCH_DAY = dt.date(2026, 3, 15)


def _team_report(world, language="en") -> ProgressReport:
    return services.report_generate(
        actor=world.one.actor("lead"),
        subject_kind="team",
        subject_id=world.one.team_a.pk,
        period_kind="month",
        day=MARCH_DAY,
        language=language,
    )


def test_regenerating_a_past_report_gives_the_same_figures(facts):
    first = _team_report(facts)
    assert services.current_state(first) == {"changed": False, "sections": []}
    again = services.report_regenerate(actor=facts.one.actor("director"), report=first)
    assert again.pk == first.pk  # one kept report per subject, period and language
    assert again.fingerprint == first.fingerprint
    assert again.document["sections"] == first.document["sections"]
    assert ProgressReport.objects.count() == 1


def test_a_changed_fact_of_the_period_is_said_on_the_page(facts, client):
    report = _team_report(facts)
    SaleFactory(customer=facts.one.customers["teammate"], ordered_on=dt.date(2026, 3, 25), amount_minor=70_000)
    rollups_rebuild(org=facts.one.org)
    state = services.current_state(report)
    assert state["changed"] is True
    assert "KPI figures" in state["sections"] and "Goal attainment and pace" in state["sections"]
    assert "Task completion" not in state["sections"]
    client.force_login(facts.one.lead)
    page = client.get(f"/progress-reports/{report.pk}/")
    assert page.status_code == 200
    assert "Figures changed since generated on" in page.content.decode()
    # Generating it again takes the new figures, and the page no longer says so.
    client.post(f"/progress-reports/{report.pk}/regenerate/")
    assert "Figures changed since" not in client.get(f"/progress-reports/{report.pk}/").content.decode()


def test_the_check_is_kept_for_a_while_and_not_rebuilt_on_each_view(facts, settings, monkeypatch):
    report = _team_report(facts)
    settings.PROGRESS_CHECK_SECONDS = 60
    rebuilt = []
    real = services._rebuilt_state
    monkeypatch.setattr(services, "_rebuilt_state", lambda r: rebuilt.append(r.pk) or real(r))
    try:
        first, second = services.current_state(report), services.current_state(report)
    finally:
        cache.clear()  # the kept answer must not outlive this test (SQLite reuses the report's id)
    assert first == second == {"changed": False, "sections": []}
    assert rebuilt == [report.pk]


def test_a_fact_of_another_period_changes_nothing(facts):
    report = _team_report(facts)
    SaleFactory(customer=facts.one.customers["manager"], ordered_on=dt.date(2026, 5, 2), amount_minor=70_000)
    rollups_rebuild(org=facts.one.org)
    assert services.current_state(report)["changed"] is False


def test_a_period_not_yet_started_is_refused_and_nothing_is_kept(facts):
    today = facts.one.actor("director").today()
    with pytest.raises(ValidationFailed) as refused:
        services.report_generate(
            actor=facts.one.actor("director"),
            subject_kind="org",
            subject_id=None,
            period_kind="week",
            day=today + dt.timedelta(days=8),
        )
    assert "nothing to report yet" in refused.value.errors["day"][0]
    assert not ProgressReport.objects.exists()


def test_who_may_generate_what(facts):
    one = facts.one
    with pytest.raises(Forbidden):
        services.report_generate(
            actor=one.actor("manager"),
            subject_kind="person",
            subject_id=one.manager.pk,
            period_kind="month",
            day=MARCH_DAY,
        )
    with pytest.raises(ValidationFailed):  # team B is not the lead's
        services.report_generate(
            actor=one.actor("lead"), subject_kind="team", subject_id=one.team_b.pk, period_kind="month", day=MARCH_DAY
        )
    with pytest.raises(ValidationFailed):  # nor the organisation
        services.report_generate(
            actor=one.actor("lead"), subject_kind="org", subject_id=0, period_kind="month", day=MARCH_DAY
        )
    report = services.report_generate(
        actor=one.actor("lead"), subject_kind="person", subject_id=one.sub_manager.pk, period_kind="week", day=MARCH_DAY
    )
    assert (report.starts_on, report.ends_on) == (dt.date(2026, 3, 9), dt.date(2026, 3, 15))


def test_each_role_sees_the_reports_of_its_scope(facts, client):
    one = facts.one
    director = one.actor("director")
    made = {}
    for name, kind, subject in (
        ("org", "org", 0),
        ("team_a", "team", one.team_a.pk),
        ("team_b", "team", one.team_b.pk),
        ("manager", "person", one.manager.pk),
        ("other_manager", "person", one.other_manager.pk),
    ):
        report = services.report_generate(
            actor=director, subject_kind=kind, subject_id=subject, period_kind="month", day=MARCH_DAY
        )
        made[report.pk] = name
    expected = {
        "director": {"org", "team_a", "team_b", "manager", "other_manager"},
        "analyst": {"org", "team_a", "team_b", "manager", "other_manager"},
        "lead": {"team_a", "manager"},
        "manager": {"manager"},
    }
    for role, names in expected.items():
        client.force_login(getattr(one, role))
        items = client.get("/api/v1/progress-reports", {"page_size": 100}).json()["items"]
        assert {made[item["id"]] for item in items} == names, role
        page = client.get("/progress-reports/")
        assert {made[report.pk] for report in page.context["page"].object_list} == names, role


def test_the_page_pdf_and_xlsx_show_the_same_report(facts, client):
    report = _team_report(facts)
    client.force_login(facts.one.lead)
    page = client.get(f"/progress-reports/{report.pk}/").content.decode()
    assert "Progress report: one team A" in page
    assert "Sales amount up 46.0% on the previous month" in page
    assert "¥7,300.00" in page  # team A's sales in March, as the KPI engine has them
    assert "No problems were recorded in this period." in page
    pdf = client.get(f"/progress-reports/{report.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content == bytes(report.pdf)
    xlsx = client.get(f"/api/v1/progress-reports/{report.pk}/xlsx")
    assert xlsx.status_code == 200 and xlsx.content == bytes(report.xlsx)
    meta = client.get(f"/api/v1/progress-reports/{report.pk}").json()
    assert meta["subject_kind"] == "team" and meta["subject"] == facts.one.team_a.pk
    assert meta["starts_on"] == "2026-03-01" and meta["ends_on"] == "2026-03-31"


def test_generating_through_the_api_and_the_page(facts, client):
    one = facts.one
    client.force_login(one.lead)
    created = client.post(
        "/api/v1/progress-reports",
        {"subject_kind": "person", "subject": one.manager.pk, "period_kind": "week", "day": "2026-03-04"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["starts_on"] == "2026-03-02"
    future = (timezone.localdate() + dt.timedelta(days=40)).isoformat()
    refused = client.post(
        "/api/v1/progress-reports",
        {"subject_kind": "team", "subject": one.team_a.pk, "period_kind": "month", "day": future},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert [error["field"] for error in refused.json()["errors"]] == ["day"]
    form = client.get("/progress-reports/new/")
    assert form.status_code == 200
    posted = client.post(
        "/progress-reports/new/",
        {"subject": f"team:{one.team_a.pk}", "period_kind": "month", "day": "2026-03-15", "language": "en"},
    )
    assert posted.status_code == 302
    client.force_login(one.manager)
    assert client.get("/progress-reports/new/").status_code == 403


def test_the_list_filters_and_pages(facts, client):
    director = facts.one.actor("director")
    for day in (dt.date(2026, 3, 2), dt.date(2026, 3, 9)):
        services.report_generate(actor=director, subject_kind="org", subject_id=0, period_kind="week", day=day)
    services.report_generate(actor=director, subject_kind="org", subject_id=0, period_kind="month", day=MARCH_DAY)
    client.force_login(facts.one.director)
    assert len(client.get("/progress-reports/", {"period_kind": "week"}).context["page"].object_list) == 2
    only = client.get("/progress-reports/", {"starts_on": "2026-03-09"}).context["page"].object_list
    assert [report.starts_on for report in only] == [dt.date(2026, 3, 9)]
    assert list(client.get("/progress-reports/", {"subject_kind": "team"}).context["page"].object_list) == []
    empty = client.get("/progress-reports/", {"subject_kind": "team"}).content.decode()
    assert "No report matches these filters." in empty


def test_the_run_generates_every_report_of_the_organisation_with_its_progress(
    facts, client, django_capture_on_commit_callbacks
):
    one = facts.one
    with django_capture_on_commit_callbacks(execute=True):
        run = services.report_run_start(actor=one.actor("director"), period_kind="month", day=MARCH_DAY)
    run.refresh_from_db()
    teams = Team.objects.filter(org=one.org).count()
    people = User.objects.filter(org=one.org, is_active=True, role__in=("manager", "lead")).count()
    assert run.status == ReportRun.Status.DONE
    assert run.reports_expected == run.reports_done == 1 + teams + people
    assert ProgressReport.objects.filter(org=one.org, run=run).count() == 1 + teams + people
    assert not ProgressReport.objects.filter(org=facts.two.org).exists()
    client.force_login(one.director)
    total = run.reports_expected
    assert f"{total} of {total} reports" in client.get("/progress-reports/runs/").content.decode()
    with pytest.raises(Forbidden):
        services.report_run_start(actor=one.actor("lead"), period_kind="month", day=MARCH_DAY)
    client.force_login(one.manager)
    assert client.get("/progress-reports/runs/").status_code == 403


def test_the_schedule_starts_last_week_on_monday_and_last_month_on_its_first_working_day(facts):
    # (The runs are queued on commit: the test's transaction never commits, so none runs here.)
    # Sunday 1 March 2026: last week is due; the month's first working day is Monday 2 March.
    sunday = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    assert services.due_periods(dt.date(2026, 3, 1)) == [("week", services.last_finished("week", dt.date(2026, 3, 1)))]
    monday = dt.datetime(2026, 3, 2, 1, tzinfo=dt.UTC)  # 09:00 in Shanghai
    assert services.schedule_reports(now=sunday) == 2  # both organisations
    marks = set(ScheduledPeriod.objects.filter(org=facts.one.org).values_list("period_kind", "starts_on"))
    assert marks == {("week", dt.date(2026, 2, 16))}
    services.schedule_reports(now=monday)
    marks = set(ScheduledPeriod.objects.filter(org=facts.one.org).values_list("period_kind", "starts_on"))
    assert marks == {("week", dt.date(2026, 2, 16)), ("week", dt.date(2026, 2, 23)), ("month", dt.date(2026, 2, 1))}
    assert services.schedule_reports(now=monday) == 0  # once per period, however often it runs
    assert ReportRun.objects.filter(status="queued").count() == 6


def test_a_chinese_report_page_says_it_all_in_chinese(facts, client):
    import re

    lead = facts.one.lead
    lead.language = "zh-hans"
    lead.save()
    report = _team_report(facts, language="zh-hans")
    client.force_login(lead)
    page = client.get(f"/progress-reports/{report.pk}/").content.decode()
    main = page[page.index("<main") : page.index("</main>")]
    text = re.sub(r"<script.*?</script>|<[^>]+>", " ", main, flags=re.S)
    words = set(re.findall(r"[A-Za-z]{3,}", text))
    # Proper names only: the test world's team, people and goal ("Team A sales in March"); PDF,
    # XLSX and KPI, as Chinese writes them.
    names = {"one", "team", "lead", "manager", "teammate", "sub", "Team", "sales", "March", "PDF", "XLSX", "KPI"}
    assert words <= names, words - names
    assert "销售额较上月增长 46.0%" in page and "问题与措施" in page


def test_generating_too_often_is_refused_and_keeps_nothing_new(facts, settings):
    settings.PROGRESS_GENERATE_PER_HOUR = 2
    cache.clear()
    try:
        first = _team_report(facts)
        services.report_regenerate(actor=facts.one.actor("lead"), report=first)
        with pytest.raises(TooManyAttempts) as refused:
            _team_report(facts, language="zh-hans")
        assert refused.value.status == 429
        assert ProgressReport.objects.count() == 1
    finally:
        cache.clear()
