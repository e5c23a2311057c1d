"""What a voter petition owes after its answer (NQLT 72/2025 Art. 49, 51): the answering unit
reports the results to the People's Council at least 20 working days before the next regular
session opens (`voter_petition.report_results`, opened as soon as that session is known), and
the results are published to voters within 15 working days of the report
(`voter_petition.publish_results`) and stay posted for 30 days (`posted_until`). A part of
`cityops.cases.domain.Case`; knows no DynamoDB or HTTP."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from cityops.cases.rules import Limits
from cityops.cases.sessions import CouncilSession, report_due
from cityops.core.errors import Conflict
from cityops.core.obligations import Outcome

REPORT = "voter_petition.report_results"
PUBLISH = "voter_petition.publish_results"


if TYPE_CHECKING:  # a mixin of `Case`, with its fields: not a model of its own
    from cityops.cases.record import CaseRecord as _Base
else:
    _Base = object


class PetitionDuties(_Base):
    """A petition's report of results and their publication (a mixin, like `Interruptions`)."""

    def schedule_report(
        self, next_session: CouncilSession | None, limits: Limits, actor: str | None
    ) -> bool:
        """Open, move or (when no next regular session is known any more) cancel the report
        of results; False when nothing changes (results already reported, the same day)."""
        if self.kind != "voter_petition" or self.results_reported_on is not None:
            return False
        running = self.deadlines.running(REPORT)
        if next_session is None:
            for deadline in running:
                self.deadlines.close(deadline.key, outcome=Outcome.CANCELLED)
            changed = bool(running) or self.results_due_on is not None
            self.results_due_on = self.results_session_id = None
            return changed
        day, rule = report_due(next_session, limits)
        if self.results_due_on == day and self.results_session_id == next_session.id:
            return False
        self.results_due_on, self.results_session_id = day, next_session.id
        if self.status != "forwarding":  # else the receiving unit's `forward` opens it
            self._open_report(limits, actor, rule.rule, rule.unit)
        return True

    def _open_report(
        self, limits: Limits, actor: str | None, rule: str | None = None, unit: str | None = None
    ) -> None:
        """The report's deadline, on the unit handling the petition."""
        if self.results_due_on is None or self.results_reported_on is not None:
            return
        due_at = limits.calendar.due_end_of_day(self.results_due_on)
        running = self.deadlines.running(REPORT)
        if running:
            self._move(running[0], due_at)
            return
        fields = self._deadline_fields(REPORT, None, self.results_due_on, actor)
        fields["details"] |= {"rule": rule or REPORT, "unit": unit or "working_days"}
        self.deadlines.open(REPORT, due_at, **fields)

    def report_results(self, report: str, *, limits: Limits, actor: str, today: date) -> None:
        """The answering unit reports the results to the People's Council (báo cáo kết quả
        giải quyết kiến nghị cử tri): the report's deadline is met, and publication to the
        voters is due within the `voter_petition.publish_results` limit."""
        if self.results_reported_on is not None:
            raise Conflict("Kết quả giải quyết kiến nghị này đã được báo cáo.")
        for deadline in self.deadlines.running(REPORT):
            self.deadlines.close(deadline.key)
        self.results_reported_on, self.results_report = today, report
        self._open(PUBLISH, limits.in_force(PUBLISH, today), today, limits, actor)
        self._milestone("results_reported", today)

    def publish_petition(self, limits: Limits, today: date) -> None:
        """Publish the answer to the voters (công khai): the publication deadline, if the
        results were reported, is met; the results stay posted for the posting period."""
        for deadline in self.deadlines.running(PUBLISH):
            self.deadlines.close(deadline.key)
        posting = limits.in_force("voter_petition.posting", today)
        self.posted_until = posting.due_date(today, limits.calendar)
