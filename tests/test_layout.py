"""Layout defects a user saw, checked on the markup and the one stylesheet (the browser test in
tests/browser/ checks the rendered result: no overflow, nothing overlapping)."""

import re
from pathlib import Path

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


def test_the_goal_list_has_compact_phone_rows():
    """Title, then status, attainment and the goal's own period; the rest only on wide screens
    (a goal took seven rows on a phone). The tab bar and the customer rows: tests/test_navigation.py."""
    goal_list = Path(pacekeeper.__file__).parent / "goals/templates/goals/goal_list.html"
    template = goal_list.read_text()
    assert 'class="table responsive compact"' in template and 'class="c-meta"' in template
    assert ".table.compact .c-meta {" in CSS


def test_the_task_boards_filters_share_lines_instead_of_one_full_width_box_each():
    board = (Path(pacekeeper.__file__).parent / "work/templates/work/board.html").read_text()
    assert 'class="filters board-filters"' in board
    assert ".filters.board-filters { grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); }" in CSS
