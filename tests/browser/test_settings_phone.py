"""The org admin's Settings on a 390-px phone, in Chinese: every page fits the screen, and moving
a person to another team from a date works with the thumb and shows in their history."""

import pytest

from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_moves_a_person_on_a_phone_and_every_settings_page_fits(live_server, world, phone, settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = []  # the settings, not the authenticator set-up
    manager, team_b = world.one.manager, world.one.team_b
    page = phone
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", world.one.admin.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/settings/")
    assert page.locator("h1").inner_text() == "设置"

    pages = ["/settings/", f"/settings/people/{manager.pk}/", "/settings/people/new/", "/settings/teams/"]
    pages += ["/settings/organisation/", "/settings/follow-ups/"]
    for url in pages:
        page.goto(f"{live_server.url}{url}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url

    page.goto(f"{live_server.url}/settings/people/{manager.pk}/")
    page.select_option("#id_team", str(team_b.pk))
    page.fill("#id_started_on", "2026-03-15")
    page.click("text=保存调动")
    page.wait_for_url(f"{live_server.url}/settings/people/{manager.pk}/")
    history = page.locator(".memberships").inner_text()
    assert "one team B" in history and "2026年3月15日" in history
    assert "one team A" in history and "2026年3月14日" in history
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
