"""The holiday table the runtime reads is what the pinned `holidays` package says, for every
year it covers, and a year outside it is a clear error rather than a calendar without
holidays."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import pytest
from cityops.core.calendar import WorkingCalendar, _public_year

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import holidays_table  # noqa: E402


def test_the_committed_table_is_what_the_pinned_package_gives_for_2000_to_2100():
    committed = json.loads(holidays_table.OUTPUT.read_text(encoding="utf-8"))
    assert committed == holidays_table.build(), "run tools/holidays_table.py --write"
    assert set(committed["years"]) == {str(y) for y in range(2000, 2101)}


def test_the_runtime_calendar_reads_the_table_not_the_package():
    assert "holidays" not in (ROOT / "layers/cityops/requirements.txt").read_text()
    sys.modules.pop("holidays", None)
    _public_year.cache_clear()
    WorkingCalendar().is_working_day(date(2031, 2, 3))
    assert "holidays" not in sys.modules


def test_a_year_outside_the_table_is_refused_clearly():
    with pytest.raises(ValueError, match="2000 to 2100"):
        WorkingCalendar().is_working_day(date(2101, 1, 2))
