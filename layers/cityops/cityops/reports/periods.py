"""Reporting periods and their cut-off windows (kỳ báo cáo, thời gian chốt số liệu), Decree
09/2019 Art. 12: monthly from the 15th of the month before to the 14th; quarterly from the
15th of the month before the quarter to the 14th of its last month; half-yearly from 15/12 to
14/06 and from 15/06 to 14/12; nine months from 15/12 to 14/09 (provincial practice); annual
from 15/12 to 14/12. Thematic and ad hoc reports have the dates their form gives.

Periods are named `2027-03`, `2027-Q1`, `2027-H1`, `2027-9M`, `2027`. The submission deadline
is a number of working days after the cut-off (at least one, Art. 8(5)).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from cityops.core.calendar import WorkingCalendar
from cityops.core.errors import InvalidInput


class PeriodType(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    NINE_MONTH = "nine_month"
    ANNUAL = "annual"
    THEMATIC = "thematic"  # chuyên đề: the dates the form gives
    AD_HOC = "ad_hoc"  # đột xuất: the dates the form gives


PERIODIC = (
    PeriodType.MONTHLY,
    PeriodType.QUARTERLY,
    PeriodType.HALF_YEARLY,
    PeriodType.NINE_MONTH,
    PeriodType.ANNUAL,
)
EXPLICIT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,23}$")
_PATTERNS = {
    PeriodType.MONTHLY: re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
    PeriodType.QUARTERLY: re.compile(r"^(\d{4})-Q([1-4])$"),
    PeriodType.HALF_YEARLY: re.compile(r"^(\d{4})-H([12])$"),
    PeriodType.NINE_MONTH: re.compile(r"^(\d{4})-9M$"),
    PeriodType.ANNUAL: re.compile(r"^(\d{4})$"),
}
FIRST_YEAR, LAST_YEAR = 2000, 2100
LABELS = {
    PeriodType.MONTHLY: "hằng tháng",
    PeriodType.QUARTERLY: "hằng quý",
    PeriodType.HALF_YEARLY: "6 tháng",
    PeriodType.NINE_MONTH: "9 tháng",
    PeriodType.ANNUAL: "hằng năm",
    PeriodType.THEMATIC: "chuyên đề",
    PeriodType.AD_HOC: "đột xuất",
}


@dataclass(frozen=True)
class Period:
    """A named period and its cut-off window, both days included."""

    name: str
    starts_on: date
    ends_on: date

    def deadline(self, calendar: WorkingCalendar, working_days: int) -> date:
        """The day a report is due: `working_days` working days after the cut-off."""
        return calendar.add_working_days(self.ends_on, working_days)


def _from_15th_before(year: int, month: int) -> date:
    """The 15th of the month before `month` of `year`."""
    return date(year - 1, 12, 15) if month == 1 else date(year, month - 1, 15)


def periodic(kind: PeriodType, name: str) -> Period:
    """The period of `kind` called `name`, or a 422 naming what is wrong."""
    pattern = _PATTERNS.get(kind)
    match = pattern.fullmatch(name) if pattern else None
    if match is None or not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
        raise InvalidInput(
            f"«{name}» không phải tên kỳ báo cáo {LABELS[kind]} (ví dụ: {example(kind)}).",
            errors=[
                {
                    "loc": ["period"],
                    "msg": f"Không phải tên kỳ báo cáo {LABELS[kind]}.",
                    "type": "value",
                }
            ],
        )
    year = int(match.group(1))
    if kind is PeriodType.MONTHLY:
        month = int(match.group(2))
        return Period(name, _from_15th_before(year, month), date(year, month, 14))
    if kind is PeriodType.QUARTERLY:
        last = 3 * int(match.group(2))
        return Period(name, _from_15th_before(year, last - 2), date(year, last, 14))
    if kind is PeriodType.HALF_YEARLY:
        if match.group(2) == "1":
            return Period(name, date(year - 1, 12, 15), date(year, 6, 14))
        return Period(name, date(year, 6, 15), date(year, 12, 14))
    if kind is PeriodType.NINE_MONTH:
        return Period(name, date(year - 1, 12, 15), date(year, 9, 14))
    return Period(name, date(year - 1, 12, 15), date(year, 12, 14))


def example(kind: PeriodType) -> str:
    return {
        PeriodType.MONTHLY: "2027-03",
        PeriodType.QUARTERLY: "2027-Q1",
        PeriodType.HALF_YEARLY: "2027-H1",
        PeriodType.NINE_MONTH: "2027-9M",
        PeriodType.ANNUAL: "2027",
    }.get(kind, "tên một kỳ báo cáo có trên biểu mẫu")


def names_of_year(kind: PeriodType, year: int) -> list[str]:
    """The periods of `kind` named for `year`, in order."""
    if kind is PeriodType.MONTHLY:
        return [f"{year}-{m:02d}" for m in range(1, 13)]
    if kind is PeriodType.QUARTERLY:
        return [f"{year}-Q{q}" for q in range(1, 5)]
    if kind is PeriodType.HALF_YEARLY:
        return [f"{year}-H1", f"{year}-H2"]
    if kind is PeriodType.NINE_MONTH:
        return [f"{year}-9M"]
    if kind is PeriodType.ANNUAL:
        return [str(year)]
    return []


def of_year(kind: PeriodType, year: int) -> list[Period]:
    return [periodic(kind, name) for name in names_of_year(kind, year)]


def opened_by(kind: PeriodType, day: date, since: date) -> list[Period]:
    """The periods of `kind` whose window has opened by `day` and ends on or after `since`
    (the day the form took effect), oldest first: what the schedule opens."""
    years = range(min(since.year, day.year), day.year + 2)  # since an earlier year: those too
    found = [p for year in years for p in of_year(kind, year)]
    return [p for p in found if p.starts_on <= day and p.ends_on >= since]
