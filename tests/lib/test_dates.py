import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pacekeeper.lib.dates import DateError, excel_serial_to_date, parse_date
from pacekeeper.lib.formatting import format_date


@given(st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)))
def test_it_reads_every_written_form_of_a_date(day):
    for text in (day.isoformat(), f"{day.year}/{day.month}/{day.day}", f"{day.year}年{day.month}月{day.day}日"):
        assert parse_date(text) == day


def test_it_reads_excel_serial_numbers():
    assert excel_serial_to_date(46086) == dt.date(2026, 3, 5)
    assert excel_serial_to_date(61) == dt.date(1900, 3, 1)


@pytest.mark.parametrize("text", ["2026-13-01", "2026-02-30", "yesterday", "", "0"])
def test_it_refuses_what_is_not_a_date(text):
    with pytest.raises(DateError):
        parse_date(text)


def test_it_formats_dates_for_each_language():
    assert format_date(dt.date(2026, 3, 5), "zh-hans") == "2026年3月5日"
    assert format_date(dt.date(2026, 3, 5), "en") == "5 Mar 2026"
