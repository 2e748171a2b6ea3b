"""Settings: the org admin's own pages for people, teams, dated memberships and the organisation.
Each operation works for the org admin through the page, is refused to every other role, and
is recorded in the audit trail."""

import datetime as dt

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from pacekeeper.crm.services import sale_save
from pacekeeper.kpis.engine import compute
from pacekeeper.kpis.periods import Period
from pacekeeper.tenancy.models import AuditEntry, Organization, Role, TeamMembership, User

OTHER_ROLES = ("director", "analyst", "lead", "manager")


@pytest.fixture
def admin_client(world, client):
    client.force_login(world.one.admin)
    return client


class TestPeople:
    def test_it_lists_people_with_their_team_searches_and_pages(self, world, admin_client):
        page = admin_client.get("/settings/").content.decode()
        assert "one manager" in page and "one team A" in page and "two manager" not in page
        found = admin_client.get("/settings/", {"q": "teammate"}).content.decode()
        assert "one teammate" in found and "one sub_manager" not in found
        for n in range(30):
            User.objects.create(org=world.one.org, username=f"extra{n:02}", role=Role.MANAGER)
        first = admin_client.get("/settings/")
        assert first.context["page"].paginator.num_pages == 2
        assert 'rel="next"' in first.content.decode()

    def test_it_answers_a_search_as_you_type_with_the_rows_only(self, world, admin_client):
        response = admin_client.get("/settings/", {"q": "one_sub", "role": "manager"}, HTTP_HX_REQUEST="true")
        body = response.content.decode()
        assert "one sub_manager" in body and "one teammate" not in body
        assert "<html" not in body and 'class="tabs"' not in body

    def test_it_lists_people_in_a_bounded_number_of_queries(self, world, admin_client, django_assert_max_num_queries):
        for n in range(20):
            User.objects.create(org=world.one.org, username=f"extra{n:02}", role=Role.MANAGER)
        with django_assert_max_num_queries(12):
            admin_client.get("/settings/")

    def test_it_adds_a_person_into_a_team_from_a_date(self, world, admin_client):
        response = admin_client.post(
            "/settings/people/new/",
            {
                "username": "newcomer",
                "display_name": "新人",
                "role": Role.MANAGER,
                "password": "a-Long-pass-phrase-9",
                "team": world.one.team_b.pk,
                "started_on": "2026-03-01",
            },
        )
        newcomer = User.objects.get(username="newcomer")
        assert response.status_code == 302 and response.url == f"/settings/people/{newcomer.pk}/"
        assert newcomer.org == world.one.org and newcomer.check_password("a-Long-pass-phrase-9")
        membership = newcomer.team_memberships.get()
        assert (membership.team, membership.started_on, membership.ended_on) == (
            world.one.team_b,
            dt.date(2026, 3, 1),
            None,
        )
        assert AuditEntry.objects.filter(object_id=str(newcomer.pk), field="role", channel="page").exists()

    def test_it_shows_field_errors_in_the_users_language_and_keeps_what_was_typed(self, world, admin_client):
        admin_client.cookies.load({"django_language": "zh-hans"})
        world.one.admin.language = "zh-hans"
        world.one.admin.save(update_fields=["language"])
        response = admin_client.post(
            "/settings/people/new/",
            {"username": "one_manager", "display_name": "重名", "role": Role.MANAGER, "password": "password123"},
        )
        assert response.status_code == 200
        form = response.context["form"]
        assert form.errors["username"] == ["用户名已被占用。"]
        assert "重名" in response.content.decode()

    def test_it_explains_a_short_password_in_chinese(self, world, admin_client):
        """Django 5.2's own Chinese catalog lacks the new length message: ours translates it."""
        admin_client.cookies.load({"django_language": "zh-hans"})
        world.one.admin.language = "zh-hans"
        world.one.admin.save(update_fields=["language"])
        response = admin_client.post(
            "/settings/people/new/", {"username": "newcomer", "role": Role.MANAGER, "password": "1"}
        )
        assert "密码太短，至少需要 8 个字符。" in response.context["form"].errors["password"]
        assert "too short" not in response.content.decode()

    def test_it_refuses_a_username_with_an_at_sign_by_field(self, world, admin_client):
        response = admin_client.post(
            "/settings/people/new/",
            {"username": "boss2@corp.cn", "role": Role.MANAGER, "password": "a-Long-pass-phrase-9"},
        )
        assert response.status_code == 200
        assert "cannot contain @" in response.context["form"].errors["username"][0]
        assert not User.objects.filter(username="boss2@corp.cn").exists()

    def test_it_changes_a_role_with_a_reason(self, world, admin_client):
        url = f"/settings/people/{world.one.teammate.pk}/role/"
        response = admin_client.post(url, {"role": Role.LEAD, "reason": "promoted"})
        assert response.status_code == 302
        world.one.teammate.refresh_from_db()
        assert world.one.teammate.role == Role.LEAD
        entry = AuditEntry.objects.get(object_id=str(world.one.teammate.pk), field="role")
        assert (entry.before, entry.after, entry.reason, entry.channel) == ("manager", "lead", "promoted", "page")

    def test_it_deactivates_and_reactivates_a_person(self, world, admin_client):
        url = f"/settings/people/{world.one.teammate.pk}/active/"
        assert admin_client.post(url, {"is_active": "no"}).status_code == 302
        world.one.teammate.refresh_from_db()
        assert not world.one.teammate.is_active
        page = admin_client.get("/settings/", {"active": "no"}).content.decode()
        assert "one teammate" in page and "one manager" not in page
        admin_client.post(url, {"is_active": "yes"})
        world.one.teammate.refresh_from_db()
        assert world.one.teammate.is_active
        assert AuditEntry.objects.filter(object_id=str(world.one.teammate.pk), field="is_active").count() == 2

    def test_it_does_not_deactivate_on_an_empty_post(self, world, admin_client):
        admin_client.post(f"/settings/people/{world.one.teammate.pk}/active/", {})
        world.one.teammate.refresh_from_db()
        assert world.one.teammate.is_active

    def test_it_refuses_to_deactivate_oneself(self, world, admin_client):
        admin_client.post(f"/settings/people/{world.one.admin.pk}/active/", {"is_active": "no"})
        world.one.admin.refresh_from_db()
        assert world.one.admin.is_active

    def test_it_resets_two_factor_sign_in_and_ends_the_persons_sessions(self, world, admin_client):
        director = world.one.director
        TOTPDevice.objects.create(user=director, name="phone", confirmed=True)
        generation = director.session_generation
        page = admin_client.get(f"/settings/people/{director.pk}/").content.decode()
        assert "Reset two-factor sign-in" in page
        response = admin_client.post(f"/settings/people/{director.pk}/two-factor-reset/", {"reason": "lost phone"})
        assert response.status_code == 302
        assert not TOTPDevice.objects.filter(user=director).exists()
        director.refresh_from_db()
        assert director.session_generation > generation
        entry = AuditEntry.objects.get(object_id=str(director.pk), field="two_factor")
        assert (entry.before, entry.after, entry.reason) == ("on", "off", "lost phone")
        # The person's recorded changes name the field and its values in the reader's language.
        admin_client.cookies.load({"django_language": "zh-hans"})
        history = admin_client.get(f"/settings/people/{director.pk}/").content.decode()
        assert "双重验证登录: 已开启 → 未开启 (lost phone)" in history


