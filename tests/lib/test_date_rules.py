"""The one date validator (DESIGN rule 12): its window, its rules, and periods that cannot overflow."""

import datetime as dt

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pacekeeper.errors import ValidationFailed
from pacekeeper.kpis.periods import Period, PeriodOutOfRange, requested_period
from pacekeeper.lib import date_rules

TODAY = dt.date(2026, 12, 3)


def test_it_keeps_business_dates_inside_a_documented_window():
    assert date_rules.window_problem(dt.date(2000, 1, 1), TODAY) is None
    assert date_rules.window_problem(dt.date(2036, 12, 31), TODAY) is None
    for absurd in (
        dt.date(1, 1, 1),
        dt.date(1900, 1, 1),
        dt.date(1970, 1, 1),
        dt.date(2037, 1, 1),
        dt.date(2099, 1, 1),
    ):
        assert date_rules.window_problem(absurd, TODAY)


def test_it_refuses_facts_in_the_future_beyond_a_days_tolerance():
    assert date_rules.fact_problem(TODAY, TODAY) is None
    assert date_rules.fact_problem(TODAY + dt.timedelta(days=1), TODAY) is None
    assert date_rules.fact_problem(TODAY + dt.timedelta(days=2), TODAY)
    assert date_rules.fact_problem(dt.date(2031, 5, 1), TODAY)
    assert date_rules.fact_problem(dt.date(1999, 12, 31), TODAY)


def test_it_refuses_a_next_step_before_its_interaction():
    assert date_rules.next_step_problem(TODAY, TODAY, TODAY) is None
    assert date_rules.next_step_problem(TODAY - dt.timedelta(days=1), TODAY, TODAY)
    assert date_rules.next_step_problem(dt.date(1900, 1, 1), None, TODAY)


def test_it_says_why_in_both_languages():
    with translation.override("zh-hans"):
        chinese = date_rules.window_problem(dt.date(1, 1, 1), TODAY)
    with translation.override("en"):
        english = date_rules.window_problem(dt.date(1, 1, 1), TODAY)
    assert "2000年1月1日" in chinese and "2036年12月31日" in chinese
    assert "1 Jan 2000" in english and "31 Dec 2036" in english


def test_it_raises_every_problem_by_field():
    with pytest.raises(ValidationFailed) as error:
        date_rules.require_dates(
            today=TODAY,
            business={"starts_on": dt.date(1, 1, 1), "ends_on": dt.date(2026, 1, 1)},
            facts={"ordered_on": dt.date(2099, 1, 1)},
        )
    assert set(error.value.errors) == {"starts_on", "ordered_on"}


@pytest.mark.parametrize("text", ["0001-01", "0001", "9999", "9999-12", "0001-Q1", "1999-12-01..2026-01-31"])
def test_a_page_asked_for_a_period_outside_the_window_shows_the_default_and_says_why(text):
    default = Period.month_of(TODAY)
    period, problem = requested_period(text, today=TODAY, default=default)
    assert period == default and problem


def test_a_page_asked_for_a_period_inside_the_window_gets_it():
    period, problem = requested_period("2026-03", today=TODAY, default=Period.month_of(TODAY))
    assert period == Period.month(2026, 3) and problem is None


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # a busy CI machine is not a defect
@given(st.dates(), st.integers(min_value=0, max_value=400))
def test_previous_and_same_last_year_never_overflow(start, length):
    try:
        period = Period(start, start + dt.timedelta(days=length))
    except OverflowError:
        return
    for step in (period.previous, period.same_last_year):
        try:
            earlier = step()
        except PeriodOutOfRange:
            assert period.start.year <= 1
        else:
            assert earlier.end < period.start or step == period.same_last_year


def test_the_first_periods_of_the_calendar_have_no_previous_one():
    for period in (Period.month(1, 1), Period.year(1), Period(dt.date(1, 1, 1), dt.date(1, 1, 5))):
        with pytest.raises(PeriodOutOfRange):
            period.previous()
        with pytest.raises(PeriodOutOfRange):
            period.same_last_year()


def test_a_malformed_quarter_too_large_for_an_integer_gives_the_default_not_an_error():
    default = Period.month_of(TODAY)
    assert requested_period("2026-Q99999999999999999999", today=TODAY, default=default) == (default, None)
