"""Working days in Hanoi: public holidays, in-lieu days, announced swaps and time limits.

Weekdays in the comments were checked with Python (date.strftime("%a")).
"""

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import cityops.core.calendar as calendar_module
import pytest
from cityops.core.calendar import (
    ANNOUNCED_DAY_OFF,
    CITY_TZ,
    NonWorkingDay,
    WorkingCalendar,
)


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


# Announced for 2026 (civil servants):
# - Tết Dương lịch: 1/1 (Thu) to 4/1 (Sun), Friday 2/1 swapped with Saturday 10/1
#   (VPCP letter 12729/VPCP-KGVX, 25/12/2025). Not in holidays 0.109.
# - Tết Bính Ngọ: Saturday 14/2 to Sunday 22/2 (27 Chạp to mùng 6), nine days: the five legal
#   Tết days 16–20/2 plus two weekends (VPCP letter of 13/10/2025 with the Prime Minister's
#   approval, reported by kienthuc.net.vn, congan.com.vn, VNews). The weekdays are the
#   package's own, so entering the span changes nothing.
# - Quốc khánh: Saturday 29/8 to Wednesday 2/9, Monday 31/8 swapped with Saturday 22/8 (same
#   letter). Already in holidays 0.109, so not entered here.
DAYS_OFF_2026 = [date(2026, 1, 2), *days(date(2026, 2, 14), date(2026, 2, 22))]
WORKING_DAYS_2026 = [date(2026, 1, 10)]

LAW_ONLY = WorkingCalendar()
HANOI_2026 = WorkingCalendar(days_off=DAYS_OFF_2026, working_days=WORKING_DAYS_2026)


def weekdays_off(calendar: WorkingCalendar, first: date, last: date) -> list[date]:
    return [d for d in days(first, last) if d.weekday() < 5 and not calendar.is_working_day(d)]


def off(calendar: WorkingCalendar, first: date, last: date) -> list[date]:
    return [d for d in days(first, last) if not calendar.is_working_day(d)]


# Tết


def test_the_package_gives_tet_2026_as_the_five_weekdays_from_16_to_20_february() -> None:
    tet = [h for h in LAW_ONLY.non_working_days(2026) if h.day.month == 2]
    assert [h.day for h in tet] == days(date(2026, 2, 16), date(2026, 2, 20))  # Mon to Fri
    assert tet[1] == NonWorkingDay(date(2026, 2, 17), "Lunar New Year")


def test_tet_2026_as_announced_is_nine_days_off_in_a_row_from_14_to_22_february() -> None:
    assert off(HANOI_2026, date(2026, 2, 13), date(2026, 2, 23)) == days(
        date(2026, 2, 14), date(2026, 2, 22)
    )
    assert HANOI_2026.is_working_day(date(2026, 2, 13))  # Fri, 26 Chạp
    assert HANOI_2026.is_working_day(date(2026, 2, 23))  # Mon, mùng 7


def test_ten_working_days_from_before_tet_2026_skip_the_tet_holiday() -> None:
    friday_before_tet = date(2026, 2, 13)
    # 23–27/2 and 2–6/3; without Tết it would be Friday 27/2.
    assert HANOI_2026.add_working_days(friday_before_tet, 10) == date(2026, 3, 6)
    assert HANOI_2026.count_working_days(friday_before_tet, date(2026, 3, 6)) == 10
    assert HANOI_2026.count_working_days(friday_before_tet, date(2026, 2, 22)) == 0


def test_tet_2027_days_on_the_weekend_move_to_thursday_4_and_wednesday_10_february() -> None:
    # Mùng 1 is Saturday 6/2/2027, mùng 2 Sunday 7/2. The package moves the Saturday to the
    # working day before and the Sunday to the one after (an estimate: 2027 is not announced).
    assert weekdays_off(LAW_ONLY, date(2027, 2, 1), date(2027, 2, 14)) == [
        date(2027, 2, 4),
        date(2027, 2, 5),
        date(2027, 2, 8),
        date(2027, 2, 9),
        date(2027, 2, 10),
    ]
    listed = {h.day for h in LAW_ONLY.non_working_days(2027)}
    assert {date(2027, 2, 6), date(2027, 2, 7)} <= listed


