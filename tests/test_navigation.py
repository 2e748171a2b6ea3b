"""The main places per role: the top bar and the phone's tab bar list the same places, each
opens for that role, and the phone gets a way to log a follow-up from anywhere."""

import re

import pytest
from django.utils.html import escape

pytestmark = pytest.mark.django_db

ROLES = ["manager", "lead", "director", "admin", "analyst"]


def _links(html: str, nav_class: str) -> list[str]:
    block = re.search(rf'<nav class="{nav_class}".*?</nav>', html, re.S).group(0)
    return re.findall(r'<a href="([^"]+)"', block)


@pytest.mark.parametrize("role", ROLES)
def test_the_tab_bar_holds_four_everyday_places_and_more_holds_the_rest_each_opening(world, client, role):
    client.force_login(getattr(world.one, role))
    html = client.get("/goals/").content.decode()
    top = _links(html, "places")
    tabbar = _links(html, "tabbar")
    everyday, more = tabbar[:4], [url for url in tabbar[4:] if url != "/account/"]
    assert len(everyday) == 4
    # Every place of the top bar is on the phone once: in the tab bar or under "More".
    assert sorted(everyday + more) == sorted(top)
    for url in top:
        if url.startswith("/admin/"):
            continue  # the back office, checked by tests/tenancy/test_admin.py
        assert client.get(url).status_code == 200, url


def test_a_manager_s_tab_bar_is_my_day_customers_pipeline_goals_and_marks_where_they_are(world, client):
    client.force_login(world.one.manager)
    html = client.get("/customers/").content.decode()
    assert _links(html, "tabbar")[:4] == ["/my-day/", "/customers/", "/pipeline/", "/goals/"]
    assert re.search(r'<nav class="tabbar".*?<a href="/customers/" aria-current="page">', html, re.S)


def test_log_a_follow_up_goes_through_choosing_the_customer(world, client):
    client.force_login(world.one.manager)
    customer = world.one.customers["manager"]
    for page in ("/my-day/", "/customers/"):
        assert 'class="fab" href="/customers/?log=1"' in client.get(page).content.decode()
    picking = client.get("/customers/?log=1").content.decode()
    assert "Choose the customer to log a follow-up for." in picking
    assert f'<a href="/customers/{customer.pk}/log/">{escape(customer.name)}</a>' in picking
    assert 'class="fab"' not in picking
    # The search keeps the choosing (htmx sends the form, hidden field included).
    assert '<input type="hidden" name="log" value="1">' in picking


def test_the_analyst_who_logs_nothing_gets_no_log_action(world, client):
    client.force_login(world.one.analyst)
    html = client.get("/customers/?log=1").content.decode()
    assert 'class="fab"' not in html and "/log/" not in html
    assert "Choose the customer" not in html


def test_a_customer_row_carries_name_tier_due_status_and_one_action(world, client):
    client.force_login(world.one.manager)
    customer = world.one.customers["manager"]
    html = client.get("/customers/").content.decode()
    row = re.search(rf"<tr>\s*<td class=\"c-name\".*?{re.escape(escape(customer.name))}.*?</tr>", html, re.S).group(0)
    for cell in ("c-tier", "c-due", "c-action"):
        assert f'class="{cell}"' in row
    assert f'href="/customers/{customer.pk}/log/"' in row


@pytest.mark.parametrize("role", ["lead", "admin"])
def test_the_wide_top_bar_keeps_the_less_used_places_under_more(world, client, role):
    """At 1366 px the bar wrapped to two lines in English; the browser check is
    tests/browser/test_task_pages_fit.py. A place under "More" that is open marks "More"."""
    client.force_login(getattr(world.one, role))
    html = client.get("/tasks/board/").content.decode()
    block = re.search(r'<nav class="places".*?</nav>', html, re.S).group(0)
    inline, menu = block.split('<details class="places-more">')
    assert len(re.findall(r"<a href=", inline)) <= 10
    assert "/crm/export" not in inline and "Export" in menu
    assert 'summary class="current"' not in menu
    exports = client.get(re.search(r'<a href="([^"]+)">Export<', menu).group(1)).content.decode()
    assert 'summary class="current"' in exports
