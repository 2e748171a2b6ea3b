"""Work reports: the figures a report is pre-filled with are the KPI engine's, who may write and
read what, the missing reports, help items turned into tasks (docs/rhythm.md, "Work reports")."""

import datetime as dt

import pytest

from pacekeeper.crm.services import interaction_save, sale_save
from pacekeeper.errors import Forbidden, NotFound, ValidationFailed
from pacekeeper.kpis.engine import Level, compute
from pacekeeper.notifications.models import Notification
from pacekeeper.work.models import Task
from pacekeeper.workreports import selectors, services
from pacekeeper.workreports.figures import REPORT_METRICS, period_of, shown_period
from pacekeeper.workreports.models import WorkReport

pytestmark = pytest.mark.django_db


def _report(world, who="manager", **changes) -> WorkReport:
    actor = world.one.actor(who)
    report = services.work_report_start(actor=actor)
    if changes:
        services.work_report_update(actor=actor, report=report, changes=changes)
    return report


def _submitted(world, who="manager", **changes) -> WorkReport:
    report = _report(world, who, **changes)
    return services.work_report_submit(actor=world.one.actor(who), report=report)


class TestPrefill:
    def test_it_prefills_the_periods_figures_from_the_kpi_engine(self, world):
        actor = world.one.actor("manager")
        today = actor.today()
        customer = world.one.customers["manager"]
        sale_save(actor=actor, changes={"customer": customer.pk, "ordered_on": today, "amount": "1234.50"})
        interaction_save(actor=actor, changes={"customer": customer.pk, "kind": "visit", "summary": "拜访客户"})
        report = services.work_report_start(actor=actor)
        period = shown_period(period_of("weekly", today), today)
        engine = compute(
            org=world.one.org,
            metrics=list(REPORT_METRICS),
            level=Level.MANAGER,
            period=period,
            managers={actor.user_id},
        )[actor.user_id]
        frozen = {row["key"]: row["value"] for row in report.figures["metrics"]}
        assert frozen == {key: engine[key] for key in REPORT_METRICS}
        assert frozen["sales_amount"] == 123450 and frozen["interactions"] == 1
        assert report.figures["interactions"][0]["customer"] == customer.name
        assert (report.period_start, report.period_end) == (period.start, period.start + dt.timedelta(days=6))

    def test_it_freezes_the_figures_once_submitted(self, world):
        actor = world.one.actor("manager")
        report = _submitted(world)
        before = report.figures
        sale_save(
            actor=actor,
            changes={"customer": world.one.customers["manager"].pk, "ordered_on": actor.today(), "amount": "10"},
        )
        report.refresh_from_db()
        assert report.figures == before

    def test_it_writes_one_report_per_person_and_period(self, world):
        first = _report(world)
        assert services.work_report_start(actor=world.one.actor("manager")).pk == first.pk
        assert WorkReport.objects.filter(author=world.one.manager).count() == 1

    def test_it_follows_the_daily_setting(self, world):
        world.one.org.work_report_cadence = "daily"
        world.one.org.save()
        report = _report(world)
        assert report.period_start == report.period_end == world.one.actor("manager").today()


class TestRefusal:
    def test_it_refuses_a_period_not_yet_started(self, world):
        actor = world.one.actor("manager")
        with pytest.raises(ValidationFailed) as refused:
            services.work_report_start(actor=actor, day=actor.today() + dt.timedelta(days=8))
        assert "period" in refused.value.errors
        assert not WorkReport.objects.exists()

    def test_it_refuses_five_megabytes_of_text_on_the_field_and_keeps_the_rest(self, world):
        report = _report(world, sales_progress="before")
        with pytest.raises(ValidationFailed) as refused:
            services.work_report_update(
                actor=world.one.actor("manager"), report=report, changes={"sales_progress": "x" * 5_000_000}
            )
        assert list(refused.value.errors) == ["sales_progress"]
        report.refresh_from_db()
        assert report.sales_progress == "before"

    def test_nobody_writes_a_report_for_someone_else(self, world):
        report = _report(world)
        for role in ("lead", "director", "admin", "teammate"):
            actor = world.one.actor(role)
            with pytest.raises((Forbidden, NotFound)):
                services.work_report_update(
                    actor=actor, report=selectors.access_report(actor, report.pk), changes={"plans": "mine"}
                )

    def test_a_read_report_is_locked(self, world):
        report = _submitted(world, plans="A")
        services.work_report_mark_read(actor=world.one.actor("lead"), report=report)
        with pytest.raises(ValidationFailed):
            services.work_report_update(actor=world.one.actor("manager"), report=report, changes={"plans": "B"})

    def test_a_submitted_report_stays_editable_until_read(self, world):
        report = _submitted(world, plans="A")
        services.work_report_update(actor=world.one.actor("manager"), report=report, changes={"plans": "B"})
        report.refresh_from_db()
        assert report.plans == "B"


class TestVisibility:
    def test_a_draft_is_its_authors_alone(self, world):
        report = _report(world)
        for role in ("lead", "director", "admin", "analyst", "teammate"):
            with pytest.raises(NotFound):
                selectors.access_report(world.one.actor(role), report.pk)

    def test_a_submitted_report_is_read_by_the_lead_chain_directors_admin_and_analyst(self, world):
        report = _submitted(world)
        for role in ("manager", "lead", "director", "admin", "analyst"):
            assert selectors.access_report(world.one.actor(role), report.pk) == report
        for role in ("teammate", "other_lead", "other_manager"):
            with pytest.raises(NotFound):
                selectors.access_report(world.one.actor(role), report.pk)
        with pytest.raises(NotFound):
            selectors.access_report(world.two.actor("admin"), report.pk)

    def test_the_analyst_reads_but_does_not_lead(self, world):
        report = _submitted(world)
        with pytest.raises(Forbidden):
            services.work_report_mark_read(actor=world.one.actor("analyst"), report=report)
        with pytest.raises(Forbidden):
            services.work_report_comment(actor=world.one.actor("analyst"), report=report, body="hi")