def test_three_working_days_from_the_day_before_tet_2027_end_on_monday_15_february() -> None:
    # Wed 3/2, then 4–10/2 off: Thu 11, Fri 12, Mon 15.
    assert LAW_ONLY.add_working_days(date(2027, 2, 3), 3) == date(2027, 2, 15)
    assert LAW_ONLY.count_working_days(date(2027, 2, 3), date(2027, 2, 15)) == 3


# New Year 2026 swap, make-up days, announced days off


def test_two_working_days_before_friday_12_february_2027_reach_back_over_tet_to_3_february():
    # 11/2 is the first working day before 12/2; 10/2 back to 4/2 are Tết; 3/2 is the second.
    assert LAW_ONLY.subtract_working_days(date(2027, 2, 12), 2) == date(2027, 2, 3)
    assert LAW_ONLY.subtract_working_days(date(2027, 2, 12), 0) == date(2027, 2, 12)
    for n in range(0, 30):
        start = LAW_ONLY.subtract_working_days(date(2027, 5, 24), n)
        assert LAW_ONLY.add_working_days(start, n) == date(2027, 5, 24)  # a working day
    with pytest.raises(ValueError):
        LAW_ONLY.subtract_working_days(date(2027, 2, 12), -1)


def test_an_announced_day_off_is_not_a_working_day() -> None:
    new_years_eve = date(2025, 12, 31)  # Wed; 1/1 Thu holiday, 2/1 Fri announced off
    assert LAW_ONLY.add_working_days(new_years_eve, 1) == date(2026, 1, 2)
    assert not HANOI_2026.is_working_day(date(2026, 1, 2))
    assert HANOI_2026.add_working_days(new_years_eve, 1) == date(2026, 1, 5)


def test_a_make_up_working_saturday_counts_as_a_working_day() -> None:
    make_up_saturday = date(2026, 1, 10)
    assert not LAW_ONLY.is_working_day(make_up_saturday)
    assert HANOI_2026.is_working_day(make_up_saturday)
    assert HANOI_2026.count_working_days(date(2026, 1, 9), date(2026, 1, 11)) == 1
    assert HANOI_2026.next_working_day(make_up_saturday) == make_up_saturday


def test_the_new_year_2026_swap_leaves_the_working_days_of_those_two_weeks_unchanged() -> None:
    start, end = date(2025, 12, 31), date(2026, 1, 16)
    assert HANOI_2026.count_working_days(start, end) == LAW_ONLY.count_working_days(start, end)


def test_a_make_up_day_wins_over_a_holiday_and_over_an_announced_day_off() -> None:
    calendar = WorkingCalendar(
        days_off=[date(2026, 3, 3)], working_days=[date(2026, 1, 1), date(2026, 3, 3)]
    )
    assert calendar.is_working_day(date(2026, 1, 1))
    assert calendar.is_working_day(date(2026, 3, 3))
    assert date(2026, 1, 1) not in {h.day for h in calendar.non_working_days(2026)}


def test_the_package_knows_the_2026_national_day_swap_of_monday_31_august() -> None:
    assert not LAW_ONLY.is_working_day(date(2026, 8, 31))  # Mon, off
    assert LAW_ONLY.is_working_day(date(2026, 8, 22))  # Sat, worked instead


def test_a_swap_across_new_year_keeps_saturday_5_january_2019_a_working_day() -> None:
    assert not LAW_ONLY.is_working_day(date(2018, 12, 31))  # Mon, off
    assert LAW_ONLY.is_working_day(date(2019, 1, 5))  # Sat, worked instead


# 30/4, 1/5, 2/9, Hùng Kings, 1/1: holidays on a weekend give the next working day off


