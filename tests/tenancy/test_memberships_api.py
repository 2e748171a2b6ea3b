"""The settings operations through the API: people into teams, dated memberships, the
organisation's settings and follow-up policies. The org admin may; other roles may not."""

import datetime as dt

import pytest

from pacekeeper.tenancy.models import AuditEntry, Organization, TeamMembership, User

OTHER_ROLES = ("director", "analyst", "lead", "manager")


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def _patch(client, url, body):
    return client.patch(url, body, content_type="application/json")


def test_it_moves_a_person_from_a_date_and_the_history_shows_both_teams(world, client):
    client.force_login(world.one.admin)
    manager = world.one.manager
    body = {"user": manager.pk, "team": world.one.team_b.pk, "started_on": "2026-03-15", "reason": "reorganisation"}
    response = _post(client, "/api/v1/memberships", body)
    assert response.status_code == 201, response.json()
    assert response.json()["team"] == world.one.team_b.pk and response.json()["ended_on"] is None
    history = client.get(f"/api/v1/users/{manager.pk}/memberships").json()
    assert [(row["team"], row["started_on"], row["ended_on"]) for row in history] == [
        (world.one.team_b.pk, "2026-03-15", None),
        (world.one.team_a.pk, "2020-01-01", "2026-03-14"),
    ]
    entries = AuditEntry.objects.filter(object_type="tenancy.teammembership", channel="api")
    fields = set(entries.values_list("field", "reason"))
    assert fields == {("ended_on", "reorganisation"), ("started_on", "reorganisation")}


def test_it_ends_a_membership_on_a_date(world, client):
    client.force_login(world.one.admin)
    membership = world.one.teammate.team_memberships.get()
    response = _post(client, f"/api/v1/memberships/{membership.pk}/end", {"ended_on": "2026-06-30"})
    assert response.status_code == 200 and response.json()["ended_on"] == "2026-06-30"
    again = _post(client, f"/api/v1/memberships/{membership.pk}/end", {"ended_on": "2026-07-31"})
    assert again.status_code == 400
    assert again.json()["errors"][0]["field"] == "ended_on"


def test_it_answers_a_bad_date_with_a_field_error(world, client):
    client.force_login(world.one.admin)
    body = {"user": world.one.manager.pk, "team": world.one.team_b.pk, "started_on": "2099-01-01"}
    response = _post(client, "/api/v1/memberships", body)
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "started_on"
    body["started_on"] = "15/03/2026"
    assert _post(client, "/api/v1/memberships", body).status_code == 422


def test_it_refuses_people_and_teams_of_another_organisation(world, client):
    client.force_login(world.one.admin)
    body = {"user": world.two.manager.pk, "team": world.one.team_b.pk, "started_on": "2026-03-15"}
    assert _post(client, "/api/v1/memberships", body).json()["errors"][0]["field"] == "user"
    body = {"user": world.one.manager.pk, "team": world.two.team_b.pk, "started_on": "2026-03-15"}
    assert _post(client, "/api/v1/memberships", body).json()["errors"][0]["field"] == "team"
    membership = world.two.manager.team_memberships.get()
    assert _post(client, f"/api/v1/memberships/{membership.pk}/end", {"ended_on": "2026-06-30"}).status_code == 404


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_it_refuses_membership_and_settings_writes_to_other_roles(world, client, role):
    client.force_login(getattr(world.one, role))
    body = {"user": world.one.manager.pk, "team": world.one.team_b.pk, "started_on": "2026-03-15"}
    assert _post(client, "/api/v1/memberships", body).status_code == 403
    membership = world.one.manager.team_memberships.get()
    response = _post(client, f"/api/v1/memberships/{membership.pk}/end", {"ended_on": "2026-06-30"})
    assert response.status_code in (403, 404)  # 404 where the membership is not theirs to see
    assert _patch(client, "/api/v1/organization", {"currency": "USD"}).status_code == 403
    if role != "director":  # directors set follow-up policies too (tenancy.scopes.may_set_follow_up_policy)
        response = client.put("/api/v1/follow-up-policies", {"sme": 7}, content_type="application/json")
        assert response.status_code == 403
    assert TeamMembership.objects.filter(user=world.one.manager).count() == 1
    assert Organization.objects.get(pk=world.one.org.pk).currency == "CNY"


def test_it_creates_a_user_straight_into_a_team(world, client):
    client.force_login(world.one.admin)
    body = {"username": "newbie", "password": "a-Long-pass-phrase-9", "team": world.one.team_b.pk}
    body["started_on"] = "2026-04-01"
    assert _post(client, "/api/v1/users", body).status_code == 201
    membership = User.objects.get(username="newbie").team_memberships.get()
    assert (membership.team, membership.started_on) == (world.one.team_b, dt.date(2026, 4, 1))


def test_it_creates_a_team_with_its_lead(world, client):
    client.force_login(world.one.admin)
    body = {"name": "East", "parent": world.one.branch.pk, "lead": world.one.other_lead.pk}
    response = _post(client, "/api/v1/teams", body)
    assert response.status_code == 201
    lead = TeamMembership.objects.get(team_id=response.json()["id"])
    assert lead.user == world.one.other_lead and lead.is_lead
    # Leading a new team does not end the team they already lead.
    assert TeamMembership.objects.filter(user=world.one.other_lead, ended_on__isnull=True).count() == 2


def test_it_reads_and_changes_the_organisation(world, client):
    client.force_login(world.one.manager)
    assert client.get("/api/v1/organization").json()["currency"] == "CNY"
    client.force_login(world.one.admin)
    response = _patch(client, "/api/v1/organization", {"change_colours": "international", "reason": "HK"})
    assert response.status_code == 200 and response.json()["change_colours"] == "international"
    bad = _patch(client, "/api/v1/organization", {"time_zone": "Mars/Olympus", "currency": "XYZ"})
    assert bad.status_code == 400
    assert {error["field"] for error in bad.json()["errors"]} == {"time_zone", "currency"}
    entry = AuditEntry.objects.get(object_type="tenancy.organization")
    assert (entry.field, entry.after, entry.reason, entry.channel) == ("change_colours", "international", "HK", "api")


def test_it_reads_and_sets_follow_up_policies(world, client):
    client.force_login(world.one.director)
    policies = client.get("/api/v1/follow-up-policies").json()
    assert {row["tier"]: (row["days"], row["is_default"]) for row in policies}["sme"] == (90, True)
    client.force_login(world.one.admin)
    response = client.put("/api/v1/follow-up-policies", {"sme": 45}, content_type="application/json")
    assert response.status_code == 200
    assert {row["tier"]: (row["days"], row["is_default"]) for row in response.json()}["sme"] == (45, False)
    bad = client.put("/api/v1/follow-up-policies", {"sme": 0}, content_type="application/json")
    assert bad.status_code in (400, 422)


def test_it_resets_two_factor_through_the_api_for_the_admin_only(world, client):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    director = world.one.director
    TOTPDevice.objects.create(user=director, name="phone", confirmed=True)
    url = f"/api/v1/users/{director.pk}/two-factor-reset"
    client.force_login(world.one.lead)
    assert _post(client, url, {"reason": "lost phone"}).status_code in (403, 404)
    client.force_login(world.one.admin)
    assert _post(client, url, {"reason": "lost phone"}).status_code == 200
    assert not TOTPDevice.objects.filter(user=director).exists()
    own = _post(client, f"/api/v1/users/{world.one.admin.pk}/two-factor-reset", {})
    assert own.status_code == 400
