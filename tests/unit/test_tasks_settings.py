"""The tasks system's settings and the key ranges its lists read, with no AWS."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from cityops.core import clock, ids
from cityops.tasks import lists
from cityops.tasks.policy import OnTimePolicy
from cityops.tasks.settings import (
    DEFAULT_EXTENSION_DECISION_WORKING_DAYS,
    extension_decision_working_days,
    ontime_policy,
)


def test_the_on_time_policy_defaults_to_the_extended_deadline(setting):
    setting("TASK_ONTIME_POLICY", None)
    assert ontime_policy() is OnTimePolicy.EXTENDED
    setting("TASK_ONTIME_POLICY", "original")
    assert ontime_policy() is OnTimePolicy.ORIGINAL


def test_an_unknown_on_time_policy_is_a_configuration_error(setting):
    setting("TASK_ONTIME_POLICY", "lenient")
    with pytest.raises(RuntimeError, match="TASK_ONTIME_POLICY"):
        ontime_policy()


def test_the_assigning_side_has_three_working_days_to_decide_unless_configured(setting):
    setting("TASK_EXTENSION_DECISION_WORKING_DAYS", None)
    assert extension_decision_working_days() == DEFAULT_EXTENSION_DECISION_WORKING_DAYS == 3
    setting("TASK_EXTENSION_DECISION_WORKING_DAYS", "5")
    assert extension_decision_working_days() == 5
    setting("TASK_EXTENSION_DECISION_WORKING_DAYS", "0")
    with pytest.raises(RuntimeError):
        extension_decision_working_days()


def test_a_creation_window_is_the_range_of_ids_made_in_those_days_in_hanoi():
    low, high = lists._id_range(date(2026, 11, 27), date(2026, 11, 27))
    try:
        clock.set_now(datetime(2026, 11, 26, 16, 59, 59, 999000, tzinfo=UTC))  # 23:59:59.999
        day_before = ids.new_id()
        clock.set_now(datetime(2026, 11, 26, 17, 0, tzinfo=UTC))  # 00:00 on the 27th, Hanoi
        first = ids.new_id()
        clock.set_now(datetime(2026, 11, 27, 16, 59, 59, 999000, tzinfo=UTC))
        last = ids.new_id()
        clock.set_now(datetime(2026, 11, 27, 17, 0, tzinfo=UTC))
        day_after = ids.new_id()
    finally:
        clock.reset()
    assert day_before < low <= first <= last <= high < day_after


def test_an_open_window_covers_every_id():
    low, high = lists._id_range(None, None)
    assert low < ids.new_id() < high


def test_the_city_wide_list_walks_months_newest_first_down_to_the_first():
    assert lists._months("2026-11", "2027-02") == ["2027-02", "2027-01", "2026-12", "2026-11"]
    assert lists._months("2027-03", "2027-02") == []