def test_reunification_and_labour_day_2026_on_thursday_and_friday_give_four_days_off() -> None:
    assert off(LAW_ONLY, date(2026, 4, 29), date(2026, 5, 4)) == days(
        date(2026, 4, 30), date(2026, 5, 3)
    )


def test_labour_day_2027_on_a_saturday_gives_monday_3_may_off() -> None:
    assert not LAW_ONLY.is_working_day(date(2027, 4, 30))  # Fri
    assert not LAW_ONLY.is_working_day(date(2027, 5, 3))  # Mon, in lieu of Sat 1/5
    assert LAW_ONLY.is_working_day(date(2027, 5, 4))


def test_reunification_day_2028_on_a_sunday_gives_tuesday_2_may_off_after_labour_day() -> None:
    assert weekdays_off(LAW_ONLY, date(2028, 4, 28), date(2028, 5, 5)) == [
        date(2028, 5, 1),
        date(2028, 5, 2),
    ]


def test_hung_kings_day_2026_on_a_sunday_gives_monday_27_april_off() -> None:
    assert not LAW_ONLY.is_working_day(date(2026, 4, 27))
    assert LAW_ONLY.is_working_day(date(2026, 4, 28))


def test_new_years_day_2028_on_a_saturday_gives_monday_3_january_off() -> None:
    assert weekdays_off(LAW_ONLY, date(2028, 1, 1), date(2028, 1, 7)) == [date(2028, 1, 3)]


def test_national_day_2026_is_tuesday_1_and_wednesday_2_september() -> None:
    assert off(HANOI_2026, date(2026, 8, 28), date(2026, 9, 3)) == days(
        date(2026, 8, 29), date(2026, 9, 2)
    )


def test_national_day_2027_is_thursday_2_and_friday_3_september() -> None:
    assert weekdays_off(LAW_ONLY, date(2027, 8, 30), date(2027, 9, 10)) == [
        date(2027, 9, 2),
        date(2027, 9, 3),
    ]


def test_national_day_2029_on_a_sunday_gives_monday_and_tuesday_off() -> None:
    assert weekdays_off(LAW_ONLY, date(2029, 8, 27), date(2029, 9, 7)) == [
        date(2029, 9, 3),
        date(2029, 9, 4),
    ]


@pytest.mark.parametrize("year", range(2026, 2031))
def test_every_year_keeps_its_twelve_weekday_holidays_as_weekend_ones_get_a_day_in_lieu(
    year: int,
) -> None:
    # Art. 112: 11 days, plus 24/11 from 2026; every holiday on a weekend gives a weekday off.
    # A package swap adds a weekday off and a worked Saturday, which cancel out.
    year_days = days(date(year, 1, 1), date(year, 12, 31))
    weekday_holidays = [d for d in year_days if d.weekday() < 5 and not LAW_ONLY.is_working_day(d)]
    worked_weekend_days = [d for d in year_days if d.weekday() >= 5 and LAW_ONLY.is_working_day(d)]
    assert len(weekday_holidays) - len(worked_weekend_days) == 12


# Calendar-day periods (Civil Code Art. 147–148)


def test_a_period_in_days_ending_on_a_weekend_moves_to_monday() -> None:
    assert LAW_ONLY.add_days(date(2026, 3, 2), 5) == date(2026, 3, 9)  # Sat 7/3 -> Mon 9/3


def test_a_period_in_days_ending_in_tet_moves_to_the_first_day_back_at_work() -> None:
    assert HANOI_2026.add_days(date(2026, 2, 6), 10) == date(2026, 2, 23)  # Mon 16/2 -> 23/2


def test_a_period_ending_on_saturday_before_an_in_lieu_monday_moves_to_tuesday() -> None:
    assert LAW_ONLY.add_days(date(2026, 4, 15), 10) == date(2026, 4, 28)  # Sat 25/4


def test_a_period_in_days_ending_on_a_working_day_stays_there() -> None:
    assert LAW_ONLY.add_days(date(2026, 3, 2), 3) == date(2026, 3, 5)