class TestMemberships:
    def test_it_moves_a_person_from_a_date_and_shows_the_history(self, world, admin_client):
        manager = world.one.manager
        response = admin_client.post(
            f"/settings/people/{manager.pk}/memberships/",
            {"team": world.one.team_b.pk, "started_on": "2026-03-15", "reason": "reorganisation"},
        )
        assert response.status_code == 302
        history = list(manager.team_memberships.order_by("started_on").values_list("team_id", "ended_on"))
        assert history == [(world.one.team_a.pk, dt.date(2026, 3, 14)), (world.one.team_b.pk, None)]
        page = admin_client.get(f"/settings/people/{manager.pk}/").content.decode()
        assert "one team A" in page and "one team B" in page
        assert "14 Mar 2026" in page and "15 Mar 2026" in page
        fields = set(AuditEntry.objects.filter(object_type="tenancy.teammembership").values_list("field", "reason"))
        assert fields == {("ended_on", "reorganisation"), ("started_on", "reorganisation")}

    def test_it_credits_sales_to_the_team_of_the_day_after_a_move(self, world, admin_client):
        customer = world.one.customers["manager"]
        actor = world.one.actor("manager")
        for day, amount in ((dt.date(2026, 3, 10), "1.00"), (dt.date(2026, 3, 20), "10.00")):
            sale_save(actor=actor, changes={"customer": customer.pk, "ordered_on": day, "amount": amount})
        admin_client.post(
            f"/settings/people/{world.one.manager.pk}/memberships/",
            {"team": world.one.team_b.pk, "started_on": "2026-03-15"},
        )
        for source in ("live", "rollup"):
            teams = compute(
                org=world.one.org, metrics=["sales_amount"], level="team", period=Period.month(2026, 3), source=source
            )
            assert teams[world.one.team_a.pk]["sales_amount"] == 100, source
            assert teams[world.one.team_b.pk]["sales_amount"] == 1000, source

    def test_it_refuses_a_move_before_the_current_membership_with_a_field_error(self, world, admin_client):
        manager = world.one.manager
        admin_client.post(
            f"/settings/people/{manager.pk}/memberships/", {"team": world.one.team_b.pk, "started_on": "2026-03-15"}
        )
        response = admin_client.post(
            f"/settings/people/{manager.pk}/memberships/", {"team": world.one.team_a1.pk, "started_on": "2026-03-01"}
        )
        assert response.status_code == 200
        assert response.context["start_form"].errors["started_on"]
        assert manager.team_memberships.count() == 2

    def test_it_refuses_an_absurd_date(self, world, admin_client):
        response = admin_client.post(
            f"/settings/people/{world.one.manager.pk}/memberships/",
            {"team": world.one.team_b.pk, "started_on": "1900-01-01"},
        )
        assert "Enter a date between 1 Jan 2000 and" in response.context["start_form"].errors["started_on"][0]
        assert world.one.manager.team_memberships.count() == 1

    def test_it_ends_a_membership_on_a_date(self, world, admin_client):
        membership = world.one.teammate.team_memberships.get()
        url = f"/settings/memberships/{membership.pk}/end/"
        assert url in admin_client.get(f"/settings/people/{world.one.teammate.pk}/").content.decode()
        assert "one teammate in one team A, since 1 Jan 2020." in admin_client.get(url).content.decode()
        response = admin_client.post(url, {"ended_on": "2026-06-30", "reason": "left the bank"})
        assert response.status_code == 302
        membership.refresh_from_db()
        assert membership.ended_on == dt.date(2026, 6, 30)
        again = admin_client.post(url, {"ended_on": "2026-07-31"})
        assert again.context["form"].errors["ended_on"] == ["This membership has already ended."]
        assert url not in admin_client.get(f"/settings/people/{world.one.teammate.pk}/").content.decode()

    def test_it_makes_a_lead_alongside_a_membership(self, world, admin_client):
        admin_client.post(
            f"/settings/people/{world.one.teammate.pk}/memberships/",
            {"team": world.one.team_a1.pk, "started_on": "2026-03-01", "is_lead": "on"},
        )
        open_memberships = TeamMembership.objects.filter(user=world.one.teammate, ended_on__isnull=True)
        assert set(open_memberships.values_list("team_id", "is_lead")) == {
            (world.one.team_a.pk, False),
            (world.one.team_a1.pk, True),
        }


