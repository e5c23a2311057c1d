"""Reporting periods (Decree 09/2019 Art. 12): every period type's cut-off window, names
that are not periods refused, the deadline N working days after the cut-off across weekends,
holidays and an admin's day off (worked out by hand), and what the schedule opens on a day
from a form's start. No AWS."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import pairwise

import pytest
from cityops.core.calendar import WorkingCalendar
from cityops.core.errors import InvalidInput
from cityops.reports.domain import ExplicitPeriod, ReportForm
from cityops.reports.periods import PeriodType, names_of_year, of_year, opened_by, periodic
from pydantic import ValidationError

M, Q, H, N, A = (
    PeriodType.MONTHLY,
    PeriodType.QUARTERLY,
    PeriodType.HALF_YEARLY,
    PeriodType.NINE_MONTH,
    PeriodType.ANNUAL,
)

WINDOWS = [
    (M, "2027-01", date(2026, 12, 15), date(2027, 1, 14)),
    (M, "2027-02", date(2027, 1, 15), date(2027, 2, 14)),
    (M, "2027-03", date(2027, 2, 15), date(2027, 3, 14)),
    (M, "2027-12", date(2027, 11, 15), date(2027, 12, 14)),
    (Q, "2027-Q1", date(2026, 12, 15), date(2027, 3, 14)),
    (Q, "2027-Q2", date(2027, 3, 15), date(2027, 6, 14)),
    (Q, "2027-Q3", date(2027, 6, 15), date(2027, 9, 14)),
    (Q, "2027-Q4", date(2027, 9, 15), date(2027, 12, 14)),
    (H, "2027-H1", date(2026, 12, 15), date(2027, 6, 14)),
    (H, "2027-H2", date(2027, 6, 15), date(2027, 12, 14)),
    (N, "2027-9M", date(2026, 12, 15), date(2027, 9, 14)),
    (A, "2027", date(2026, 12, 15), date(2027, 12, 14)),
]


@pytest.mark.parametrize(("kind", "name", "starts", "ends"), WINDOWS, ids=[w[1] for w in WINDOWS])
def test_each_period_type_has_the_cut_off_window_of_article_12(kind, name, starts, ends):
    period = periodic(kind, name)
    assert (period.name, period.starts_on, period.ends_on) == (name, starts, ends)


@pytest.mark.parametrize("kind", [M, Q, H, N, A])
def test_a_years_periods_follow_one_another_without_gap_or_overlap(kind):
    periods = of_year(kind, 2027)
    assert periods[0].starts_on == date(2026, 12, 15)
    assert periods[-1].ends_on == date(2027, 12, 14) or kind is N
    for before, after in pairwise(periods):
        assert (after.starts_on - before.ends_on).days == 1


def test_a_year_names_twelve_months_four_quarters_two_halves_one_nine_months_and_one_year():
    assert names_of_year(M, 2027)[0] == "2027-01" and len(names_of_year(M, 2027)) == 12
    assert names_of_year(Q, 2027) == ["2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4"]
    assert names_of_year(H, 2027) == ["2027-H1", "2027-H2"]
    assert names_of_year(N, 2027) == ["2027-9M"]
    assert names_of_year(A, 2027) == ["2027"]
    assert names_of_year(PeriodType.THEMATIC, 2027) == []


BAD_NAMES = [
    (M, "2027-13"),
    (M, "2027-00"),
    (M, "2027-3"),
    (M, "27-03"),
    (M, "2027-Q1"),  # a quarter is not a month
    (M, "1999-12"),  # before the first year
    (M, "2101-01"),  # after the last
    (Q, "2027-Q0"),
    (Q, "2027-Q5"),
    (Q, "2027-03"),
    (H, "2027-H3"),
    (N, "2027-6M"),
    (A, "2027-01"),
    (A, ""),
    (PeriodType.THEMATIC, "2027"),  # a thematic form's periods are its own
]


@pytest.mark.parametrize(("kind", "name"), BAD_NAMES, ids=[f"{k}:{n}" for k, n in BAD_NAMES])
def test_a_name_that_is_not_a_period_of_the_type_is_refused_naming_the_period(kind, name):
    with pytest.raises(InvalidInput) as refused:
        periodic(kind, name)
    assert refused.value.errors[0]["loc"] == ["period"]


def test_a_period_name_with_a_trailing_newline_is_refused():
    with pytest.raises(InvalidInput):
        periodic(M, "2027-03\n")


# --- the deadline: working days after the cut-off (worked out by hand) ---------------------------
# 2027: 14/03 is a Sunday; 14/04 a Wednesday, 16/04 (Fri) the Hùng Kings' day; 14/08 a
# Saturday; 30/04 (Fri) and 03/05 (Mon, in lieu of 01/05) are holidays.


@pytest.mark.parametrize(
    ("name", "days", "due"),
    [
        ("2027-03", 1, date(2027, 3, 15)),  # Sun 14 → Mon 15
        ("2027-03", 2, date(2027, 3, 16)),  # Mon 15, Tue 16
        ("2027-08", 1, date(2027, 8, 16)),  # Sat 14 → Mon 16
        ("2027-04", 1, date(2027, 4, 15)),  # Wed 14 → Thu 15
        ("2027-04", 2, date(2027, 4, 19)),  # Thu 15, (Fri 16 holiday, weekend) Mon 19
        ("2027-04", 3, date(2027, 4, 20)),  # Thu 15, Mon 19, Tue 20
        ("2027-04", 11, date(2027, 5, 4)),  # 15,19-23,26-29 (10), (30/4, 1-3/5 off), Tue 4
    ],
)
def test_the_deadline_is_n_working_days_after_the_cut_off_skipping_weekends_and_holidays(
    name, days, due
):
    assert periodic(M, name).deadline(WorkingCalendar(), days) == due


def test_a_day_off_an_admin_enters_moves_the_deadline_and_a_make_up_day_brings_it_back():
    period = periodic(M, "2027-04")
    assert period.deadline(WorkingCalendar(days_off=[date(2027, 4, 15)]), 2) == date(2027, 4, 20)
    # Saturday 17/04 made a working day: Thu 15, Sat 17
    assert period.deadline(WorkingCalendar(working_days=[date(2027, 4, 17)]), 2) == date(
        2027, 4, 17
    )


def _form(**changes) -> ReportForm:
    fields = {
        "id": "01J00000000000000000000000",
        "status": "active",
        "created_at": datetime(2027, 1, 1, tzinfo=UTC),
        "code": "BC-KTXH",
        "name": "Báo cáo kinh tế - xã hội",
        "indicator_codes": ["TNGT_VU"],
        "receiving_unit": {"id": "U", "name": "Văn phòng", "code": "VP", "path": ["U"]},
        "period_type": M,
        "deadline_working_days": 2,
        "starts_on": date(2027, 1, 1),
        "created_by": {"id": "admin", "name": "Quản trị"},
        **changes,
    }
    return ReportForm.model_validate(fields)


def test_a_forms_deadline_and_its_later_level_deadlines_count_from_the_cut_off():
    form = _form(deadline_working_days=2, level_deadline_working_days=[3, 11])
    period = form.period("2027-04")
    calendar = WorkingCalendar()
    assert form.due_on(period, calendar) == date(2027, 4, 19)
    assert form.level_deadlines(period, calendar) == [date(2027, 4, 20), date(2027, 5, 4)]


def test_a_deadline_of_no_working_day_after_the_cut_off_is_refused():
    with pytest.raises(ValidationError):
        _form(deadline_working_days=0)


def test_a_thematic_form_has_the_periods_it_names_and_no_other():
    form = _form(
        period_type=PeriodType.THEMATIC,
        explicit_periods=[
            ExplicitPeriod(name="PCCC-2027", starts_on=date(2027, 5, 1), ends_on=date(2027, 5, 31))
        ],
    )
    period = form.period("PCCC-2027")
    assert (period.starts_on, period.ends_on) == (date(2027, 5, 1), date(2027, 5, 31))
    with pytest.raises(InvalidInput):
        form.period("2027-05")


def test_a_periodic_form_refuses_a_period_of_another_type():
    with pytest.raises(InvalidInput):
        _form().period("2027-Q1")


# --- what the schedule opens on a day --------------------------------------------------------


def _names(kind: PeriodType, day: date, since: date) -> list[str]:
    return [p.name for p in opened_by(kind, day, since)]


def test_on_a_day_the_schedule_opens_the_period_whose_window_has_opened():
    assert _names(M, date(2027, 3, 3), date(2027, 3, 1)) == ["2027-03"]
    assert _names(Q, date(2027, 3, 3), date(2027, 3, 1)) == ["2027-Q1"]
    assert _names(H, date(2027, 3, 3), date(2027, 3, 1)) == ["2027-H1"]
    assert _names(N, date(2027, 3, 3), date(2027, 3, 1)) == ["2027-9M"]
    assert _names(A, date(2027, 3, 3), date(2027, 3, 1)) == ["2027"]


def test_the_next_window_opens_on_the_15th_not_on_the_14th():
    assert _names(M, date(2027, 3, 14), date(2027, 3, 1)) == ["2027-03"]
    assert _names(M, date(2027, 3, 15), date(2027, 3, 1)) == ["2027-03", "2027-04"]
    assert _names(Q, date(2027, 3, 15), date(2027, 3, 1)) == ["2027-Q1", "2027-Q2"]


def test_a_period_that_ended_before_the_form_took_effect_is_never_opened_one_ending_that_day_is():
    assert _names(M, date(2027, 3, 3), date(2027, 2, 15)) == ["2027-03"]
    assert _names(M, date(2027, 3, 3), date(2027, 2, 14)) == ["2027-02", "2027-03"]
    assert _names(M, date(2027, 3, 3), date(2027, 1, 20)) == ["2027-02", "2027-03"]


def test_in_mid_december_the_next_years_first_windows_are_open():
    assert _names(M, date(2026, 12, 15), date(2026, 12, 1)) == ["2026-12", "2027-01"]
    assert _names(A, date(2026, 12, 15), date(2026, 12, 15)) == ["2027"]
    assert _names(A, date(2026, 12, 14), date(2026, 12, 1)) == ["2026"]


def test_a_form_that_took_effect_last_year_opens_last_years_periods_still_due():
    assert _names(M, date(2027, 1, 5), date(2026, 11, 1)) == ["2026-11", "2026-12", "2027-01"]