def test_the_due_moment_is_the_end_of_the_day_in_hanoi() -> None:
    due = LAW_ONLY.due_end_of_day(date(2026, 3, 5))
    assert due.utcoffset() == timedelta(hours=7)
    assert datetime(2026, 3, 5, 23, 59, 59, 500_000, tzinfo=CITY_TZ) <= due
    assert due < datetime(2026, 3, 6, tzinfo=CITY_TZ)
    assert due == datetime(2026, 3, 5, 16, 59, 59, 999_999, tzinfo=UTC)
    assert due.tzinfo == CITY_TZ


# Edges and the count/add law


def test_zero_working_days_is_the_start_itself_even_on_a_sunday() -> None:
    sunday = date(2026, 3, 8)
    assert LAW_ONLY.add_working_days(sunday, 0) == sunday
    assert LAW_ONLY.next_working_day(sunday) == date(2026, 3, 9)


def test_a_negative_number_of_days_is_refused() -> None:
    with pytest.raises(ValueError):
        LAW_ONLY.add_working_days(date(2026, 3, 2), -1)
    with pytest.raises(ValueError):
        LAW_ONLY.add_days(date(2026, 3, 2), -1)


def test_no_working_days_are_counted_when_the_end_is_not_after_the_start() -> None:
    assert LAW_ONLY.count_working_days(date(2026, 3, 5), date(2026, 3, 5)) == 0
    assert LAW_ONLY.count_working_days(date(2026, 3, 5), date(2026, 3, 2)) == 0


@pytest.mark.parametrize("n", [1, 5, 10, 30])
def test_counting_the_working_days_to_the_nth_working_day_gives_n_all_through_2026(
    n: int,
) -> None:
    for start in days(date(2026, 1, 1), date(2026, 12, 31)):
        due = HANOI_2026.add_working_days(start, n)
        assert HANOI_2026.is_working_day(due)
        assert HANOI_2026.count_working_days(start, due) == n
        assert HANOI_2026.count_working_days(start, due - timedelta(days=1)) == n - 1


# The year's list


def test_the_2026_list_has_the_holidays_and_announced_days_off_and_no_plain_weekend() -> None:
    listed = HANOI_2026.non_working_days(2026)
    assert [h.day for h in listed] == [
        date(2026, 1, 1),
        date(2026, 1, 2),
        *days(date(2026, 2, 16), date(2026, 2, 20)),
        date(2026, 4, 26),  # Hùng Kings' day, a Sunday: listed as the reason for 27/4
        date(2026, 4, 27),
        date(2026, 4, 30),
        date(2026, 5, 1),
        date(2026, 8, 31),
        date(2026, 9, 1),
        date(2026, 9, 2),
        date(2026, 11, 24),
    ]
    reasons = {h.day: h.reason for h in listed}
    assert reasons[date(2026, 1, 2)] == ANNOUNCED_DAY_OFF
    assert reasons[date(2026, 2, 17)] == "Lunar New Year"
    assert reasons[date(2026, 4, 27)].endswith("(observed)")
    assert all(h.reason != ANNOUNCED_DAY_OFF for h in listed if h.day.weekday() >= 5)


def test_the_2026_list_leaves_out_the_make_up_saturdays() -> None:
    listed = {h.day for h in HANOI_2026.non_working_days(2026)}
    assert date(2026, 1, 10) not in listed
    assert date(2026, 8, 22) not in listed


def test_importing_the_calendar_does_not_import_the_holidays_package() -> None:
    layer = Path(calendar_module.__file__).resolve().parents[2]
    code = "import sys, cityops.core.calendar; sys.exit('holidays' in sys.modules)"
    fresh_python = [sys.executable, "-c", code]  # fixed arguments, no user input
    result = subprocess.run(fresh_python, env={"PYTHONPATH": str(layer)}, check=False)
    assert result.returncode == 0
