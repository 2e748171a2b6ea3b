from pacekeeper.tenancy.models import AuditEntry, Role, User


def test_it_refuses_self_promotion(world, client):
    client.force_login(world.one.manager)
    response = client.patch(
        f"/api/v1/users/{world.one.manager.pk}", {"role": "director"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "role"
    world.one.manager.refresh_from_db()
    assert world.one.manager.role == Role.MANAGER


def test_it_lets_the_admin_change_a_role_and_audits_it(world, client):
    client.force_login(world.one.admin)
    response = client.patch(
        f"/api/v1/users/{world.one.manager.pk}", {"role": "lead", "reason": "promoted"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["role"] == "lead"
    entry = AuditEntry.objects.get(object_id=str(world.one.manager.pk), field="role")
    assert (entry.before, entry.after, entry.reason, entry.channel) == ("manager", "lead", "promoted", "api")


def test_it_lets_a_user_edit_their_own_name(world, client):
    client.force_login(world.one.manager)
    response = client.patch(
        f"/api/v1/users/{world.one.manager.pk}", {"display_name": "王小明"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert User.objects.get(pk=world.one.manager.pk).display_name == "王小明"


def test_it_creates_users_for_the_admin_only(world, client):
    payload = {"username": "newbie", "password": "a-Long-pass-phrase-9", "role": "manager"}
    client.force_login(world.one.lead)
    assert client.post("/api/v1/users", payload, content_type="application/json").status_code == 403
    client.force_login(world.one.admin)
    response = client.post("/api/v1/users", payload, content_type="application/json")
    assert response.status_code == 201
    assert User.objects.get(username="newbie").org == world.one.org


def test_it_rejects_a_common_password(world, client):
    client.force_login(world.one.admin)
    response = client.post(
        "/api/v1/users", {"username": "weak", "password": "password123"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "password"


def test_it_creates_teams_only_under_own_organisation(world, client):
    client.force_login(world.one.admin)
    response = client.post(
        "/api/v1/teams", {"name": "New", "parent": world.two.branch.pk}, content_type="application/json"
    )
    assert response.status_code == 400
    response = client.post(
        "/api/v1/teams", {"name": "New", "parent": world.one.branch.pk}, content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["parent"] == world.one.branch.pk
