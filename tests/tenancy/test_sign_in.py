"""Signing in: lockout, two-factor codes, sessions that end when they should."""

import base64
import datetime as dt
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from pacekeeper import settings as deployed_settings
from pacekeeper.tenancy import hashers, sign_in
from pacekeeper.tenancy.models import AuditEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in_with_password(client, username, password=PASSWORD, address="10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def current_code(device: TOTPDevice) -> str:
    """What the person's authenticator app shows now (RFC 6238, computed apart from the check)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enrol(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


# --- lockout --------------------------------------------------------------------------------


def test_it_locks_a_username_and_address_after_five_failures_then_lets_in_after_the_cool_off(world, client):
    username = world.one.manager.username
    for _ in range(4):
        assert sign_in_with_password(client, username, "wrong-password").status_code == 200
    locked = sign_in_with_password(client, username.upper(), "wrong-password")  # the 5th, typed differently
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    # Locked: even the right password is refused from this address...
    assert sign_in_with_password(client, username).status_code == 429
    # ...while the same person from elsewhere is not held hostage by the attacker's address.
    assert sign_in_with_password(Client(), username, address="10.9.9.9").status_code == 302
    # After the cool-off the right password works again.
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time - dt.timedelta(minutes=16))
    assert sign_in_with_password(client, username).status_code == 302


def test_it_locks_the_api_token_endpoint_the_same_way(world, client):
    def ask(password):
        body = {"username": world.one.manager.username, "password": password, "name": "script"}
        return client.post("/api/v1/auth/token", body, content_type="application/json", REMOTE_ADDR="10.0.0.2")

    for _ in range(4):
        assert ask("wrong-password").status_code == 401
    assert ask("wrong-password").status_code == 429
    refused = ask(PASSWORD)
    assert refused.status_code == 429 and "Too many failed sign-ins" in refused.json()["detail"]
    assert not world.one.manager.api_tokens.exists()


def test_the_token_endpoint_hands_out_a_working_personal_token(world, client):
    body = {"username": world.one.manager.username, "password": PASSWORD, "name": "nightly report"}
    response = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert response.status_code == 201 and response.json()["name"] == "nightly report"
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {response.json()['token']}")
    assert me.json()["username"] == world.one.manager.username


# --- two-factor -------------------------------------------------------------------------------


@pytest.fixture
def no_code_throttle(settings):
    """django-otp makes the next try wait 1 s after a wrong code (doubling each time); these
    tests type a right code straight after a wrong one."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


# --- more sign-ins at once than the server lets wait -------------------------------------------


@pytest.fixture
def full_sign_in_queue(world, settings):
    """The deployed hashers, and this process's one place for a sign-in taken meanwhile."""
    settings.PASSWORD_HASHERS = deployed_settings.PASSWORD_HASHERS  # the suite's default is MD5
    settings.PASSWORD_HASHING_QUEUE = 1
    world.one.manager.set_password(PASSWORD)
    world.one.manager.save()
    with hashers.admitted():
        yield


def test_a_sign_in_the_server_has_no_place_for_is_asked_to_try_again_with_its_name_kept(
    world, client, full_sign_in_queue
):
    username = world.one.manager.username
    response = client.post("/login/", {"username": username, "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    page = response.content.decode()
    assert "此刻正在登录的人较多，请过几秒钟再试。" in page
    assert f'value="{username}"' in page  # the name typed is still there
    assert "_auth_user_id" not in client.session
    assert not AccessAttempt.objects.exists()  # no password was checked: not a failure


def test_the_token_endpoint_answers_503_with_retry_after_when_sign_ins_are_full(world, client, full_sign_in_queue):
    body = {"username": world.one.manager.username, "password": PASSWORD, "name": "script"}
    response = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response.json() == {
        "detail": "Many people are signing in at this moment. Try again in a few seconds.",
        "errors": [],
    }
    assert not world.one.manager.api_tokens.exists()


def test_a_password_change_the_server_has_no_place_for_changes_nothing(world, client, full_sign_in_queue):
    client.force_login(world.one.manager)
    stored = world.one.manager.password
    new_password = "Lantern-Harbour-7781"
    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "Many people are signing in" in response.content.decode()
    world.one.manager.refresh_from_db()
    assert world.one.manager.password == stored


def test_with_a_queue_of_one_a_sign_in_alone_goes_through(world, client, settings):
    settings.PASSWORD_HASHERS = deployed_settings.PASSWORD_HASHERS
    settings.PASSWORD_HASHING_QUEUE = 1
    world.one.manager.set_password(PASSWORD)
    world.one.manager.save()
    assert sign_in_with_password(client, world.one.manager.username).status_code == 302


def test_a_wrong_code_makes_the_next_try_wait(world, client):
    device = enrol(world.one.manager)
    sign_in_with_password(client, world.one.manager.username)
    client.post("/login/code/", {"code": "000000"})
    assert "wait a few seconds" in client.post("/login/code/", {"code": current_code(device)}).content.decode()


def test_a_director_must_set_up_two_factor_before_seeing_anything(world, client, no_code_throttle):
    director = world.one.director
    assert sign_in_with_password(client, director.username).status_code == 302
    assert client.get("/overview/").url == "/account/two-factor/"
    assert client.get("/api/v1/customers").status_code == 403
    page = client.get("/account/two-factor/")
    assert "<svg" in page.content.decode() and 'name="code"' in page.content.decode()
    assert not TOTPDevice.objects.filter(user=director).exists()  # opening the page writes nothing
    assert client.get("/account/two-factor/").context["secret"] == page.context["secret"]  # the same QR code
    # What the app shows after scanning: computed from the key on the page.
    key = base64.b32decode(page.context["secret"])
    code = f"{totp(key, step=30, t0=0, digits=6):06d}"
    wrong = client.post("/account/two-factor/", {"action": "confirm", "code": "000000"})
    assert "not right" in wrong.content.decode()
    assert client.post("/account/two-factor/", {"action": "confirm", "code": code}).status_code == 302
    assert client.get("/overview/").status_code == 200
    assert TOTPDevice.objects.get(user=director).confirmed
    entry = AuditEntry.objects.get(object_id=str(director.pk), field="two_factor")
    assert (entry.before, entry.after, entry.actor_id) == ("off", "on", director.pk)


def test_someone_with_an_authenticator_signs_in_with_a_code_that_works_once(world, no_code_throttle):
    manager = world.one.manager
    device = enrol(manager)
    first = Client()
    step = sign_in_with_password(first, manager.username)
    assert step.url == "/login/code/"
    assert first.get("/my-day/").status_code == 302  # not signed in yet
    assert "not right" in first.post("/login/code/", {"code": "123456"}).content.decode()
    code = current_code(device)
    assert first.post("/login/code/", {"code": code}).status_code == 302
    assert first.get("/my-day/").status_code == 200
    # The same code, replayed by someone who watched it typed, is refused.
    second = Client()
    sign_in_with_password(second, manager.username)
    assert "not right" in second.post("/login/code/", {"code": code}).content.decode()
    assert second.get("/my-day/").status_code == 302


def test_wrong_codes_count_towards_the_lockout(world, client):
    manager = world.one.manager
    enrol(manager)
    sign_in_with_password(client, manager.username)
    answers = [client.post("/login/code/", {"code": "000000"}, REMOTE_ADDR="10.0.0.1").status_code for _ in range(5)]
    assert answers[:4] == [200] * 4 and answers[4] == 429


def test_the_token_endpoint_asks_for_the_code_of_two_factor_accounts(world, client):
    director = world.one.director

    def ask(code=""):
        body = {"username": director.username, "password": PASSWORD, "code": code}
        return client.post("/api/v1/auth/token", body, content_type="application/json")

    assert ask().status_code == 403  # required, not set up
    device = enrol(director)
    assert ask().status_code == 401
    code = current_code(device)
    assert ask(code).status_code == 201
    assert ask(code).status_code == 401  # used once already


def test_admin_site_sign_in_goes_through_the_same_login(client):
    response = client.get("/admin/login/?next=/admin/tenancy/user/")
    assert response.status_code == 302 and response.url.startswith("/login/?next=/admin/tenancy/user/")


# --- sessions -------------------------------------------------------------------------------


def test_the_session_id_changes_at_sign_in(world, client):
    # A real anonymous session, as someone who planted their own session id would hold.
    session = client.session
    session["visited"] = True
    session.save()
    before = session.session_key
    assert client.cookies["sessionid"].value == before
    sign_in_with_password(client, world.one.manager.username)
    assert client.cookies["sessionid"].value != before
    assert client.get("/my-day/").status_code == 200


def two_sessions(user):
    here, elsewhere = Client(), Client()
    here.force_login(user)
    elsewhere.force_login(user)
    return here, elsewhere


def test_logging_out_ends_the_persons_other_sessions(world):
    here, elsewhere = two_sessions(world.one.manager)
    assert elsewhere.get("/my-day/").status_code == 200
    assert here.post("/logout/").status_code == 302
    assert here.get("/my-day/").status_code == 302
    assert elsewhere.get("/my-day/").status_code == 302


def test_logout_is_post_only(world, client):
    client.force_login(world.one.manager)
    assert client.get("/logout/").status_code == 405
    assert client.get("/my-day/").status_code == 200


def test_changing_the_password_keeps_this_session_and_ends_the_others(world):
    here, elsewhere = two_sessions(world.one.manager)
    new_password = "Lantern-Harbour-7781"
    response = here.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    assert here.get("/my-day/").status_code == 200
    assert elsewhere.get("/my-day/").status_code == 302


def test_the_password_rules_refuse_common_passwords(world, client):
    client.force_login(world.one.manager)
    response = client.post(
        "/account/password/", {"old_password": PASSWORD, "new_password1": "password123", "new_password2": "password123"}
    )
    assert response.status_code == 200 and "too common" in response.content.decode()


def test_deactivating_a_person_ends_their_sessions_and_demoting_applies_at_once(world, client):
    director_session = Client()
    director_session.force_login(world.one.director)
    manager_session = Client()
    manager_session.force_login(world.one.teammate)
    assert director_session.get("/overview/").status_code == 200
    client.force_login(world.one.admin)
    url = f"/api/v1/users/{world.one.director.pk}"
    assert client.patch(url, {"role": "manager"}, content_type="application/json").status_code == 200
    assert director_session.get("/overview/").status_code in (403, 404)
    url = f"/api/v1/users/{world.one.teammate.pk}"
    assert client.patch(url, {"is_active": False}, content_type="application/json").status_code == 200
    assert manager_session.get("/my-day/").status_code == 302


def test_an_idle_session_and_a_long_one_end(world, settings):
    for key, age in (
        (sign_in.SEEN_AT_KEY, settings.SESSION_IDLE_SECONDS),
        (sign_in.SIGNED_IN_AT_KEY, settings.SESSION_COOKIE_AGE),
    ):
        client = Client()
        client.force_login(world.one.manager)
        session = client.session
        session.setdefault(sign_in.SIGNED_IN_AT_KEY, time.time())
        session[key] = time.time() - age - 5
        session.save()
        response = client.get("/my-day/")
        assert response.status_code == 302, key
        assert "session has ended" in client.get(response.url).content.decode(), key


@pytest.mark.parametrize("old_hasher", [PBKDF2PasswordHasher, Argon2PasswordHasher])
def test_an_older_password_hash_is_upgraded_to_argon2id_at_sign_in(world, client, settings, old_hasher):
    settings.PASSWORD_HASHERS = deployed_settings.PASSWORD_HASHERS  # the suite's default is MD5
    manager = world.one.manager
    hasher = old_hasher()  # Django's own Argon2: 100 MiB, 8 lanes
    manager.password = hasher.encode(PASSWORD, hasher.salt())
    manager.save(update_fields=["password"])
    assert sign_in_with_password(client, manager.username).status_code == 302
    manager.refresh_from_db()
    assert manager.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


# --- one person, one lockout, one address ---------------------------------------------------


def test_failures_count_per_person_whether_the_username_or_the_email_is_typed(world, client):
    manager = world.one.manager
    manager.email = "am0007@example.cn"
    manager.save()
    for typed in [manager.username, "AM0007@example.cn", manager.username, "am0007@example.cn"]:
        assert sign_in_with_password(client, typed, "wrong-password").status_code == 200
    assert sign_in_with_password(client, " am0007@EXAMPLE.cn ", "wrong-password").status_code == 429
    # Locked, the right password is refused under either name, on the page and the API alike.
    assert sign_in_with_password(client, "am0007@example.cn").status_code == 429
    assert sign_in_with_password(client, manager.username).status_code == 429
    body = {"username": "am0007@example.cn", "password": PASSWORD, "name": "script"}
    token = client.post("/api/v1/auth/token", body, content_type="application/json", REMOTE_ADDR="10.0.0.1")
    assert token.status_code == 429 and not manager.api_tokens.exists()


def test_a_code_of_other_unicode_digits_is_a_wrong_code_not_a_server_error(world, client, no_code_throttle):
    manager = world.one.manager
    enrol(manager)
    sign_in_with_password(client, manager.username)
    page = client.post("/login/code/", {"code": "²²²²²²"})
    assert page.status_code == 200 and "not right" in page.content.decode()
    body = {"username": manager.username, "password": PASSWORD, "code": "٣٣٣٣٣٣"}
    assert client.post("/api/v1/auth/token", body, content_type="application/json").status_code == 401
