"""Shared test set-up: fast settings and a world of named people in two organisations.

`world` holds, per organisation, one user per role, two teams under a branch (with a sub-team
under team A), and customers owned by different managers, so every visibility rule has
someone to be true or false for.
"""

import os

import pytest
from django.test import Client
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


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.DATA_DIR = tmp_path
    settings.LANGUAGE_CODE = "en"


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


@pytest.fixture
def world(db) -> World:
    return build_world()


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
