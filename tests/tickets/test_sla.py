"""SLA working time worked out by hand (docs/tickets.md, "How SLA time is counted"): working
hours 09:00–18:00 unless said otherwise, the official 2026 calendar from `chinesecalendar`."""

import datetime as dt
from zoneinfo import ZoneInfo

from pacekeeper.tickets import sla

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
UTC = dt.UTC
HOUR = 3600
CAL = sla.WorkCalendar(zone=SHANGHAI)


def at(y, m, d, h, mi=0, zone=SHANGHAI):
    return dt.datetime(y, m, d, h, mi, tzinfo=zone)


class TestCalendar:
    def test_it_reads_the_official_calendar_with_its_make_up_days(self):
        assert CAL.is_working_day(dt.date(2026, 10, 10))  # Saturday, 调休 for National Day
        assert not CAL.is_working_day(dt.date(2026, 10, 1))  # National Day
        assert not CAL.is_working_day(dt.date(2026, 11, 28))  # an ordinary Saturday
        assert CAL.is_working_day(dt.date(2026, 2, 14))  # Saturday, 调休 for the Spring Festival

    def test_it_lets_the_organisation_override_a_day(self):
        own = sla.WorkCalendar(zone=SHANGHAI, overrides={dt.date(2026, 10, 10): False, dt.date(2026, 10, 3): True})
        assert not own.is_working_day(dt.date(2026, 10, 10))
        assert own.is_working_day(dt.date(2026, 10, 3))

    def test_it_falls_back_to_weekdays_outside_the_years_the_package_knows(self):
        assert CAL.is_working_day(dt.date(2040, 1, 2))  # a Monday
        assert not CAL.is_working_day(dt.date(2040, 1, 7))  # a Saturday

    def test_it_uses_weekdays_without_the_official_calendar(self):
        plain = sla.WorkCalendar(zone=SHANGHAI, official=False)
        assert plain.is_working_day(dt.date(2026, 10, 1))  # a Thursday
        assert not plain.is_working_day(dt.date(2026, 10, 10))  # a Saturday


class TestWorkingTime:
    def test_it_skips_a_weekend(self):
        # Friday 27 Nov 16:00 → Monday 30 Nov 10:00: Friday 16–18 (2 h) + Monday 9–10 (1 h).
        assert sla.working_seconds(CAL, at(2026, 11, 27, 16), at(2026, 11, 30, 10)) == 3 * HOUR
        # A 4-hour target: 2 h on Friday, the other 2 h on Monday from 09:00.
        assert sla.add_working_seconds(CAL, at(2026, 11, 27, 16), 4 * HOUR) == at(2026, 11, 30, 11)

    def test_it_counts_a_make_up_saturday(self):
        # Friday 9 Oct 17:00 + 3 h: Friday 17–18 (1 h), Saturday 10 Oct is a working day: 9–11.
        assert sla.add_working_seconds(CAL, at(2026, 10, 9, 17), 3 * HOUR) == at(2026, 10, 10, 11)
        assert sla.working_seconds(CAL, at(2026, 10, 9, 17), at(2026, 10, 12, 10)) == (1 + 9 + 1) * HOUR

    def test_it_skips_the_national_day_week(self):
        # Wednesday 30 Sep 15:00 + 8 h: 3 h that day, 1–7 Oct off, 5 h from 09:00 on 8 Oct.
        assert sla.add_working_seconds(CAL, at(2026, 9, 30, 15), 8 * HOUR) == at(2026, 10, 8, 14)
        assert sla.working_seconds(CAL, at(2026, 9, 30, 15), at(2026, 10, 8, 9)) == 3 * HOUR

    def test_it_counts_nothing_outside_working_hours(self):
        assert sla.working_seconds(CAL, at(2026, 11, 30, 18), at(2026, 12, 1, 9)) == 0
        assert sla.working_seconds(CAL, at(2026, 11, 30, 20), at(2026, 11, 30, 7)) == 0

    def test_it_keeps_a_due_moment_at_the_end_of_the_day(self):
        assert sla.add_working_seconds(CAL, at(2026, 11, 30, 9), 9 * HOUR) == at(2026, 11, 30, 18)

    def test_it_starts_a_ticket_opened_at_night_the_next_morning(self):
        assert sla.add_working_seconds(CAL, at(2026, 11, 30, 22), HOUR) == at(2026, 12, 1, 10)


class TestTimer:
    RUNNING = [(at(2026, 11, 30, 9), at(2026, 11, 30, 11)), (at(2026, 12, 1, 10), None)]

    def test_it_pauses_while_waiting_for_the_customer(self):
        # Ran Monday 9–11 (2 h), waited until Tuesday 10:00: at Monday 15:00 it is paused.
        paused = [(at(2026, 11, 30, 9), at(2026, 11, 30, 11))]
        timed = sla.timer(CAL, running=paused, target_seconds=4 * HOUR, now=at(2026, 11, 30, 15))
        assert (timed.elapsed_seconds, timed.running, timed.due_at) == (2 * HOUR, False, None)

    def test_it_resumes_after_the_pause(self):
        # Running again from Tuesday 10:00; at 11:00: 2 h + 1 h used, due at 12:00.
        timed = sla.timer(CAL, running=self.RUNNING, target_seconds=4 * HOUR, now=at(2026, 12, 1, 11))
        assert timed.elapsed_seconds == 3 * HOUR
        assert timed.due_at == at(2026, 12, 1, 12)
        assert timed.used_share == 0.75 and not timed.breached

    def test_it_breaches_after_the_target(self):
        timed = sla.timer(CAL, running=self.RUNNING, target_seconds=4 * HOUR, now=at(2026, 12, 1, 13))
        assert timed.breached and timed.due_at is None
        assert timed.remaining_seconds == -HOUR

    def test_it_stops_at_the_event(self):
        timed = sla.timer(
            CAL,
            running=self.RUNNING,
            target_seconds=4 * HOUR,
            now=at(2026, 12, 3, 9),
            stopped_at=at(2026, 12, 1, 10, 30),
        )
        assert timed.elapsed_seconds == 2 * HOUR + 30 * 60
        assert timed.stopped and not timed.running and not timed.breached


class TestTimeZone:
    def test_it_counts_in_the_organisations_zone(self):
        # Friday 4 Dec 08:00 UTC is 16:00 in Shanghai and 09:00 in Berlin. A 4-hour target:
        # Shanghai works 16–18 then Monday 9–11; Berlin 09:00–13:00 the same Friday.
        opened = dt.datetime(2026, 12, 4, 8, tzinfo=UTC)
        berlin = sla.WorkCalendar(zone=BERLIN, official=False)
        assert sla.add_working_seconds(CAL, opened, 4 * HOUR) == at(2026, 12, 7, 11)
        assert sla.add_working_seconds(berlin, opened, 4 * HOUR) == at(2026, 12, 4, 13, zone=BERLIN)
        later = dt.datetime(2026, 12, 4, 11, tzinfo=UTC)  # 19:00 Shanghai, 12:00 Berlin
        assert sla.working_seconds(CAL, opened, later) == 2 * HOUR
        assert sla.working_seconds(berlin, opened, later) == 3 * HOUR
