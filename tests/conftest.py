"""Shared test set-up: fast settings and a world of named people in two organisations.

`world` holds, per organisation, one user per role, two teams under a branch (with a sub-team
under team A), and customers owned by different managers, so every visibility rule has
someone to be true or false for.
"""

import copy
import os
import re

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import settings as hypothesis_settings

from pacekeeper.tenancy import sign_in
from tests.factories import World, build_world

# CI runs the same examples every time (a red build means a real change); a wider random search
# runs with HYPOTHESIS_PROFILE=explore.
hypothesis_settings.register_profile("ci", max_examples=50, derandomize=True)
hypothesis_settings.register_profile("explore", max_examples=400, derandomize=False)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


FAST_SETTINGS = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "TASKS": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
    "CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    "LANGUAGE_CODE": "en",
    "PROGRESS_CHECK_SECONDS": 0,  # a test changes figures and looks again at once
    "PROGRESS_GENERATE_PER_HOUR": 10_000,  # the cache (and its counts) outlives a test
}


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path):
    for name, value in FAST_SETTINGS.items():
        setattr(settings, name, value)
    settings.DATA_DIR = tmp_path


@pytest.fixture(autouse=True)
def _force_login_completes_two_factor(monkeypatch):
    """`client.force_login` stands for a finished sign-in, the two-factor step included, for
    the roles that require one. Tests of the sign-in itself go through the login pages."""
    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if sign_in.two_factor_required(user):
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            device = device or TOTPDevice.objects.create(user=user, name="tests", confirmed=True)
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(scope="session")
def _world_template(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once per test process (in a transaction rolled back at once), and the rows
    it wrote, table by table in the order they were first written.

    Building it through the factories and services costs about a hundred queries; the `world`
    fixture puts the same rows back in each test's own transaction instead, and hands the test
    its own copies of the objects, so what a test sees and may change is what a fresh build
    gave it. (Inside a test's transaction nothing commits, so the build's after-commit hooks
    never ran there either.)"""
    models = {model._meta.db_table: model for model in apps.get_models(include_auto_created=True)}
    with django_db_blocker.unblock(), override_settings(**FAST_SETTINGS, DATA_DIR=tmp_path_factory.mktemp("world")):
        with transaction.atomic():
            before = {model: set(model._base_manager.values_list("pk", flat=True)) for model in models.values()}
            with CaptureQueriesContext(connection) as queries:
                built = build_world()
            written = []
            for query in queries.captured_queries:
                match = re.match(r'\s*(INSERT INTO|UPDATE|DELETE FROM) "(\w+)"', query["sql"])
                if match:
                    assert match[1] != "DELETE FROM", "build_world deletes rows: the template cannot replay that"
                    if match[2] not in written:
                        written.append(match[2])
            rows = []
            for table in written:
                model = models[table]
                new = model._base_manager.exclude(pk__in=before[model]).order_by("pk")
                rows.append((model, list(new)))
            untouched = [model for model in models.values() if model not in dict(rows)]
            changed = [m for m in untouched if set(m._base_manager.values_list("pk", flat=True)) != before[m]]
            assert not changed, f"build_world wrote rows the template does not know about: {changed}"
            transaction.set_rollback(True)
        _keep_ids_taken(rows)
    return built, rows


def _keep_ids_taken(rows) -> None:
    """Rows a test makes never take the world's ids, whether or not the test asks for the world
    and whatever it makes first. PostgreSQL's sequences kept their place through the rollback;
    SQLite's counters went back with it, so they are moved past the world here (committed once,
    the state every test's transaction starts from)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for model, objects in rows:
            table, top = model._meta.db_table, max(row.pk for row in objects)
            cursor.execute("UPDATE sqlite_sequence SET seq = MAX(seq, %s) WHERE name = %s", [top, table])
            if cursor.rowcount == 0:
                cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, top])


@pytest.fixture
def world(db, _world_template) -> World:
    if not connection.in_atomic_block:
        # A transactional test (a live server, threads): writes commit, so what the build hands
        # to after-commit hooks (an organisation's default skill catalogue) happens: built for real.
        return build_world()
    built, rows = _world_template
    for model, objects in rows:
        model._base_manager.bulk_create(copy.deepcopy(objects))
    return copy.deepcopy(built)


@pytest.fixture
def login(client):
    """Log the test client in as a user; returns the client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Close connections after each request in tests, so the test database can be dropped
    while the live server's thread has finished with it."""
    from django.conf import settings

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The long tests (marked `slow` or `browser`) first, the rest in their usual order. xdist
    hands tests out in this order; a long test handed out last keeps one worker busy while the
    others have finished (in file order the migrations test came last)."""
    items.sort(key=_longest_first)


def _longest_first(item) -> tuple[bool, bool]:
    long = item.get_closest_marker("slow") or item.get_closest_marker("browser")
    # A parametrized slow test is many short runs (the API fuzz's operations): after the long ones.
    return (not long, hasattr(item, "callspec"))
