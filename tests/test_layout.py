"""Layout defects a user saw, checked on the markup and the one stylesheet (the browser test in
tests/browser/ checks the rendered result: no overflow, nothing overlapping)."""

import re
from pathlib import Path

import pytest

import pacekeeper

CSS = (Path(pacekeeper.__file__).parent / "static/pacekeeper/app.css").read_text()


def test_it_shows_the_smart_check_before_the_goal_forms_save_button(world, client):
    client.force_login(world.one.director)
    page = client.get("/goals/new/").content.decode()
    assert page.index('id="smart-check"') < page.index("Save draft")


def test_it_shows_only_the_subject_field_of_the_chosen_level(world, client):
    client.force_login(world.one.director)
    page = client.get("/goals/new/").content.decode()
    assert 'class="field field-team' in page and 'class="field field-person' in page
    assert '"manager"]:checked) .field-team' in CSS and '"team"]:checked) .field-person' in CSS


def test_it_keeps_each_audit_filter_label_with_its_input(world, client):
    client.force_login(world.one.director)
    page = client.get("/audit/").content.decode()
    form = page.split('role="search"', 1)[1].split("</form>", 1)[0]
    labels = re.findall(r"<label for=", form)
    assert labels and len(re.findall(r'<div class="field"><label for="[^"]+">[^<]+</label><', form)) == len(labels)


def test_it_keeps_a_search_box_and_its_button_on_one_line():
    assert re.search(r"form\.search \{ display: flex;", CSS)


@pytest.mark.parametrize(
    "role,first",
    [("manager", "My day"), ("lead", "Team"), ("director", "Overview"), ("admin", "Overview"), ("analyst", "Overview")],
)
def test_a_phone_gets_a_tab_bar_of_the_roles_main_places_and_more(world, client, role, first):
    client.force_login(getattr(world.one, role))
    page = client.get("/goals/").content.decode()
    tabbar = page.split('<nav class="tabbar"', 1)[1].split("</nav>", 1)[0]
    places = re.findall(r">([^<>]+)</a>", tabbar)
    assert places[0] == first and places[-1] == "More" and 5 <= len(places) <= 6
    assert 'href="#main-nav"' in tabbar and '<nav id="main-nav"' in page


def test_my_day_and_the_customer_list_float_a_log_a_visit_action(world, client):
    client.force_login(world.one.manager)
    for path in ("/my-day/", "/customers/"):
        assert 'class="fab"' in client.get(path).content.decode(), path


def test_phone_list_rows_are_compact(world, client):
    client.force_login(world.one.manager)
    rows = client.get("/customers/").content.decode()
    assert 'class="table responsive compact"' in rows
    for cell in ("cell-name", "cell-meta", "cell-action"):
        assert f'class="{cell}"' in rows
    goal_list = Path(pacekeeper.__file__).parent / "goals/templates/goals/goal_list.html"
    assert 'class="table responsive compact"' in goal_list.read_text()
    assert ".table.compact tr { display: grid;" in CSS