class TestTeams:
    def test_it_creates_a_team_and_lists_its_members(self, world, admin_client):
        response = admin_client.post(
            "/settings/teams/", {"name": "华东一组", "kind": "team", "parent": world.one.branch.pk}
        )
        assert response.status_code == 302
        page = admin_client.get("/settings/teams/").content.decode()
        assert "华东一组" in page and "one teammate" in page
        assert AuditEntry.objects.filter(object_type="tenancy.team", field="name", after="华东一组").exists()

    def test_it_refuses_a_duplicate_name_next_to_the_field(self, world, admin_client):
        response = admin_client.post("/settings/teams/", {"name": "one team A", "kind": "team"})
        assert response.context["form"].errors["name"] == ["A team with this name already exists."]


class TestOrganization:
    def test_it_offers_currency_and_time_zone_as_choices(self, world, admin_client):
        form = admin_client.get("/settings/organisation/").context["form"]
        assert ("CNY", "CNY ¥") in form.fields["currency"].choices
        assert ("Asia/Shanghai", "Beijing time (Asia/Shanghai)") in form.fields["time_zone"].choices
        assert ("Europe/Berlin", "Europe/Berlin") in form.fields["time_zone"].choices
        admin_client.cookies.load({"django_language": "zh-hans"})
        world.one.admin.language = "zh-hans"
        world.one.admin.save(update_fields=["language"])
        page = admin_client.get("/settings/organisation/").content.decode()
        assert "北京时间 (Asia/Shanghai)" in page
        assert page.count(">Asia/Shanghai<") == 0 and page.count('value="Asia/Shanghai"') == 1

    def test_it_saves_settings_and_audits_each_change(self, world, admin_client):
        response = admin_client.post(
            "/settings/organisation/",
            {
                "name": "Org One",
                "currency": "USD",
                "time_zone": "Asia/Hong_Kong",
                "language": "en",
                "change_colours": "international",
                "work_report_cadence": "weekly",
                "reason": "HK branch",
            },
        )
        assert response.status_code == 302
        org = Organization.objects.get(pk=world.one.org.pk)
        assert (org.currency, org.time_zone, org.change_colours, org.payout_second_approver) == (
            "USD",
            "Asia/Hong_Kong",
            "international",
            False,  # an unticked box
        )
        fields = set(AuditEntry.objects.filter(object_type="tenancy.organization").values_list("field", flat=True))
        assert fields == {"currency", "time_zone", "language", "change_colours", "payout_second_approver"}
        assert "colours-international" in admin_client.get("/settings/organisation/").content.decode()

    def test_it_refuses_a_time_zone_not_in_the_list_and_a_currency_of_other_units(self, world, admin_client):
        data = {"name": "Org One", "currency": "JPY", "time_zone": "Mars/Olympus", "language": "zh-hans"}
        data |= {"change_colours": "china", "payout_second_approver": "on", "work_report_cadence": "weekly"}
        response = admin_client.post("/settings/organisation/", data)
        assert response.status_code == 200
        assert set(response.context["form"].errors) == {"time_zone"}
        data["time_zone"] = "Asia/Shanghai"
        response = admin_client.post("/settings/organisation/", data)
        assert list(response.context["form"].errors) == ["currency"]
        assert Organization.objects.get(pk=world.one.org.pk).currency == "CNY"


