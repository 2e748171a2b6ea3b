import pytest
from django.db import IntegrityError, transaction

from pacekeeper.tenancy.models import AuditEntry, Role, User
from tests.factories import PASSWORD


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


def test_an_email_address_names_one_person_across_organisations_whatever_the_capitals(world, client):
    director = world.one.director
    director.email = "director@example.cn"
    director.save()
    other = world.two.manager
    client.force_login(other)
    taken = client.patch(
        f"/api/v1/users/{other.pk}",
        {"email": "DIRECTOR@example.cn", "current_password": PASSWORD},
        content_type="application/json",
    )
    assert taken.status_code == 400
    assert taken.json()["errors"] == [
        {"field": "email", "message": "This email address is already used by another account."}
    ]
    client.force_login(world.two.admin)
    payload = {"username": "newbie", "password": "a-Long-pass-phrase-9", "email": "Director@Example.cn"}
    assert (
        client.post("/api/v1/users", payload, content_type="application/json").json()["errors"][0]["field"] == "email"
    )
    # The database holds the rule too, for writes that skip the service.
    other.email = "DIRECTOR@EXAMPLE.CN"
    with pytest.raises(IntegrityError), transaction.atomic():
        other.save()
    # Signing in by email still finds the director, and only the director.
    body = {"username": "director@example.cn", "password": PASSWORD, "name": "t"}
    client.logout()
    # The director's password is right: the answer is "set up two-factor" (403), not "wrong password" (401).
    assert client.post("/api/v1/auth/token", body, content_type="application/json").status_code == 403
    assert not other.api_tokens.exists()


def test_changing_ones_own_email_takes_ones_password_and_is_audited(world, client):
    manager = world.one.manager
    client.force_login(manager)
    url = f"/api/v1/users/{manager.pk}"
    refused = client.patch(url, {"email": "new@example.cn"}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "current_password"
    wrong = client.patch(url, {"email": "new@example.cn", "current_password": "nope"}, content_type="application/json")
    assert wrong.status_code == 400
    assert User.objects.get(pk=manager.pk).email == ""
    done = client.patch(url, {"email": "new@example.cn", "current_password": PASSWORD}, content_type="application/json")
    assert done.status_code == 200 and User.objects.get(pk=manager.pk).email == "new@example.cn"
    entry = AuditEntry.objects.get(object_id=str(manager.pk), field="email")
    assert (entry.before, entry.after) == ("", "new@example.cn")
    # The account page asks the same, and keeps what was typed.
    page = client.post("/account/", {"display_name": "王", "email": "other@example.cn", "language": ""})
    assert page.status_code == 200 and "Enter your current password" in page.content.decode()
    assert User.objects.get(pk=manager.pk).email == "new@example.cn"
    saved = client.post(
        "/account/",
        {"display_name": "王", "email": "other@example.cn", "language": "", "current_password": PASSWORD},
    )
    assert saved.status_code == 302 and User.objects.get(pk=manager.pk).email == "other@example.cn"


def test_the_org_admin_changes_someones_email_without_their_password(world, client):
    client.force_login(world.one.admin)
    response = client.patch(
        f"/api/v1/users/{world.one.manager.pk}", {"email": "am@example.cn"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["email"] == "am@example.cn"


def test_it_refuses_a_username_with_an_at_sign_by_field_in_the_users_language(world, client):
    """Sign-in reads a name with "@" as an email: such a username could never sign in."""
    client.force_login(world.one.admin)
    payload = {"username": "boss2@corp.cn", "password": "a-Long-pass-phrase-9", "role": "manager"}
    response = client.post("/api/v1/users", payload, content_type="application/json")
    assert response.status_code == 422
    errors = {error["field"]: error["message"] for error in response.json()["errors"]}
    assert "cannot contain @" in errors["username"]
    world.one.admin.language = "zh-hans"
    world.one.admin.save(update_fields=["language"])
    response = client.post("/api/v1/users", payload, content_type="application/json")
    assert "用户名不能包含 @" in response.json()["errors"][0]["message"]
    assert not User.objects.filter(username__contains="@").exists()


def test_the_user_services_refuse_a_username_with_an_at_sign(world):
    from pacekeeper.errors import ValidationFailed
    from pacekeeper.tenancy.services import user_add, user_create

    with pytest.raises(ValidationFailed) as error:
        user_create(org=world.one.org, username="x@y.cn", password=PASSWORD)
    assert "username" in error.value.errors
    with pytest.raises(ValidationFailed):
        user_add(actor=world.one.actor("admin"), username="boss@corp.cn", password=PASSWORD)
    assert not User.objects.filter(username__contains="@").exists()


@pytest.mark.parametrize("username", ["测试 用户", "a<b>", "tab\tname"])
def test_a_username_with_spaces_or_markup_is_refused_everywhere(world, username):
    from pacekeeper.errors import ValidationFailed
    from pacekeeper.tenancy.services import user_create

    with pytest.raises(ValidationFailed) as refused:
        user_create(org=world.one.org, username=username, password="a-Long-pass-phrase-9")
    assert "username" in refused.value.errors
    assert not User.objects.filter(username=username).exists()
