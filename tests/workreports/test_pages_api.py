"""Work report pages and API: wiring, the errors people see, and the missing-reports panel."""

import datetime as dt

import pytest

from pacekeeper.workreports import services
from pacekeeper.workreports.models import WorkReport

pytestmark = pytest.mark.django_db


def _submitted(world, who="manager", **changes):
    actor = world.one.actor(who)
    report = services.work_report_start(actor=actor)
    if changes:
        services.work_report_update(actor=actor, report=report, changes=changes)
    return services.work_report_submit(actor=actor, report=report)


class TestApi:
    def test_it_writes_and_submits_a_report(self, world, client):
        client.force_login(world.one.manager)
        made = client.post("/api/v1/work-reports", {}, content_type="application/json")
        assert made.status_code == 201, made.content
        body = made.json()
        assert [row["key"] for row in body["figures"]["metrics"]][0] == "sales_amount"
        url = f"/api/v1/work-reports/{body['id']}"
        changes = {
            "sales_progress": "签了两单",
            "news": [{"text": "华为降价", "competitor": "华为"}],
            "help_needed": ["需要报价支持"],
        }
        patched = client.patch(url, changes, content_type="application/json")
        assert patched.status_code == 200, patched.content
        assert patched.json()["news"][0]["competitor"] == "华为"
        assert client.post(f"{url}/submit").json()["status"] == "submitted"
        client.force_login(world.one.lead)
        assert client.post(f"{url}/read").json()["read_by"] == world.one.lead.pk
        item = client.get("/api/v1/work-report-help-items", {"open": True}).json()["items"][0]
        done = client.post(f"/api/v1/work-report-help-items/{item['id']}/task", {}, content_type="application/json")
        assert done.json()["status"] == "task" and done.json()["task"]
        news = client.get("/api/v1/work-reports/news", {"tag": "华为"}).json()
        assert [row["text"] for row in news["items"]] == ["华为降价"]

    def test_it_refuses_bad_input_with_field_errors(self, world, client):
        client.force_login(world.one.manager)
        future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
        refused = client.post("/api/v1/work-reports", {"day": future}, content_type="application/json")
        assert refused.status_code == 400 and "period" in str(refused.json())
        report = client.post("/api/v1/work-reports", {}, content_type="application/json").json()
        huge = client.patch(
            f"/api/v1/work-reports/{report['id']}", {"plans": "x" * 5_000_000}, content_type="application/json"
        )
        assert huge.status_code == 422 and "plans" in str(huge.json())
        assert WorkReport.objects.get().plans == ""

    def test_nobody_patches_someone_elses_report(self, world, client):
        report = _submitted(world)
        client.force_login(world.one.lead)
        refused = client.patch(f"/api/v1/work-reports/{report.pk}", {"plans": "x"}, content_type="application/json")
        assert refused.status_code == 403
        client.force_login(world.one.teammate)
        assert client.get(f"/api/v1/work-reports/{report.pk}").status_code == 404


class TestPages:
    def test_a_manager_writes_a_report_on_one_page(self, world, client):
        client.force_login(world.one.manager)
        page = client.get("/work-reports/")
        assert page.status_code == 200
        opened = client.post("/work-reports/write/")
        report = WorkReport.objects.get()
        assert opened.url == f"/work-reports/{report.pk}/edit/"
        form = client.get(opened.url)
        assert "news_0_competitor" in form.content.decode()
        data = {
            "sales_progress": "进展顺利",
            "customer_feedback": "",
            "plans": "",
            "news_0_text": "",
            "news_0_competitor": "中兴",
            "help_0": "x" * 2000,
        }
        kept = client.post(opened.url, data)
        assert kept.status_code == 400
        text = kept.content.decode()
        assert "进展顺利" in text  # nothing typed is lost
        data.update(news_0_competitor="", help_0="需要支持")
        submitted = client.post(f"/work-reports/{report.pk}/submit/", data)
        assert submitted.status_code == 302
        report.refresh_from_db()
        assert (report.status, report.sales_progress) == ("submitted", "进展顺利")
        assert list(report.help_items.values_list("text", flat=True)) == ["需要支持"]

    def test_five_megabytes_of_text_is_a_field_error(self, world, client):
        client.force_login(world.one.manager)
        client.post("/work-reports/write/")
        report = WorkReport.objects.get()
        response = client.post(f"/work-reports/{report.pk}/edit/", {"sales_progress": "x" * 5_000_000})
        assert response.status_code == 400
        assert 'class="field field-sales_progress has-error"' in response.content.decode()

    def test_the_team_page_shows_who_has_not_reported(self, world, client):
        _submitted(world)
        client.force_login(world.one.lead)
        for url in ("/team/", "/work-reports/team/"):
            text = client.get(url).content.decode()
            assert "missing-reports" in text
            assert "one teammate" in text and "one sub_manager" in text
        report_page = client.get(f"/work-reports/{WorkReport.objects.get().pk}/")
        assert report_page.status_code == 200

    def test_the_news_search_pages(self, world, client):
        _submitted(world, news=[{"text": "竞品促销", "region": "华南"}])
        client.force_login(world.one.director)
        response = client.get("/work-reports/news/", {"tag": "华南"})
        assert "竞品促销" in response.content.decode()
        assert "竞品促销" not in client.get("/work-reports/news/", {"q": "无关"}).content.decode()


def test_it_bounds_the_queries_of_the_report_lists(world, client):
    """Query counts do not grow with the number of reports (no N+1)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(path):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    def add_reports(people):
        for who in people:
            _submitted(world, who, news=[{"text": "动态", "region": "华东"}], help_needed=["支持"])

    paths = ["/work-reports/team/", "/work-reports/news/", "/team/"]
    add_reports(["manager"])
    client.force_login(world.one.lead)
    before = {path: count(path) for path in paths}
    add_reports(["teammate", "sub_manager"])
    assert {path: count(path) for path in paths} == before
