from django.core.management import call_command

from pacekeeper.tenancy.models import ApiToken


def test_it_authenticates_with_a_bearer_token_created_on_the_command_line(world, client, capsys):
    call_command("token", "create", world.one.manager.username)
    secret = capsys.readouterr().out.strip().splitlines()[-1]
    assert secret.startswith("pk_")
    token = ApiToken.objects.get(user=world.one.manager)
    assert token.digest != secret and secret not in token.digest  # stored hashed
    response = client.get("/api/v1/customers", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert [c["name"] for c in response.json()["items"]] == ["one manager's customer"]


def test_it_refuses_revoked_and_unknown_tokens(world, client):
    from pacekeeper.tenancy.services import api_token_create, api_token_revoke

    token, secret = api_token_create(user=world.one.manager, name="script")
    api_token_revoke(token=token)
    assert client.get("/api/v1/customers", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    assert client.get("/api/v1/customers", HTTP_AUTHORIZATION="Bearer pk_nonsense").status_code == 401


def test_it_needs_no_csrf_token_with_a_bearer_token(world, client):
    from pacekeeper.tenancy.services import api_token_create

    _token, secret = api_token_create(user=world.one.manager, name="script")
    response = client.post(
        "/api/v1/customers",
        {"name": "Via token", "external_id": "T-1"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 201


def test_it_shows_a_new_token_once_on_the_account_page(world, client):
    client.force_login(world.one.manager)
    response = client.post("/account/tokens/", {"name": "reporting"})
    secret = response.context["new_secret"]
    assert secret in response.content.decode()
    page = client.get("/account/").content.decode()
    assert secret not in page and "reporting" in page
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").json()["username"] == "one_manager"
