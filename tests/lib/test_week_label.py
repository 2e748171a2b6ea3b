"""One label for a week (rule 11): by its Monday's date, "this week" for the current one."""

import datetime as dt

from pacekeeper.lib.formatting import format_week

MON_30_NOV, MON_7_DEC, MON_4_JAN = dt.date(2026, 11, 30), dt.date(2026, 12, 7), dt.date(2027, 1, 4)


def test_a_week_is_named_by_its_monday_in_both_languages():
    assert format_week(MON_7_DEC, "zh-hans") == "12月7日那周"
    assert format_week(MON_7_DEC, "en") == "week of 7 Dec"
    assert format_week(MON_4_JAN, "zh-hans") == "1月4日那周"
    assert format_week(MON_4_JAN, "en") == "week of 4 Jan"


def test_the_current_week_is_this_week_and_the_others_keep_their_date():
    assert format_week(MON_30_NOV, "zh-hans", this_week=MON_30_NOV) == "本周"
    assert format_week(MON_30_NOV, "en", this_week=MON_30_NOV) == "this week"
    # The week after the current one is still named by its date (30 Nov was "11月第5周" before).
    assert format_week(MON_7_DEC, "zh-hans", this_week=MON_30_NOV) == "12月7日那周"
    assert format_week(MON_7_DEC, "en", this_week=MON_30_NOV) == "week of 7 Dec"
