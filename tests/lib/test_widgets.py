"""The date picker's value in every language (a Chinese page wrote 2026/12/20, which the browser's
picker shows as an empty field — and saving then erased the date)."""

import datetime as dt

import pytest
from django.utils import translation

from pacekeeper.goals.forms import GoalForm
from pacekeeper.work.forms import TaskForm


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_date_field_holds_an_iso_date_in_every_language(language):
    with translation.override(language):
        html = str(TaskForm(initial={"due_on": dt.date(2026, 12, 20)})["due_on"])
    assert 'type="date"' in html
    assert 'value="2026-12-20"' in html


def test_a_goal_form_keeps_its_dates_on_a_chinese_page():
    with translation.override("zh-hans"):
        html = str(GoalForm(initial={"starts_on": dt.date(2026, 1, 1)})["starts_on"])
    assert 'value="2026-01-01"' in html
