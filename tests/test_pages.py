"""Pages: what each role sees, the phone flows, and bounded query counts on list pages."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pacekeeper.crm.models import Customer, FollowUpPolicy, Interaction, Opportunity
from tests.factories import ContactFactory, CustomerFactory, InteractionFactory, OpportunityFactory, SaleFactory


@pytest.mark.parametrize(
    "role,first_screen",
    [
        ("manager", "/my-day/"),
        ("lead", "/team/"),
        ("director", "/overview/"),
        ("analyst", "/overview/"),
        ("admin", "/settings/"),
    ],
)
def test_it_sends_each_role_to_its_first_screen(world, client, role, first_screen):
    client.force_login(getattr(world.one, role))
    assert client.get("/").url == first_screen


def test_it_sends_strangers_to_the_login_page(db, client):
    response = client.get("/customers/")
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_it_logs_in_with_email_or_username(world, client):
    world.one.manager.email = "wang@example.cn"
    world.one.manager.save()
    response = client.post("/login/", {"username": "WANG@example.cn", "password": "correct horse battery staple"})
    assert response.status_code == 302
    assert client.get("/api/v1/me").json()["username"] == "one_manager"


def test_it_shows_my_day_with_due_and_overdue_customers(world, client):
    today = world.one.actor("manager").today()
    overdue = CustomerFactory(owner=world.one.manager, org=world.one.org, name="Late Ltd")
    CustomerFactory(owner=world.one.manager, org=world.one.org, name="Today Ltd", next_due_on=today)
    CustomerFactory(owner=world.one.teammate, org=world.one.org, name="Not Mine Ltd", next_due_on=today)
    # Last contacted three days more than its tier's interval ago: three days overdue.
    interval = FollowUpPolicy.objects.intervals(world.one.org.pk)[overdue.tier]
    zone = ZoneInfo(world.one.org.time_zone)
    noon = dt.datetime.combine(today - dt.timedelta(days=interval + 3), dt.time(12), tzinfo=zone)
    InteractionFactory(customer=overdue, occurred_at=noon, next_step="Send the proposal", next_step_on=today)
    client.force_login(world.one.manager)
    page = client.get("/my-day/").content.decode()
    assert "Late Ltd" in page and "3 days overdue" in page
    assert "Today Ltd" in page and "Due today" in page
    assert "Send the proposal" in page
    assert "Not Mine Ltd" not in page


def test_it_logs_a_visit_from_the_customer_page(world, client):
    customer = world.one.customers["manager"]
    client.force_login(world.one.manager)
    response = client.post(
        f"/customers/{customer.pk}/log/",
        {
            "kind": "visit",
            "occurred_at": "2026-11-20T10:00",
            "summary": "谈了续约",
            "next_step": "发报价",
            "next_step_on": "2026-11-27",
        },
    )
    assert response.status_code == 302
    timeline = client.get(f"/customers/{customer.pk}/").content.decode()
    assert "谈了续约" in timeline and "发报价" in timeline


def test_it_keeps_what_was_typed_when_the_log_form_has_errors(world, client):
    customer = world.one.customers["manager"]
    client.force_login(world.one.manager)
    response = client.post(
        f"/customers/{customer.pk}/log/", {"kind": "visit", "summary": "", "outcome": "Keep this text"}
    )
    assert response.status_code == 200
    assert "Keep this text" in response.content.decode()
    assert not Interaction.objects.filter(customer=customer).exists()


def test_it_searches_filters_and_pages_the_customer_list(world, client):
    for number in range(30):
        CustomerFactory(owner=world.one.manager, org=world.one.org, name=f"Alpha {number:02d}", tier="key")
    client.force_login(world.one.lead)
    page = client.get("/customers/", {"q": "alpha", "tier": "key"}).context["page"]
    assert page.paginator.count == 30 and len(page.object_list) == 25
    assert client.get("/customers/", {"q": "alpha", "tier": "sme"}).context["page"].paginator.count == 0
    assert "No customer matches" in client.get("/customers/", {"q": "zzz"}).content.decode()


def test_it_bounds_the_queries_of_list_pages(world, client):
    """Query counts do not grow with the number of rows (no N+1)."""

    def count(path):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    def add_rows(how_many):
        for _number in range(how_many):
            customer = CustomerFactory(owner=world.one.manager, org=world.one.org, next_due_on=dt.date(2026, 1, 1))
            contact = ContactFactory(customer=world.one.customers["manager"])
            visit = InteractionFactory(
                customer=world.one.customers["manager"], next_step="x", next_step_on=dt.date(2026, 1, 1)
            )
            visit.contacts.add(contact)
            OpportunityFactory(customer=customer)
            SaleFactory(customer=world.one.customers["manager"])

    client.force_login(world.one.lead)
    paths = [
        "/customers/",
        "/my-day/",
        "/follow-ups/",
        "/pipeline/",
        f"/customers/{world.one.customers['manager'].pk}/",
    ]
    add_rows(1)
    before = {path: count(path) for path in paths}
    add_rows(20)
    after = {path: count(path) for path in paths}
    assert after == before


def test_it_moves_a_deal_on_the_pipeline_board(world, client):
    deal = OpportunityFactory(customer=world.one.customers["manager"], stage="qualified")
    client.force_login(world.one.manager)
    assert deal.name in client.get("/pipeline/").content.decode()
    response = client.post(f"/opportunities/{deal.pk}/stage/", {"stage": "negotiation"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    deal.refresh_from_db()
    assert (deal.stage, deal.probability) == ("negotiation", 75)
    assert Opportunity.objects.get(pk=deal.pk).stage == "negotiation"


def test_it_imports_from_the_page_after_a_check(world, client, django_capture_on_commit_callbacks):
    """Upload → background check (immediate in tests) → the author confirms → background import."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv = "统一社会信用代码,客户名称,客户经理\n9131X,新客户有限公司,one_manager\n9131Y,,one_manager\n"
    client.force_login(world.one.lead)
    with django_capture_on_commit_callbacks(execute=True):
        upload = SimpleUploadedFile("c.csv", csv.encode("gbk"))
        response = client.post("/imports/", {"kind": "customers", "file": upload})
    job_page = client.get(response.url)
    assert job_page.context["job"].status == "checked"
    assert job_page.context["report"]["bad_rows"] == 1
    assert "This column is required." in job_page.content.decode()
    assert not Customer.objects.filter(external_id="9131X").exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{response.url}run/", {"mode": "good_rows_only"})
    done = client.get(response.url)
    assert done.context["job"].status == "done" and done.context["report"]["created"] == 1
    assert Customer.objects.get(external_id="9131X").owner == world.one.manager
    again = client.post(f"{response.url}run/", {"mode": "good_rows_only"}, follow=True)
    assert "not waiting for a confirmation" in again.content.decode()
    assert Customer.objects.filter(external_id="9131X").count() == 1


