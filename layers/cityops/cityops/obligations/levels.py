"""Which notice an open obligation calls for today: a pure decision from the clock, the
working-day calendar and the kind's settings (no AWS).

Levels, from the least to the most pressing:

- `due_soon` (nhắc việc): due on a later day, within the kind's horizon of working days
  (counted as the calendar counts a period: the working days after today up to the due day);
- `due_today` (đến hạn): due later today;
- `overdue` (quá hạn): the deadline has passed;
- `escalated` (chuyển cấp trên): overdue by the kind's `escalate_after_working_days` or more
  working days; the escalation step is how many such periods have passed (1: the unit above,
  2: the unit above that, ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from cityops.core.calendar import CITY_TZ, WorkingCalendar
from cityops.obligations.kinds import KindSettings


class Level(StrEnum):
    DUE_SOON = "due_soon"
    DUE_TODAY = "due_today"
    OVERDUE = "overdue"
    ESCALATED = "escalated"


DETAIL_TYPES: dict[Level, str] = {
    Level.DUE_SOON: "ObligationDueSoon",
    Level.DUE_TODAY: "ObligationDueToday",
    Level.OVERDUE: "ObligationOverdue",
    Level.ESCALATED: "ObligationEscalated",
}
LEVEL_OF_DETAIL_TYPE = {v: k for k, v in DETAIL_TYPES.items()}
LATE_LEVELS = frozenset({Level.OVERDUE, Level.ESCALATED})


@dataclass(frozen=True)
class Decision:
    level: Level
    working_days_left: int = 0  # due_soon: working days after today up to the due day
    working_days_overdue: int = 0  # overdue, escalated: working days after the due day
    escalation_step: int = 0  # escalated: 1 for the unit above, 2 for the one above that, ...


def city_day(moment: datetime) -> date:
    return moment.astimezone(CITY_TZ).date()


def decide(
    due_at: datetime, now: datetime, calendar: WorkingCalendar, settings: KindSettings
) -> Decision | None:
    """The level for an obligation due at `due_at`, seen at `now`; None when it needs no
    notice yet."""
    today, due_day = city_day(now), city_day(due_at)
    if now > due_at:
        late = calendar.count_working_days(due_day, today)
        period = settings.escalate_after_working_days
        if late >= period:
            return Decision(
                Level.ESCALATED, working_days_overdue=late, escalation_step=late // period
            )
        return Decision(Level.OVERDUE, working_days_overdue=late)
    if due_day == today:
        return Decision(Level.DUE_TODAY)
    left = calendar.count_working_days(today, due_day)
    if left <= settings.horizon_working_days:
        return Decision(Level.DUE_SOON, working_days_left=left)
    return None


def horizon_end(today: date, calendar: WorkingCalendar, horizon_working_days: int) -> datetime:
    """The last instant a sweep on `today` needs to read up to: the end of the last day
    before the (horizon + 1)-th working day after today (the horizon's last working day, and
    the days off that follow it). Nothing due later can call for a notice (`decide` is None
    for it), so the sweep never reads further."""
    beyond = calendar.add_working_days(today, horizon_working_days + 1)
    return calendar.due_end_of_day(beyond - timedelta(days=1))
