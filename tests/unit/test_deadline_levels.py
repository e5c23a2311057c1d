"""Which notice an obligation calls for on a day: reminders within a horizon of working days,
due today, overdue, escalated after N working days; across weekends, public holidays,
announced days off and make-up working days. Pure: the calendar and the clock, no AWS.

Weekdays in the comments were checked with Python (date.strftime("%a")).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from cityops.core.calendar import CITY_TZ, WorkingCalendar
from cityops.obligations.kinds import KindSettings, kind_table
from cityops.obligations.levels import Level, decide, horizon_end

LAW = WorkingCalendar()
DEFAULTS = KindSettings()  # horizon 3 working days, escalated after 2


def hanoi(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=CITY_TZ)


def end_of(day: date) -> datetime:
    return LAW.due_end_of_day(day)


def level(due: datetime, now: datetime, calendar=LAW, settings=DEFAULTS):
    decision = decide(due, now, calendar, settings)
    return decision.level if decision else None


# --- reminders -----------------------------------------------------------------------------


def test_a_task_due_next_monday_gives_a_reminder_on_friday():
    decision = decide(end_of(date(2026, 11, 30)), hanoi(date(2026, 11, 27)), LAW, DEFAULTS)
    assert decision.level is Level.DUE_SOON  # Fri 27/11 -> Mon 30/11: one working day
    assert decision.working_days_left == 1


def test_the_horizon_counts_working_days_not_calendar_days():
    friday = hanoi(date(2026, 11, 27))
    assert level(end_of(date(2026, 12, 2)), friday) is Level.DUE_SOON  # Wed: 3 working days
    assert level(end_of(date(2026, 12, 3)), friday) is None  # Thu: 4 working days


def test_the_horizon_reaches_across_tet():
    # Thu 12/2/2026; Tết is Mon 16 to Fri 20/2: Fri 13 and Mon 23 are the next working days.
    thursday = hanoi(date(2026, 2, 12))
    decision = decide(end_of(date(2026, 2, 23)), thursday, LAW, DEFAULTS)
    assert decision.level is Level.DUE_SOON and decision.working_days_left == 2
    assert level(end_of(date(2026, 2, 25)), thursday) is None  # Wed 25/2: 4 working days


def test_a_kind_with_a_shorter_horizon_is_reminded_later():
    one_day = KindSettings(horizon_working_days=1)
    friday = hanoi(date(2026, 11, 27))
    assert level(end_of(date(2026, 11, 30)), friday, settings=one_day) is Level.DUE_SOON
    assert level(end_of(date(2026, 12, 1)), friday, settings=one_day) is None


# --- due today, overdue ----------------------------------------------------------------------


def test_due_at_the_end_of_today_is_due_today_all_day():
    today = date(2026, 11, 27)
    assert level(end_of(today), hanoi(today, 0, 1)) is Level.DUE_TODAY
    assert level(end_of(today), hanoi(today, 23, 59)) is Level.DUE_TODAY


def test_a_deadline_at_three_is_due_today_before_and_overdue_after():
    today = date(2026, 11, 27)
    due = hanoi(today, 15)
    assert level(due, hanoi(today, 14, 59)) is Level.DUE_TODAY
    decision = decide(due, hanoi(today, 16), LAW, DEFAULTS)
    assert decision.level is Level.OVERDUE and decision.working_days_overdue == 0


def test_overdue_the_morning_after():
    decision = decide(end_of(date(2026, 11, 26)), hanoi(date(2026, 11, 27)), LAW, DEFAULTS)
    assert decision.level is Level.OVERDUE and decision.working_days_overdue == 1


# --- escalation ------------------------------------------------------------------------------


def test_due_on_friday_is_escalated_on_tuesday_not_on_monday():
    due = end_of(date(2026, 12, 4))  # Fri
    assert level(due, hanoi(date(2026, 12, 5))) is Level.OVERDUE  # Sat: 0 working days
    assert level(due, hanoi(date(2026, 12, 7))) is Level.OVERDUE  # Mon: 1
    decision = decide(due, hanoi(date(2026, 12, 8)), LAW, DEFAULTS)  # Tue: 2
    assert decision.level is Level.ESCALATED
    assert (decision.working_days_overdue, decision.escalation_step) == (2, 1)


def test_a_public_holiday_does_not_count_toward_escalation():
    # Tue 24/11/2026 is Vietnam Culture Day, a public holiday from 2026.
    due = end_of(date(2026, 11, 23))  # Mon
    assert level(due, hanoi(date(2026, 11, 25))) is Level.OVERDUE  # Wed: Tue is off
    assert level(due, hanoi(date(2026, 11, 26))) is Level.ESCALATED  # Thu: 2 working days


def test_tet_does_not_count_toward_escalation():
    due = end_of(date(2026, 2, 13))  # Fri before Tết
    assert level(due, hanoi(date(2026, 2, 20))) is Level.OVERDUE  # the last day of Tết
    assert level(due, hanoi(date(2026, 2, 23))) is Level.OVERDUE  # Mon: 1 working day
    assert level(due, hanoi(date(2026, 2, 24))) is Level.ESCALATED


def test_an_announced_day_off_does_not_count():
    announced = WorkingCalendar(days_off=[date(2026, 12, 1)])  # a Tuesday, say
    due = end_of(date(2026, 11, 30))  # Mon
    assert level(due, hanoi(date(2026, 12, 2)), announced) is Level.OVERDUE
    assert level(due, hanoi(date(2026, 12, 2))) is Level.ESCALATED  # without the day off
    assert level(due, hanoi(date(2026, 12, 3)), announced) is Level.ESCALATED


def test_a_make_up_saturday_counts_as_a_working_day():
    make_up = WorkingCalendar(working_days=[date(2026, 12, 5)])  # Sat
    due = end_of(date(2026, 12, 4))  # Fri
    assert level(due, hanoi(date(2026, 12, 7))) is Level.OVERDUE
    assert level(due, hanoi(date(2026, 12, 7)), make_up) is Level.ESCALATED


def test_each_further_period_escalates_one_unit_higher():
    due = end_of(date(2026, 12, 4))  # Fri
    steps = {
        date(2026, 12, 8): 1,  # Tue: 2 working days
        date(2026, 12, 9): 1,  # Wed: 3
        date(2026, 12, 10): 2,  # Thu: 4
        date(2026, 12, 14): 3,  # Mon: 6
    }
    for day, step in steps.items():
        assert decide(due, hanoi(day), LAW, DEFAULTS).escalation_step == step, day


def test_an_urgent_kind_is_escalated_after_one_working_day():
    flash = kind_table().for_kind("document.handle.flash")
    assert flash.urgent and flash.escalate_after_working_days == 1
    due = hanoi(date(2026, 11, 26), 10)  # Thu 10:00
    assert level(due, hanoi(date(2026, 11, 26), 11), settings=flash) is Level.OVERDUE
    assert level(due, hanoi(date(2026, 11, 27), 8), settings=flash) is Level.ESCALATED


# --- how far the sweep reads -------------------------------------------------------------------


def test_the_sweep_reads_up_to_the_end_of_the_horizon_s_last_working_day():
    assert horizon_end(date(2026, 11, 27), LAW, 3) == end_of(date(2026, 12, 2))  # Fri -> Wed


def test_the_horizon_end_covers_the_days_off_after_its_last_working_day():
    # Thu 12/2/2026, horizon 1: Fri 13 is the last working day, then Tết until Sun 22/2.
    assert horizon_end(date(2026, 2, 12), LAW, 1) == end_of(date(2026, 2, 22))


@pytest.mark.parametrize("horizon", [0, 1, 3])
def test_what_needs_a_notice_is_exactly_what_the_sweep_reads(horizon):
    """For every day of a year around Tết and the holidays, an obligation due on any day in
    the next six weeks needs a notice today if and only if it is due before the horizon end
    (so the sweep, which reads only that far, misses nothing)."""
    settings = KindSettings(horizon_working_days=horizon)
    start = date(2026, 1, 1)
    for offset in range(0, 365, 3):
        today = start + timedelta(days=offset)
        if not LAW.is_working_day(today):
            continue
        now, end = hanoi(today), horizon_end(today, LAW, horizon)
        for ahead in range(42):
            due = end_of(today + timedelta(days=ahead))
            assert (decide(due, now, LAW, settings) is not None) == (due <= end), (today, ahead)
