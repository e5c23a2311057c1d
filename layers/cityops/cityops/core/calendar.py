"""Working days (ngày làm việc) in Hanoi, Asia/Ho_Chi_Minh.

A working day is Monday to Friday that is not a day off. Days off are:

* Public holidays (ngày nghỉ lễ, tết), Labour Code 2019 Art. 112: 1/1; Tết (five days, which
  ones the Prime Minister fixes); Hùng Kings' day (10/3 lunar); 30/4; 1/5; 2/9 and one day
  before or after it. They come from the ``holidays`` package's VN calendar, as a table
  generated from the pinned package at build time (``holidays_vn.json``, by
  ``tools/holidays_table.py``, 2000–2100; the runtime does not import the package). It knows the
  lunar dates, also has 24/11 (Vietnam Culture Day, Resolution 80-NQ/TW) from 2026, and knows
  some swaps the government announced (e.g. Monday 31/8/2026 off, Saturday 22/8/2026 worked).
* In-lieu days (nghỉ bù), Labour Code 2019 Art. 111(3): a holiday on a weekly rest day
  (Saturday or Sunday for state bodies) gives the next working day off. The package adds
  these as "(observed)" days. For Tết it moves a Saturday to the working day *before*, as the
  yearly Tết notices do.
* Days off the government announces each year (``days_off``, data an admin enters).

Make-up working days (ngày làm bù), usually Saturdays, are working days: those the package
knows and those an admin enters (``working_days``). What an admin enters wins over the
package, and a make-up day wins over a day off.

Time limits, Civil Code 2015 Art. 147–148: a period in days starts the day after the event
(Art. 147). If its last day is a weekly rest day or a holiday, it ends at the end of the next
working day, and a day ends at 24:00 (Art. 148).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

CITY_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ANNOUNCED_DAY_OFF = "day off (announced)"
_SATURDAY = 5  # date.weekday(): Monday is 0
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class NonWorkingDay:
    """A day off other than a plain weekend, with its reason (a holiday's name, or
    ``ANNOUNCED_DAY_OFF``)."""

    day: date
    reason: str


@dataclass(frozen=True)
class _PublicYear:
    holidays: Mapping[date, str]  # public holidays and in-lieu days, by the package
    make_up_days: frozenset[date]  # weekend days the package says are worked


@lru_cache(maxsize=1)
def _table() -> dict[str, dict[str, object]]:
    """The generated holiday table, read once per process on first use (about 60 KB)."""
    import json
    from pathlib import Path

    text = (Path(__file__).with_name("holidays_vn.json")).read_text(encoding="utf-8")
    return json.loads(text)["years"]


@lru_cache(maxsize=32)
def _public_year(year: int) -> _PublicYear:
    # make_up_days also holds swaps across New Year (31/12/2018 off, 5/1/2019 worked).
    row = _table().get(str(year))
    if row is None:
        raise ValueError(f"the holiday table covers 2000 to 2100, not {year}")
    names: dict[str, str] = row["holidays"]  # type: ignore[assignment]
    return _PublicYear(
        holidays=MappingProxyType({date.fromisoformat(d): n for d, n in names.items()}),
        make_up_days=frozenset(date.fromisoformat(d) for d in row["make_up_days"]),  # type: ignore[union-attr]
    )


class WorkingCalendar:
    """Hanoi's working days: the law, plus the days off and make-up working days announced."""

    def __init__(self, days_off: Iterable[date] = (), working_days: Iterable[date] = ()) -> None:
        self._days_off = frozenset(days_off)
        self._working_days = frozenset(working_days)

    def is_working_day(self, d: date) -> bool:
        if d in self._working_days:
            return True
        if d in self._days_off:
            return False
        public = _public_year(d.year)
        if d in public.make_up_days:
            return True
        return d.weekday() < _SATURDAY and d not in public.holidays

    def non_working_days(self, year: int) -> list[NonWorkingDay]:
        """The year's holidays (a holiday on a weekend too) and announced weekdays off, sorted;
        no plain weekend and no make-up working day."""
        reasons = dict(_public_year(year).holidays)
        for d in self._days_off:
            if d.year == year and d.weekday() < _SATURDAY:
                reasons.setdefault(d, ANNOUNCED_DAY_OFF)
        return [
            NonWorkingDay(d, reason)
            for d, reason in sorted(reasons.items())
            if not self.is_working_day(d)
        ]

    def next_working_day(self, d: date) -> date:
        """``d`` itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(d):
            d += _ONE_DAY
        return d

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (the period starts the day after the event);
        ``start`` itself when n is 0."""
        if n < 0:
            raise ValueError(f"n must be 0 or more, got {n}")
        d = start
        for _ in range(n):
            d = self.next_working_day(d + _ONE_DAY)
        return d

    def subtract_working_days(self, end: date, n: int) -> date:
        """The n-th working day before ``end`` (``end`` itself not counted; ``end`` when n is
        0): "at least n working days before" a date. For a working day ``e``,
        ``add_working_days(subtract_working_days(e, n), n) == e``."""
        if n < 0:
            raise ValueError(f"n must be 0 or more, got {n}")
        d = end
        for _ in range(n):
            d -= _ONE_DAY
            while not self.is_working_day(d):
                d -= _ONE_DAY
        return d

    def count_working_days(self, start: date, end: date) -> int:
        """The working days d with start < d <= end; 0 if end <= start.
        ``count_working_days(s, add_working_days(s, n)) == n``."""
        days = (end - start).days
        return sum(self.is_working_day(start + timedelta(days=i)) for i in range(1, days + 1))

    def add_days(self, start: date, n: int) -> date:
        """A period of n calendar days: start + n, moved to the next working day if that is a
        day off (Civil Code Art. 148)."""
        if n < 0:
            raise ValueError(f"n must be 0 or more, got {n}")
        return self.next_working_day(start + timedelta(days=n))

    def due_end_of_day(self, d: date) -> datetime:
        """The end of day ``d`` in CITY_TZ (24:00, Civil Code Art. 148), as the last instant
        of the day, 23:59:59.999999+07:00, so ``t <= due`` holds for every t on that day."""
        return datetime.combine(d, time.max, tzinfo=CITY_TZ)