class TestFollowUpPolicies:
    def test_it_shows_the_defaults_in_force(self, world, admin_client):
        response = admin_client.get("/settings/follow-ups/")
        rows = {row.tier: (row.days, row.is_default) for row in response.context["rows"]}
        assert rows == {"strategic": (14, True), "key": (30, True), "standard": (60, True), "sme": (90, True)}
        assert "14 days" in response.content.decode()

    def test_it_changes_a_tier_and_moves_its_due_dates(self, world, admin_client):
        customer = world.one.customers["manager"]
        before = customer.next_due_on
        data = {"strategic": 14, "key": 30, "standard": 60, "sme": 90, customer.tier: 7}
        assert admin_client.post("/settings/follow-ups/", data).status_code == 302
        customer.refresh_from_db()
        rows = {row.tier: row for row in admin_client.get("/settings/follow-ups/").context["rows"]}
        assert rows[customer.tier].days == 7 and not rows[customer.tier].is_default
        assert customer.next_due_on != before
        assert AuditEntry.objects.filter(object_type="crm.followuppolicy", after="7").count() == 1

    def test_it_refuses_zero_days_next_to_the_field(self, world, admin_client):
        response = admin_client.post("/settings/follow-ups/", {"strategic": 0, "key": 30, "standard": 60, "sme": 90})
        assert response.status_code == 200 and response.context["form"].errors["strategic"]


SETTINGS_PAGES = ("/settings/", "/settings/people/new/", "/settings/teams/")
SETTINGS_PAGES += ("/settings/organisation/", "/settings/follow-ups/")


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_it_refuses_settings_to_every_other_role(world, client, role):
    client.force_login(getattr(world.one, role))
    for url in SETTINGS_PAGES:
        assert client.get(url).status_code == 403, url
    membership = world.one.teammate.team_memberships.get()
    assert client.post("/settings/teams/", {"name": "Mine", "kind": "team"}).status_code == 403
    assert client.post(f"/settings/memberships/{membership.pk}/end/", {"ended_on": "2026-06-30"}).status_code == 403
    assert client.post(f"/settings/people/{world.one.teammate.pk}/active/", {"is_active": "no"}).status_code == 403
    membership.refresh_from_db()
    world.one.teammate.refresh_from_db()
    assert membership.ended_on is None and world.one.teammate.is_active


def test_it_links_settings_in_the_navigation_of_the_org_admin_only(world, client):
    client.force_login(world.one.admin)
    assert 'href="/settings/"' in client.get("/audit/").content.decode()
    client.force_login(world.one.director)
    assert 'href="/settings/"' not in client.get("/overview/").content.decode()


def test_it_answers_another_organisations_person_with_404(world, admin_client):
    assert admin_client.get(f"/settings/people/{world.two.manager.pk}/").status_code == 404
    membership = world.two.manager.team_memberships.get()
    response = admin_client.post(f"/settings/memberships/{membership.pk}/end/", {"ended_on": "2026-06-30"})
    assert response.status_code == 404
