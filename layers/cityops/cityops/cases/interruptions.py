"""What interrupts a case: withdrawal, by some of those who filed it or by all (rút đơn,
Decree 155/2026 Art. 7a), and suspension and resumption on a recorded ground (tạm đình chỉ,
Law 136/2025; Decree 155/2026 Art. 28a-28b), with their effect on the deadline book. A part of
`cityops.cases.domain.Case`; knows no DynamoDB or HTTP."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from cityops.cases.record import Withdrawal
from cityops.cases.rules import Limits
from cityops.core.calendar import CITY_TZ, WorkingCalendar
from cityops.core.errors import Conflict
from cityops.core.obligations import Outcome

if TYPE_CHECKING:  # a mixin of `Case`, with its fields: not a model of its own
    from cityops.cases.record import CaseRecord as _Base
else:
    _Base = object


class Interruptions(_Base):
    """Withdrawal and suspension of a case (a mixin: pydantic builds one model, `Case`)."""

    def withdraw(self, reason: str, today: date) -> None:
        """Everyone who filed it and remains withdraws (rút đơn): the case is terminated and
        every limit is cancelled."""
        self.withdrawals.append(Withdrawal(persons=self.persons_remaining, reason=reason, on=today))
        self.withdrawn_persons = self.persons
        self.deadlines.close_pending(Outcome.CANCELLED)
        self.withdrawn_on, self.suspended_from = today, None
        self._milestone("withdrawn", today)

    def withdraw_in_part(self, persons: int, reason: str, today: date) -> None:
        """Some of several who filed it withdraw (Decree 155/2026 Art. 7a): the case goes on
        for the others, its limits unchanged."""
        if persons >= self.persons_remaining:
            raise Conflict(
                f"Vụ việc còn {self.persons_remaining} người đứng đơn: khi tất cả cùng rút đơn, "
                "hãy ghi nhận rút đơn (withdraw) để đình chỉ vụ việc."
            )
        self.withdrawals.append(Withdrawal(persons=persons, reason=reason, on=today))
        self.withdrawn_persons += persons
        self._milestone("withdrawn_in_part", today)

    def suspend(
        self,
        ground: str,
        reason: str,
        related_matter: str | None,
        decision: str | None,
        *,
        limits: Limits,
        actor: str,
        today: date,
    ) -> None:
        """Suspend (tạm đình chỉ, Law 136/2025; Decree 155/2026 Art. 28a) on a recorded ground:
        the clock stops (its deadlines are not chased, reminded nor counted missed); a
        complaint's decision is sent to the parties within the notice limit."""
        for deadline in self.deadlines.running():
            self.deadlines.pause(deadline.key)
        self.suspended_from, self.suspended_on = self.status, today
        self.suspension_ground, self.suspension_reason = ground, reason
        self.related_matter, self.suspension_decision = related_matter, decision
        self._open_notice("complaint.suspension_notice", limits, actor, today)
        self._milestone("suspended", today)

    def resume(self, *, limits: Limits, actor: str, today: date) -> None:
        """Resume (Decree 155/2026 Art. 28b): the time limit runs on from the date of the
        resumption decision. What was left of each paused deadline on the day it was suspended
        is counted again from today, in its own unit (working days for working-day limits,
        calendar days for the others); a complaint's decision is sent within the notice
        limit. A deadline already missed on the day it was suspended had nothing left to run
        on: it stays due when it was, and is judged late."""
        calendar = limits.calendar
        since = self.suspended_on or today
        for deadline in self.deadlines.pending():
            if deadline.status != "paused":
                continue
            old_day = deadline.due_at.astimezone(CITY_TZ).date()
            if old_day < since:
                self.deadlines.resume(deadline.key)
                continue
            if deadline.details.get("unit") == "working_days":
                left = calendar.count_working_days(since, old_day)
                self.deadlines.resume(
                    deadline.key, calendar.due_end_of_day(calendar.add_working_days(today, left))
                )
                continue
            # calendar days: to the period's own last day, not the day off it was moved past
            end = _own_end(deadline.details.get("ends_on"), old_day, calendar)
            new_end = today + timedelta(days=max(0, (end - since).days))
            due = calendar.due_end_of_day(calendar.next_working_day(new_end))
            self.deadlines.resume(deadline.key, due, details={"ends_on": new_end.isoformat()})
        self.paused_days += (today - since).days
        self.suspended_from = self.suspended_on = None
        self.suspension_ground = self.suspension_reason = None
        self.related_matter = self.suspension_decision = None
        self._open_notice("complaint.resumption_notice", limits, actor, today)
        self._milestone("resumed", today)

    def _open_notice(self, rule: str, limits: Limits, actor: str, today: date) -> None:
        """A complaint's decision to be sent to the parties, when the rule is in force."""
        limit = limits.in_force_since(rule, today) if self.kind == "complaint" else None
        if limit is not None:
            self._open(rule, limit, today, limits, actor)


def _own_end(ends_on: str | None, due_day: date, calendar: WorkingCalendar) -> date:
    """The last day of a calendar-day period whose deadline is `due_day`: the one it kept,
    while the deadline is still where a day off moved it from there; else `due_day` (a
    deadline opened before it kept one, or moved since, by an extension)."""
    if ends_on:
        end = date.fromisoformat(ends_on)
        if end <= due_day and calendar.next_working_day(end) == due_day:
            return end
    return due_day