class TestLead:
    def test_submitting_tells_the_lead_and_a_comment_tells_the_author(self, world, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            report = _submitted(world)
            services.work_report_comment(actor=world.one.actor("lead"), report=report, body="好，继续")
        assert Notification.objects.filter(recipient=world.one.lead, kind="work_report_submitted").count() == 1
        assert Notification.objects.filter(recipient=world.one.manager, kind="work_report_commented").count() == 1

    def test_a_help_item_becomes_a_task_in_one_step(self, world, django_capture_on_commit_callbacks):
        report = _submitted(world, help_needed=["需要产品经理陪同拜访", ""])
        item = report.help_items.get()
        lead = world.one.actor("lead")
        with django_capture_on_commit_callbacks(execute=True):
            item = services.help_item_to_task(actor=lead, item=selectors.access_help_item(lead, item.pk))
        task = Task.objects.get(pk=item.task_id)
        assert (task.title, task.owner_id, item.status, task.is_important) == (
            "需要产品经理陪同拜访",
            world.one.lead.pk,
            "task",
            True,
        )
        assert Notification.objects.filter(recipient=world.one.manager, kind="work_report_help_handled").exists()
        with pytest.raises(ValidationFailed):
            services.help_item_to_task(actor=lead, item=item)
        rows = selectors.problems_and_measures(
            org=world.one.org, person_ids=[world.one.manager.pk], start=report.period_start, end=report.period_end
        )
        assert [(row["problem"], row["person_id"]) for row in rows] == [("需要产品经理陪同拜访", world.one.manager.pk)]
        assert task.title in rows[0]["measure"]

    def test_a_handled_item_keeps_its_note_and_survives_the_authors_edits(self, world):
        report = _submitted(world, help_needed=["A", "B"])
        first = report.help_items.get(text="A")
        services.help_item_handle(actor=world.one.actor("lead"), item=first, note="已协调")
        services.work_report_update(actor=world.one.actor("manager"), report=report, changes={"help_needed": ["C"]})
        assert sorted(report.help_items.values_list("text", "status")) == [("A", "handled"), ("C", "open")]
        rows = selectors.problems_and_measures(
            org=world.one.org, person_ids=[world.one.manager.pk], start=report.period_start, end=report.period_end
        )
        assert {row["problem"]: row["measure"] for row in rows} == {"A": "已协调", "C": ""}

    def test_the_author_cannot_handle_their_own_help(self, world):
        report = _submitted(world, help_needed=["A"])
        with pytest.raises(Forbidden):
            services.help_item_handle(actor=world.one.actor("manager"), item=report.help_items.get())


class TestMissingReports:
    def test_it_lists_who_has_not_reported(self, world):
        lead = world.one.actor("lead")
        today = lead.today()
        last_week = today - dt.timedelta(days=7)
        report = services.work_report_start(actor=world.one.actor("manager"), day=last_week)
        services.work_report_submit(actor=world.one.actor("manager"), report=report)
        services.work_report_start(actor=world.one.actor("teammate"), day=last_week)  # a draft is not a report
        people = list(selectors.expected_authors(lead))
        status = selectors.reporting_status(lead, people)
        assert {p.username for p in status["missing_last"]} == {"one_teammate", "one_sub_manager"}
        assert {p.username for p in status["missing_current"]} == {"one_manager", "one_teammate", "one_sub_manager"}
        team_only = selectors.expected_authors(lead, team=world.one.team_a1)
        assert [p.username for p in team_only] == ["one_sub_manager"]

    def test_latest_summaries_give_each_persons_last_submitted_report(self, world):
        report = _submitted(world, help_needed=["A", "B"])
        _report(world, "teammate")  # a draft: no summary
        found = selectors.latest_report_summaries(
            org=world.one.org, person_ids=[world.one.manager.pk, world.one.teammate.pk], on_or_before=report.period_end
        )
        assert list(found) == [world.one.manager.pk]
        assert found[world.one.manager.pk]["help_needed_open"] == 2
        assert found[world.one.manager.pk]["url"] == f"/work-reports/{report.pk}/"


class TestNews:
    def test_it_searches_news_across_the_team_by_tag_and_text(self, world):
        _submitted(
            world, news=[{"text": "华为报价下调10%", "competitor": "华为", "region": "华东"}, {"text": "新品上市"}]
        )
        _submitted(world, "teammate", news=[{"text": "中兴在华东招标", "competitor": "中兴", "region": "华东"}])
        _submitted(world, "other_manager", news=[{"text": "华为 in team B", "competitor": "华为"}])
        lead = world.one.actor("lead")
        assert {i.text for i in selectors.news_search(lead, tag="华东")} == {"华为报价下调10%", "中兴在华东招标"}
        assert {i.text for i in selectors.news_search(lead, tag="华为", kind="competitor")} == {"华为报价下调10%"}
        assert {i.text for i in selectors.news_search(lead, q="新品")} == {"新品上市"}
        assert selectors.tag_suggestions(lead)["region"] == ["华东"]
        assert len(selectors.news_search(world.one.actor("director"), tag="华为")) == 2