def test_it_keeps_imports_private_to_their_author(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.one.lead)
    response = client.post("/imports/", {"kind": "customers", "file": SimpleUploadedFile("c.csv", b"a,b\n")})
    client.force_login(world.one.director)
    assert client.get(response.url).status_code == 404
    assert client.post(f"{response.url}run/", {"mode": "all_or_nothing"}).status_code == 404


def test_an_import_whose_worker_died_shows_as_failed_and_runs_again(
    world, client, settings, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pacekeeper.crm.models import ImportJob

    client.force_login(world.one.lead)
    csv = "客户名称,统一社会信用代码\n上海华信,9131AAA\n".encode()
    job_url = client.post("/imports/", {"kind": "customers", "file": SimpleUploadedFile("c.csv", csv)}).url
    job = ImportJob.objects.get()
    # As if workers took it and were killed each time: running, its heartbeat long silent, and
    # started as often as a job is taken up again (import_jobs.MAX_ATTEMPTS).
    ImportJob.objects.filter(pk=job.pk).update(status="importing", heartbeat_at=job.created_at, attempts=3)
    settings.IMPORT_STALE_SECONDS = 0
    page = client.get(job_url).content.decode()
    assert "stopped unexpectedly" in page and "Run it again" in page
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{job_url}rerun/").status_code == 302
    assert ImportJob.objects.get().status == "checked"  # checked again, waiting for confirmation
    assert client.post(f"{job_url}rerun/").status_code == 302  # not failed any more: refused
    assert ImportJob.objects.get().status == "checked"
    # A job merely waiting in the queue (no heartbeat yet) is never taken for a dead one.
    ImportJob.objects.update(status="importing", heartbeat_at=None, created_at=job.created_at.replace(year=2020))
    assert "stopped unexpectedly" not in client.get(job_url).content.decode()
    assert ImportJob.objects.get().status == "importing"


def test_it_refuses_an_oversized_upload_before_reading_it(world, client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.IMPORT_MAX_BYTES = 10
    client.force_login(world.one.lead)
    response = client.post("/imports/", {"kind": "customers", "file": SimpleUploadedFile("c.csv", b"x" * 11)})
    assert response.status_code == 413


def test_it_refuses_an_upload_declared_too_large_without_reading_the_body(world, client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pacekeeper.crm.models import ImportJob

    settings.IMPORT_MAX_BYTES = 1024
    guarded = Client(enforce_csrf_checks=True)  # as in production: the CSRF check reads POST forms
    guarded.force_login(world.one.lead)
    # The body is small, but the declared length is what is checked: nothing is read or stored.
    # Had anything parsed the form (the CSRF check first), the missing token would answer 403.
    for path in ("/imports/", "/api/v1/imports"):
        upload = SimpleUploadedFile("c.csv", b"x")
        response = guarded.post(path, {"kind": "customers", "file": upload}, CONTENT_LENGTH=str(200 * 1024))
        assert response.status_code == 413, path
        assert "larger than the limit of 1.0" in response.content.decode(), path
    assert not ImportJob.objects.exists()


def test_it_exports_the_filtered_list_as_xlsx(world, client):
    client.force_login(world.one.manager)
    response = client.get("/customers/", {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_it_shows_the_page_in_chinese_when_the_user_chose_it(world, client):
    world.one.manager.language = "zh-hans"
    world.one.manager.save()
    client.force_login(world.one.manager)
    page = client.get("/my-day/").content.decode()
    assert "我的一天" in page
    # The language switch names each language in its own language, never "英语".
    assert '<option value="en" lang="en">English</option>' in page and "英语" not in page
    assert ">简体中文</option>" in page


def test_it_counts_follow_ups_per_team_and_person(world, client):
    today = world.one.actor("lead").today()
    late = today - dt.timedelta(days=1)
    for owner, due in [("manager", late), ("manager", late), ("teammate", today), ("other_manager", late)]:
        CustomerFactory(owner=getattr(world.one, owner), org=world.one.org, next_due_on=due)
    client.force_login(world.one.director)
    groups = {str(g["team"]): g for g in client.get("/follow-ups/").context["groups"]}
    team_a, team_b = groups["one team A"], groups["one team B"]
    assert (team_a["overdue"], team_a["due_today"]) == (2, 1)
    assert (team_b["overdue"], team_b["due_today"]) == (1, 0)
    by_person = {row["person"].username: row for row in team_a["people"]}
    assert by_person["one_manager"]["overdue"] == 2 and by_person["one_teammate"]["due_today"] == 1
    client.force_login(world.one.lead)
    assert {str(g["team"]) for g in client.get("/follow-ups/").context["groups"]} == {"one team A", "one team A1"}


def test_it_lets_the_analyst_export_every_kind(world, client):
    client.force_login(world.one.analyst)
    assert client.get("/exports/").status_code == 200
    for kind in ("customers", "contacts", "sales", "interactions"):
        response = client.get(f"/exports/{kind}/", {"format": "csv"})
        assert response.status_code == 200, kind
    rows = b"".join(client.get("/exports/customers/").streaming_content).decode("utf-8-sig").splitlines()
    assert len(rows) == 1 + 5  # header + the organisation's five customers
    assert client.get("/exports/payroll/").status_code == 404


def test_it_shows_a_lead_the_team_against_target_and_what_needs_attention(world, client):
    from pacekeeper.goals.models import Goal
    from pacekeeper.kpis.rollups import rollups_rebuild

    today = world.one.actor("lead").today()
    SaleFactory(customer=world.one.customers["manager"], ordered_on=today, amount_minor=50_000)
    InteractionFactory(customer=world.one.customers["manager"])  # the manager is active; the teammate is quiet
    CustomerFactory(owner=world.one.teammate, org=world.one.org, next_due_on=today - dt.timedelta(days=2))
    rollups_rebuild(org=world.one.org)
    goal = Goal.objects.create(
        org=world.one.org,
        title="Wang's month",
        metric="sales_amount",
        level="manager",
        person=world.one.manager,
        starts_on=today.replace(day=1),
        ends_on=today.replace(day=28) if today.day <= 28 else today,
        target=100_000,
        status="active",
    )
    client.force_login(world.one.lead)
    page = client.get("/team/")
    rows = {row["person"].username: row for row in page.context["rows"]}
    assert rows["one_manager"]["figures"]["sales_amount"] == 50_000 and rows["one_manager"]["goal"] == goal
    assert rows["one_manager"]["progress"].attainment == 50
    assert not rows["one_manager"]["quiet"] and rows["one_teammate"]["quiet"]
    assert rows["one_teammate"]["overdue"] == 1
    assert "one_other_manager" not in rows
    html = page.content.decode()
    assert "no logged activity" in html and "1 overdue follow-up<" in html  # singular for one
    client.force_login(world.one.lead)
    assert client.get("/team/", {"team": world.one.team_b.pk}).status_code == 404


def test_it_shows_the_director_teams_side_by_side(world, client):
    from pacekeeper.goals.models import Goal
    from pacekeeper.kpis.periods import period_presets
    from pacekeeper.kpis.rollups import rollups_rebuild

    today = world.one.actor("director").today()
    shown = period_presets(today)[0][1]  # the overview's default period
    SaleFactory(customer=world.one.customers["other_manager"], ordered_on=today, amount_minor=70_000)
    SaleFactory(customer=world.one.customers["manager"], ordered_on=shown.previous().start, amount_minor=90_000)
    rollups_rebuild(org=world.one.org)
    Goal.objects.create(
        org=world.one.org,
        title="Team B sales",
        metric="sales_amount",
        level="team",
        team=world.one.team_b,
        starts_on=today.replace(day=1),
        ends_on=today,
        target=100_000,
        status="active",
    )
    Goal.objects.create(
        org=world.one.org, kind="objective", title="Grow", level="org", starts_on=today, ends_on=today, status="active"
    )
    client.force_login(world.one.director)
    page = client.get("/overview/")
    by_team = {row["team"].name: row["figures"]["sales_amount"] for row in page.context["teams"]}
    assert by_team["one team B"] == 70_000 and by_team["one branch"] == 70_000 and by_team["one team A"] == 0
    assert page.context["org"]["sales_amount"] == 70_000
    assert page.context["previous"]["sales_amount"] == 90_000
    assert "▼" in page.content.decode()  # sales down on the previous period
    assert page.context["org_trend"][-1] == 70_000  # this month, in the organisation's trend
    assert "team-chart-data" in page.content.decode()
    goals = {row["goal"].title: row for row in page.context["goals"]}
    assert goals["Team B sales"]["trend"][-1] == 70_000 and goals["Grow"]["trend"] == []
    assert goals["Team B sales"]["progress"].attainment == 70
    client.force_login(world.one.manager)
    assert client.get("/overview/").status_code == 403


def test_it_keeps_the_analyst_read_only_on_pages(world, client):
    client.force_login(world.one.analyst)
    assert client.get("/customers/new/").status_code == 403
    assert client.get("/imports/").status_code == 403
    assert client.get("/customers/").status_code == 200


def test_it_opens_a_persons_page_for_those_in_scope(world, client):
    from pacekeeper.kpis.rollups import rollups_rebuild

    today = world.one.actor("lead").today()
    SaleFactory(customer=world.one.customers["teammate"], ordered_on=today, amount_minor=12_300)
    rollups_rebuild(org=world.one.org)
    client.force_login(world.one.lead)
    page = client.get(f"/people/{world.one.teammate.pk}/")
    assert dict((m.key, v) for m, v in page.context["metric_rows"])["sales_amount"] == 12_300
    assert page.context["trend"][-1][1] == 12_300
    assert client.get(f"/people/{world.one.other_manager.pk}/").status_code == 404
    client.force_login(world.one.manager)
    assert client.get(f"/people/{world.one.teammate.pk}/").status_code == 404
    board = client.get("/leaderboard/")
    assert f"/people/{world.one.teammate.pk}/" not in board.content.decode()


def test_it_shows_an_account_managers_own_sales_trend_on_my_day(world, client):
    from pacekeeper.kpis.rollups import rollups_rebuild

    today = world.one.actor("manager").today()
    SaleFactory(customer=world.one.customers["manager"], ordered_on=today, amount_minor=88_800)
    SaleFactory(customer=world.one.customers["teammate"], ordered_on=today, amount_minor=99_900)
    rollups_rebuild(org=world.one.org)
    client.force_login(world.one.manager)
    page = client.get("/my-day/")
    assert page.context["trend"][-1][1] == 88_800 and len(page.context["trend"]) == 6
    assert page.context["chart"]["values"][-1] == 888.0
    assert "trend-chart-data" in page.content.decode()


def test_it_never_sends_a_transfer_back_to_another_site(world, client):
    client.force_login(world.one.lead)
    response = client.post(
        "/customers/transfer/",
        {
            "customers": [world.one.customers["manager"].pk],
            "to_manager": world.one.teammate.pk,
            "reason": "r",
            "next": "//evil.example/phish",
        },
    )
    assert response.url == "/customers/"
    inside = client.post(
        "/customers/transfer/",
        {
            "customers": [world.one.customers["teammate"].pk],
            "to_manager": world.one.manager.pk,
            "reason": "r",
            "next": f"/customers/{world.one.customers['teammate'].pk}/",
        },
    )
    assert inside.url == f"/customers/{world.one.customers['teammate'].pk}/"
