"""The scoreboard's arithmetic and its window: missed versus still open, the on-time rate,
one Query per month. Pure: no AWS."""

from __future__ import annotations

from datetime import date

import pytest
from cityops.core.counters import months
from cityops.core.errors import InvalidInput
from cityops.obligations.scoreboard import _Tally, parse_window

TODAY = date(2026, 11, 27)


def counters(day: str, **counts):
    return {"day": day, "unit_id": "U", "system": "tasks", **counts}


def test_open_obligations_of_past_days_are_missed_and_of_today_on_still_open():
    tally = _Tally()
    tally.add(counters("2026-11-26", due=3, met_on_time=1), TODAY)
    tally.add(counters("2026-11-27", due=2), TODAY)
    tally.add(counters("2026-11-30", due=4, met_on_time=1), TODAY)
    record = tally.record()
    assert (record.missed, record.still_open) == (2, 5)
    assert record.due == 9 and record.met_on_time == 2


def test_the_on_time_rate_is_on_time_over_on_time_late_and_missed():
    tally = _Tally()
    tally.add(counters("2026-11-02", due=10, met_on_time=6, met_late=2, cancelled=1), TODAY)
    record = tally.record()
    assert record.due == 9 and record.cancelled == 1 and record.missed == 1
    assert record.on_time_rate == round(6 / (6 + 2 + 1), 4)


def test_nothing_judged_yet_has_no_rate():
    tally = _Tally()
    tally.add(counters("2026-12-10", due=3), TODAY)
    assert tally.record().on_time_rate is None and tally.record().still_open == 3


def test_a_window_is_split_into_its_months():
    assert months(date(2026, 11, 20), date(2027, 1, 5)) == [
        ("2026-11", date(2026, 11, 20), date(2026, 11, 30)),
        ("2026-12", date(2026, 12, 1), date(2026, 12, 31)),
        ("2027-01", date(2027, 1, 1), date(2027, 1, 5)),
    ]


def test_the_window_defaults_to_the_current_month():
    assert parse_window(None, None, TODAY) == (date(2026, 11, 1), date(2026, 11, 30))
    assert parse_window("2026-02-01", None, TODAY) == (date(2026, 2, 1), date(2026, 2, 28))


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2026-13-01", "2026-12-31"),
        ("27/11/2026", None),
        ("2026-11-30", "2026-11-01"),  # ends before it starts
        ("2025-01-01", "2026-12-31"),  # more than a year
    ],
)
def test_a_bad_window_is_invalid_input(start, end):
    with pytest.raises(InvalidInput):
        parse_window(start, end, TODAY)
